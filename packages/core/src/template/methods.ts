import { fromUtf8, toUtf8 } from "./bytes.js";
import { fn } from "./funcs.js";
import type { FuncDef } from "./funcs.js";
import { formatTime, LONG_DAYS, LONG_MONTHS, timeParts, timeString } from "./time.js";
import { GoTime, goInt, goInt64 } from "./value.js";
import type { GoValue, GoInt } from "./value.js";

/**
 * The methods a template may call on a time.Time (`{{ (now).Year }}`,
 * `{{ (now).Format "2006" }}`): an explicit allowlist, bound to the receiver.
 */

const NS = 1_000_000_000n;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

type Getter = (t: GoTime) => GoValue;

const GETTERS: ReadonlyMap<string, Getter> = new Map<string, Getter>([
  ["Year", (t) => goInt(timeParts(t).year)],
  ["Month", (t) => LONG_MONTHS[timeParts(t).month - 1] ?? ""],
  ["Day", (t) => goInt(timeParts(t).day)],
  ["Hour", (t) => goInt(timeParts(t).hour)],
  ["Minute", (t) => goInt(timeParts(t).minute)],
  ["Second", (t) => goInt(timeParts(t).second)],
  ["Nanosecond", (t) => goInt(timeParts(t).nanos)],
  ["YearDay", (t) => goInt(timeParts(t).yday)],
  ["Weekday", (t) => LONG_DAYS[timeParts(t).weekday] ?? ""],
  ["Unix", (t) => goInt64(floorDiv(t.ns, NS))],
  ["UnixMilli", (t) => goInt64(floorDiv(t.ns, 1_000_000n))],
  ["UnixNano", (t) => goInt64(t.ns)],
  ["UTC", (t) => new GoTime(t.ns, "UTC", 0)],
  ["Local", (t) => new GoTime(t.ns, "UTC", 0)],
  ["String", (t) => fromUtf8(timeString(t))],
  ["IsZero", (t) => t.ns === -62135596800n * NS],
]);

/** The method `name` of a time value, bound to it, or undefined. */
export function timeMethod(t: GoTime, name: string): FuncDef | undefined {
  const get = GETTERS.get(name);
  if (get !== undefined) return fn([], () => get(t));
  if (name === "Format")
    return fn(["string"], ([layout]) => fromUtf8(formatTime(t, toUtf8(layout as string))));
  if (name === "AddDate") {
    return fn(["int", "int", "int"], ([y, m, d]) => addDate(t, y as GoInt, m as GoInt, d as GoInt));
  }
  return undefined;
}

function addDate(t: GoTime, y: GoInt, m: GoInt, d: GoInt): GoTime {
  const p = timeParts(t);
  const ms = Date.UTC(
    p.year + Number(y.v),
    p.month - 1 + Number(m.v),
    p.day + Number(d.v),
    p.hour,
    p.minute,
    p.second,
  );
  const ns = BigInt(ms - t.offset * 1000) * 1_000_000n + BigInt(p.nanos);
  return new GoTime(ns, t.zone, t.offset);
}
