import { readFlow } from "./yaml-fast-flow.js";
import { COLLECTION_LIMIT_REFUSAL, FastState } from "./yaml-fast-state.js";
import { plainText, quotedScalar, UNCLOSED } from "./yaml-fast-scalar.js";
import { plainScalar } from "./yaml-node.js";
import type { MappingNode, PlainText, ScalarNode, SequenceNode, YamlNode } from "./yaml-node.js";

/**
 * A fast reader for the YAML that `kubectl`, Helm and people write for Secrets: block mappings of
 * `key: value` lines (plain or quoted keys) and block sequences of `- value`, `- key: value` or
 * empty `-` items; values plain, or quoted on one line (escapes included), optionally anchored
 * (`&name value`), aliases (`*name`) of earlier anchors, or flow collections (yaml-fast-flow.ts);
 * comments and blank lines. It yields exactly the nodes the full reader (`yaml-parse.ts`) yields
 * for such text (plain scalars in their compact form, {@link PlainText}), and gives up (returns
 * `undefined`) on anything else: tags, anchors on block collections, block and multi-line
 * scalars, tabs, carriage returns, document markers, odd indentation, or characters YAML 1.1
 * and 1.2 treat differently. Reading a 1,000-Secret stream with the `yaml` package alone costs
 * several times kubeseal's whole run, and a list of a few hundred thousand items several seconds
 * and hundreds of megabytes; this keeps Signet ahead of kubeseal on both, and within the bad-input
 * budget (documents with more collections than yaml-fast-state.ts allows are refused).
 */

const KEY = /^([A-Za-z0-9_][A-Za-z0-9_./-]{0,999}):(?: +|$)/;
/** After a quoted key: `:`, then spaces or the end of the line. */
const QUOTED_KEY_END = /^:(?: +|$)/;
/** libyaml's limit on a simple key (1,024 characters), with room for the full reader's count. */
const MAX_KEY = 1000;
/**
 * Characters every reader takes literally, and the line feed: printable ASCII and non-ASCII text
 * outside the YAML 1.1 line breaks (NEL, LS, PS), the BOM and non-characters; characters beyond
 * U+FFFF (emoji) too, but no lone surrogate, which marks a byte that is not UTF-8 (go-utf8.ts).
 * Matched by code point (`u`): a surrogate pair is one character.
 */
const SAFE_TEXT =
  /^[\n\u0020-\u007e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]*$/u;
/** An anchor before a value: libyaml's anchor names (letters, digits, `_`, `-`), then spaces. */
const ANCHOR = /^&([0-9A-Za-z_-]+) +/;
/** An alias value: its name, then only spaces or a comment after a space. */
const ALIAS = /^\*([0-9A-Za-z_-]+)(?: +(?:#.*)?)?$/;
/** What may follow a value on its line: spaces, then a comment after a space. */
const LINE_REST = /^(?: +(?:#.*)?)?$/;

interface Frame {
  indent: number;
  node: MappingNode | SequenceNode;
}

interface Pending {
  indent: number;
  node: MappingNode;
}

/** The block mappings and sequences read so far, line by line. */
class FastReader {
  private readonly stack: Frame[] = [];
  private pending: Pending | undefined;
  readonly state = new FastState();
  /** A root flow mapping was read: only blank and comment lines may follow. */
  private flowRoot = false;
  root: MappingNode | undefined;
  /** The indentation of a `-` with nothing after it on the line before. */
  private emptyItem: number | undefined;
  /** Where reading goes on after a flow collection that ended on a later line. */
  resume: number | undefined;

  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  /**
   * A value after `key: ` or `- ` (`rest`, at offset `at` of the text): a node; null when the
   * value is on the next lines (after a key only); undefined when this reader does not handle it.
   */
  private value(rest: string, at: number): YamlNode | typeof UNCLOSED | null | undefined {
    if (rest === "" || rest.startsWith("#")) return null;
    const anchor = ANCHOR.exec(rest);
    if (anchor) {
      const after = at + anchor[0].length;
      if (isFlowStart(this.text[after])) return this.flow(after, anchor[1]);
      const node = this.scalar(rest.slice(anchor[0].length), after);
      if (node === undefined || node === UNCLOSED) return undefined;
      this.state.setAnchor(anchor[1]!, node);
      return node;
    }
    const alias = ALIAS.exec(rest);
    if (alias) {
      return this.state.alias(alias[1]!);
    }
    if (isFlowStart(rest[0])) return this.flow(at, undefined);
    return this.scalar(rest, at);
  }

  /** A scalar that starts `rest` (at offset `at`) and ends the line. */
  private scalar(rest: string, at: number): ScalarNode | PlainText | typeof UNCLOSED | undefined {
    if (!rest.startsWith('"') && !rest.startsWith("'")) return plainText(rest);
    const read = quotedScalar(this.text, at);
    if (read === undefined || read === UNCLOSED) return read;
    return LINE_REST.test(this.text.slice(read.end, lineEnd(this.text, read.end)))
      ? read.node
      : undefined;
  }

  /**
   * A flow collection starting at `at`: its closing line may hold only spaces and a comment
   * after it, and reading goes on after that line.
   */
  private flow(at: number, anchor: string | undefined): YamlNode | undefined {
    const read = readFlow(this.text, at, this.state, anchor);
    if (!read) return undefined;
    const eol = lineEnd(this.text, read.end);
    if (!LINE_REST.test(this.text.slice(read.end, eol))) return undefined;
    this.resume = eol + 1;
    return read.node;
  }

  /**
   * Reads one line at `indent` (a `key: value` line, a `- ` sequence item, or a root flow
   * mapping), `rest` starting at offset `at`; false when the line is outside the subset,
   * "unclosed" when a key's value opens a double-quoted scalar that the line does not close.
   */
  line(indent: number, rest: string, at: number): boolean | typeof UNCLOSED {
    if (this.flowRoot || this.fillsEmptyItem(indent)) return false;
    if (rest === "-" || rest.startsWith("- ")) return this.item(indent, rest, at);
    if (!this.root && rest.startsWith("{")) return this.rootFlow(at);
    const key = this.key(rest, at);
    if (!key) return false;
    this.settlePending(indent, false);
    if (!this.root) {
      this.root = { kind: "mapping", children: [] };
      this.state.addCollection();
      this.stack.push({ indent, node: this.root });
    }
    const top = this.unwind(indent, false);
    if (top?.node.kind !== "mapping" || top.indent !== indent) return false;
    return this.entry(top.node, indent, key, at);
  }

  /**
   * The key starting `rest` (at offset `at`) and the length up to its value: a plain key, or a
   * quoted one followed by `: ` (or `:` ending the line).
   */
  private key(rest: string, at: number): { key: YamlNode; length: number } | undefined {
    const match = KEY.exec(rest);
    if (match) return { key: match[1]!, length: match[0].length };
    if (rest[0] !== '"' && rest[0] !== "'") return undefined;
    const read = quotedScalar(this.text, at);
    if (read === undefined || read === UNCLOSED || read.end - at > MAX_KEY) return undefined;
    const colon = QUOTED_KEY_END.exec(rest.slice(read.end - at));
    return colon ? { key: read.node, length: read.end - at + colon[0].length } : undefined;
  }

  /** The line (at `indent`) is deeper than a `-` with nothing after it: the item's content. */
  private fillsEmptyItem(indent: number): boolean {
    const emptyItem = this.emptyItem;
    this.emptyItem = undefined;
    return emptyItem !== undefined && indent > emptyItem;
  }

  /** A flow mapping as the document's root. */
  private rootFlow(at: number): boolean {
    const node = this.flow(at, undefined);
    if (node === undefined || typeof node === "string" || node.kind !== "mapping") return false;
    this.root = node;
    this.flowRoot = true;
    return true;
  }

  /** The rest of a `key: value` entry of `node` (at `indent`, text at offset `at`), its key matched. */
  private entry(
    node: MappingNode,
    indent: number,
    { key, length }: { key: YamlNode; length: number },
    at: number,
  ): boolean | typeof UNCLOSED {
    const value = this.value(this.text.slice(at + length, lineEnd(this.text, at)), at + length);
    if (value === undefined) return false;
    if (value === UNCLOSED) return UNCLOSED;
    node.children.push(key);
    if (value === null) this.pending = { indent, node };
    else node.children.push(value);
    return true;
  }

  /** A `- ` sequence item at `indent`: a scalar, or a mapping whose first entry follows `- `. */
  private item(indent: number, rest: string, at: number): boolean {
    if (!this.root) return false;
    this.settlePending(indent, true);
    const top = this.unwind(indent, true);
    if (top?.node.kind !== "sequence" || top.indent !== indent) return false;
    const content = rest.slice(1).replace(/^ +/, "");
    const column = indent + rest.length - content.length;
    const contentAt = at + rest.length - content.length;
    const key = this.key(content, contentAt);
    if (key) {
      const node: MappingNode = { kind: "mapping", children: [] };
      this.state.addCollection();
      top.node.children.push(node);
      this.stack.push({ indent: column, node });
      return this.entry(node, column, key, contentAt) === true;
    }
    const value = this.value(content, contentAt);
    if (value === undefined || value === UNCLOSED) return false;
    // An empty item is an empty scalar unless a deeper line gives it content (left to the full reader).
    if (value === null) this.emptyItem = indent;
    top.node.children.push(value ?? "");
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
      this.state.addCollection();
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

/** A document refused for its number of collections (yaml-fast-state.ts), whatever else it holds. */
export interface TooLarge {
  refusal: string;
}

/**
 * The document of `text` if it is in the subset this reader handles: its root mapping (or
 * "empty" for a text of only comments and blank lines, or {@link UnclosedQuote} when its last
 * line opens a double-quoted value that never closes, or {@link TooLarge}); undefined otherwise.
 */
export function parseFastYaml(
  source: string,
): MappingNode | ScalarNode | "empty" | UnclosedQuote | TooLarge | undefined {
  // A leading `---` (kept by the document splitter) opens the document explicitly: same meaning.
  const text = source.replace(/^---(?:[ \t]+(?:#[^\n]*)?)?\n/, "");
  if (text.startsWith("---") || !SAFE_TEXT.test(text)) return undefined;
  const reader = new FastReader(text);
  const read = readLines(reader, text);
  if (reader.state.overLimit) return { refusal: COLLECTION_LIMIT_REFUSAL };
  if (read === UNCLOSED) return unclosedQuote(source);
  if (read === "outside") return undefined;
  reader.settlePending(-1, false);
  if (reader.state.overLimit) return { refusal: COLLECTION_LIMIT_REFUSAL };
  // An explicit `---` with nothing after it opens a document holding an empty scalar.
  return reader.root ?? (text.length < source.length ? plainScalar("") : "empty");
}

/**
 * Feeds the lines of `text` to `reader`: "done", "outside" the subset (or over the collection
 * limit), or UNCLOSED when the last line opens a double-quoted value that never closes.
 */
function readLines(reader: FastReader, text: string): "done" | "outside" | typeof UNCLOSED {
  // Line by line without splitting the text first: a megabyte of comment lines then costs no
  // more memory than one line.
  for (let from = 0; from <= text.length;) {
    const eol = lineEnd(text, from);
    const line = text.slice(from, eol);
    const indent = /^ */.exec(line)![0].length;
    const rest = line.slice(indent);
    if (rest === "" || rest.startsWith("#")) {
      from = eol + 1;
      continue;
    }
    const read = reader.line(indent, rest, from + indent);
    if (reader.state.overLimit) return "outside";
    if (read === UNCLOSED && isLastLine(text, eol + 1)) return UNCLOSED;
    if (read !== true) return "outside";
    from = reader.resume ?? eol + 1;
    reader.resume = undefined;
  }
  return "done";
}

function isFlowStart(c: string | undefined): boolean {
  return c === "[" || c === "{";
}

function lineEnd(text: string, from: number): number {
  const eol = text.indexOf("\n", from);
  return eol < 0 ? text.length : eol;
}

/** The line ending before `next` is the text's last, or only a final line break follows it. */
function isLastLine(text: string, next: number): boolean {
  return next >= text.length;
}
