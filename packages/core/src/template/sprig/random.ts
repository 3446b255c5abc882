import { Buffer } from "node:buffer";
import { budgetFault, refusedFault } from "../failure.js";
import { fn } from "../funcs.js";
import type { CallContext, FuncDef } from "../funcs.js";
import { goInt } from "../value.js";
import type { GoValue, GoInt } from "../value.js";

/**
 * Non-deterministic sprig functions. With an injected random source (RenderOptions.random)
 * the random-string, randInt, randBytes, uuidv4 and shuffle functions run over it; without one
 * they fail with ERR_TEMPLATE_REFUSED. Key, certificate and password-hash generators
 * (genPrivateKey, genCA, bcrypt, htpasswd, derivePassword) are always refused: they are expensive,
 * and the generators' output would change on every reconcile of the Secret.
 */

function source(ctx: CallContext, name: string): (n: number) => Uint8Array {
  if (ctx.random === undefined) {
    throw refusedFault(`${name} needs a random source and none was configured`);
  }
  return ctx.random;
}

/** Uniform integer in [0, n) by rejection sampling over 32-bit draws. */
function uniform(rand: (n: number) => Uint8Array, n: number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  for (;;) {
    const b = rand(4);
    const v = (((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0;
    if (v < limit) return v % n;
  }
}

const ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const PRINTABLE = String.fromCharCode(...Array.from({ length: 95 }, (_, i) => i + 32));

function randomString(alphabet: string, name: string) {
  return ([count]: GoValue[], ctx: CallContext): string => {
    const n = Number((count as GoInt).v);
    if (n <= 0) return "";
    if (n > ctx.maxBytes) throw budgetFault(`${name} count exceeds the output budget`);
    const rand = source(ctx, name);
    ctx.charge(n);
    let out = "";
    for (let i = 0; i < n; i++) out += alphabet[uniform(rand, alphabet.length)];
    return out;
  };
}

function randInt([min, max]: GoValue[], ctx: CallContext): GoValue {
  const lo = Number((min as GoInt).v);
  const hi = Number((max as GoInt).v);
  if (hi - lo <= 0) throw new Error("invalid argument to Intn");
  return goInt(lo + uniform(source(ctx, "randInt"), hi - lo));
}

function randBytes([count]: GoValue[], ctx: CallContext): string {
  const n = Number((count as GoInt).v);
  if (n < 0) throw new Error("negative count");
  if (n > ctx.maxBytes) throw budgetFault("randBytes count exceeds the output budget");
  return Buffer.from(source(ctx, "randBytes")(n)).toString("base64");
}

function uuidv4(_args: GoValue[], ctx: CallContext): string {
  const b = Buffer.from(source(ctx, "uuidv4")(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function shuffle([s]: GoValue[], ctx: CallContext): string {
  const chars = [...(s as string)];
  if (chars.length <= 1) return s as string;
  const rand = source(ctx, "shuffle");
  for (let i = chars.length - 1; i > 0; i--) {
    const j = uniform(rand, i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join("");
}

/** Functions Signet never runs (listed in README.md). */
export const ALWAYS_REFUSED = [
  "bcrypt",
  "htpasswd",
  "genPrivateKey",
  "derivePassword",
  "buildCustomCert",
  "genCA",
  "genCAWithKey",
  "genSelfSignedCert",
  "genSelfSignedCertWithKey",
  "genSignedCert",
  "genSignedCertWithKey",
] as const;

function refused(name: string): FuncDef {
  return fn(
    [],
    () => {
      throw refusedFault(`${name} is not supported by Signet templates`);
    },
    "any",
  );
}

/** Random and refused functions of the sprig map. */
export function randomFuncs(): [string, FuncDef][] {
  return [
    ["randAlphaNum", fn(["int"], randomString(ALPHA + DIGITS, "randAlphaNum"))],
    ["randAlpha", fn(["int"], randomString(ALPHA, "randAlpha"))],
    ["randNumeric", fn(["int"], randomString(DIGITS, "randNumeric"))],
    ["randAscii", fn(["int"], randomString(PRINTABLE, "randAscii"))],
    ["randInt", fn(["int", "int"], randInt)],
    ["randBytes", fn(["int"], randBytes)],
    ["uuidv4", fn([], uuidv4)],
    ["shuffle", fn(["string"], shuffle)],
    ...ALWAYS_REFUSED.map((name): [string, FuncDef] => [name, refused(name)]),
  ];
}
