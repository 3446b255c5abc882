import { utf8Bytes } from "./utf8.js";

/**
 * Go's `base64.StdEncoding.Decode` (`encoding/base64`), which decides what a Secret's `data`
 * value means: the standard alphabet, padding required, CR and LF ignored anywhere, a non-zero
 * remainder of the last quantum accepted. Errors carry Go's byte offset into the UTF-8 input
 * (`illegal base64 data at input byte N`), newlines counted.
 */

const DECODE = new Int16Array(256).fill(-1);
[..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].forEach((c, i) => {
  DECODE[c.charCodeAt(0)] = i;
});

const PAD = 0x3d;

function isNewline(b: number | undefined): boolean {
  return b === 0x0a || b === 0x0d;
}

/** Go's `CorruptInputError`: where decoding stopped. */
export interface Base64Failure {
  illegalAt: number;
}

function skipNewlines(src: Uint8Array, at: number): number {
  let i = at;
  while (i < src.length && isNewline(src[i])) i++;
  return i;
}

interface Quantum {
  next: number;
  values: number[];
  /** Set when padding ended the input; `error` when bytes follow the padding. */
  done: boolean;
  error?: number;
}

/** After `=` at quantum position `j`: where the input must end (offset), or Go's error offset. */
function afterPadding(src: Uint8Array, si: number, j: number): Quantum | Base64Failure {
  let i = si;
  if (j < 2) return { illegalAt: i - 1 };
  if (j === 2) {
    i = skipNewlines(src, i);
    if (i === src.length) return { illegalAt: src.length };
    if (src[i] !== PAD) return { illegalAt: i - 1 };
    i++;
  }
  i = skipNewlines(src, i);
  const result: Quantum = { next: i, values: [], done: true };
  if (i < src.length) result.error = i;
  return result;
}

/** One 4-character quantum (`decodeQuantum`), newlines skipped. */
function quantum(src: Uint8Array, start: number): Quantum | Base64Failure {
  const values: number[] = [];
  let si = start;
  while (values.length < 4) {
    if (si === src.length) {
      if (values.length === 0) return { next: si, values, done: true };
      return { illegalAt: si - values.length };
    }
    const c = src[si]!;
    si++;
    const v = DECODE[c]!;
    if (v >= 0) {
      values.push(v);
    } else if (!isNewline(c)) {
      if (c !== PAD) return { illegalAt: si - 1 };
      const end = afterPadding(src, si, values.length);
      if ("illegalAt" in end) return end;
      return { ...end, values };
    }
  }
  return { next: si, values, done: false };
}

/** Writes a quantum's bytes at `at` in `out`; returns the offset after them. */
function appendBytes(out: Uint8Array, at: number, values: number[]): number {
  const [a = 0, b = 0, c = 0, d = 0] = values;
  const bits = (a << 18) | (b << 12) | (c << 6) | d;
  let i = at;
  if (values.length >= 2) out[i++] = (bits >> 16) & 0xff;
  if (values.length >= 3) out[i++] = (bits >> 8) & 0xff;
  if (values.length === 4) out[i++] = bits & 0xff;
  return i;
}

/**
 * Decodes UTF-8 bytes or text; returns the bytes, or where Go's decoder reports an error. The
 * bytes are written into one buffer of the largest size the input can give (a growing array of
 * numbers took ~20 MiB for a 1 MB value).
 */
export function decodeGoBase64(input: string | Uint8Array): Uint8Array | Base64Failure {
  const src = typeof input === "string" ? utf8Bytes(input) : input;
  const out = new Uint8Array(Math.ceil(src.length / 4) * 3);
  let length = 0;
  let si = 0;
  for (;;) {
    const q = quantum(src, si);
    if ("illegalAt" in q) return q;
    length = appendBytes(out, length, q.values);
    if (q.error !== undefined) return { illegalAt: q.error };
    if (q.done) return out.slice(0, length);
    si = q.next;
  }
}
