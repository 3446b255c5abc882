import { Buffer } from "node:buffer";

/**
 * Byte strings: Go strings are byte sequences, so the engine keeps them as JS strings with one
 * byte (0-255) per code unit. These helpers convert at the edges and decode UTF-8 the way Go
 * does (each invalid byte becomes one U+FFFD, `utf8.DecodeRune`).
 */

/** UTF-8 bytes of a JS string, as a byte string. */
export function fromUtf8(js: string): string {
  return Buffer.from(js, "utf8").toString("latin1");
}

/** Byte string of raw bytes. */
export function fromBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/** Raw bytes of a byte string. */
export function toBytes(bs: string): Buffer {
  return Buffer.from(bs, "latin1");
}

const RUNE_ERROR = 0xfffd;

function continuationCount(b0: number): number {
  if (b0 > 0xf4) return -1;
  if (b0 >= 0xf0) return 3;
  if (b0 >= 0xe0) return 2;
  return b0 >= 0xc2 ? 1 : -1;
}

const MIN_RUNE = [0, 0x80, 0x800, 0x10000];

function isValidRune(r: number, need: number): boolean {
  return r >= (MIN_RUNE[need] ?? 0) && r <= 0x10ffff && !(r >= 0xd800 && r <= 0xdfff);
}

/** Go's utf8.DecodeRuneInString on a byte string at offset i: [rune, size]. */
export function decodeRune(bs: string, i: number): [number, number] {
  const b0 = bs.charCodeAt(i);
  if (b0 < 0x80) return [b0, 1];
  const need = continuationCount(b0);
  if (need < 0) return [RUNE_ERROR, 1];
  let r = b0 & (0x3f >> need);
  for (let k = 1; k <= need; k++) {
    const b = bs.charCodeAt(i + k);
    if (Number.isNaN(b) || (b & 0xc0) !== 0x80) return [RUNE_ERROR, 1];
    r = (r << 6) | (b & 0x3f);
  }
  return isValidRune(r, need) ? [r, need + 1] : [RUNE_ERROR, 1];
}

/** The runes of a byte string, Go style. */
export function runes(bs: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < bs.length;) {
    const [r, n] = decodeRune(bs, i);
    out.push(r);
    i += n;
  }
  return out;
}

/** Decodes a byte string to a JS string (invalid bytes become U+FFFD one by one). */
export function toUtf8(bs: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(bs)) return bs;
  if (isValidUtf8(bs)) return Buffer.from(bs, "latin1").toString("utf8");
  return fromCodePoints(runes(bs));
}

/** String.fromCodePoint over an array of any length (no argument-spread limit). */
export function fromCodePoints(cps: readonly number[]): string {
  let out = "";
  for (let i = 0; i < cps.length; i += 4096) out += String.fromCodePoint(...cps.slice(i, i + 4096));
  return out;
}

/** True when the byte string is valid UTF-8. */
export function isValidUtf8(bs: string): boolean {
  for (let i = 0; i < bs.length;) {
    const [r, n] = decodeRune(bs, i);
    if (r === RUNE_ERROR && n === 1) return false;
    i += n;
  }
  return true;
}

/** Encodes one rune as a byte string. */
export function encodeRune(r: number): string {
  const c = r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff) ? RUNE_ERROR : r;
  if (c < 0x80) return String.fromCharCode(c);
  if (c < 0x800) return String.fromCharCode(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
  if (c < 0x10000) {
    return String.fromCharCode(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return String.fromCharCode(
    0xf0 | (c >> 18),
    0x80 | ((c >> 12) & 0x3f),
    0x80 | ((c >> 6) & 0x3f),
    0x80 | (c & 0x3f),
  );
}
