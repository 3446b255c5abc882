import { execFault } from "../failure.js";
import { fn } from "../funcs.js";
import type { CallContext, FuncDef } from "../funcs.js";
import { durationString, formatTime, parseTime, roundDuration, timeFromUnix } from "../time.js";
import { GoInt, GoTime } from "../value.js";
import type { GoValue } from "../value.js";
import { fromUtf8, toUtf8 } from "../bytes.js";

/**
 * sprig v3.3.0 date functions (`date.go`) over the injected clock. The controller's Local zone
 * is UTC; named zones use the runtime's time-zone database (Intl), unknown names fall back to
 * UTC as sprig does.
 */

function toTime(v: GoValue, ctx: CallContext): GoTime {
  if (v instanceof GoTime) return v;
  if (v instanceof GoInt && (v.type === "int" || v.type === "int64" || v.type === "int32")) {
    return timeFromUnix(v.v);
  }
  return ctx.now;
}

function zonePart(zone: string, ms: number, style: "longOffset" | "short"): string {
  const dtf = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: style });
  return dtf.formatToParts(ms).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
}

function intlZone(zone: string, t: GoTime): { name: string; offset: number } {
  const ms = Number(t.ns / 1_000_000n);
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(zonePart(zone, ms, "longOffset"));
  const sign = m?.[1] === "-" ? -1 : 1;
  const offset = m === null ? 0 : sign * (Number(m[2]) * 3600 + Number(m[3]) * 60);
  const short = zonePart(zone, ms, "short");
  const named = /^[A-Z]{3,5}$/.test(short) && short !== "GMT";
  return { name: named ? short : (tzAbbreviation(zone, offset) ?? goZoneName(offset)), offset };
}

function zoneOffset(zone: string, t: GoTime): { name: string; offset: number } | null {
  if (zone === "UTC" || zone === "" || zone === "Local") return { name: "UTC", offset: 0 };
  if (!/^[A-Za-z0-9_+\-/]+$/.test(zone)) return null;
  try {
    return intlZone(zone, t);
  } catch {
    return null;
  }
}

/**
 * tzdata abbreviations Intl's en-US names do not give ("GMT+2" instead of "CEST"), for the
 * zones most used in practice; keyed by zone prefix or name, then UTC offset in minutes.
 */
const TZ_ABBREVIATIONS: readonly [RegExp, Readonly<Record<number, string>>][] = [
  [/^Europe\/(London|Jersey|Guernsey|Isle_of_Man)$/, { 0: "GMT", 60: "BST" }],
  [/^Europe\/Dublin$/, { 0: "GMT", 60: "IST" }],
  [/^(Europe\/(Lisbon)|Atlantic\/(Canary|Madeira|Faroe))$/, { 0: "WET", 60: "WEST" }],
  [/^Europe\/(Moscow|Simferopol)$/, { 180: "MSK" }],
  [
    /^Europe\/(Kaliningrad|Athens|Bucharest|Helsinki|Kiev|Kyiv|Riga|Sofia|Tallinn|Vilnius|Chisinau)$/,
    { 120: "EET", 180: "EEST" },
  ],
  [/^(Europe\/|Africa\/(Ceuta|Algiers|Tunis)$|Arctic\/)/, { 60: "CET", 120: "CEST" }],
  [/^Africa\/(Cairo|Tripoli)$/, { 120: "EET", 180: "EEST" }],
  [/^Africa\/(Johannesburg|Maseru|Mbabane)$/, { 120: "SAST" }],
  [/^Africa\/(Lagos|Kinshasa|Luanda|Douala)$/, { 60: "WAT" }],
  [/^Africa\/(Nairobi|Addis_Ababa|Dar_es_Salaam|Kampala)$/, { 180: "EAT" }],
  [/^Asia\/(Kolkata|Calcutta)$/, { 330: "IST" }],
  [/^Asia\/(Jerusalem|Tel_Aviv)$/, { 120: "IST", 180: "IDT" }],
  [/^Asia\/(Tokyo)$/, { 540: "JST" }],
  [/^Asia\/(Seoul)$/, { 540: "KST" }],
  [/^Asia\/(Shanghai|Taipei|Macau|Chongqing|Harbin)$/, { 480: "CST" }],
  [/^Asia\/(Hong_Kong)$/, { 480: "HKT" }],
  [/^Asia\/(Manila)$/, { 480: "PST" }],
  [/^Asia\/(Karachi)$/, { 300: "PKT" }],
  [/^Asia\/(Jakarta|Pontianak)$/, { 420: "WIB" }],
  [
    /^Australia\/(Sydney|Melbourne|Canberra|Hobart|ACT|NSW|Victoria|Tasmania)$/,
    { 600: "AEST", 660: "AEDT" },
  ],
  [/^Australia\/(Brisbane|Lindeman|Queensland)$/, { 600: "AEST" }],
  [/^Australia\/(Adelaide|Broken_Hill|South)$/, { 570: "ACST", 630: "ACDT" }],
  [/^Australia\/(Darwin|North)$/, { 570: "ACST" }],
  [/^Australia\/(Perth|West)$/, { 480: "AWST" }],
  [/^(Pacific\/Auckland|NZ)$/, { 720: "NZST", 780: "NZDT" }],
];

function tzAbbreviation(zone: string, offset: number): string | undefined {
  const row = TZ_ABBREVIATIONS.find(([re]) => re.test(zone));
  const minutes = offset / 60;
  return row !== undefined && Object.hasOwn(row[1], minutes) ? row[1][minutes] : undefined;
}

function goZoneName(offset: number): string {
  if (offset === 0) return "GMT";
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const h = String(Math.floor(abs / 3600)).padStart(2, "0");
  const m = Math.floor(abs / 60) % 60;
  return `${sign}${h}${m === 0 ? "" : String(m).padStart(2, "0")}`;
}

function inZone(t: GoTime, zone: string): GoTime {
  const z = zoneOffset(zone, t) ?? { name: "UTC", offset: 0 };
  return new GoTime(t.ns, z.name, z.offset);
}

function dateInZone(layout: string, v: GoValue, zone: string, ctx: CallContext): string {
  return fromUtf8(formatTime(inZone(toTime(v, ctx), toUtf8(zone)), toUtf8(layout)));
}

const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

function durationPart(int: string, frac: string, unit: string): bigint | null {
  if (int === "" && frac === "") return null;
  const u = UNIT_NS[unit] ?? 1n;
  let total = BigInt(int === "" ? "0" : int) * u;
  if (frac !== "") total += (BigInt(frac) * u) / 10n ** BigInt(frac.length);
  return total;
}

/** One `[digits][.digits]unit` element of a Go duration (longest unit first). */
const DURATION_PART = /([0-9]*)(?:\.([0-9]*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/y;

/** time.ParseDuration; null on error. */
export function parseDuration(text: string): bigint | null {
  const s = toUtf8(text);
  const neg = s.startsWith("-");
  let i = neg || s.startsWith("+") ? 1 : 0;
  if (s.slice(i) === "0") return 0n;
  if (i === s.length) return null;
  let total = 0n;
  const re = new RegExp(DURATION_PART.source, "y");
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (m === null) return null;
    const part = durationPart(m[1] ?? "", m[2] ?? "", m[3] ?? "s");
    if (part === null) return null;
    total += part;
    i += m[0].length;
  }
  return neg ? -total : total;
}

function durationOf(v: GoValue): string {
  let n = 0n;
  if (typeof v === "string") n = /^[+-]?\d+$/.test(v) ? BigInt(v) : 0n;
  else if (v instanceof GoInt && v.type === "int64") n = v.v;
  return fromUtf8(durationString(BigInt.asIntN(64, n * 1_000_000_000n)));
}

const ROUND_UNITS: readonly [bigint, string][] = [
  [3_600_000_000_000n * 24n * 365n, "y"],
  [3_600_000_000_000n * 24n * 30n, "mo"],
  [3_600_000_000_000n * 24n, "d"],
  [3_600_000_000_000n, "h"],
  [60_000_000_000n, "m"],
  [1_000_000_000n, "s"],
];

function durationRound(v: GoValue, ctx: CallContext): string {
  let d = 0n;
  if (typeof v === "string") d = parseDuration(v) ?? 0n;
  else if (v instanceof GoInt && v.type === "int64") d = v.v;
  else if (v instanceof GoTime) d = ctx.now.ns - v.ns;
  const u = d < 0n ? -d : d;
  for (const [unit, name] of ROUND_UNITS) if (u > unit) return `${u / unit}${name}`;
  return "0s";
}

function ago(v: GoValue, ctx: CallContext): string {
  let t = ctx.now;
  if (v instanceof GoTime) t = v;
  else if (v instanceof GoInt && (v.type === "int" || v.type === "int64")) t = timeFromUnix(v.v);
  return fromUtf8(durationString(roundDuration(ctx.now.ns - t.ns, 1_000_000_000n)));
}

function dateModify(mod: string, t: GoTime, must: boolean): GoTime {
  const d = parseDuration(mod);
  if (d === null) {
    if (must) throw execFault("time: invalid duration");
    return t;
  }
  return new GoTime(t.ns + d, t.zone, t.offset);
}

/** Date functions of the sprig map. */
export function dateFuncs(): [string, FuncDef][] {
  const S = (v: GoValue | undefined): string => v as string;
  const T = (v: GoValue | undefined): GoTime => v as GoTime;
  return [
    ["now", fn([], (_a, ctx) => ctx.now)],
    ["ago", fn(["any"], ([v = null], ctx) => ago(v, ctx))],
    ["date", fn(["string", "any"], ([f, v = null], ctx) => dateInZone(S(f), v, "Local", ctx))],
    [
      "dateInZone",
      fn(["string", "any", "string"], ([f, v = null, z], ctx) => dateInZone(S(f), v, S(z), ctx)),
    ],
    [
      "date_in_zone",
      fn(["string", "any", "string"], ([f, v = null, z], ctx) => dateInZone(S(f), v, S(z), ctx)),
    ],
    ["htmlDate", fn(["any"], ([v = null], ctx) => dateInZone("2006-01-02", v, "Local", ctx))],
    [
      "htmlDateInZone",
      fn(["any", "string"], ([v = null, z], ctx) => dateInZone("2006-01-02", v, S(z), ctx)),
    ],
    ["dateModify", fn(["string", "time.Time"], ([m, t]) => dateModify(S(m), T(t), false))],
    ["date_modify", fn(["string", "time.Time"], ([m, t]) => dateModify(S(m), T(t), false))],
    ["mustDateModify", fn(["string", "time.Time"], ([m, t]) => dateModify(S(m), T(t), true))],
    ["must_date_modify", fn(["string", "time.Time"], ([m, t]) => dateModify(S(m), T(t), true))],
    ["duration", fn(["any"], ([v = null]) => durationOf(v))],
    ["durationRound", fn(["any"], ([v = null], ctx) => durationRound(v, ctx))],
    ["unixEpoch", fn(["time.Time"], ([t]) => String(floorSec(T(t).ns)))],
    ["toDate", fn(["string", "string"], ([l, v], ctx) => toDate(S(l), S(v), false, ctx))],
    ["mustToDate", fn(["string", "string"], ([l, v], ctx) => toDate(S(l), S(v), true, ctx))],
  ];
}

function toDate(layout: string, value: string, must: boolean, ctx: CallContext): GoTime {
  ctx.charge((layout.length * (value.length + 1)) / 1000);
  const t = parseTime(toUtf8(layout), toUtf8(value));
  if (t !== null) return t;
  if (must) throw execFault("cannot parse the value as a time in the given layout");
  return new GoTime(ZERO_TIME_NS, "UTC", 0);
}

/** Unix nanoseconds of Go's zero time (January 1, year 1, 00:00:00 UTC). */
const ZERO_TIME_NS = -62135596800n * 1_000_000_000n;

function floorSec(ns: bigint): bigint {
  const q = ns / 1_000_000_000n;
  return ns % 1_000_000_000n !== 0n && ns < 0n ? q - 1n : q;
}
