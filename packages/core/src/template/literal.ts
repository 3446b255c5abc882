import { encodeRune, fromUtf8, toUtf8 } from "./bytes.js";

import { parseFloat64 } from "./atof.js";

/**
 * Go literal syntax: `strconv.Unquote` for string and character literals (to byte strings,
 * since `\xff` is a raw byte) and `strconv.ParseInt/ParseFloat` with base prefixes.
 */

const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ["a", "\x07"],
  ["b", "\b"],
  ["f", "\f"],
  ["n", "\n"],
  ["r", "\r"],
  ["t", "\t"],
  ["v", "\v"],
  ["\\", "\\"],
]);

function octalEscape(body: string, i: number): [string, number] | null {
  const oct = body.slice(i, i + 3);
  if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return null;
  return [String.fromCharCode(parseInt(oct, 8)), i + 3];
}

function escapeAt(body: string, i: number, quote: string): [string, number] | null {
  const c = body[i];
  if (c === undefined) return null;
  const simple = SIMPLE_ESCAPES.get(c);
  if (simple !== undefined) return [simple, i + 1];
  if (c === quote) return [c, i + 1];
  if (/^[0-7]$/.test(c)) return octalEscape(body, i);
  return hexEscape(body, i, c);
}

function hexEscape(body: string, i: number, c: string): [string, number] | null {
  const width = c === "x" ? 2 : c === "u" ? 4 : c === "U" ? 8 : 0;
  if (width === 0) return null;
  const hex = body.slice(i + 1, i + 1 + width);
  if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) return null;
  const v = parseInt(hex, 16);
  if (c === "x") return [String.fromCharCode(v), i + 1 + width];
  if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return null;
  return [encodeRune(v), i + 1 + width];
}

/** Unquotes the body of a Go interpreted literal to a byte string; null when invalid. */
function unescape(body: string, quote: string): string | null {
  let out = "";
  let i = 0;
  while (i < body.length) {
    const c = body[i] as string;
    if (c === quote || c === "\n") return null;
    if (c !== "\\") {
      const cp = body.codePointAt(i) ?? 0;
      const ch = String.fromCodePoint(cp);
      out += fromUtf8(ch);
      i += ch.length;
      continue;
    }
    const esc = escapeAt(body, i + 1, quote);
    if (esc === null) return null;
    out += esc[0];
    i = esc[1];
  }
  return out;
}

/** Go's strconv.Unquote for "..." and `...` literals, returning a byte string or null. */
export function unquoteString(lit: string): string | null {
  if (lit.length < 2) return null;
  const q = lit[0];
  if (q !== lit[lit.length - 1]) return null;
  const body = lit.slice(1, -1);
  if (q === "`") return body.includes("`") ? null : fromUtf8(body.replace(/\r/g, ""));
  if (q === '"') return unescape(body, '"');
  return null;
}

/** Value of a Go character literal ('a', '\n', '\u00e9'); null when invalid. */
export function unquoteChar(lit: string): number | null {
  const body = lit.slice(1, -1);
  if (body.startsWith("\\")) {
    const esc = escapeAt(body, 1, "'");
    if (esc === null || esc[1] !== body.length) return null;
    const bs = esc[0];
    if (body[1] === "x" || /^[0-7]$/.test(body[1] ?? "")) return bs.charCodeAt(0);
    return toUtf8(bs).codePointAt(0) ?? null;
  }
  const cp = body.codePointAt(0);
  if (cp === undefined || String.fromCodePoint(cp).length !== body.length) return null;
  return cp;
}

const INT_SYNTAX =
  /^[+-]?(0[xX](_?[0-9a-fA-F])+|0[oO](_?[0-7])+|0[bB](_?[01])+|0(_?[0-7])*|[1-9](_?[0-9])*)$/;

/** Go's strconv.ParseInt(text, 0, 64) as a bigint, or null when not an integer literal. */
export function parseGoInt(text: string): bigint | null {
  if (!INT_SYNTAX.test(text)) return null;
  const neg = text.startsWith("-");
  let body = text.replace(/^[+-]/, "").replace(/_/g, "");
  if (/^0[0-7]+$/.test(body)) body = `0o${body.slice(1)}`;
  const v = BigInt(body);
  return neg ? -v : v;
}

/** Go's strconv.ParseFloat(text, 64); null on a syntax or range error. */
export function parseGoFloat(text: string): number | null {
  const r = parseFloat64(text);
  return "error" in r ? null : r.value;
}
