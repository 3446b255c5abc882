import { execFault } from "../failure.js";
import { formatFloat } from "../float.js";
import { fn } from "../funcs.js";
import type { CallContext, FuncDef } from "../funcs.js";
import { parseGoInt } from "../literal.js";
import { goInt, goInt64 } from "../value.js";
import type { GoValue, GoInt } from "../value.js";
import { strval, toFloat64, toInt64 } from "./cast.js";
import { untilList } from "./collections.js";

/**
 * sprig v3.3.0 math (`numeric.go` and the inline int64 helpers of `functions.go`). Integer
 * arithmetic wraps at 64 bits like Go; the `*f` functions use exact decimals like shopspring.
 */

const wrap = (v: bigint): GoInt => goInt64(BigInt.asIntN(64, v));

function div(a: bigint, b: bigint): GoInt {
  if (b === 0n) throw execFault("integer divide by zero");
  return wrap(a / b);
}

function mod(a: bigint, b: bigint): GoInt {
  if (b === 0n) throw execFault("integer divide by zero");
  return wrap(a % b);
}

interface Dec {
  m: bigint;
  e: number;
}

function toDec(f: number): Dec {
  if (!Number.isFinite(f)) throw execFault("cannot create a Decimal from a non-finite float");
  const s = formatFloat(f, "e", -1);
  const [mant = "0", exp = "0"] = s.split("e");
  const digits = mant.replace(".", "");
  const frac = mant.includes(".") ? (mant.split(".")[1] ?? "").length : 0;
  return { m: BigInt(digits), e: Number(exp) - frac };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.m * 10n ** BigInt(a.e - e), b.m * 10n ** BigInt(b.e - e), e];
}

function decToFloat(d: Dec): number {
  return Number(`${d.m}e${d.e}`);
}

const DEC_OPS: Readonly<Record<string, (a: Dec, b: Dec) => Dec>> = {
  add: (a, b) => {
    const [x, y, e] = align(a, b);
    return { m: x + y, e };
  },
  sub: (a, b) => {
    const [x, y, e] = align(a, b);
    return { m: x - y, e };
  },
  mul: (a, b) => ({ m: a.m * b.m, e: a.e + b.e }),
  div: (a, b) => {
    if (b.m === 0n) throw execFault("decimal division by 0");
    const [x, y] = align(a, b);
    const scaled = x * 10n ** 17n;
    let q = scaled / y;
    const neg = q < 0n || (q === 0n && x < 0n !== y < 0n);
    let abs = q < 0n ? -q : q;
    abs = (abs + 5n) / 10n;
    q = neg ? -abs : abs;
    return { m: q, e: -16 };
  },
};

function decimalOp(op: string, first: GoValue, rest: GoValue[]): number {
  const f = DEC_OPS[op] as (a: Dec, b: Dec) => Dec;
  let acc = toDec(toFloat64(first));
  for (const x of rest) acc = f(acc, toDec(toFloat64(x)));
  return decToFloat(acc);
}

function round(a: GoValue, p: number, opt: GoValue[]): number {
  const roundOn = opt.length > 0 ? (opt[0] as number) : 0.5;
  const pow = 10 ** p;
  const digit = pow * toFloat64(a);
  const frac = digit - Math.trunc(digit);
  const r = frac >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

function toDecimal(v: GoValue): GoInt {
  const s = strval(v);
  if (!/^[+-]?[0-7_]+$/.test(s) || s.includes("_")) return goInt64(0);
  const n = parseGoInt(`0o${s.replace(/^[+-]/, "")}`);
  if (n === null) return goInt64(0);
  const signed = s.startsWith("-") ? -n : n;
  if (signed >= 1n << 63n || signed < -(1n << 63n)) return goInt64(0);
  return goInt64(signed);
}

function seq(params: GoValue[], ctx: CallContext): string {
  const p = params.map((x) => (x as GoInt).v);
  const [a = 0n, b = 0n, c = 0n] = p;
  let list: bigint[] = [];
  const run = (start: bigint, stop: bigint, step: bigint): bigint[] =>
    untilList(start, stop, step, ctx).items.map((x) => (x as GoInt).v);
  if (p.length === 1) {
    const inc = a < 1n ? -1n : 1n;
    list = run(1n, a + inc, inc);
  } else if (p.length === 2) {
    const step = b < a ? -1n : 1n;
    list = run(a, b + step, step);
  } else if (p.length === 3) {
    const inc = c < a ? -1n : 1n;
    if (c < a && b > 0n) return "";
    list = run(a, c + inc, b);
  }
  return list.join(" ");
}

const N = (v: GoValue | undefined): bigint => toInt64(v ?? null);

/** Math functions of the sprig map. */
export function mathFuncs(): [string, FuncDef][] {
  return [
    ["add1", fn(["any"], ([a]) => wrap(N(a) + 1n))],
    ["add", fn([], (xs) => wrap(xs.reduce<bigint>((s, x) => s + N(x), 0n)), "any")],
    ["sub", fn(["any", "any"], ([a, b]) => wrap(N(a) - N(b)))],
    ["div", fn(["any", "any"], ([a, b]) => div(N(a), N(b)))],
    ["mod", fn(["any", "any"], ([a, b]) => mod(N(a), N(b)))],
    [
      "mul",
      fn(
        ["any"],
        ([a, ...xs]) => wrap(xs.reduce<bigint>((s, x) => BigInt.asIntN(64, s * N(x)), N(a))),
        "any",
      ),
    ],
    ["add1f", fn(["any"], ([a = null]) => decimalOp("add", a, [goInt(1)]))],
    ["addf", fn([], (xs) => decimalOp("add", 0, xs), "any")],
    ["subf", fn(["any"], ([a = null, ...xs]) => decimalOp("sub", a, xs), "any")],
    ["divf", fn(["any"], ([a = null, ...xs]) => decimalOp("div", a, xs), "any")],
    ["mulf", fn(["any"], ([a = null, ...xs]) => decimalOp("mul", a, xs), "any")],
    [
      "biggest",
      fn(
        ["any"],
        ([a, ...xs]) => goInt64(xs.reduce<bigint>((m, x) => (N(x) > m ? N(x) : m), N(a))),
        "any",
      ),
    ],
    [
      "max",
      fn(
        ["any"],
        ([a, ...xs]) => goInt64(xs.reduce<bigint>((m, x) => (N(x) > m ? N(x) : m), N(a))),
        "any",
      ),
    ],
    [
      "min",
      fn(
        ["any"],
        ([a, ...xs]) => goInt64(xs.reduce<bigint>((m, x) => (N(x) < m ? N(x) : m), N(a))),
        "any",
      ),
    ],
    [
      "maxf",
      fn(
        ["any"],
        ([a = null, ...xs]) => xs.reduce<number>((m, x) => goMax(m, toFloat64(x)), toFloat64(a)),
        "any",
      ),
    ],
    [
      "minf",
      fn(
        ["any"],
        ([a = null, ...xs]) => xs.reduce<number>((m, x) => goMin(m, toFloat64(x)), toFloat64(a)),
        "any",
      ),
    ],
    ["ceil", fn(["any"], ([a = null]) => Math.ceil(toFloat64(a)))],
    ["floor", fn(["any"], ([a = null]) => Math.floor(toFloat64(a)))],
    [
      "round",
      fn(["any", "int"], ([a = null, p, ...o]) => round(a, Number((p as GoInt).v), o), "float64"),
    ],
    ["toDecimal", fn(["any"], ([v = null]) => toDecimal(v))],
    ["seq", fn([], seq, "int")],
    ["int64", fn(["any"], ([v = null]) => goInt64(toInt64(v)))],
    ["int", fn(["any"], ([v = null]) => goInt(toInt64(v)))],
    ["float64", fn(["any"], ([v = null]) => toFloat64(v))],
  ];
}

function goMax(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  return Math.max(a, b);
}

function goMin(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  return Math.min(a, b);
}
