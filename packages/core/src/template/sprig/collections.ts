import { budgetFault, execFault } from "../failure.js";
import { fn } from "../funcs.js";
import type { CallContext, FuncDef } from "../funcs.js";
import { GoInt, GoMap, GoSlice, GoTime, kindName, sortedKeys } from "../value.js";
import type { GoValue } from "../value.js";
import { toInt64, strval } from "./cast.js";
import { empty } from "./defaults.js";
import { appendAll } from "../../append.js";

/**
 * sprig v3.3.0 list and dict functions (`list.go`, `dict.go`). Maps iterate in sorted key order
 * (Go's is random: `keys` and `values` are only deterministic there after sorting).
 */

/** reflect.DeepEqual over GoValues. */
function sliceEqual(a: GoSlice, b: GoSlice): boolean {
  // `items` copies a window of a larger array: read once, not once per element.
  const [x, y] = [a.items, b.items];
  return (
    a.elem === b.elem && x.length === y.length && x.every((v, i) => deepEqual(v, y[i] ?? null))
  );
}

function mapEqual(a: GoMap, b: GoMap): boolean {
  if (a.elem !== b.elem || a.m.size !== b.m.size) return false;
  return [...a.m].every(([k, v]) => b.m.has(k) && deepEqual(v, b.m.get(k) ?? null));
}

/** reflect.DeepEqual over GoValues. */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  if (a instanceof GoInt && b instanceof GoInt) return a.type === b.type && a.v === b.v;
  if (a instanceof GoSlice && b instanceof GoSlice) return sliceEqual(a, b);
  if (a instanceof GoMap && b instanceof GoMap) return mapEqual(a, b);
  if (a instanceof GoTime && b instanceof GoTime) return a.ns === b.ns && a.offset === b.offset;
  return false;
}

function listOf(v: GoValue, what: string): GoSlice {
  if (v instanceof GoSlice) return v;
  if (v === null) throw execFault("invalid memory address or nil pointer dereference");
  throw execFault(`Cannot ${what} type ${kindName(v)}`);
}

const L = (items: GoValue[]): GoSlice => new GoSlice(items);

function chunk(size: number, v: GoValue, ctx: CallContext): GoValue {
  const l = listOf(v, "chunk").items;
  if (size <= 0) throw execFault("integer divide by zero");
  ctx.charge(l.length);
  const out: GoValue[] = [];
  for (let i = 0; i < l.length; i += size) out.push(L(l.slice(i, i + size)));
  return new GoSlice(out, "[]interface {}");
}

function sliceList(v: GoValue, idx: GoValue[]): GoValue {
  const l = v instanceof GoSlice ? v : null;
  if (l === null)
    throw execFault(
      `list should be type of slice or array but ${v === null ? "invalid" : kindName(v)}`,
    );
  if (l.items.length === 0) return null;
  const start = idx.length > 0 ? Number(toInt64(idx[0] ?? null)) : 0;
  const end = idx.length < 2 ? l.items.length : Number(toInt64(idx[1] ?? null));
  if (start < 0 || end > l.items.length || start > end)
    throw execFault("slice bounds out of range");
  return l.window(start, end); // reflect's Slice shares the array
}

function concat(lists: GoValue[], ctx: CallContext): GoValue {
  const out: GoValue[] = [];
  for (const list of lists) {
    const l = listOf(list, "concat").items;
    ctx.charge(l.length);
    appendAll(out, l);
  }
  return new GoSlice(out, "interface {}", out.length === 0);
}

function has(needle: GoValue, hay: GoValue): boolean {
  if (hay === null) return false;
  return listOf(hay, "find has on").items.some((x) => deepEqual(needle, x));
}

function uniq(v: GoValue, ctx: CallContext): GoValue {
  const n = listOf(v, "find uniq on").items.length;
  ctx.charge((n * n) / 100);
  const dest: GoValue[] = [];
  for (const item of listOf(v, "find uniq on").items) {
    if (!dest.some((d) => deepEqual(item, d))) dest.push(item);
  }
  return L(dest);
}

function without(v: GoValue, omit: GoValue[], ctx: CallContext): GoValue {
  ctx.charge((listOf(v, "find without on").items.length * omit.length) / 100);
  return L(listOf(v, "find without on").items.filter((x) => !omit.some((o) => deepEqual(x, o))));
}

function firstOf(v: GoValue): GoValue {
  const l = listOf(v, "find first on").items;
  return l.length === 0 ? null : (l[0] ?? null);
}

function lastOf(v: GoValue): GoValue {
  const l = listOf(v, "find last on").items;
  return l.length === 0 ? null : (l[l.length - 1] ?? null);
}

function restOf(v: GoValue): GoValue {
  const l = listOf(v, "find rest on").items;
  return l.length === 0 ? new GoSlice([], "interface {}", true) : L(l.slice(1));
}

function initialOf(v: GoValue): GoValue {
  const l = listOf(v, "find initial on").items;
  return l.length === 0 ? new GoSlice([], "interface {}", true) : L(l.slice(0, -1));
}

function untilStep(start: bigint, stop: bigint, step: bigint, ctx: CallContext): GoSlice {
  const out: GoValue[] = [];
  const n = step === 0n ? 0n : (stop - start) / step;
  ctx.charge(Number(n > 0n ? n : 0n));
  if (n * 16n > BigInt(ctx.maxBytes)) throw budgetFault("list exceeds the output budget");
  if (stop < start) {
    if (step >= 0n) return new GoSlice(out, "int");
    for (let i = start; i > stop; i += step) out.push(new GoInt("int", i));
    return new GoSlice(out, "int");
  }
  if (step <= 0n) return new GoSlice(out, "int");
  for (let i = start; i < stop; i += step) out.push(new GoInt("int", i));
  return new GoSlice(out, "int");
}

/** sprig `until` / `untilStep` (exported for seq). */
export function untilList(start: bigint, stop: bigint, step: bigint, ctx: CallContext): GoSlice {
  return untilStep(start, stop, step, ctx);
}

function dict(args: GoValue[]): GoMap {
  const m = new Map<string, GoValue>();
  for (let i = 0; i < args.length; i += 2) {
    const key = strval(args[i] ?? null);
    m.set(key, i + 1 >= args.length ? "" : (args[i + 1] ?? null));
  }
  return new GoMap(m);
}

const M = (v: GoValue | undefined): GoMap => (v instanceof GoMap ? v : new GoMap());
const S = (v: GoValue | undefined): string => v as string;

function keysOf(dicts: GoValue[]): GoSlice {
  const out: string[] = [];
  for (const d of dicts) appendAll(out, sortedKeys(M(d)));
  return new GoSlice(out, "string");
}

function pick(d: GoMap, ks: GoValue[]): GoMap {
  const m = new Map<string, GoValue>();
  for (const k of ks as string[]) if (d.m.has(k)) m.set(k, d.m.get(k) ?? null);
  return new GoMap(m);
}

function omit(d: GoMap, ks: GoValue[]): GoMap {
  const drop = new Set(ks as string[]);
  return new GoMap(new Map([...d.m].filter(([k]) => !drop.has(k))));
}

/** mergo keeps a non-empty destination slice, or map merged in place, over the source. */
function keepsDestination(dv: GoValue, sv: GoValue): boolean {
  if (empty(dv)) return false;
  return sv instanceof GoSlice || (sv instanceof GoMap && dv instanceof GoMap);
}

/** dario.cat/mergo v1.0.1 deepMerge for map[string]interface{} (Merge / MergeWithOverwrite). */
function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const [k, sv] of src.m) {
    const exists = dst.m.has(k);
    const dv = dst.m.get(k) ?? null;
    if (sv === null) {
      if (overwrite) dst.m.set(k, null);
      continue;
    }
    if (sv instanceof GoMap && dv instanceof GoMap) mergeInto(dv, sv, overwrite);
    const keep = exists && keepsDestination(dv, sv);
    if (!keep && (overwrite || !exists || empty(dv))) dst.m.set(k, sv);
  }
}

const NIL_MAP = (): GoMap => new GoMap(new Map(), "interface {}", true);

function merge(args: GoValue[], overwrite: boolean): GoValue {
  const first = args[0] ?? null;
  const srcs = args.slice(1).filter((s): s is GoMap => s instanceof GoMap && !s.isNil);
  const dstIsNil = !(first instanceof GoMap) || first.isNil;
  // mergo allocates a nil destination only when some source is a non-nil map.
  if (dstIsNil && srcs.length === 0) return NIL_MAP();
  const dst = dstIsNil ? new GoMap() : first;
  for (const src of srcs) mergeInto(dst, src, overwrite);
  return dst;
}

function unsetKey(d: GoValue, key: string): GoMap {
  if (!(d instanceof GoMap)) return NIL_MAP();
  d.m.delete(key);
  return d;
}

function setKey(d: GoValue, key: string, v: GoValue): GoMap {
  if (!(d instanceof GoMap) || d.isNil) throw execFault("assignment to entry in nil map");
  d.m.set(key, v);
  return d;
}

/** copystructure.Copy fails on an untyped nil. */
function deepCopyOf(v: GoValue): GoValue {
  if (v === null) throw execFault("deepCopy of nil");
  return deepCopy(v);
}

function deepCopy(v: GoValue): GoValue {
  if (v instanceof GoSlice) return new GoSlice(v.items.map(deepCopy), v.elem);
  if (v instanceof GoMap)
    return new GoMap(new Map([...v.m].map(([k, x]) => [k, deepCopy(x)])), v.elem);
  return v;
}

function dig(args: GoValue[]): GoValue {
  if (args.length < 3) throw execFault("dig needs at least three arguments");
  const dict0 = args[args.length - 1] ?? null;
  if (!(dict0 instanceof GoMap) || dict0.elem !== "interface {}") {
    throw execFault("interface conversion");
  }
  const ks = args.slice(0, -2);
  if (ks.some((k) => typeof k !== "string")) throw execFault("interface conversion");
  return digFrom(dict0, args[args.length - 2] ?? null, ks as string[]);
}

function digFrom(dict0: GoMap, def: GoValue, ks: string[]): GoValue {
  let cur: GoMap = dict0;
  for (let i = 0; i < ks.length; i++) {
    const k = ks[i] ?? "";
    if (!cur.m.has(k)) return def;
    const step = cur.m.get(k) ?? null;
    if (i === ks.length - 1) return step;
    if (!(step instanceof GoMap) || step.elem !== "interface {}")
      throw execFault("interface conversion");
    cur = step;
  }
  return def;
}

type Def = [string, FuncDef];

function mustPair(name: string, def: FuncDef): Def[] {
  return [
    [name, def],
    [`must${name[0]?.toUpperCase() ?? ""}${name.slice(1)}`, def],
  ];
}

/** List and dict functions of the sprig map. */
export function collectionFuncs(): Def[] {
  const MAP = "map[string]interface {}" as const;
  return [
    ["list", fn([], (a) => L(a), "any")],
    ["tuple", fn([], (a) => L(a), "any")],
    ...mustPair(
      "push",
      fn(["any", "any"], ([l = null, v = null]) => L([...listOf(l, "push on").items, v])),
    ),
    ["append", fn(["any", "any"], ([l = null, v = null]) => L([...listOf(l, "push on").items, v]))],
    [
      "mustAppend",
      fn(["any", "any"], ([l = null, v = null]) => L([...listOf(l, "push on").items, v])),
    ],
    ...mustPair(
      "prepend",
      fn(["any", "any"], ([l = null, v = null]) => L([v, ...listOf(l, "prepend on").items])),
    ),
    ...mustPair(
      "chunk",
      fn(["int", "any"], ([n, l = null], ctx) => chunk(Number((n as GoInt).v), l, ctx)),
    ),
    ...mustPair(
      "first",
      fn(["any"], ([l = null]) => firstOf(l)),
    ),
    ...mustPair(
      "last",
      fn(["any"], ([l = null]) => lastOf(l)),
    ),
    ...mustPair(
      "rest",
      fn(["any"], ([l = null]) => restOf(l)),
    ),
    ...mustPair(
      "initial",
      fn(["any"], ([l = null]) => initialOf(l)),
    ),
    ...mustPair(
      "reverse",
      fn(["any"], ([l = null]) => L([...listOf(l, "find reverse on").items].reverse())),
    ),
    ...mustPair(
      "compact",
      fn(["any"], ([l = null]) => L(listOf(l, "compact on").items.filter((x) => !empty(x)))),
    ),
    ...mustPair(
      "uniq",
      fn(["any"], ([l = null], ctx) => uniq(l, ctx)),
    ),
    ...mustPair(
      "without",
      fn(["any"], ([l = null, ...o], ctx) => without(l, o, ctx), "any"),
    ),
    ...mustPair(
      "has",
      fn(["any", "any"], ([n = null, h = null]) => has(n, h)),
    ),
    ...mustPair(
      "slice",
      fn(["any"], ([l = null, ...i]) => sliceList(l, i), "any"),
    ),
    ["concat", fn([], concat, "any")],
    [
      "until",
      fn(["int"], ([n], ctx) => untilStep(0n, (n as GoInt).v, (n as GoInt).v < 0n ? -1n : 1n, ctx)),
    ],
    [
      "untilStep",
      fn(["int", "int", "int"], ([a, b, c], ctx) =>
        untilStep((a as GoInt).v, (b as GoInt).v, (c as GoInt).v, ctx),
      ),
    ],
    ["dict", fn([], dict, "any")],
    ["get", fn([MAP, "string"], ([d, k]) => (M(d).m.has(S(k)) ? (M(d).m.get(S(k)) ?? null) : ""))],
    ["set", fn([MAP, "string", "any"], ([d = null, k, v = null]) => setKey(d, S(k), v))],
    ["unset", fn([MAP, "string"], ([d = null, k]) => unsetKey(d, S(k)))],
    ["hasKey", fn([MAP, "string"], ([d, k]) => M(d).m.has(S(k)))],
    [
      "pluck",
      fn(
        ["string"],
        ([k, ...ds]) => L(ds.filter((d) => M(d).m.has(S(k))).map((d) => M(d).m.get(S(k)) ?? null)),
        MAP,
      ),
    ],
    ["keys", fn([], keysOf, MAP)],
    ["pick", fn([MAP], ([d, ...ks]) => pick(M(d), ks), "string")],
    ["omit", fn([MAP], ([d, ...ks]) => omit(M(d), ks), "string")],
    ["merge", fn([MAP], (a) => merge(a, false), MAP)],
    ["mustMerge", fn([MAP], (a) => merge(a, false), MAP)],
    ["mergeOverwrite", fn([MAP], (a) => merge(a, true), MAP)],
    ["mustMergeOverwrite", fn([MAP], (a) => merge(a, true), MAP)],
    ["values", fn([MAP], ([d]) => L(sortedKeys(M(d)).map((k) => M(d).m.get(k) ?? null)))],
    ["deepCopy", fn(["any"], ([v = null]) => deepCopyOf(v))],
    ["mustDeepCopy", fn(["any"], ([v = null]) => deepCopyOf(v))],
    ["dig", fn([], dig, "any")],
    ["deepEqual", fn(["any", "any"], ([a = null, b = null]) => deepEqual(a, b))],
  ];
}
