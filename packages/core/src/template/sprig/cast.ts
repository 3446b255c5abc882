import { formatValue } from "../fmt.js";
import { parseFloat64 } from "../atof.js";
import { parseGoInt } from "../literal.js";
import { GoInt, GoSlice, GoStruct, GoTime } from "../value.js";
import type { GoValue } from "../value.js";
import { timeString } from "../time.js";

/**
 * Conversions sprig delegates to spf13/cast v1.7.0 and its own `strval`/`strslice`.
 */

function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === ".") {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === "0") {
      foundZero = true;
    } else {
      return s;
    }
  }
  return s;
}

/** Go's int64(f) conversion for finite floats (truncation, saturating like amd64). */
export function floatToInt64(f: number): bigint {
  if (Number.isNaN(f) || f >= 2 ** 63 || f < -(2 ** 63)) return -(1n << 63n);
  return BigInt(Math.trunc(f));
}

/** cast.ToInt64 (errors become 0). */
export function toInt64(v: GoValue): bigint {
  if (v instanceof GoInt) return BigInt.asIntN(64, v.v);
  if (typeof v === "number") return floatToInt64(v);
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "string") {
    const n = parseGoInt(trimZeroDecimal(v));
    return n !== null && n >= -(1n << 63n) && n < 1n << 63n ? n : 0n;
  }
  return 0n;
}

/** cast.ToFloat64 (errors become 0). */
export function toFloat64(v: GoValue): number {
  if (typeof v === "number") return v;
  if (v instanceof GoInt) return Number(v.v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") return parseFloatStrict(v) ?? 0;
  return 0;
}

/** strconv.ParseFloat(s, 64) as cast uses it: null on a syntax or range error. */
export function parseFloatStrict(s: string): number | null {
  const r = parseFloat64(s);
  return "error" in r ? null : r.value;
}

/** sprig's strval: strings as is, Stringers via String, else %v. */
export function strval(v: GoValue): string {
  if (typeof v === "string") return v;
  if (v instanceof GoTime) return timeString(v);
  if (v instanceof GoStruct) return v.str();
  if (v instanceof GoSlice && v.elem === "uint8") {
    return v.items.map((b) => String.fromCharCode(Number((b as GoInt).v))).join("");
  }
  return formatValue(v);
}

/** sprig's strslice: a []string from a slice (nils dropped) or a single value. */
export function strslice(v: GoValue): GoSlice {
  if (v instanceof GoSlice) {
    if (v.elem === "string") return v;
    return new GoSlice(v.items.filter((s) => s !== null).map(strval), "string");
  }
  if (v === null) return new GoSlice([], "string");
  return new GoSlice([strval(v)], "string");
}
