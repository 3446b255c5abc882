import { decodeRune, encodeRune, runes } from "../bytes.js";
import { isDigit, isLetter, isLower, isUpper, toLower, toTitle, toUpper } from "../unicode.js";

/**
 * Go `strings`/`unicode` behaviour over byte strings that sprig's string functions rely on.
 */

const SPACE_RUNES = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
  0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** unicode.IsSpace. */
export function isSpaceRune(r: number): boolean {
  return SPACE_RUNES.has(r);
}

/** strings.TrimFunc-style trimming with a rune predicate (invalid bytes are U+FFFD). */
export function trimRunes(
  s: string,
  drop: (r: number) => boolean,
  left = true,
  right = true,
): string {
  let start = 0;
  let end = s.length;
  if (left) {
    while (start < end) {
      const [r, n] = decodeRune(s, start);
      if (!drop(r)) break;
      start += n;
    }
  }
  if (right) {
    while (end > start) {
      const back = lastRuneStart(s, end, start);
      const [r] = decodeRune(s, back);
      if (!drop(r)) break;
      end = back;
    }
  }
  return s.slice(start, end);
}

/** Start of the last rune before `end` (utf8.DecodeLastRune): invalid tails are one byte. */
function lastRuneStart(s: string, end: number, min: number): number {
  const last = end - 1;
  if (s.charCodeAt(last) < 0x80) return last;
  let start = last;
  const lim = Math.max(min, end - 4);
  for (start--; start >= lim; start--) if ((s.charCodeAt(start) & 0xc0) !== 0x80) break;
  if (start < lim) start = lim;
  const [, n] = decodeRune(s, start);
  return start + n === end ? start : last;
}

/** strings.TrimSpace. */
export function trimSpace(s: string): string {
  return trimRunes(s, isSpaceRune);
}

/** strings.Trim(s, cutset). */
export function trimCutset(s: string, cutset: string): string {
  const set = new Set(runes(cutset));
  return trimRunes(s, (r) => set.has(r));
}

/** Maps each rune (invalid bytes become U+FFFD, as strings.Map); `pure` mappings are memoized. */
export function mapRunes(s: string, f: (r: number) => number, pure = false): string {
  const cache = new Map<number, number>();
  const parts: string[] = [];
  for (let i = 0; i < s.length;) {
    const [r, n] = decodeRune(s, i);
    let m = pure ? cache.get(r) : undefined;
    if (m === undefined) {
      m = f(r);
      if (pure) cache.set(r, m);
    }
    const invalid = r === 0xfffd && n === 1;
    parts.push(m === r && !invalid ? s.slice(i, i + n) : encodeRune(m));
    i += n;
  }
  return parts.join("");
}

/** unicode.ToUpper per rune. */
export const toUpperRune = toUpper;
/** unicode.ToLower per rune. */
export const toLowerRune = toLower;
/** unicode.IsUpper. */
export const isUpperRune = isUpper;
/** unicode.IsLower. */
export const isLowerRune = isLower;
/** unicode.IsLetter. */
export const isLetterRune = isLetter;
/** unicode.IsDigit. */
export const isDigitRune = isDigit;

/** strings.Title (deprecated in Go, still what sprig's `title` calls). */
export function title(s: string): string {
  let prev = 0x20;
  return mapRunes(s, (r) => {
    const sep = isSeparator(prev);
    prev = r;
    return sep ? toTitle(r) : r;
  });
}

function isSeparator(r: number): boolean {
  if (r <= 0x7f) {
    if (/[0-9a-zA-Z_]/.test(String.fromCharCode(r))) return false;
    return true;
  }
  if (isLetterRune(r) || isDigitRune(r)) return false;
  return isSpaceRune(r);
}

/** strings.Split(s, sep) (empty sep splits into UTF-8 sequences). */
export function splitGo(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === "") return explode(s, n);
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function explode(s: string, n: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (n > 0 && out.length === n - 1) {
      out.push(s.slice(i));
      return out;
    }
    const [, size] = decodeRune(s, i);
    out.push(s.slice(i, i + size));
    i += size;
  }
  return out;
}
