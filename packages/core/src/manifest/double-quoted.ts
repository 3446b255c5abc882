/**
 * The value of a quoted scalar as libyaml reads it (go-yaml v2's `yaml_parser_scan_flow_scalar`),
 * from its source text between the quotes. Used where the YAML 1.2 reader differs:
 * - after an escaped line break (`\` at the end of a line) libyaml keeps each following empty
 *   line as a line feed ("z\<break><empty line>    w" is "z\nw"), where the `yaml` package
 *   folds them into one space;
 * - U+2028 and U+2029 are line breaks to libyaml (YAML 1.1) and content to the `yaml` package
 *   (YAML 1.2). A first break that is not a line feed is kept as it is (not folded into a
 *   space), and the blanks around it are dropped: 'x<U+2028>   y' is "x\u2028y", the text
 *   go-yaml wrote.
 * Escapes were already checked against libyaml's set.
 */
export const SIMPLE_ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
};
export const HEX_WIDTH: Record<string, number> = { x: 2, u: 4, U: 8 };

const isBlank = (c: string | undefined): boolean => c === " " || c === "\t";
const isBreak = (c: string | undefined): boolean =>
  c === "\n" || c === "\r" || c === "\u0085" || c === "\u2028" || c === "\u2029";

/** A line break's length at `i` (CR LF is one break) and what libyaml reads it as. */
function lineBreak(s: string, i: number): [number, string] {
  if (s[i] === "\r" && s[i + 1] === "\n") return [2, "\n"];
  const c = s[i]!;
  return [1, c === "\r" || c === "\u0085" ? "\n" : c];
}

/** A reading position in the scalar's text and the value read so far. */
interface Cursor {
  s: string;
  i: number;
  out: string;
  /** Single-quoted: `''` is a quote, `\` is content. */
  single: boolean;
}

/**
 * Non-blank characters and escapes, up to a blank, a break or an escaped break; true when it
 * stopped at an escaped break (libyaml's `leading_blanks`).
 */
function readNonBlank(c: Cursor): boolean {
  while (c.i < c.s.length && !isBlank(c.s[c.i]) && !isBreak(c.s[c.i])) {
    const ch = c.s[c.i]!;
    if (c.single && ch === "'") {
      c.out += "'";
      c.i += 2;
      continue;
    }
    if (c.single || ch !== "\\") {
      c.out += ch;
      c.i++;
      continue;
    }
    const e = c.s[c.i + 1]!;
    if (isBreak(e)) {
      c.i += 1 + lineBreak(c.s, c.i + 1)[0];
      return true;
    }
    const width = HEX_WIDTH[e];
    if (width === undefined) {
      c.out += SIMPLE_ESCAPES[e] ?? e;
      c.i += 2;
    } else {
      c.out += String.fromCodePoint(parseInt(c.s.slice(c.i + 2, c.i + 2 + width), 16));
      c.i += 2 + width;
    }
  }
  return false;
}

/** Blanks and line breaks after a part, joined to the value as libyaml joins them. */
function readBlanks(c: Cursor, escapedBreak: boolean): void {
  let leadingBlanks = escapedBreak;
  let whitespaces = "";
  let leadingBreak = "";
  let trailingBreaks = "";
  while (c.i < c.s.length && (isBlank(c.s[c.i]) || isBreak(c.s[c.i]))) {
    if (isBlank(c.s[c.i])) {
      if (!leadingBlanks) whitespaces += c.s[c.i];
      c.i++;
      continue;
    }
    const [length, text] = lineBreak(c.s, c.i);
    c.i += length;
    if (leadingBlanks) trailingBreaks += text;
    else [whitespaces, leadingBreak, leadingBlanks] = ["", text, true];
  }
  if (!leadingBlanks) c.out += whitespaces;
  else if (leadingBreak === "\n") c.out += trailingBreaks === "" ? " " : trailingBreaks;
  else c.out += leadingBreak + trailingBreaks;
}

/**
 * libyaml refuses a quoted scalar with a document indicator (`---` or `...` then a blank or a
 * break) at the start of a line; after U+2028 or U+2029 the YAML 1.2 reader does not see one.
 */
export const DOCUMENT_INDICATOR = "found unexpected document indicator";

/** Thrown at a document indicator at the start of a line inside the scalar (at `offset`). */
export class QuotedScalarError extends Error {
  readonly offset: number;
  constructor(offset: number) {
    super(DOCUMENT_INDICATOR);
    this.offset = offset;
  }
}

/** A document indicator at `i` (the start of a line): `---` or `...` then a blank, break or end. */
function isDocumentIndicator(s: string, i: number): boolean {
  const marker = s.slice(i, i + 3);
  if (marker !== "---" && marker !== "...") return false;
  // At the end of the inner text comes the closing quote, which is not blank.
  const after = s[i + 3];
  return isBlank(after) || isBreak(after);
}

function read(inner: string, single: boolean): string {
  const c: Cursor = { s: inner, i: 0, out: "", single };
  while (c.i < inner.length) {
    readBlanks(c, readNonBlank(c));
    if (c.i > 0 && isBreak(inner[c.i - 1]) && isDocumentIndicator(inner, c.i))
      throw new QuotedScalarError(c.i);
  }
  return c.out;
}

export function libyamlDoubleQuoted(inner: string): string {
  return read(inner, false);
}

/** A single-quoted scalar as libyaml reads it, from its source text between the quotes. */
export function libyamlSingleQuoted(inner: string): string {
  return read(inner, true);
}

/** Whether a scalar's source holds U+2028 or U+2029, line breaks to libyaml only. */
export function hasLineSeparator(source: string): boolean {
  return /[\u2028\u2029]/.test(source);
}

/** Whether a double-quoted scalar's source has an escaped line break (`\` ending a line). */
export function hasEscapedBreak(source: string): boolean {
  return /\\[\r\n\u0085\u2028\u2029]/.test(source);
}
