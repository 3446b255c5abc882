import { plainScalar } from "./yaml-node.js";
import type { MappingNode, YamlNode } from "./yaml-node.js";

/**
 * A fast reader for the YAML that `kubectl` and people write for Secrets: block mappings of
 * `key: value` lines, values plain, or quoted without escapes, comments and blank lines. It
 * yields exactly the nodes the full reader (`yaml-parse.ts`) yields for such text, and gives up
 * (returns `undefined`) on anything else: sequences, flow collections, anchors, tags, block and
 * multi-line scalars, escapes, tabs, carriage returns, document markers, odd indentation, or
 * characters YAML 1.1 and 1.2 treat differently. Reading a 1,000-Secret stream with the `yaml`
 * package alone costs several times kubeseal's whole run; this keeps Signet ahead of it.
 */

const KEY = /^([A-Za-z0-9_][A-Za-z0-9_./-]{0,999}):(?: +|$)/;
/** Characters every reader takes literally: printable ASCII and non-ASCII text outside the
 * YAML 1.1 line breaks (NEL, LS, PS), the BOM, surrogates and non-characters. */
const SAFE_TEXT = /^[\u0020-\u007e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;
const PLAIN_START = /^[^-?:,[\]{}#&*!|>'"%@`\s]/;

interface Frame {
  indent: number;
  node: MappingNode;
}

interface Pending {
  indent: number;
  node: MappingNode;
}

/**
 * A double-quoted value that is never closed: it runs to the end of the text (the caller checks
 * that nothing but a line break follows this line).
 */
const UNCLOSED = "unclosed";

/** A quoted value without escapes, followed only by spaces or a comment after a space. */
function quotedValue(rest: string): YamlNode | typeof UNCLOSED | undefined {
  const end = rest.indexOf(rest[0]!, 1);
  if (end < 0) return rest[0] === '"' && !rest.includes("\\") ? UNCLOSED : undefined;
  const body = rest.slice(1, end);
  const after = rest.slice(end + 1);
  if (body.includes("\\") || !/^ *(?:#.*)?$/.test(after) || after.startsWith("#")) return undefined;
  return { kind: "scalar", value: body, tag: "", implicit: false };
}

/** A scalar value after `key: `; null when the value is on the next lines; undefined when this
 * reader does not handle it. */
function scalarValue(rest: string): YamlNode | typeof UNCLOSED | null | undefined {
  if (rest === "" || rest.startsWith("#")) return null;
  if (rest.startsWith('"') || rest.startsWith("'")) return quotedValue(rest);
  if (!PLAIN_START.test(rest)) return undefined;
  const comment = rest.search(/ +#/);
  const value = (comment < 0 ? rest : rest.slice(0, comment)).replace(/ +$/, "");
  if (value.endsWith(":") || value.includes(": ")) return undefined;
  return plainScalar(value);
}

/** The block mappings read so far, line by line. */
class FastReader {
  private readonly stack: Frame[] = [];
  private pending: Pending | undefined;
  root: MappingNode | undefined;

  /**
   * Reads one `key: value` line at `indent`; false when the line is outside the subset,
   * "unclosed" when its value opens a double-quoted scalar that the line does not close.
   */
  line(indent: number, rest: string): boolean | typeof UNCLOSED {
    const match = KEY.exec(rest);
    if (!match) return false;
    this.settlePending(indent);
    if (!this.root) {
      this.root = { kind: "mapping", children: [] };
      this.stack.push({ indent, node: this.root });
    }
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.indent > indent)
      this.stack.pop();
    const top = this.stack[this.stack.length - 1];
    if (!top || top.indent !== indent) return false;
    const value = scalarValue(rest.slice(match[0].length));
    if (value === undefined) return false;
    if (value === UNCLOSED) return UNCLOSED;
    top.node.children.push(plainScalar(match[1]!));
    if (value === null) this.pending = { indent, node: top.node };
    else top.node.children.push(value);
    return true;
  }

  /** A key waiting for its value gets a nested mapping (deeper line) or an empty scalar. */
  settlePending(indent: number): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    if (indent > pending.indent) {
      const child: MappingNode = { kind: "mapping", children: [] };
      pending.node.children.push(child);
      this.stack.push({ indent, node: child });
    } else {
      pending.node.children.push(plainScalar(""));
    }
  }
}

/**
 * A document in the subset up to its last line, which opens a double-quoted value and never
 * closes it: the full reader fails at the end of the text with this error (after building the
 * whole scalar a character at a time, which for a megabyte of text costs tens of megabytes).
 */
export interface UnclosedQuote {
  unclosedQuote: { message: string; offset: number };
}

/** The `yaml` package's error for a double-quoted scalar running to the end of `source`. */
function unclosedQuote(source: string): UnclosedQuote {
  let line = 1;
  for (let i = source.indexOf("\n"); i >= 0; i = source.indexOf("\n", i + 1)) line++;
  return {
    unclosedQuote: { message: `line ${line}: Missing closing "quote`, offset: source.length },
  };
}

/**
 * The document of `text` if it is in the subset this reader handles: its root mapping (or
 * "empty" for a text of only comments and blank lines, or {@link UnclosedQuote} when its last
 * line opens a double-quoted value that never closes); undefined otherwise.
 */
export function parseFastYaml(source: string): YamlNode | "empty" | UnclosedQuote | undefined {
  // A leading `---` (kept by the document splitter) opens the document explicitly: same meaning.
  const text = source.replace(/^---(?:[ \t]+(?:#[^\n]*)?)?\n/, "");
  if (text.startsWith("---")) return undefined;
  const reader = new FastReader();
  // Line by line without splitting the text first: a megabyte of comment lines then costs no
  // more memory than one line.
  for (let from = 0; from <= text.length;) {
    const eol = lineEnd(text, from);
    const line = text.slice(from, eol);
    from = eol + 1;
    if (!SAFE_TEXT.test(line)) return undefined;
    const indent = line.length - line.trimStart().length;
    const rest = line.slice(indent);
    if (rest === "" || rest.startsWith("#")) continue;
    const read = reader.line(indent, rest);
    if (read === UNCLOSED && isLastLine(text, from)) return unclosedQuote(source);
    if (read !== true) return undefined;
  }
  reader.settlePending(-1);
  return reader.root ?? "empty";
}

function lineEnd(text: string, from: number): number {
  const eol = text.indexOf("\n", from);
  return eol < 0 ? text.length : eol;
}

/** The line ending before `next` is the text's last, or only a final line break follows it. */
function isLastLine(text: string, next: number): boolean {
  return next >= text.length;
}
