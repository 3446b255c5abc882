import { decodeRune, encodeRune } from "./bytes.js";
import { execFault } from "./failure.js";
import { isPrintRune, sprint, sprintf, sprintln } from "./fmt.js";
import { fn } from "./funcs.js";
import type { FuncDef } from "./funcs.js";
import {
  GoInt,
  GoMap,
  GoSlice,
  GoStruct,
  GoTime,
  goInt,
  isTrue,
  isUnsigned,
  typeName,
} from "./value.js";
import type { GoValue } from "./value.js";

/**
 * Go text/template's built-in functions (`text/template/funcs.go`): and, or, not, len, index,
 * slice, print, printf, println, eq, ne, lt, le, gt, ge, call, html, js, urlquery.
 */

type Kind = "invalid" | "bool" | "int" | "uint" | "float" | "string" | "other";

function basicKind(v: GoValue): Kind {
  if (v === null) return "invalid";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return "float";
  if (typeof v === "string") return "string";
  if (v instanceof GoInt) return isUnsigned(v.type) ? "uint" : "int";
  return "other";
}

function incompatible(a: GoValue, b: GoValue): never {
  throw execFault(`incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`);
}

function comparable(v: GoValue): boolean {
  return !(v instanceof GoSlice || v instanceof GoMap);
}

function eqOther(a: GoValue, b: GoValue): boolean {
  if (!comparable(a) || !comparable(b)) throw execFault("non-comparable types");
  if (a === null || b === null) return a === b;
  if (a instanceof GoTime && b instanceof GoTime) {
    return a.ns === b.ns && a.offset === b.offset && a.zone === b.zone;
  }
  return a === b;
}

function eqPair(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 !== k2) {
    if ((k1 === "int" || k1 === "uint") && (k2 === "int" || k2 === "uint")) {
      return (a as GoInt).v === (b as GoInt).v;
    }
    if (a !== null && b !== null) incompatible(a, b);
    return false;
  }
  if (a instanceof GoInt && b instanceof GoInt) return a.v === b.v;
  if (k1 === "other" || k1 === "invalid") return eqOther(a, b);
  return a === b;
}

function eq(args: GoValue[]): GoValue {
  const [first = null, ...rest] = args;
  if (rest.length === 0) throw execFault("missing argument for comparison");
  return rest.some((b) => eqPair(first, b));
}

function lessThan(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  const bad = ["invalid", "other"];
  if (bad.includes(k1) || bad.includes(k2)) throw execFault("invalid type for comparison");
  if (a instanceof GoInt && b instanceof GoInt) return a.v < b.v;
  if (k1 !== k2) return incompatible(a, b);
  if (k1 === "bool") throw execFault("invalid type for comparison");
  return (a as number | string) < (b as number | string);
}

function lengthOf(v: GoValue): GoValue {
  if (typeof v === "string") return goInt(v.length);
  if (v instanceof GoSlice) return goInt(v.items.length);
  if (v instanceof GoMap) return goInt(v.m.size);
  if (v === null) throw execFault("len of nil pointer");
  throw execFault(`len of type ${typeName(v)}`);
}

function indexArg(index: GoValue, cap: number): number {
  if (index === null) throw execFault("cannot index slice/array with nil");
  if (!(index instanceof GoInt)) {
    throw execFault(`cannot index slice/array with type ${typeName(index)}`);
  }
  if (index.v < 0n || index.v > BigInt(cap)) throw execFault("index out of range");
  return Number(index.v);
}

function indexSequence(item: string | GoSlice, index: GoValue): GoValue {
  const len = typeof item === "string" ? item.length : item.items.length;
  const x = indexArg(index, len);
  if (x === len) throw execFault("index out of range");
  if (typeof item === "string") return new GoInt("uint8", BigInt(item.charCodeAt(x)));
  return item.items[x] ?? null;
}

function indexMap(item: GoMap, index: GoValue): GoValue {
  if (index === null) throw execFault("value is nil; should be of type string");
  if (typeof index !== "string") {
    throw execFault(`value has type ${typeName(index)}; should be string`);
  }
  if (item.m.has(index)) return item.m.get(index) ?? null;
  return item.elem === "string" ? "" : null;
}

function indexOne(item: GoValue, index: GoValue): GoValue {
  if (typeof item === "string" || item instanceof GoSlice) return indexSequence(item, index);
  if (item instanceof GoMap) return indexMap(item, index);
  if (item === null) throw execFault("index of nil pointer");
  throw execFault(`can't index item of type ${typeName(item)}`);
}

function index(args: GoValue[]): GoValue {
  let item = args[0] ?? null;
  if (item === null) throw execFault("index of untyped nil");
  for (const ix of args.slice(1)) item = indexOne(item, ix);
  return item;
}

function sliceable(item: GoValue, count: number): string | GoSlice {
  if (item === null) throw execFault("slice of untyped nil");
  if (count > 3) throw execFault(`too many slice indexes: ${count}`);
  if (typeof item !== "string" && !(item instanceof GoSlice)) {
    throw execFault(`can't slice item of type ${typeName(item)}`);
  }
  if (typeof item === "string" && count === 3) throw execFault("cannot 3-index slice a string");
  return item;
}

function slice(args: GoValue[]): GoValue {
  const [raw = null, ...indexes] = args;
  const item = sliceable(raw, indexes.length);
  const len = typeof item === "string" ? item.length : item.items.length;
  const idx = [0, len, len];
  indexes.forEach((ix, i) => (idx[i] = indexArg(ix, len)));
  const [lo = 0, hi = len, max = len] = idx;
  if (lo > hi) throw execFault("invalid slice index");
  if (indexes.length === 3 && hi > max) throw execFault("invalid slice index");
  if (typeof item === "string") return item.slice(lo, hi);
  return item.window(lo, hi); // shares the array, as Go's slice expression does
}

// Index and slice errors omit the numbers Go prints: an index computed from a secret
// (`index $list (atoi .pin)`) would otherwise reach the failure message.

/** text/template's evalArgs: a lone string as is, otherwise Sprint with nil as `<no value>`. */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(args.map((a) => (a === null ? "<no value>" : a)));
}

const HTML_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', "&#34;"],
  ["'", "&#39;"],
  ["&", "&amp;"],
  ["<", "&lt;"],
  [">", "&gt;"],
  ["\0", "\xef\xbf\xbd"],
]);

/** template.HTMLEscapeString. */
export function htmlEscape(s: string): string {
  return s.replace(/["'&<>\0]/g, (c) => HTML_ESCAPES.get(c) ?? c);
}

const JS_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x5c, "\\\\"],
  [0x27, "\\'"],
  [0x22, '\\"'],
  [0x3c, "\\u003C"],
  [0x3e, "\\u003E"],
  [0x26, "\\u0026"],
  [0x3d, "\\u003D"],
]);

function jsEscapeRune(r: number): string {
  const esc = JS_ESCAPES.get(r);
  if (esc !== undefined) return esc;
  if (r < 0x20) return `\\u${r.toString(16).toUpperCase().padStart(4, "0")}`;
  if (r < 0x80 || isPrintRune(r)) return encodeRune(r);
  return `\\u${r.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** template.JSEscapeString. */
export function jsEscape(s: string): string {
  let out = "";
  for (let i = 0; i < s.length;) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      out += jsEscapeRune(c);
      i++;
      continue;
    }
    const [r, n] = decodeRune(s, i);
    out += r === 0xfffd && n === 1 ? s.charAt(i) : jsEscapeRune(r);
    i += n;
  }
  return out;
}

/** url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (/^[A-Za-z0-9\-_.~]$/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += `%${s.charCodeAt(i).toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The built-in function map. */
export function builtins(): Map<string, FuncDef> {
  return new Map<string, FuncDef>([
    ["and", fn(["any"], () => null, "any")],
    ["or", fn(["any"], () => null, "any")],
    ["not", fn(["any"], ([a = null]) => !isTrue(a))],
    ["len", fn(["any"], ([a = null]) => lengthOf(a))],
    ["index", fn(["any"], index, "any")],
    ["slice", fn(["any"], slice, "any")],
    ["print", fn([], (args) => sprint(args), "any")],
    ["printf", fn(["string"], (args, ctx) => printfCall(args, ctx.maxBytes), "any")],
    ["println", fn([], (args) => sprintln(args), "any")],
    ["eq", fn(["any"], eq, "any")],
    ["ne", fn(["any", "any"], ([a = null, b = null]) => !eqPair(a, b))],
    ["lt", fn(["any", "any"], ([a = null, b = null]) => lessThan(a, b))],
    ["le", fn(["any", "any"], ([a = null, b = null]) => lessThan(a, b) || eqPair(a, b))],
    ["gt", fn(["any", "any"], ([a = null, b = null]) => !lessThan(a, b) && !eqPair(a, b))],
    ["ge", fn(["any", "any"], ([a = null, b = null]) => !lessThan(a, b))],
    ["call", fn(["any"], callBuiltin, "any")],
    ["html", fn([], (args) => htmlEscape(evalArgs(args)), "any")],
    ["js", fn([], (args) => jsEscape(evalArgs(args)), "any")],
    ["urlquery", fn([], (args) => queryEscape(evalArgs(args)), "any")],
  ]);
}

function callBuiltin(args: GoValue[]): GoValue {
  const f = args[0] ?? null;
  if (f === null) throw execFault("call of nil");
  if (f instanceof GoStruct) throw execFault(`non-function of type ${f.type}`);
  throw execFault(`non-function of type ${typeName(f)}`);
}

/** printf needs its variadic arguments; exposed so the map can bind them. */
export function printfCall(args: GoValue[], maxBytes: number): string {
  const [format = "", ...rest] = args;
  return sprintf(format as string, rest, maxBytes);
}
