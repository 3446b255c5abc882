import {
  Composer,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Parser,
  Scalar,
} from "yaml";
import type { Document, Node as YNode, Pair } from "yaml";

import { scanAfterRoot } from "./libyaml-scan.js";
import { checkTagDirectives, readTagsAsLibyaml } from "./libyaml-tag.js";
import { YamlSyntaxError } from "./yaml-parse-error.js";
import { plainScalar } from "./yaml-node.js";
import type { YamlNode } from "./yaml-node.js";
import { appendAll } from "../append.js";
import {
  hasEscapedBreak,
  hasLineSeparator,
  libyamlDoubleQuoted,
  libyamlSingleQuoted,
  QuotedScalarError,
} from "./double-quoted.js";
import { explicitKeyBefore, withoutTrailingComments } from "./look-back.js";

/**
 * Reads one YAML document with the `yaml` package and turns it into the nodes go-yaml v2's
 * decoder works on. The package parses YAML 1.2 syntax, libyaml (under go-yaml) YAML 1.1; the
 * differences are handled so that no text is read with another meaning than Go's:
 * - where libyaml reads a text the package refuses (`{a: -}`, `"\'"`), Signet refuses it too:
 *   its syntax error is flagged `yaml12` (README: "Where Signet differs from kubeseal");
 * - where libyaml refuses what the package accepts (a multi-line key in a flow mapping, a
 *   directive without a document, anchors named with dots), Signet reports libyaml's error;
 * - where libyaml stops reading early (after a root flow collection or quoted scalar it only
 *   scans a little further, see libyaml-scan.ts), only that part is read;
 * - a lone CR and NEL are line breaks for libyaml; they are read as LF;
 * - U+2028 and U+2029 are line breaks for libyaml too: inside a quoted scalar they are read as
 *   libyaml reads them (double-quoted.ts), anywhere else the document is refused.
 * Only the first document of the text counts, as go-yaml's `Unmarshal` reads only it.
 */
export { YamlSyntaxError };

/** Nesting deeper than this is refused: no manifest needs it and it bounds the reader's stack. */
export const MAX_NESTING = 1000;

/** libyaml's anchor and alias names: letters, digits, `_` and `-` only. */
const ANCHOR_NAME = /^[0-9A-Za-z_-]+$/;

const OPTIONS = { version: "1.1", schema: "failsafe", uniqueKeys: false, strict: false } as const;

/**
 * Flow collections (`[`, `{`) nested deeper than this are refused before parsing: the YAML
 * package's parser recurses per level and runs out of stack near 800 levels, and a stack
 * overflow inside V8's regular-expression compiler aborts the whole process instead of throwing
 * (one request could stop the controller). Go's limit is 10,000; no manifest comes near 256.
 */
export const MAX_FLOW_NESTING = 256;

/**
 * The offset where flow nesting first passes `limit`, or -1. Quoted scalars and comments are
 * skipped the way libyaml's scanner sees them at a token start.
 */
export function flowNestingExceeded(text: string, limit: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const skipTo = skippedTo(text, i, c);
    if (skipTo !== undefined) i = skipTo;
    else if (c === "[" || c === "{") {
      if (++depth > limit) return i;
    } else if ((c === "]" || c === "}") && depth > 0) depth--;
  }
  return -1;
}

/** Where a comment or quoted scalar starting at `i` ends, or undefined when none starts there. */
function skippedTo(text: string, i: number, c: string): number | undefined {
  const after = i === 0 ? " " : text[i - 1]!;
  if (c === "#" && /\s/.test(after)) {
    const eol = text.indexOf("\n", i);
    return eol < 0 ? text.length : eol;
  }
  if ((c === '"' || c === "'") && /[\s[{,:]/.test(after)) return closingQuote(text, i);
  return undefined;
}

/** The offset of the quote closing the quoted scalar opened at `open` (or the end). */
function closingQuote(text: string, open: number): number {
  const q = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (q === '"' && text[i] === "\\") i++;
    else if (text[i] === q) {
      if (q === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return text.length;
}

function firstDocument(text: string): Document.Parsed | undefined {
  const deep = flowNestingExceeded(text, MAX_FLOW_NESTING);
  if (deep >= 0) {
    throw new YamlSyntaxError(
      `line ${lineOf(text, deep)}: flow collections nested deeper than ${MAX_FLOW_NESTING} levels are not supported`,
      { offset: deep },
    );
  }
  const composer = new Composer(OPTIONS);
  readTagsAsLibyaml(composer);
  for (const doc of composer.compose(new Parser().parse(text))) return doc;
  return undefined;
}

function columnOf(text: string, offset: number): number {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  // libyaml's columns do not count a byte-order mark.
  return offset - lineStart - (lineStart === 0 && text.startsWith("\ufeff") ? 1 : 0);
}

/** libyaml's line number at `offset`: U+2028 and U+2029 end lines too (see lineSeparators). */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 0x2028 || c === 0x2029) line++;
  }
  return line;
}

interface Builder {
  text: string;
  anchors: Map<string, YamlNode>;
  depth: number;
  /** Inside a flow collection (libyaml ends plain scalars at `?` there). */
  flow: boolean;
  /** libyaml's indentation level: the column of the innermost block collection (-1: none). */
  indent: number;
  /** The closing bracket of the innermost flow collection (for libyaml's error wording). */
  closer: "]" | "}";
}

/**
 * libyaml's anchor and alias names are letters, digits, `-` and `_`: it ends a name at one of
 * `?:,]}%@\`` (the rest then means something else, so Signet refuses the text) and refuses any
 * other character.
 */
function checkAnchor(name: string, b: Builder, offset: number): void {
  if (ANCHOR_NAME.test(name)) return;
  const bad = /[^0-9A-Za-z_-]/.exec(name)![0];
  if ("?:,]}%@`".includes(bad) && bad !== name[0]) {
    throw new YamlSyntaxError(
      `an anchor or alias name containing '${bad}' is read differently by YAML 1.1 and YAML 1.2 parsers`,
      { deliberate: true, offset },
    );
  }
  throw new YamlSyntaxError(
    `line ${lineOf(b.text, offset)}: did not find expected alphabetic or numeric character`,
    { offset },
  );
}

/**
 * In a flow collection libyaml ends a plain scalar at `?` (which then starts a key) and takes a
 * leading `:` as the value indicator; a leading `?` is read differently by the two readers.
 */
function checkFlowPlain(value: string, b: Builder, offset: number | undefined): void {
  if (value.startsWith("?")) {
    throw new YamlSyntaxError(
      "a plain scalar starting with '?' in a flow collection is read differently by YAML 1.1 and YAML 1.2 parsers",
      { deliberate: true, offset },
    );
  }
  if (value.includes("?") || value.startsWith(":")) {
    throw new YamlSyntaxError(
      `line ${lineOf(b.text, offset ?? 0)}: did not find expected ',' or '}'`,
      { offset },
    );
  }
}

/**
 * In a flow collection libyaml ends a plain scalar at `: ` or a flow indicator, so `a:` right
 * before `,`, `]`, `}`, `[` or `{` keeps its colon: `{a:, b: c}` has the key "a:", `[a:]` is the
 * string "a:", and `{a:{}}` fails (a second collection where a `,` or `}` must come), where the
 * YAML 1.2 reader makes `a` a key each time. The failure is reported as libyaml's; the others
 * are refused (read differently).
 */
function checkColonAfterPlain(node: Scalar, b: Builder): void {
  const end = node.range?.[1];
  if (end === undefined || b.text[end] !== ":") return;
  const next = b.text[end + 1];
  if (next === "[" || next === "{") {
    throw new YamlSyntaxError(
      `line ${lineOf(b.text, end)}: did not find expected ',' or '${b.closer}'`,
      { offset: end },
    );
  }
  if (next === "," || next === "]" || next === "}") {
    throw new YamlSyntaxError(
      "a plain scalar ending with ':' before ',', ']' or '}' in a flow collection is read differently by YAML 1.1 and YAML 1.2 parsers",
      { deliberate: true, offset: end },
    );
  }
}

function scalarNode(node: Scalar, b: Builder): YamlNode {
  const tag = node.tag ?? "";
  const plain = node.type === Scalar.PLAIN;
  let value = String(node.value);
  if (plain && b.flow) {
    checkFlowPlain(value, b, node.range?.[0]);
    checkColonAfterPlain(node, b);
  }
  if (node.type === Scalar.QUOTE_DOUBLE) checkEscapes(node, b);
  value = quotedValue(node, b) ?? value;
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    checkBlockIndent(node, b);
    value = explicitBlockValue(node, b) ?? value;
  }
  return { kind: "scalar", value, tag, implicit: (plain && tag === "") || tag === "!" };
}

/** A block scalar's header: its style and the rest of the line (indicators, a comment). */
const BLOCK_HEADER = /([|>])([^\n]*)/y;

const BLOCK_WHITESPACE_REFUSAL =
  "a block scalar with an indentation indicator and lines of spaces only is read differently by YAML 1.1 and YAML 1.2 parsers";

/** A block scalar header with an indentation indicator, as libyaml reads it. */
interface ExplicitHeader {
  literal: boolean;
  /** The scalar's indentation: the enclosing block collection's plus the indicator. */
  indent: number;
  /** -1 strip, 0 clip, 1 keep. */
  chomping: number;
  /** Where the header's line ends. */
  lineEnd: number;
}

function explicitHeader(node: Scalar, b: Builder): ExplicitHeader | undefined {
  BLOCK_HEADER.lastIndex = node.range?.[0] ?? 0;
  const header = BLOCK_HEADER.exec(b.text);
  const indicators = header ? /^[-+1-9]*/.exec(header[2]!)![0] : "";
  const increment = /[1-9]/.exec(indicators);
  if (!header || !increment) return undefined;
  return {
    literal: header[1] === "|",
    indent: Math.max(b.indent, 0) + Number(increment[0]),
    chomping: indicators.includes("+") ? 1 : indicators.includes("-") ? -1 : 0,
    lineEnd: header.index + header[0].length,
  };
}

/**
 * The value libyaml gives a block scalar with an indentation indicator (`|2`, `>1+`). A line of
 * spaces only with more spaces than the scalar's indentation is content to libyaml (a
 * more-indented line of spaces, kept like any other), where the YAML 1.2 reader drops it as an
 * empty line when no other content follows it. Undefined without an indicator (both readers
 * agree there) and at a tab in the indentation (libyaml's error; the YAML 1.2 reader's own
 * checks apply). Learned from go-yaml v2's `yaml_parser_scan_block_scalar` and `_breaks`.
 */
function explicitBlockValue(node: Scalar, b: Builder): string | undefined {
  const header = explicitHeader(node, b);
  if (!header) return undefined;
  const read = new LibyamlBlock(b.text, header).read();
  if (!read) return undefined;
  const end = node.range?.[1] ?? read.end;
  // Both readers must end the scalar at the same line, give or take lines of spaces.
  const gap = b.text.slice(Math.min(end, read.end), Math.max(end, read.end));
  if (header.lineEnd < b.text.length && !/[^ \n]/.test(gap)) return read.value;
  if (read.value === String(node.value)) return undefined;
  throw new YamlSyntaxError(BLOCK_WHITESPACE_REFUSAL, {
    deliberate: true,
    offset: node.range?.[0],
  });
}

/** libyaml's block scalar scanner over the lines after an explicit header. */
class LibyamlBlock {
  private i: number;
  private value = "";
  private leadingBreak = "";
  private trailingBreaks = "";
  private leadingBlank = false;

  private readonly text: string;
  private readonly header: ExplicitHeader;

  constructor(text: string, header: ExplicitHeader) {
    this.text = text;
    this.header = header;
    this.i = header.lineEnd + 1;
  }

  /** The value and where the scalar ends; undefined at a tab in the indentation. */
  read(): { value: string; end: number } | undefined {
    const { indent, chomping } = this.header;
    let column = this.breaks();
    while (column === indent && this.i < this.text.length) {
      this.line();
      column = this.breaks();
    }
    if (column === undefined) return undefined;
    if (chomping !== -1) this.value += this.leadingBreak;
    if (chomping === 1) this.value += this.trailingBreaks;
    return { value: this.value, end: this.i - column };
  }

  /** Skips empty lines (at most `indent` spaces each): the column reached on the next line. */
  private breaks(): number | undefined {
    const { text, header } = this;
    for (;;) {
      let column = 0;
      while (column < header.indent && text[this.i] === " ") {
        this.i++;
        column++;
      }
      if (column < header.indent && text[this.i] === "\t") return undefined;
      if (text[this.i] !== "\n") return column;
      this.trailingBreaks += "\n";
      this.i++;
    }
  }

  /** One content line: folded onto the previous one unless either starts with a blank. */
  private line(): void {
    const { text } = this;
    const trailingBlank = text[this.i] === " " || text[this.i] === "\t";
    const folds = !this.header.literal && !this.leadingBlank && !trailingBlank;
    if (folds && this.leadingBreak === "\n") {
      if (this.trailingBreaks === "") this.value += " ";
    } else this.value += this.leadingBreak;
    this.value += this.trailingBreaks;
    this.trailingBreaks = "";
    this.leadingBlank = trailingBlank;
    const eol = text.indexOf("\n", this.i);
    const stop = eol < 0 ? text.length : eol;
    this.value += text.slice(this.i, stop);
    this.leadingBreak = eol < 0 ? "" : "\n";
    this.i = eol < 0 ? stop : stop + 1;
  }
}

/**
 * libyaml's value of a quoted scalar where the YAML 1.2 reader's differs: one holding U+2028 or
 * U+2029, or a double-quoted one with an escaped line break (see double-quoted.ts).
 */
function quotedValue(node: Scalar, b: Builder): string | undefined {
  const inner = quotedInner(node, b.text);
  if (!inner) return undefined;
  const source = b.text.slice(inner.start, inner.end);
  const single = node.type === Scalar.QUOTE_SINGLE;
  if (!hasLineSeparator(source) && (single || !hasEscapedBreak(source))) return undefined;
  try {
    return single ? libyamlSingleQuoted(source) : libyamlDoubleQuoted(source);
  } catch (err) {
    if (!(err instanceof QuotedScalarError)) throw err;
    const at = inner.start + err.offset;
    throw new YamlSyntaxError(`line ${lineOf(b.text, at)}: ${err.message}`, { offset: at });
  }
}

/** Where the text between a quoted scalar's quotes starts and ends. */
function quotedInner(node: YNode, text: string): { start: number; end: number } | undefined {
  if (!isScalar(node) || !node.range) return undefined;
  if (node.type !== Scalar.QUOTE_DOUBLE && node.type !== Scalar.QUOTE_SINGLE) return undefined;
  const quote = node.type === Scalar.QUOTE_DOUBLE ? '"' : "'";
  const [start, end] = node.range;
  const open = text.indexOf(quote, start);
  const close = text.lastIndexOf(quote, end - 1);
  if (open < 0 || open >= end || close <= open) return undefined;
  return { start: open + 1, end: close };
}

export const LINE_SEPARATOR_REFUSAL =
  "the document contains a Unicode line separator (U+2028 or U+2029) outside a quoted scalar, which YAML 1.1 tools read as a line break and YAML 1.2 tools do not";

/**
 * U+2028 and U+2029 are line breaks to libyaml and content to the YAML 1.2 reader. Inside a
 * quoted scalar Signet reads them as libyaml does; anywhere else (a plain or block scalar, a
 * comment, between tokens) the two readers build different documents, and Signet refuses it.
 */
function checkLineSeparators(text: string, end: number, node: YNode | null): void {
  const first = text.slice(0, end).search(/[\u2028\u2029]/);
  if (first < 0) return;
  const inQuoted = insideAny(quotedSpans(text, node), true);
  const separator = /[\u2028\u2029]/g;
  separator.lastIndex = first;
  for (let m = separator.exec(text); m && m.index < end; m = separator.exec(text)) {
    if (!inQuoted(m.index)) {
      throw new YamlSyntaxError(LINE_SEPARATOR_REFUSAL, { deliberate: true, offset: m.index });
    }
  }
}

/** The spans between the quotes of a document's quoted scalars. */
function quotedSpans(
  text: string,
  node: unknown,
  out: [number, number][] = [],
): [number, number][] {
  if (isPair(node)) {
    quotedSpans(text, node.key, out);
    quotedSpans(text, node.value, out);
  } else if (isCollection(node)) {
    for (const item of node.items) quotedSpans(text, item, out);
  } else if (isScalar(node)) {
    const inner = quotedInner(node, text);
    if (inner) out.push([inner.start, inner.end]);
  }
  return out;
}

/**
 * libyaml's double-quoted escapes are YAML 1.1's: no `\/`, and `\x`, `\u`, `\U` must name a
 * Unicode scalar value (no surrogates), where the YAML 1.2 reader is more lenient.
 */
function checkEscapes(node: Scalar, b: Builder): void {
  const [start, end] = node.range ?? [0, 0];
  const source = b.text.slice(start, end);
  for (const m of source.matchAll(/\\(?:([xuU])([0-9a-fA-F]*)|(.))/gs)) {
    const at = start + m.index;
    if (m[3] === "/")
      throw new YamlSyntaxError(`line ${lineOf(b.text, at)}: found unknown escape character`, {
        offset: at,
      });
    if (!m[1]) continue;
    const width = m[1] === "x" ? 2 : m[1] === "u" ? 4 : 8;
    const code = parseInt(m[2]!.slice(0, width), 16);
    if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) {
      throw new YamlSyntaxError(
        `line ${lineOf(b.text, at)}: found invalid Unicode character escape code`,
        { offset: at },
      );
    }
  }
}

/**
 * A block scalar whose indentation libyaml detects from its first line refuses a tab right
 * after that line's indentation ("found a tab character where an indentation space is
 * expected"); the YAML 1.2 reader keeps it as content.
 */
function checkBlockIndent(node: Scalar, b: Builder): void {
  const [start, end] = node.range ?? [0, 0];
  const source = b.text.slice(start, end);
  const header = /^[|>][^\n]*\n?/.exec(source);
  if (!header || /[1-9]/.test(header[0])) return;
  const firstLine = /^(?: *\n)* *\t/.exec(source.slice(header[0].length));
  if (firstLine) {
    const at = start + header[0].length + firstLine[0].length - 1;
    throw new YamlSyntaxError(
      `line ${lineOf(b.text, at)}: found a tab character where an indentation space is expected`,
      { offset: at },
    );
  }
}

/**
 * An entry without a key (`: value`) is an error for libyaml unless the key is explicitly
 * empty (`? ` before it); the YAML 1.2 reader takes it as an empty key.
 */
function checkMissingKey(pair: Pair, b: Builder): void {
  const key = pair.key as YNode | null;
  const emptyPlain =
    isScalar(key) && key.type === Scalar.PLAIN && key.source === "" && !key.tag && !key.anchor;
  if (key !== null && key !== undefined && !emptyPlain) return;
  const value = pair.value as YNode | null;
  const at = value?.range?.[0];
  if (at === undefined) return;
  const colon = b.text.lastIndexOf(":", at);
  if (withoutTrailingComments(b.text, Math.max(colon, 0)).endsWith("?")) return;
  throw new YamlSyntaxError(`line ${lineOf(b.text, at)}: did not find expected key`, {
    offset: colon,
  });
}

/**
 * libyaml takes a key in a flow collection as a simple key only when it and its `:` are on one
 * line; otherwise the key becomes an entry of its own and the `:` is an error.
 */
function checkFlowKey(key: YNode | null, b: Builder): void {
  if (!key?.range) return;
  const [start, end] = key.range;
  if (explicitKeyBefore(b.text, start)) return;
  const colon = /^(?:\s|#[^\n]*)*:/.exec(b.text.slice(end));
  const span = b.text.slice(start, end + (colon ? colon[0].length : 0));
  if (!/[\n\u2028\u2029]/.test(span)) return;
  throw new YamlSyntaxError(`line ${lineOf(b.text, end)}: did not find expected ',' or '}'`, {
    offset: end,
  });
}

/**
 * After a quoted key in a flow collection only `:`, `,` or the closing bracket may come (libyaml:
 * "did not find expected ',' or '}'"); the `yaml` package takes a tag or anchor there (`{'k' !x}`)
 * as the empty value's and drops it, which would read `{k: null}`.
 */
/** Blanks, line breaks and comments, then the next character (sticky: read from lastIndex). */
const AFTER_FLOW_KEY = /(?:[ \t\r\n]|#[^\n]*)*(.?)/y;

function checkAfterFlowKey(key: YNode | null, b: Builder): void {
  if (!isScalar(key) || key.type === Scalar.PLAIN || !key.range) return;
  AFTER_FLOW_KEY.lastIndex = key.range[1];
  const next = AFTER_FLOW_KEY.exec(b.text)![1]!;
  if (next === "" || ":,}]".includes(next)) return;
  throw new YamlSyntaxError(
    `line ${lineOf(b.text, key.range[1])}: did not find expected ',' or '}'`,
    {
      offset: key.range[1],
    },
  );
}

/**
 * A `:` on the line where a key holding U+2028 or U+2029 ends (a quoted scalar with one, or a
 * flow collection holding such a scalar): to libyaml the key spans lines, so it is no simple key,
 * and in block context that is an error, explicit key (`?`) or not. A key at its mapping's
 * indentation after the first (the key is then required) fails as "could not find expected
 * ':'", any other as "mapping values are not allowed in this context". Learned from go-yaml v2's
 * `yaml_parser_stale_simple_keys` and `yaml_parser_fetch_value`.
 */
function checkBlockKeyLines(key: YNode | null, b: Builder, first: boolean): void {
  if (!key?.range) return;
  const [start, end] = key.range;
  const source = b.text.slice(start, end);
  if (!hasLineSeparator(source)) return;
  const colon = /^[ \t]*:/.exec(b.text.slice(end));
  if (!colon) return;
  const at = end + colon[0].length - 1;
  const required = !first && columnOf(b.text, start) === b.indent;
  const problem = required
    ? "could not find expected ':'"
    : "mapping values are not allowed in this context";
  throw new YamlSyntaxError(`line ${lineOf(b.text, at)}: ${problem}`, { offset: at });
}

function isEmptyKey(key: unknown): boolean {
  return (
    key === null ||
    key === undefined ||
    (isScalar(key) && key.type === Scalar.PLAIN && key.source === "" && !key.tag && !key.anchor)
  );
}

/** A flow collection holding one pair whose key is empty. */
function hasEmptyKey(map: YNode): boolean {
  return isMap(map) && map.items.length === 1 && isEmptyKey(map.items[0]!.key);
}

/** An explicit `?` without a key inside a flow sequence: libyaml (v2) fails on it. */
function checkExplicitKeyInSequence(pair: Pair, b: Builder): void {
  const key = pair.key as YNode | null;
  const value = pair.value as YNode | null;
  const at = key?.range?.[0] ?? value?.range?.[0];
  if (isEmptyKey(key)) {
    throw new YamlSyntaxError(`line ${lineOf(b.text, at ?? 0)}: did not find expected ',' or ']'`, {
      offset: at,
    });
  }
}

/**
 * libyaml keeps a possible simple key (`key:`) for at most 1,024 characters: a `:` further from
 * the key's start finds the key stale. In block context the key was required, so that is an
 * error ("could not find expected ':'"); in a flow collection the key becomes an entry of its
 * own and the `:` an error there. Learned from go-yaml v2's `yaml_parser_stale_simple_keys`.
 */
function checkKeyLength(key: YNode | null, b: Builder, flow: boolean, from?: number): void {
  if (!key?.range) return;
  const [keyStart, end] = key.range;
  const start = from ?? keyStart;
  if (end - start < 1024 || explicitKeyBefore(b.text, start)) return;
  const colon = b.text.indexOf(":", end);
  if (colon < 0 || [...b.text.slice(start, colon)].length <= 1024) return;
  const problem = flow ? "did not find expected ',' or '}'" : "could not find expected ':'";
  throw new YamlSyntaxError(`line ${lineOf(b.text, colon)}: ${problem}`, { offset: colon });
}

/**
 * A block mapping whose first key is empty and written after properties on its line
 * (`  !x : v`, `  &a : v`): libyaml gives the properties to that key (a tagged or anchored empty
 * scalar), the YAML 1.2 reader to the mapping. Properties on a line of their own (`!!map` above
 * the keys) are the mapping's for both.
 */
function propertiesOnFirstKey(map: YNode, b: Builder): boolean {
  if (!isMap(map) || map.flow || (map.tag === undefined && map.anchor === undefined)) return false;
  const key = map.items[0]?.key as YNode | null | undefined;
  const at = key?.range?.[0];
  if (!isEmptyKey(key) || at === undefined) return false;
  return /\S/.test(b.text.slice(b.text.lastIndexOf("\n", at - 1) + 1, at));
}

/** The offset of the first non-blank character on the line holding `offset`. */
function lineContentStart(text: string, offset: number): number {
  let at = text.lastIndexOf("\n", offset - 1) + 1;
  while (at < offset && (text[at] === " " || text[at] === "\t")) at++;
  return at;
}

/**
 * The empty first key {@link propertiesOnFirstKey} finds, with the mapping's tag (resolved as
 * a scalar's: `!` or none leaves it implicit, a null) and anchor.
 */
function emptyKeyWithProperties(map: YNode, b: Builder): YamlNode {
  const tag = map.tag ?? "";
  const built: YamlNode = { kind: "scalar", value: "", tag, implicit: tag === "" || tag === "!" };
  register(map, built, b);
  return built;
}

function convertPairs(
  pairs: readonly Pair[],
  b: Builder,
  flow: boolean,
  firstKey?: YamlNode,
): YamlNode[] {
  const children: YamlNode[] = [];
  for (const pair of pairs) {
    if (firstKey !== undefined && pair === pairs[0]) {
      // The simple key starts at the properties, the first non-blank of the line.
      const from = lineContentStart(b.text, (pair.key as YNode).range![0]);
      checkKeyLength(pair.key as YNode, b, false, from);
      children.push(firstKey, convert(pair.value as YNode | null, b));
      continue;
    }
    checkMissingKey(pair, b);
    // The key's anchor first: where libyaml ends its name earlier (`&x:`), the two readers
    // disagree on the key itself, and the checks below would report a consequence of that.
    const keyNode = pair.key as YNode | null;
    if (keyNode?.anchor !== undefined) checkAnchor(keyNode.anchor, b, keyNode.range?.[0] ?? 0);
    checkKeyLength(keyNode, b, flow);
    if (flow) {
      checkFlowKey(pair.key as YNode | null, b);
      checkAfterFlowKey(pair.key as YNode | null, b);
    } else checkBlockKeyLines(pair.key as YNode | null, b, pair === pairs[0]);
    children.push(convert(pair.key as YNode | null, b), convert(pair.value as YNode | null, b));
  }
  return children;
}

function register(node: YNode, built: YamlNode, b: Builder): void {
  if (node.anchor === undefined) return;
  checkAnchor(node.anchor, b, node.range?.[0] ?? 0);
  b.anchors.set(node.anchor, built);
}

/** The items of a sequence node. */
function convertItems(items: readonly unknown[], b: Builder, flow: boolean): YamlNode[] {
  return items.map((item) => {
    // A `key: value` inside a flow sequence is a one-pair mapping; libyaml has no `? key` there.
    if (isPair(item)) {
      checkExplicitKeyInSequence(item, b);
      return { kind: "mapping", children: convertPairs([item], b, true) };
    }
    if (isMap(item) && flow) checkEmptyExplicitKey(item, b);
    return convert(item as YNode | null, b);
  });
}

/** `[? ]`-like items: an explicit empty key in a flow sequence, which libyaml refuses. */
function checkEmptyExplicitKey(item: YNode, b: Builder): void {
  if (!item.range || !explicitKeyBefore(b.text, item.range[0]) || !hasEmptyKey(item)) return;
  throw new YamlSyntaxError(
    `line ${lineOf(b.text, item.range[0])}: did not find expected ',' or ']'`,
    { offset: item.range[0] },
  );
}

function convertContent(
  node: YNode,
  b: Builder,
  flow: boolean,
  keyProperties: boolean,
): YamlNode[] {
  if (isMap(node)) {
    const firstKey = keyProperties ? emptyKeyWithProperties(node, b) : undefined;
    return convertPairs(node.items, b, flow, firstKey);
  }
  return isSeq(node) ? convertItems(node.items, b, flow) : [];
}

function convertCollection(node: YNode, b: Builder): YamlNode {
  if (++b.depth > MAX_NESTING) {
    throw new YamlSyntaxError(`nesting deeper than ${MAX_NESTING} levels is not supported`, {
      deliberate: true,
      offset: node.range?.[0],
    });
  }
  const built: YamlNode = isMap(node)
    ? { kind: "mapping", children: [] }
    : { kind: "sequence", children: [] };
  const keyProperties = propertiesOnFirstKey(node, b);
  // go-yaml registers a collection's anchor before reading its content.
  if (!keyProperties) register(node, built, b);
  const flow = isCollection(node) && node.flow === true;
  const [outer, outerCloser] = [b.flow, b.closer];
  b.flow = outer || flow;
  if (flow) b.closer = isMap(node) ? "}" : "]";
  const outerIndent = b.indent;
  // With properties on its first key the mapping starts where they do, not at that key.
  if (!flow && node.range)
    b.indent = columnOf(
      b.text,
      keyProperties ? lineContentStart(b.text, node.range[0]) : node.range[0],
    );
  appendAll(built.children, convertContent(node, b, flow, keyProperties));
  b.depth--;
  [b.flow, b.closer] = [outer, outerCloser];
  b.indent = outerIndent;
  return built;
}

function convert(node: YNode | null, b: Builder): YamlNode {
  if (node === null || node === undefined) return plainScalar("");
  if (isScalar(node)) {
    const built = scalarNode(node, b);
    register(node, built, b);
    return built;
  }
  if (isAlias(node)) {
    checkAnchor(node.source, b, node.range?.[0] ?? 0);
    const target = b.anchors.get(node.source);
    if (!target) throw new YamlSyntaxError(UNKNOWN_ANCHOR, { offset: node.range?.[0] });
    return { kind: "alias", name: node.source, target };
  }
  return convertCollection(node, b);
}

/**
 * Go's `unknown anchor 'NAME' referenced` names the text after `*`, which is a whole value when a
 * password starts with `*`: Signet says so instead of repeating it.
 */
const UNKNOWN_ANCHOR =
  "unknown anchor referenced (its name is not repeated: a value starting with * is read as an alias; quote it)";

/**
 * The `yaml` package's messages that quote the document's text (a tag, a block scalar header or
 * an escape can be part of a secret value: `!Passw0rd!`, `|hunter2`, `"C:\Users\..."`), without
 * the quoted text.
 */
const QUOTING_MESSAGES: readonly [RegExp, string][] = [
  [
    /^Block scalar header includes extra characters: .*$/s,
    "Block scalar header includes extra characters",
  ],
  [/^The .* tag has no suffix$/s, "A tag has no suffix"],
  [/^Verbatim tags aren't resolved, so .* is invalid\.$/s, "Verbatim tags aren't resolved"],
  [/^Invalid escape sequence .*$/s, "Invalid escape sequence"],
  [
    /^(Could not resolve tag|Unresolved tag|Not a valid tag|Unresolved plain scalar|Unknown directive|Unsupported YAML version|Ordered maps must not include duplicate keys)\b.*$/s,
    "$1",
  ],
  [
    /^.* used for (\w+) collection, but expects (\w+)$/s,
    "A tag used for a $1 collection expects $2",
  ],
];

function withoutQuotedText(message: string): string {
  for (const [pattern, replacement] of QUOTING_MESSAGES) {
    if (pattern.test(message)) return message.replace(pattern, replacement);
  }
  return message;
}

function syntaxError(doc: Document.Parsed, text: string): YamlSyntaxError | undefined {
  const error = doc.errors[0];
  if (!error) return undefined;
  const line = error.linePos?.[0]?.line ?? lineOf(text, error.pos[0]);
  const message = withoutQuotedText(
    error.message.split("\n", 1)[0]!.replace(/ at line \d+, column \d+:?$/, ""),
  );
  // The YAML 1.2 reader recurses per level and reports running out of stack as a document error:
  // that is the nesting limit (README), reached a little below MAX_NESTING for some styles.
  if (/Maximum call stack size exceeded/.test(message)) {
    return new YamlSyntaxError(
      `nesting deeper than this reader's stack allows (under ${MAX_NESTING} levels here) is not supported`,
      { deliberate: true, offset: error.pos[0] },
    );
  }
  if (error.code === "MISSING_CHAR" && closesOnLaterLine(text, error.pos[0])) {
    return new YamlSyntaxError(`line ${line}: ${UNDERINDENTED_QUOTE}`, {
      deliberate: true,
      offset: error.pos[0],
    });
  }
  return new YamlSyntaxError(`line ${line}: ${message}`, { yaml12: true, offset: error.pos[0] });
}

const UNDERINDENTED_QUOTE =
  "a quoted value continues on a line indented no more than its key, which YAML 1.1 tools (kubectl, kubeseal) read and YAML 1.2 tools do not: indent its continuation lines further";

/**
 * Whether the quoted scalar the YAML 1.2 reader found unclosed at `end` (the end of its first
 * line) closes on a later line as libyaml scans it, indentation ignored: a continuation line
 * indented no deeper than the key ended it for the YAML 1.2 reader. (A `---` or `...` line ends
 * it for both, an error for libyaml too.) The scalar is taken to open at the line's first quote.
 */
function closesOnLaterLine(text: string, end: number): boolean {
  const lineStart = text.lastIndexOf("\n", end - 1) + 1;
  const line = text.slice(lineStart, end);
  const first = line.search(/["']/);
  if (first < 0) return false;
  const at = lineStart + first;
  const quote = text[at];
  let sawBreak = false;
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      if (/^(?:---|\.\.\.)(?:[ \t\n]|$)/.test(text.slice(i + 1, i + 5))) return false;
      sawBreak = true;
    } else if (quote === '"' && c === "\\") i++;
    else if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return sawBreak;
    }
  }
  return false;
}

/**
 * Where a document that starts with a flow collection or a quoted scalar ends, as libyaml sees
 * it: at the matching bracket or quote, unless a `:` follows on the same line (then it is a
 * key). Undefined when the document does not start so. Brackets inside quoted scalars and
 * comments do not count.
 */
function closedRoot(text: string): { start: number; end: number } | undefined {
  const start = /^\ufeff?(?:\s|#[^\n]*)*/.exec(text)![0].length;
  const first = text[start];
  if (first !== "{" && first !== "[" && first !== '"' && first !== "'") return undefined;
  let end: number | undefined;
  try {
    end = matchingEnd(text, start);
  } catch (err) {
    if (err instanceof UnterminatedQuote) return undefined;
    throw err;
  }
  if (end === undefined) return undefined;
  return /^[ \t]*:(?:\s|$)/.test(text.slice(end)) ? undefined : { start, end };
}

/** Thrown by {@link matchingEnd} when a quoted scalar runs to the end of the text. */
class UnterminatedQuote extends Error {}

/**
 * End (exclusive) of the flow collection or quoted scalar starting at `start`; undefined when
 * the collection is not closed. A quoted scalar that never closes throws {@link UnterminatedQuote}.
 */
function matchingEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let tokenStart = true;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if ((c === '"' || c === "'") && tokenStart) {
      const close = quoteEnd(text, i);
      if (close === undefined) throw new UnterminatedQuote();
      if (depth === 0) return close;
      i = close - 1;
      tokenStart = false;
    } else if (c === "#" && startsComment(text, i)) {
      i = lineEnd(text, i);
    } else {
      depth += bracketDelta(c);
      if (depth === 0 && (c === "}" || c === "]")) return i + 1;
      tokenStart = /[\s,:?{[]/.test(c);
    }
  }
  return undefined;
}

function startsComment(text: string, at: number): boolean {
  return at === 0 || /\s/.test(text[at - 1]!);
}

function lineEnd(text: string, from: number): number {
  const eol = text.indexOf("\n", from);
  return eol < 0 ? text.length : eol;
}

function bracketDelta(c: string): number {
  if (c === "{" || c === "[") return 1;
  if (c === "}" || c === "]") return -1;
  return 0;
}

function quoteEnd(text: string, open: number): number | undefined {
  const q = text[open]!;
  for (let i = open + 1; i < text.length; i++) {
    if (q === '"' && text[i] === "\\") i++;
    else if (text[i] === q) {
      if (q === "'" && text[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return undefined;
}

/**
 * The document libyaml would read: after a root that ends by itself (`{...}` followed by more
 * text, as in concatenated JSON), go-yaml never reads further, so neither does Signet.
 */
function libyamlDocument(text: string): {
  doc: Document.Parsed | undefined;
  end: number;
  scanned: number;
} {
  const root = closedRoot(text);
  if (root && /\S/.test(text.slice(root.end).replace(/(^|\s)#[^\n]*/g, ""))) {
    const scanned = scanAfterRoot(text, root.start, root.end);
    return { doc: firstDocument(text.slice(0, root.end)), end: root.end, scanned };
  }
  const doc = firstDocument(text);
  const docEnd = doc?.range[2] ?? text.length;
  // libyaml peeks at the next token (with a few characters of look-ahead) to end the document.
  const next = docEnd + /^(?:\s|#[^\n]*)*/.exec(text.slice(docEnd))![0].length;
  return { doc, end: docEnd, scanned: Math.min(text.length, next + 4) };
}

/**
 * libyaml reads a tag up to a blank, taking `,`, `[` and `]` into it; the YAML 1.2 reader ends
 * the tag there. Such text is refused. A `!` inside a scalar (`"{!Passw0rd}"`, a key `a{!t`) is
 * content to both readers and is not looked at: up to the first tag the two read differently,
 * they agree on where every scalar is, so the first match outside `scalars` is that tag.
 */
function checkTags(text: string, scalars: readonly [number, number][]): void {
  const inScalar = insideAny(scalars, true);
  // libyaml takes a ':' into a tag too (`!x: v` is the tag `!x:`); the YAML 1.2 reader ends the
  // tag before a ':' followed by a blank.
  const colon = firstOutside(/(^|[\s,[\]{}])!(?!<)[^\s,[\]{}]*:(?=[\s,[\]{}]|$)/g, text, inScalar);
  if (colon) {
    throw new YamlSyntaxError(
      "a tag containing ':' is read differently by YAML 1.1 and YAML 1.2 parsers",
      { deliberate: true, offset: colon.index },
    );
  }
  // A verbatim tag (`!<tag:yaml.org,2002:str>`) holds `,`, `[` and `]` for both readers.
  const found = firstOutside(
    /(^|[\s,[\]{}])!(?:<[^>\s]*>|(?!<)[^\s,[\]{}]*)([,[\]{}])/g,
    text,
    inScalar,
  );
  if (!found) return;
  if (found[2] === "{" || found[2] === "}") {
    // libyaml wants a blank (or `,`) after a tag.
    throw new YamlSyntaxError(
      `line ${lineOf(text, found.index)}: did not find expected whitespace or line break`,
      { offset: found.index },
    );
  }
  throw new YamlSyntaxError(
    "a tag directly followed by ',', '[' or ']' is read differently by YAML 1.1 and YAML 1.2 parsers",
    { deliberate: true, offset: found.index },
  );
}

/**
 * A YAML 1.2 syntax error caused by a tag libyaml reads further (`password: !Secr3t]` is the tag
 * `!Secr3t]` for Go, a tag and a stray `]` for the YAML 1.2 reader): the tag's own refusal or
 * libyaml error (what {@link checkTags} says up to the failing line's end), which tells the
 * user what to quote, instead of the YAML 1.2 reader's. Undefined when no tag is the cause.
 */
function tagErrorBefore(
  text: string,
  error: YamlSyntaxError,
  doc: Document.Parsed,
): YamlSyntaxError | undefined {
  if (!error.yaml12 || error.offset === undefined) return undefined;
  try {
    checkTags(text.slice(0, lineEnd(text, error.offset)), nodeSpans(doc.contents, false));
  } catch (tagError) {
    if (tagError instanceof YamlSyntaxError) return tagError;
    throw tagError;
  }
  return undefined;
}

/**
 * Whether an offset lies in one of `spans` (none overlapping), by binary search; at a span's
 * first character only when `startInside`.
 */
function insideAny(
  unsorted: readonly [number, number][],
  startInside: boolean,
): (at: number) => boolean {
  const spans = [...unsorted].sort((x, y) => x[0] - y[0]);
  return (at) => {
    let [lo, hi] = [0, spans.length - 1];
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = spans[mid]!;
      if (at < a || (at === a && !startInside)) hi = mid - 1;
      else if (at >= b) lo = mid + 1;
      else return true;
    }
    return false;
  };
}

/** The first match of `pattern` (global) whose `!` is not inside a scalar. */
function firstOutside(
  pattern: RegExp,
  text: string,
  inScalar: (at: number) => boolean,
): RegExpExecArray | undefined {
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (!inScalar(m.index + m[1]!.length)) return m;
    pattern.lastIndex = m.index + 1;
  }
  return undefined;
}

/**
 * Tabs in indentation. libyaml does not skip a tab where a simple key may start (at the start
 * of a line, after `- `): there it cannot start a token, unless the plain scalar before took
 * the line's white space as its own. The YAML 1.2 reader takes such tabs as white space. After
 * `-` Signet reports libyaml's error; at the start of a line, where libyaml's answer depends on
 * the token before, it refuses the document. Lines inside scalars and flow collections are exempt;
 * blank lines after the document are not (libyaml scans them for the next token).
 */
function checkLeadingTabs(
  text: string,
  scanned: number,
  exempt: readonly [number, number][],
): void {
  const tab = /^( *-[ ]*| *)\t/gm;
  const isExempt = insideAny(exempt, false);
  for (let m = tab.exec(text); m && m.index < scanned; m = tab.exec(text)) {
    const at = m.index;
    if (isExempt(at)) continue;
    if (m[1]!.includes("-")) {
      throw new YamlSyntaxError(
        `line ${lineOf(text, at)}: found character that cannot start any token`,
        { offset: at },
      );
    }
    throw new YamlSyntaxError(
      "a tab in the indentation of a line is read differently by YAML 1.1 and YAML 1.2 parsers",
      { deliberate: true, offset: at },
    );
  }
}

/**
 * Spans of a document's scalars (keys and values; tags and anchors excluded), sorted, none
 * inside another. With `wholeFlow` a flow collection is one span (its lines may start with tabs)
 * instead of its scalars.
 */
function nodeSpans(
  node: YNode | null,
  wholeFlow: boolean,
  out: [number, number][] = [],
): [number, number][] {
  if (!node?.range) return out;
  if (isScalar(node) || (wholeFlow && isCollection(node) && node.flow === true)) {
    out.push([node.range[0], node.range[1]]);
  } else if (isMap(node)) {
    for (const pair of node.items) {
      nodeSpans(pair.key as YNode | null, wholeFlow, out);
      nodeSpans(pair.value as YNode | null, wholeFlow, out);
    }
  } else if (isSeq(node)) {
    for (const item of node.items as YNode[]) nodeSpans(item, wholeFlow, out);
  }
  return out;
}

/**
 * libyaml's line breaks that are plain LFs once read: CRLF, a CR alone, and NEL. Offsets into
 * the result map back to the source with `toSource`.
 */
function normaliseBreaks(source: string): { text: string; toSource: (offset: number) => number } {
  if (!/[\r\u0085]/.test(source)) return { text: source, toSource: (offset) => offset };
  const removed: number[] = [];
  const text = source.replace(/\r\n?|\u0085/g, (m, at: number) => {
    if (m.length === 2) removed.push(at - removed.length);
    return "\n";
  });
  const toSource = (offset: number): number => offset + removed.filter((at) => at < offset).length;
  return { text, toSource };
}

/** libyaml reads only YAML 1.1 documents (`%YAML 1.1` before the first document). */
function checkVersion(text: string): void {
  // A byte-order mark before the first directive or `---` does not hide it from libyaml.
  const start = /^\ufeff?---/m.exec(text);
  const directive = /^\ufeff?%YAML[ \t]+([0-9]+)\.([0-9]+)/m.exec(
    start ? text.slice(0, start.index) : text,
  );
  if (directive && (directive[1] !== "1" || directive[2] !== "1")) {
    throw new YamlSyntaxError(
      `line ${lineOf(text, directive.index)}: found incompatible YAML document`,
    );
  }
}

/** A document that libyaml ends before any content: `---` followed by a directive line. */
function endsAtDirective(text: string): boolean {
  return /^\ufeff?(?:[ \t]*(?:#[^\n]*)?\n)*---(?:[ \t]+(?:#[^\n]*)?)?\n(?:[ \t]*(?:#[^\n]*)?\n)*%/.test(
    text,
  );
}

/** The first document of `text` as go-yaml nodes, where it ends and how far libyaml reads. */
export interface ParsedYaml {
  node: YamlNode | undefined;
  end: number;
  /** Offset in `text` up to which libyaml's scanner reads (the next token after the document). */
  scanned: number;
}

/**
 * The first document of `text` as go-yaml nodes (undefined when the text holds no document,
 * only comments or blank lines) and the offset up to which libyaml reads. Throws
 * {@link YamlSyntaxError}.
 */
export function parseYaml(source: string): ParsedYaml {
  const { text, toSource } = normaliseBreaks(source);
  try {
    const parsed = parseNormalised(text);
    return { ...parsed, end: toSource(parsed.end), scanned: toSource(parsed.scanned) };
  } catch (err) {
    if (err instanceof YamlSyntaxError && err.offset !== undefined) {
      const nel = nelInQuote(source, err, toSource(err.offset));
      if (nel) throw nel;
      throw new YamlSyntaxError(err.deliberate ? err.message : withNelNote(err.message, source), {
        deliberate: err.deliberate,
        yaml12: err.yaml12,
        offset: toSource(err.offset),
      });
    }
    throw err;
  }
}

/**
 * A syntax error in a document holding a NEL (U+0085), which is invisible in most editors and a
 * line break to YAML 1.1 readers (Go), text to YAML 1.2 ones: the error is most likely its doing,
 * so the message says where it is (the line as an editor counts it).
 */
function withNelNote(message: string, source: string): string {
  const at = source.indexOf("\u0085");
  if (at < 0) return message;
  const line = source.slice(0, at).split(/\r\n?|\n/).length;
  return `${message} (line ${line} holds a NEL, U+0085, which YAML 1.1 tools such as kubectl and kubeseal read as a line break)`;
}

/**
 * The refusal of a quoted value whose "continuation line" began at a NEL (U+0085) of its own
 * line: YAML 1.1 readers break the line there (Go folds it into a space), YAML 1.2 readers keep
 * the character. Said as such: the user sees one line, and indenting would not help.
 */
function nelInQuote(source: string, err: YamlSyntaxError, at: number): YamlSyntaxError | undefined {
  if (!err.message.endsWith(UNDERINDENTED_QUOTE)) return undefined;
  const lineStart =
    Math.max(source.lastIndexOf("\n", at - 1), source.lastIndexOf("\r", at - 1)) + 1;
  if (!source.slice(lineStart, at + 1).includes("\u0085")) return undefined;
  const line = source.slice(0, lineStart).split(/\r\n?|\n/).length;
  return new YamlSyntaxError(
    `line ${line}: a quoted value holds a NEL (U+0085), which YAML 1.1 tools (kubectl, kubeseal) read as a line break (folded into a space) and YAML 1.2 tools keep: write it escaped, "\\N" in double quotes, or remove it`,
    { deliberate: true, offset: at },
  );
}

function parseNormalised(text: string): ParsedYaml {
  checkVersion(text);
  checkTagDirectives(text);
  if (endsAtDirective(text))
    return { node: undefined, end: text.indexOf("%"), scanned: text.indexOf("%") };
  const { doc, end, scanned } = libyamlDocument(text);
  if (!doc || doc.contents === null) {
    if (/^\ufeff?%/m.test(text) && !/^---/m.test(text)) {
      throw new YamlSyntaxError(
        `line ${lineOf(text, text.length)}: did not find expected <document start>`,
      );
    }
    if (doc) {
      const error = syntaxError(doc, text);
      if (error) throw error;
    }
    return { node: undefined, end, scanned };
  }
  const error = syntaxError(doc, text);
  if (error) throw tagErrorBefore(text, error, doc) ?? error;
  checkLineSeparators(text, end, doc.contents);
  checkTags(text.slice(0, end), nodeSpans(doc.contents, false));
  // Up to the token after the document: libyaml scans the blank lines in between to find it.
  checkLeadingTabs(text, scanned, nodeSpans(doc.contents, true));
  return {
    node: convert(doc.contents, {
      text,
      anchors: new Map(),
      depth: 0,
      flow: false,
      indent: -1,
      closer: "}",
    }),
    end,
    scanned,
  };
}

/** The first document of `text` as go-yaml nodes, or undefined when there is none. */
export function parseYamlDocument(source: string): YamlNode | undefined {
  return parseYaml(source).node;
}
