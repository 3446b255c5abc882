/**
 * The value of a double-quoted scalar as libyaml reads it (go-yaml v2's
 * `yaml_parser_scan_flow_scalar`), from its source text between the quotes. Used where the YAML
 * 1.2 reader differs: after an escaped line break (`\` at the end of a line) libyaml keeps each
 * following empty line as a line feed ("z\<break><empty line>    w" is "z\nw"), where the `yaml`
 * package folds them into one space. Escapes were already checked against libyaml's set.
 */
const SIMPLE_ESCAPES: Record<string, string> = {
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
const HEX_WIDTH: Record<string, number> = { x: 2, u: 4, U: 8 };

const isBlank = (c: string | undefined): boolean => c === " " || c === "\t";
const isBreak = (c: string | undefined): boolean =>
  c === "\n" || c === "\r" || c === "\u0085" || c === "\u2028" || c === "\u2029";

/** A line break's length at `i` (CR LF is one break) and what libyaml reads it as. */
function lineBreak(s: string, i: number): [number, string] {
  if (s[i] === "\r" && s[i + 1] === "\n") return [2, "\n"];
  const c = s[i]!;
  return [1, c === "\r" || c === "\u0085" ? "\n" : c];
}

export function libyamlDoubleQuoted(inner: string): string {
  let out = "";
  let i = 0;
  while (i < inner.length) {
    let leadingBlanks = false;
    // Non-blank characters and escapes, up to a blank, a break or an escaped break.
    while (i < inner.length && !isBlank(inner[i]) && !isBreak(inner[i])) {
      const c = inner[i]!;
      if (c !== "\\") {
        out += c;
        i++;
        continue;
      }
      const e = inner[i + 1]!;
      if (isBreak(e)) {
        i += 1 + lineBreak(inner, i + 1)[0];
        leadingBlanks = true;
        break;
      }
      const width = HEX_WIDTH[e];
      if (width !== undefined) {
        out += String.fromCodePoint(parseInt(inner.slice(i + 2, i + 2 + width), 16));
        i += 2 + width;
      } else {
        out += SIMPLE_ESCAPES[e] ?? e;
        i += 2;
      }
    }
    // Blanks and line breaks, then how they join the next part.
    let whitespaces = "";
    let leadingBreak = "";
    let trailingBreaks = "";
    while (i < inner.length && (isBlank(inner[i]) || isBreak(inner[i]))) {
      if (isBlank(inner[i])) {
        if (!leadingBlanks) whitespaces += inner[i];
        i++;
        continue;
      }
      const [length, text] = lineBreak(inner, i);
      i += length;
      if (leadingBlanks) trailingBreaks += text;
      else {
        whitespaces = "";
        leadingBreak = text;
        leadingBlanks = true;
      }
    }
    if (!leadingBlanks) out += whitespaces;
    else if (leadingBreak === "\n") out += trailingBreaks === "" ? " " : trailingBreaks;
    else out += leadingBreak + trailingBreaks;
  }
  return out;
}

/** Whether a double-quoted scalar's source has an escaped line break (`\` ending a line). */
export function hasEscapedBreak(source: string): boolean {
  return /\\[\r\n\u0085\u2028\u2029]/.test(source);
}
