import { fn } from "../funcs.js";
import type { FuncDef } from "../funcs.js";
import { GoInt, GoMap, GoSlice, GoStruct, GoTime, kindName, typeName } from "../value.js";
import type { GoValue } from "../value.js";

/**
 * sprig v3.3.0 defaults and reflection helpers (`defaults.go`, `reflect.go`).
 */

/** sprig's `empty`: nil, zero numbers, false, and empty strings, slices and maps. */
export function empty(v: GoValue): boolean {
  if (v === null) return true;
  if (typeof v === "string") return v.length === 0;
  if (typeof v === "number") return v === 0;
  if (typeof v === "boolean") return !v;
  if (v instanceof GoInt) return v.v === 0n;
  if (v instanceof GoSlice) return v.items.length === 0;
  if (v instanceof GoMap) return v.m.size === 0;
  if (v instanceof GoTime) return false;
  return !(v instanceof GoStruct);
}

function dfault(d: GoValue, given: GoValue[]): GoValue {
  const g = given[0] ?? null;
  if (given.length === 0 || empty(g)) return d;
  return g;
}

/** Default, empty, coalesce, ternary and type functions of the sprig map. */
export function defaultFuncs(): [string, FuncDef][] {
  return [
    ["default", fn(["any"], ([d = null, ...g]) => dfault(d, g), "any")],
    ["empty", fn(["any"], ([v = null]) => empty(v))],
    ["coalesce", fn([], (a) => a.find((v) => !empty(v)) ?? null, "any")],
    ["all", fn([], (a) => a.every((v) => !empty(v)), "any")],
    ["any", fn([], (a) => a.some((v) => !empty(v)), "any")],
    ["ternary", fn(["any", "any", "bool"], ([t = null, f = null, c]) => (c === true ? t : f))],
    ["typeOf", fn(["any"], ([v = null]) => typeName(v))],
    ["typeIs", fn(["string", "any"], ([t, v = null]) => t === typeName(v))],
    [
      "typeIsLike",
      fn(
        ["string", "any"],
        ([t, v = null]) => typeName(v) === t || typeName(v) === `*${t as string}`,
      ),
    ],
    ["kindOf", fn(["any"], ([v = null]) => kindName(v))],
    ["kindIs", fn(["string", "any"], ([t, v = null]) => t === kindName(v))],
  ];
}
