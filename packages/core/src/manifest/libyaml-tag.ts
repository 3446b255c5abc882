import type { Composer } from "yaml";

import { utf8Bytes, utf8Text } from "./utf8.js";
import { YamlSyntaxError } from "./yaml-parse-error.js";

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
const URI_CHARS = "0-9A-Za-z\\-_;/?:@&=+$,.!~*'()[\\]%";
const URI = new RegExp(`^[${URI_CHARS}]*$`);
/** The URI characters a %TAG prefix starts with. */
const URI_PREFIX = new RegExp(`^[${URI_CHARS}]*`);

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
  // A %TAG prefix's escapes are decoded too (checkTagDirectives has checked them).
  return uriDecoded(prefix + suffix, onError);
}

/**
 * `%XX` escapes decoded as yaml_parser_scan_uri_escapes decodes them: a leading octet gives the
 * sequence's length (1 to 4 octets, `%F8` and above and a stray `%80` are errors) and each
 * octet after it must be a `%XX` continuation octet. Nothing else is checked: an overlong form
 * (`%C0%80`), a surrogate or a code point above U+10FFFF is a tag Go reads; such octets decode
 * here to U+FFFD, which no core tag holds, so the tag means what Go's means.
 */
export function uriDecoded(text: string, onError: (message: string) => void): string | null {
  if (!text.includes("%")) return text;
  const octets: number[] = [];
  let pending = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "%") {
      if (pending > 0) return escapeError(onError, "did not find URI escaped octet");
      octets.push(...utf8Bytes(text[i]!));
      continue;
    }
    const hex = text.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex))
      return escapeError(onError, "did not find URI escaped octet");
    const octet = parseInt(hex, 16);
    if (pending === 0) {
      pending = leadingWidth(octet);
      if (pending === 0) return escapeError(onError, "found an incorrect leading UTF-8 octet");
    } else if ((octet & 0xc0) !== 0x80) {
      return escapeError(onError, "found an incorrect trailing UTF-8 octet");
    }
    octets.push(octet);
    pending--;
    i += 2;
  }
  if (pending > 0) return escapeError(onError, "did not find URI escaped octet");
  return utf8Text(Uint8Array.from(octets));
}

function escapeError(onError: (message: string) => void, message: string): null {
  onError(message);
  return null;
}

/** The length of the UTF-8 sequence an octet starts, 0 when it starts none (libyaml's width). */
function leadingWidth(octet: number): number {
  if ((octet & 0x80) === 0) return 1;
  if ((octet & 0xe0) === 0xc0) return 2;
  if ((octet & 0xf0) === 0xe0) return 3;
  if ((octet & 0xf8) === 0xf0) return 4;
  return 0;
}

/**
 * The %TAG directives before the first document, checked as libyaml scans them
 * (yaml_parser_scan_tag_directive_value): the handle is `!`, `!!` or `!word!` followed by a
 * blank, the prefix is URI characters with valid escapes followed by a blank or the line's end,
 * then only a comment; a handle is declared once. The YAML 1.2 reader takes all of these in.
 * Messages are libyaml's and never repeat the directive's text.
 */
export function checkTagDirectives(text: string): void {
  const handles = new Set<string>();
  let offset = text.startsWith("\ufeff") ? 1 : 0;
  for (let line = 1; offset < text.length; line++) {
    const newline = text.indexOf("\n", offset);
    const end = newline < 0 ? text.length : newline;
    const content = text.slice(offset, end).replace(/\r$/, "");
    if (!/^(%|#|[ \t]*$)/.test(content)) return;
    const fail = (message: string): never => {
      throw new YamlSyntaxError(`line ${line}: ${message}`, { offset });
    };
    const tag = /^%TAG(?:[ \t]+|$)/.exec(content);
    if (tag) {
      const handle = tagDirective(content.slice(tag[0].length), fail);
      if (handles.has(handle)) fail("found duplicate %TAG directive");
      handles.add(handle);
    }
    offset = end + 1;
  }
}

/** One %TAG directive's value (after `%TAG` and blanks); its handle. */
function tagDirective(value: string, fail: (message: string) => never): string {
  const handle = /^![0-9A-Za-z_-]*!?/.exec(value)?.[0];
  if (handle === undefined || (handle !== "!" && !handle.endsWith("!")))
    fail("did not find expected '!'");
  const afterHandle = value.slice(handle.length);
  if (!/^[ \t]/.test(afterHandle)) fail("did not find expected whitespace");
  const rest = afterHandle.replace(/^[ \t]+/, "");
  const prefix = URI_PREFIX.exec(rest)![0];
  if (prefix === "") fail("did not find expected tag URI");
  uriDecoded(prefix, fail);
  const after = rest.slice(prefix.length);
  if (after !== "" && !/^[ \t]/.test(after)) fail("did not find expected whitespace or line break");
  if (!/^[ \t]*(#.*)?$/.test(after)) fail("did not find expected comment or line break");
  return handle;
}
