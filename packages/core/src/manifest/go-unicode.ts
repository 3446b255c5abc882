import { validSequenceLength } from "./go-utf8.js";

/** Go's `unicode.IsSpace`. */
const WIDE_SPACES = new Set([0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);

/** Go's `unicode.IsSpace`. */
export function isGoSpace(code: number): boolean {
  if (code <= 0xff) {
    return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0x85 || code === 0xa0;
  }
  return WIDE_SPACES.has(code) || (code >= 0x2000 && code <= 0x200a);
}

/** Go's `utf8.DecodeRune`: the code point and size, or U+FFFD with size 1 for a bad byte. */
export function decodeRune(bytes: Uint8Array, i: number): [number, number] {
  if (i >= bytes.length) return [0xfffd, 0];
  const b0 = bytes[i]!;
  if (b0 < 0x80) return [b0, 1];
  const n = validSequenceLength(bytes, i);
  if (n === 0) return [0xfffd, 1];
  let code = b0 & (n === 2 ? 0x1f : n === 3 ? 0x0f : 0x07);
  for (let k = 1; k < n; k++) code = (code << 6) | (bytes[i + k]! & 0x3f);
  return [code, n];
}

/** Offset of the first byte after leading `unicode.IsSpace` runes from `start` (bytes.TrimLeftFunc). */
export function skipGoSpace(bytes: Uint8Array, start: number, end = bytes.length): number {
  let i = start;
  while (i < end) {
    const [code, size] = decodeRune(bytes, i);
    if (size === 0 || !isGoSpace(code) || (code === 0xfffd && size === 1)) break;
    i += size;
  }
  return i;
}
