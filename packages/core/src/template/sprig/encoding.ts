import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";
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

function b32dec(s: string): string {
  const clean = s.replace(/[\r\n]/g, "");
  let bits = 0;
  let acc = 0;
  const out: number[] = [];
  let i = 0;
  for (; i < clean.length; i++) {
    const c = clean[i] as string;
    if (c === "=") break;
    const v = B32.indexOf(c);
    if (v < 0) return `illegal base32 data at input byte ${i}`;
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  if (clean.length % 8 !== 0)
    return `illegal base32 data at input byte ${Math.floor(clean.length / 8) * 8}`;
  if (/[^=]/.test(clean.slice(i))) return `illegal base32 data at input byte ${i}`;
  return fromBytes(Uint8Array.from(out));
}

const STD = /^[A-Za-z0-9+/]*={0,2}$/;

function b64dec(s: string): string {
  const clean = s.replace(/[\r\n]/g, "");
  if (!STD.test(clean)) {
    const bad = clean.search(/[^A-Za-z0-9+/=]|=[^=]/);
    return `illegal base64 data at input byte ${Math.max(bad, 0)}`;
  }
  if (clean.length % 4 !== 0) {
    return `illegal base64 data at input byte ${clean.length - (clean.length % 4)}`;
  }
  return Buffer.from(clean, "base64").toString("latin1");
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
