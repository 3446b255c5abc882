import { Buffer } from "node:buffer";
import { createCipheriv, createDecipheriv } from "node:crypto";
import { fromBytes, toBytes } from "../bytes.js";
import { budgetFault, execFault, refusedFault } from "../failure.js";
import { fn } from "../funcs.js";
import type { CallContext, FuncDef } from "../funcs.js";
import type { GoValue } from "../value.js";

/**
 * sprig v3.3.0 `encryptAES` / `decryptAES`: AES-256-CBC, key = password bytes zero-padded or
 * truncated to 32, PKCS#7 padding, output base64(IV ‖ ciphertext). decryptAES is deterministic
 * and strips the padding without checking it, like sprig; encryptAES needs the injected random
 * source for its IV and is refused without one.
 */

function keyOf(password: string): Buffer {
  const key = Buffer.alloc(32);
  toBytes(password).copy(key, 0, 0, 32);
  return key;
}

function encryptAES(password: string, plaintext: string, ctx: CallContext): string {
  if (plaintext === "") return "";
  if (ctx.random === undefined)
    throw refusedFault("encryptAES needs a random source and none was configured");
  if (plaintext.length > ctx.maxBytes)
    throw budgetFault("encryptAES input exceeds the output budget");
  const content = toBytes(plaintext);
  const padding = 16 - (content.length % 16);
  const padded = Buffer.concat([content, Buffer.alloc(padding, padding)]);
  const iv = Buffer.from(ctx.random(16));
  const cipher = createCipheriv("aes-256-cbc", keyOf(password), iv).setAutoPadding(false);
  return Buffer.concat([iv, cipher.update(padded), cipher.final()]).toString("base64");
}

function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === "") return "";
  const clean = crypt64.replace(/[\r\n]/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
    throw execFault("illegal base64 data");
  }
  const crypt = Buffer.from(clean, "base64");
  if (crypt.length < 16) throw execFault("slice bounds out of range");
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw execFault("crypto/cipher: input not full blocks");
  const decipher = createDecipheriv("aes-256-cbc", keyOf(password), crypt.subarray(0, 16));
  const plain = Buffer.concat([decipher.setAutoPadding(false).update(body), decipher.final()]);
  const pad = plain[plain.length - 1];
  if (pad === undefined || pad > plain.length) throw execFault("slice bounds out of range");
  return fromBytes(plain.subarray(0, plain.length - pad));
}

/** AES functions of the sprig map. */
export function aesFuncs(): [string, FuncDef][] {
  const S = (v: GoValue | undefined): string => v as string;
  return [
    ["encryptAES", fn(["string", "string"], ([p, t], ctx) => encryptAES(S(p), S(t), ctx))],
    ["decryptAES", fn(["string", "string"], ([p, c]) => decryptAES(S(p), S(c)))],
  ];
}
