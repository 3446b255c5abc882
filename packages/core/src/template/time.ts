import { GoTime } from "./value.js";

/**
 * Go's time formatting (`time/format.go`): reference-layout tokens such as `2006-01-02T15:04:05Z07:00`,
 * Time.String and Duration.String. Zones are fixed offsets; the controller's Local zone is UTC.
 */

const LONG_MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  weekday: number;
  yday: number;
  zone: string;
  offset: number;
}

const NS_PER_SEC = 1_000_000_000n;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Calendar fields of a time in its zone. */
export function timeParts(t: GoTime): Parts {
  const sec = floorDiv(t.ns, NS_PER_SEC);
  const nanos = Number(t.ns - sec * NS_PER_SEC);
  const d = new Date(Number(sec + BigInt(t.offset)) * 1000);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  const yday = Math.floor((d.getTime() - start) / 86_400_000) + 1;
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    nanos,
    weekday: d.getUTCDay(),
    yday,
    zone: t.zone,
    offset: t.offset,
  };
}

const TOKEN =
  /^(January|Jan(?![a-z])|Monday|Mon(?![a-z])|MST|2006|002|01|02|03|04|05|06|__2|_2(?!006)|15|1|2|3|4|5|PM|pm|-07:00:00|-070000|-07:00|-0700|-07|Z07:00:00|Z070000|Z07:00|Z0700|Z07|[.,](0+|9+)(?![0-9]))/;

function p2(n: number): string {
  return String(n).padStart(2, "0");
}

function zoneOffset(offset: number, token: string): string {
  const z = token.startsWith("Z");
  if (z && offset === 0) return "Z";
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const h = p2(Math.floor(abs / 3600));
  const m = p2(Math.floor(abs / 60) % 60);
  const s = p2(abs % 60);
  const body = token.slice(1);
  if (body === "07") return sign + h;
  if (body === "0700") return sign + h + m;
  if (body === "07:00") return `${sign}${h}:${m}`;
  if (body === "070000") return sign + h + m + s;
  return `${sign}${h}:${m}:${s}`;
}

function fraction(nanos: number, token: string): string {
  const digits = String(nanos).padStart(9, "0");
  const n = token.length - 1;
  if (token[1] === "0") return token[0] + digits.slice(0, n);
  const trimmed = digits.slice(0, n).replace(/0+$/, "");
  return trimmed === "" ? "" : token[0] + trimmed;
}

function zoneName(p: Parts): string {
  if (p.zone !== "") return p.zone;
  const abs = Math.abs(p.offset);
  const sign = p.offset < 0 ? "-" : "+";
  const m = Math.floor(abs / 60) % 60;
  return `${sign}${p2(Math.floor(abs / 3600))}${m === 0 ? "" : p2(m)}`;
}

const FIELD: Readonly<Record<string, (p: Parts) => string>> = {
  January: (p) => LONG_MONTHS[p.month - 1] ?? "",
  Jan: (p) => (LONG_MONTHS[p.month - 1] ?? "").slice(0, 3),
  Monday: (p) => LONG_DAYS[p.weekday] ?? "",
  Mon: (p) => (LONG_DAYS[p.weekday] ?? "").slice(0, 3),
  MST: zoneName,
  "2006": (p) => String(p.year).padStart(4, "0"),
  "002": (p) => String(p.yday).padStart(3, "0"),
  __2: (p) => String(p.yday).padStart(3, " "),
  "01": (p) => p2(p.month),
  "02": (p) => p2(p.day),
  "03": (p) => p2(p.hour % 12 === 0 ? 12 : p.hour % 12),
  "04": (p) => p2(p.minute),
  "05": (p) => p2(p.second),
  "06": (p) => p2(p.year % 100),
  _2: (p) => String(p.day).padStart(2, " "),
  "15": (p) => p2(p.hour),
  "1": (p) => String(p.month),
  "2": (p) => String(p.day),
  "3": (p) => String(p.hour % 12 === 0 ? 12 : p.hour % 12),
  "4": (p) => String(p.minute),
  "5": (p) => String(p.second),
  PM: (p) => (p.hour >= 12 ? "PM" : "AM"),
  pm: (p) => (p.hour >= 12 ? "pm" : "am"),
};

function formatToken(p: Parts, token: string): string {
  if (Object.hasOwn(FIELD, token)) return (FIELD[token] as (p: Parts) => string)(p);
  if (token.startsWith("-") || token.startsWith("Z")) return zoneOffset(p.offset, token);
  return fraction(p.nanos, token);
}

/** Go's Time.Format(layout). Layout and result are JS strings (layouts are ASCII in practice). */
export function formatTime(t: GoTime, layout: string): string {
  const p = timeParts(t);
  let out = "";
  let i = 0;
  while (i < layout.length) {
    const m = TOKEN.exec(layout.slice(i));
    if (m === null) {
      out += layout[i];
      i++;
      continue;
    }
    out += formatToken(p, m[0]);
    i += m[0].length;
  }
  return out;
}

/** Go's Time.String: "2006-01-02 15:04:05.999999999 -0700 MST". */
export function timeString(t: GoTime): string {
  return formatTime(t, "2006-01-02 15:04:05.999999999 -0700 MST");
}

/** A GoTime in UTC from a JS Date (millisecond precision). */
export function timeFromDate(d: Date): GoTime {
  return new GoTime(BigInt(d.getTime()) * 1_000_000n, "UTC", 0);
}

/** A GoTime in UTC from Unix seconds. */
export function timeFromUnix(sec: bigint): GoTime {
  return new GoTime(sec * NS_PER_SEC, "UTC", 0);
}

const UNITS: readonly [bigint, string][] = [
  [3_600_000_000_000n, "h"],
  [60_000_000_000n, "m"],
];

function fracPart(ns: bigint, unit: bigint, digits: number): string {
  const whole = ns / unit;
  const rest = (ns % unit).toString().padStart(digits, "0").replace(/0+$/, "");
  return rest === "" ? whole.toString() : `${whole}.${rest}`;
}

/** Go's time.Duration.String (e.g. "1h2m3.5s", "1.5ms", "0s"). */
export function durationString(d: bigint): string {
  if (d === 0n) return "0s";
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out = "";
  if (u < NS_PER_SEC) {
    if (u < 1000n) out = `${u}ns`;
    else if (u < 1_000_000n) out = `${fracPart(u, 1000n, 3)}µs`;
    else out = `${fracPart(u, 1_000_000n, 6)}ms`;
    return (neg ? "-" : "") + out;
  }
  for (const [unit, name] of UNITS) {
    if (u >= unit) {
      out += `${u / unit}${name}`;
      u %= unit;
    } else if (out !== "") {
      out += `0${name}`;
    }
  }
  out += `${fracPart(u, NS_PER_SEC, 9)}s`;
  return (neg ? "-" : "") + out;
}

/** Go's Duration.Round(m). */
export function roundDuration(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d;
  let r = d % m;
  if (d < 0n) {
    r = -r;
    return r + r < m ? d + r : d - m + r;
  }
  return r + r < m ? d - r : d + m - r;
}
