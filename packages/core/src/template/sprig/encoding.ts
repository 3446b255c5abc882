import { createHash } from "node:crypto";
import { fromBytes, toBytes } from "../bytes.js";
import { fn } from "../funcs.js";
import type { FuncDef } from "../funcs.js";

/**
 * sprig v3.3.0 encodings and hashes: b64enc/b64dec, b32enc/b32dec (decode errors become the
 * error text, as sprig returns it), sha1sum, sha256sum, sha512sum, adler32sum.
 */

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function b32enc(s: string): string {
  const bytes = toBytes(s);
  let out = "";
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = [...bytes.subarray(i, i + 5)];
    const n = chunk.length;
    while (chunk.length < 5) chunk.push(0);
    let bits = 0n;
    for (const b of chunk) bits = (bits << 8n) | BigInt(b);
    const chars = Math.ceil((n * 8) / 5);
    for (let j = 0; j < 8; j++) {
      out += j < chars ? B32[Number((bits >> BigInt(35 - j * 5)) & 31n)] : "=";
    }
  }
  return out;
}

/** base32 padding after `=` at quantum position j: an error offset, or null (Go's rules). */
function b32Padding(src: string, pos: number, j: number): number | null {
  const remaining = src.length - pos;
  if (remaining + j < 7) return src.length;
  for (let k = 0; k < 7 - j; k++) {
    if (remaining > k && src[pos + k] !== "=") return pos + k - 1;
  }
  return j === 1 || j === 3 || j === 6 ? pos - 1 : null;
}

const B32_BYTES: Readonly<Record<number, number>> = { 2: 1, 4: 2, 5: 3, 7: 4, 8: 5 };

function b32Bytes(q: number[], out: number[]): void {
  let bits = 0n;
  for (let k = 0; k < 8; k++) bits = (bits << 5n) | BigInt(q[k] ?? 0);
  const n = B32_BYTES[q.length] ?? 0;
  for (let k = 0; k < n; k++) out.push(Number((bits >> BigInt(32 - 8 * k)) & 0xffn));
}

/** Reads one 8-character quantum: its values, whether padding ended the input, or an error. */
function b32Quantum(
  src: string,
  start: number,
): { q: number[]; pos: number; end: boolean; err?: number } {
  const q: number[] = [];
  let pos = start;
  while (q.length < 8) {
    if (pos === src.length) return { q, pos, end: true, err: pos - q.length };
    const ch = src[pos] ?? "";
    pos++;
    if (ch === "=" && q.length >= 2 && src.length - pos < 8) {
      const err = b32Padding(src, pos, q.length);
      return err === null ? { q, pos, end: true } : { q, pos, end: true, err };
    }
    const v = B32.indexOf(ch);
    if (v < 0) return { q, pos, end: true, err: pos - 1 };
    q.push(v);
  }
  return { q, pos, end: false };
}

/** base32.StdEncoding.DecodeString (newlines stripped first), with Go's error offsets. */
function b32dec(s: string): string {
  const src = s.replace(/[\r\n]/g, "");
  const out: number[] = [];
  let pos = 0;
  let end = false;
  while (pos < src.length && !end) {
    const r = b32Quantum(src, pos);
    if (r.err !== undefined) return `illegal base32 data at input byte ${r.err}`;
    b32Bytes(r.q, out);
    pos = r.pos;
    end = r.end;
  }
  return fromBytes(Uint8Array.from(out));
}

const B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const isNewline = (c: string | undefined): boolean => c === "\n" || c === "\r";

interface Cursor {
  s: string;
  i: number;
}

function skipNewlines(c: Cursor): void {
  while (c.i < c.s.length && isNewline(c.s[c.i])) c.i++;
}

/** After `=` at quantum position j: Go's padding checks; returns an error offset or null. */
function padding(c: Cursor, j: number): number | null {
  if (j < 2) return c.i - 1;
  if (j === 2) {
    skipNewlines(c);
    if (c.i === c.s.length) return c.s.length;
    if (c.s[c.i] !== "=") return c.i - 1;
    c.i++;
  }
  skipNewlines(c);
  return c.i < c.s.length ? c.i : null;
}

/** One quantum of encoding/base64's decodeQuantum: [sextets, error offset or null, done]. */
function quantum(c: Cursor): [number[], number | null, boolean] {
  const out: number[] = [];
  while (out.length < 4) {
    if (c.i === c.s.length) {
      if (out.length === 0) return [out, null, true];
      return [out, c.i - out.length, true];
    }
    const ch = c.s[c.i] ?? "";
    c.i++;
    const v = B64_ALPHABET.indexOf(ch);
    if (v >= 0) out.push(v);
    else if (isNewline(ch)) continue;
    else if (ch !== "=") return [out, c.i - 1, true];
    else return [out, padding(c, out.length), true];
  }
  return [out, null, false];
}

/** base64.StdEncoding.DecodeString, byte-exact, with Go's error offsets (newlines skipped). */
function b64dec(s: string): string {
  const c: Cursor = { s, i: 0 };
  const bytes: number[] = [];
  for (;;) {
    const [q, err, done] = quantum(c);
    if (err !== null) return `illegal base64 data at input byte ${err}`;
    const bits = q.reduce((acc, v) => (acc << 6) | v, 0) << (6 * (4 - q.length));
    const n = q.length === 4 ? 3 : q.length === 3 ? 2 : q.length === 2 ? 1 : 0;
    for (let k = 0; k < n; k++) bytes.push((bits >> (16 - 8 * k)) & 0xff);
    if (done) return fromBytes(Uint8Array.from(bytes));
  }
}

function hash(algo: string, s: string): string {
  return createHash(algo).update(toBytes(s)).digest("hex");
}

function adler32(s: string): string {
  let a = 1;
  let b = 0;
  for (let i = 0; i < s.length; i++) {
    a = (a + s.charCodeAt(i)) % 65521;
    b = (b + a) % 65521;
  }
  return String(((b << 16) | a) >>> 0);
}

/** Encoding and hash functions of the sprig map. */
export function encodingFuncs(): [string, FuncDef][] {
  const S = (v: unknown): string => v as string;
  return [
    ["b64enc", fn(["string"], ([s]) => toBytes(S(s)).toString("base64"))],
    ["b64dec", fn(["string"], ([s]) => b64dec(S(s)))],
    ["b32enc", fn(["string"], ([s]) => b32enc(S(s)))],
    ["b32dec", fn(["string"], ([s]) => b32dec(S(s)))],
    ["sha1sum", fn(["string"], ([s]) => hash("sha1", S(s)))],
    ["sha256sum", fn(["string"], ([s]) => hash("sha256", S(s)))],
    ["sha512sum", fn(["string"], ([s]) => hash("sha512", S(s)))],
    ["adler32sum", fn(["string"], ([s]) => adler32(S(s)))],
  ];
}
