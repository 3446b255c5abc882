import type { GoTime, GoValue } from "./value.js";

/**
 * The function-map contract: each function declares Go parameter types so the evaluator can
 * apply text/template's argument rules (typed literals, `wrong type for value`, nil handling).
 */

/** Go parameter types the engine checks. `any` is `interface{}` (and reflect.Value). */
export type ParamType =
  | "any"
  | "string"
  | "int"
  | "int64"
  | "float64"
  | "bool"
  | "[]interface {}"
  | "[]string"
  | "map[string]interface {}"
  | "time.Time";

/** Limits and injected sources a function may use. */
export interface CallContext {
  /** The render's fixed "now" (sprig `now`, `ago`, `date` defaults). */
  readonly now: GoTime;
  /** Injected randomness, absent when the caller gave none. */
  readonly random: ((n: number) => Uint8Array) | undefined;
  /** Maximum size of any string or collection a function may build. */
  readonly maxBytes: number;
  /** Charges work units against the step budget. */
  charge(units: number): void;
  /** A value computed once per render for `key` (compiled regular expressions). */
  memo<T>(key: string, make: () => T): T;
}

/** One template function. `variadic` is the element type of a trailing `...T` parameter. */
export interface FuncDef {
  readonly params: readonly ParamType[];
  readonly variadic?: ParamType;
  readonly call: (args: GoValue[], ctx: CallContext) => GoValue;
}

/** A function map keyed by template name. */
export type FuncMap = ReadonlyMap<string, FuncDef>;

/** Shorthand constructor for a FuncDef. */
export function fn(
  params: readonly ParamType[],
  call: (args: GoValue[], ctx: CallContext) => GoValue,
  variadic?: ParamType,
): FuncDef {
  return variadic === undefined ? { params, call } : { params, call, variadic };
}
