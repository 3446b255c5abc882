import type { Composer } from "yaml";

/**
 * Tags read as libyaml reads them (yaml_parser_scan_tag, yaml_parser_scan_tag_uri and
 * yaml_parser_parse_node's handle lookup), where the YAML 1.2 reader differs:
 * - the handle is `!`, `!!` or `!word!`, and the suffix after it may hold `!`: `!!Passw0rd!` is
 *   the handle `!!` with the suffix `Passw0rd!` (the YAML 1.2 reader takes the handle
 *   `!!Passw0rd!` and fails, where kubeseal seals an empty value);
 * - a verbatim `!<!>` or `!<!!>` is an ordinary tag, not an error;
 * - a tag's characters are URI characters: a `#` in one, or anything else in a verbatim tag, is
 *   an error where the YAML 1.2 reader takes it in.
 * The tag's text never appears in an error: it can be a password written unquoted.
 */
export function readTagsAsLibyaml(composer: Composer): void {
  // The stream's directives make each document's (atDocument); the composer resolves every tag
  // with the document's tagName. Both are per parse: nothing outside this composer changes.
  const stream = (composer as unknown as { directives: TagDirectives }).directives;
  const atDocument = stream.atDocument.bind(stream);
  stream.atDocument = () => {
    const doc = atDocument();
    doc.tagName = (source, onError) => libyamlTagName(doc.tags, source, onError);
    return doc;
  };
}

/** The part of the `yaml` package's Directives that tags go through. */
interface TagDirectives {
  tags: Record<string, string>;
  tagName(source: string, onError: (message: string) => void): string | null;
  atDocument(): TagDirectives;
}

/** libyaml's URI characters (yaml_parser_scan_tag_uri), `%` escapes checked apart. */
const URI = /^[0-9A-Za-z\-_;/?:@&=+$,.!~*'()[\]%]*$/;

/** A handle as yaml_parser_scan_tag_handle reads one: `!`, then word characters, then `!`. */
const HANDLE = /^!(?:[0-9A-Za-z_-]*!)?/;

function libyamlTagName(
  tags: Record<string, string>,
  source: string,
  onError: (message: string) => void,
): string | null {
  if (source === "!") return "!";
  if (source.startsWith("!<")) {
    const verbatim = source.slice(2, -1);
    if (!source.endsWith(">") || !URI.test(verbatim)) {
      onError("did not find the expected '>'");
      return null;
    }
    if (verbatim === "") {
      onError("did not find expected tag URI");
      return null;
    }
    return uriDecoded(verbatim, onError);
  }
  if (!URI.test(source)) {
    onError("did not find expected whitespace or line break");
    return null;
  }
  // Without a closing `!` the handle is `!` and the rest the suffix of a local tag (`!x`).
  const handle = HANDLE.exec(source)![0];
  const suffix = source.slice(handle.length);
  if (suffix === "") {
    onError("did not find expected tag URI");
    return null;
  }
  // `!` is the primary handle, itself unless a %TAG directive says otherwise.
  const prefix = tags[handle] ?? (handle === "!" ? "!" : undefined);
  if (prefix === undefined) {
    onError("found undefined tag handle");
    return null;
  }
  const decoded = uriDecoded(suffix, onError);
  return decoded === null ? null : prefix + decoded;
}

/** `%XX` escapes decoded as libyaml decodes them (UTF-8 octets); an error when they are not. */
function uriDecoded(text: string, onError: (message: string) => void): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    onError("did not find URI escaped octet");
    return null;
  }
}
