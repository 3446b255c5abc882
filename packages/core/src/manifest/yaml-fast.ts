import { plainScalar } from "./yaml-node.js";
import type { MappingNode, PlainText, ScalarNode, SequenceNode, YamlNode } from "./yaml-node.js";

/**
 * A fast reader for the YAML that `kubectl`, Helm and people write for Secrets: block mappings of
 * `key: value` lines and block sequences of `- value` or `- key: value` items, values plain, or
 * quoted without escapes, optionally anchored (`&name value`), or aliases (`*name`) of earlier
 * anchored scalars; comments and blank lines. It yields exactly the nodes the full reader
 * (`yaml-parse.ts`) yields for such text (plain scalars in their compact form, {@link PlainText}),
 * and gives up (returns `undefined`) on anything else:
 * flow collections, tags, empty sequence items, anchors on collections, block and multi-line
 * scalars, escapes, tabs, carriage returns, document markers, odd indentation, or characters
 * YAML 1.1 and 1.2 treat differently. Reading a 1,000-Secret stream with the `yaml` package
 * alone costs several times kubeseal's whole run, and a list of a few hundred thousand items
 * several seconds and hundreds of megabytes; this keeps Signet ahead of kubeseal on both.
 */

const KEY = /^([A-Za-z0-9_][A-Za-z0-9_./-]{0,999}):(?: +|$)/;
/** Characters every reader takes literally: printable ASCII and non-ASCII text outside the
 * YAML 1.1 line breaks (NEL, LS, PS), the BOM, surrogates and non-characters. */
const SAFE_TEXT = /^[\u0020-\u007e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;
const PLAIN_START = /^[^-?:,[\]{}#&*!|>'"%@`\s]/;
/** An anchor before a value: libyaml's anchor names (letters, digits, `_`, `-`), then spaces. */
const ANCHOR = /^&([0-9A-Za-z_-]+) +/;
/** An alias value: its name, then only spaces or a comment after a space. */
const ALIAS = /^\*([0-9A-Za-z_-]+)(?: +(?:#.*)?)?$/;

interface Frame {
  indent: number;
  node: MappingNode | SequenceNode;
}

interface Pending {
  indent: number;
  node: MappingNode;
}

/**
 * A double-quoted value that is never closed: it runs to the end of the text (the caller checks
 * that nothing but a line break follows this line).
 */
const UNCLOSED: unique symbol = Symbol("unclosed");

/** A quoted value without escapes, followed only by spaces or a comment after a space. */
function quotedValue(rest: string): ScalarNode | typeof UNCLOSED | undefined {
  const end = rest.indexOf(rest[0]!, 1);
  if (end < 0) return rest[0] === '"' && !rest.includes("\\") ? UNCLOSED : undefined;
  const body = rest.slice(1, end);
  const after = rest.slice(end + 1);
  if (body.includes("\\") || !/^ *(?:#.*)?$/.test(after) || after.startsWith("#")) return undefined;
  return { kind: "scalar", value: body, tag: "", implicit: false };
}

/** The text of a plain scalar value (comment and trailing spaces cut); undefined outside the subset. */
function plainText(rest: string): string | undefined {
  if (!PLAIN_START.test(rest)) return undefined;
  const comment = rest.search(/ +#/);
  const value = (comment < 0 ? rest : rest.slice(0, comment)).replace(/ +$/, "");
  if (value.endsWith(":") || value.includes(": ")) return undefined;
  return value;
}

/** The block mappings and sequences read so far, line by line. */
class FastReader {
  private readonly stack: Frame[] = [];
  private pending: Pending | undefined;
  private readonly anchors = new Map<string, YamlNode>();
  root: MappingNode | undefined;

  /**
   * A value after `key: ` or `- `: a node; null when the value is on the next lines (after a
   * key only); undefined when this reader does not handle it.
   */
  private value(rest: string): YamlNode | typeof UNCLOSED | null | undefined {
    if (rest === "" || rest.startsWith("#")) return null;
    const anchor = ANCHOR.exec(rest);
    if (anchor) {
      const node = this.scalar(rest.slice(anchor[0].length));
      if (node === undefined || node === UNCLOSED) return undefined;
      this.anchors.set(anchor[1]!, node);
      return node;
    }
    const alias = ALIAS.exec(rest);
    if (alias) {
      const target = this.anchors.get(alias[1]!);
      return target ? { kind: "alias", name: alias[1]!, target } : undefined;
    }
    return this.scalar(rest);
  }

  /** A scalar that starts `rest` and ends the line. */
  private scalar(rest: string): ScalarNode | PlainText | typeof UNCLOSED | undefined {
    if (rest.startsWith('"') || rest.startsWith("'")) return quotedValue(rest);
    return plainText(rest);
  }

  /**
   * Reads one line at `indent` (a `key: value` line or a `- ` sequence item); false when the line
   * is outside the subset, "unclosed" when a key's value opens a double-quoted scalar that the
   * line does not close.
   */
  line(indent: number, rest: string): boolean | typeof UNCLOSED {
    if (rest === "-" || rest.startsWith("- ")) return this.item(indent, rest);
    const match = KEY.exec(rest);
    if (!match) return false;
    this.settlePending(indent, false);
    if (!this.root) {
      this.root = { kind: "mapping", children: [] };
      this.stack.push({ indent, node: this.root });
    }
    const top = this.unwind(indent, false);
    if (top?.node.kind !== "mapping" || top.indent !== indent) return false;
    return this.entry(top.node, indent, match, rest);
  }

  /** The rest of a `key: value` entry of `node` (at `indent`), its key matched. */
  private entry(
    node: MappingNode,
    indent: number,
    match: RegExpExecArray,
    rest: string,
  ): boolean | typeof UNCLOSED {
    const value = this.value(rest.slice(match[0].length));
    if (value === undefined) return false;
    if (value === UNCLOSED) return UNCLOSED;
    node.children.push(match[1]!);
    if (value === null) this.pending = { indent, node };
    else node.children.push(value);
    return true;
  }

  /** A `- ` sequence item at `indent`: a scalar, or a mapping whose first entry follows `- `. */
  private item(indent: number, rest: string): boolean {
    if (!this.root) return false;
    this.settlePending(indent, true);
    const top = this.unwind(indent, true);
    if (top?.node.kind !== "sequence" || top.indent !== indent) return false;
    const content = rest.slice(1).replace(/^ +/, "");
    const column = indent + rest.length - content.length;
    const match = KEY.exec(content);
    if (match) {
      const node: MappingNode = { kind: "mapping", children: [] };
      top.node.children.push(node);
      this.stack.push({ indent: column, node });
      return this.entry(node, column, match, content) === true;
    }
    const value = this.value(content);
    if (value === undefined || value === null || value === UNCLOSED) return false;
    top.node.children.push(value);
    return true;
  }

  /**
   * Leaves the collections that end before a line at `indent`; a sequence at the same indent
   * as its key ends at the next key of that mapping. Returns the collection the line belongs to.
   */
  private unwind(indent: number, item: boolean): Frame | undefined {
    const { stack } = this;
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top) return undefined;
      if (top.indent > indent || (!item && top.indent === indent && top.node.kind === "sequence"))
        stack.pop();
      else return top;
    }
  }

  /**
   * A key waiting for its value gets a nested mapping (deeper key line), a sequence (an item
   * as deep as the key or deeper) or an empty scalar.
   */
  settlePending(indent: number, item: boolean): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    if (item ? indent >= pending.indent : indent > pending.indent) {
      const child: MappingNode | SequenceNode = item
        ? { kind: "sequence", children: [] }
        : { kind: "mapping", children: [] };
      pending.node.children.push(child);
      this.stack.push({ indent, node: child });
    } else {
      pending.node.children.push("");
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
export function parseFastYaml(
  source: string,
): MappingNode | ScalarNode | "empty" | UnclosedQuote | undefined {
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
    const indent = /^ */.exec(line)![0].length;
    const rest = line.slice(indent);
    if (rest === "" || rest.startsWith("#")) continue;
    const read = reader.line(indent, rest);
    if (read === UNCLOSED && isLastLine(text, from)) return unclosedQuote(source);
    if (read !== true) return undefined;
  }
  reader.settlePending(-1, false);
  // An explicit `---` with nothing after it opens a document holding an empty scalar.
  return reader.root ?? (text.length < source.length ? plainScalar("") : "empty");
}

function lineEnd(text: string, from: number): number {
  const eol = text.indexOf("\n", from);
  return eol < 0 ? text.length : eol;
}

/** The line ending before `next` is the text's last, or only a final line break follows it. */
function isLastLine(text: string, next: number): boolean {
  return next >= text.length;
}
