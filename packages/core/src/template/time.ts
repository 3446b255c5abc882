import { GoTime } from "./value.js";

/**
 * Go's time formatting (`time/format.go`): reference-layout tokens such as `2006-01-02T15:04:05Z07:00`,
 * Time.String and Duration.String. Zones are fixed offsets; the controller's Local zone is UTC.
 */

/** Go's month and weekday names (`time.Month.String`, `time.Weekday.String`). */
export const LONG_MONTHS = [
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
export const LONG_DAYS = [
  "Sunday",
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
];

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

const TOKEN_SOURCE =
  /(January|Jan(?![a-z])|Monday|Mon(?![a-z])|MST|2006|002|01|02|03|04|05|06|__2|_2(?!006)|15|1|2|3|4|5|PM|pm|-07:00:00|-070000|-07:00|-0700|-07|Z07:00:00|Z070000|Z07:00|Z0700|Z07|[.,](0+|9+)(?![0-9]))/
    .source;

/** A sticky matcher for layout tokens (fresh per call: a `y` regex carries lastIndex state). */
function tokenAt(layout: string, i: number, re: RegExp): string | null {
  re.lastIndex = i;
  return re.exec(layout)?.[0] ?? null;
}

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
  return `${sign}${p2(Math.floor(abs / 3600))}${p2(Math.floor(abs / 60) % 60)}`;
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
  const re = new RegExp(TOKEN_SOURCE, "y");
  let out = "";
  let i = 0;
  while (i < layout.length) {
    const token = tokenAt(layout, i, re);
    if (token === null) {
      out += layout[i];
      i++;
      continue;
    }
    out += formatToken(p, token);
    i += token.length;
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

/** Fields collected while parsing. */
interface ParseState {
  value: string;
  year: number;
  month: number;
  day: number;
  yday: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  pm: boolean | null;
  offset: number | null;
  zone: string;
  rest?: string;
}

type Parser = (st: ParseState, token: string) => boolean;

function takeDigits(st: ParseState, min: number, max: number): number | null {
  const m = new RegExp(`^[0-9]{${min},${max}}`).exec(st.value);
  if (m === null) return null;
  st.value = st.value.slice(m[0].length);
  return Number(m[0]);
}

function takeSpacePadded(st: ParseState, width: number): number | null {
  const pad = /^ +/.exec(st.value)?.[0].length ?? 0;
  st.value = st.value.slice(Math.min(pad, width - 1));
  return takeDigits(st, 1, width);
}

function takeName(st: ParseState, names: readonly string[], short: boolean): number | null {
  const lower = st.value.toLowerCase();
  const i = names.findIndex((n) => lower.startsWith((short ? n.slice(0, 3) : n).toLowerCase()));
  if (i < 0) return null;
  st.value = st.value.slice(short ? 3 : (names[i] ?? "").length);
  return i;
}

function field(
  key: "year" | "month" | "day" | "hour" | "minute" | "second" | "yday",
  min: number,
  max: number,
): Parser {
  return (st) => {
    const n = takeDigits(st, min, max);
    if (n === null) return false;
    st[key] = n;
    return true;
  };
}

function parseOffset(st: ParseState, token: string): boolean {
  if (token.startsWith("Z") && st.value.startsWith("Z")) {
    st.value = st.value.slice(1);
    st.offset = 0;
    return true;
  }
  const shape = token.slice(1).replace(/[0-9]/g, "d");
  const re = new RegExp(`^[+-]${shape.replace(/d/g, "[0-9]")}`);
  const m = re.exec(st.value);
  if (m === null) return false;
  const digits = m[0].slice(1).replace(/:/g, "");
  const secs =
    Number(digits.slice(0, 2)) * 3600 +
    Number(digits.slice(2, 4) || "0") * 60 +
    Number(digits.slice(4, 6) || "0");
  st.offset = m[0].startsWith("-") ? -secs : secs;
  st.value = st.value.slice(m[0].length);
  return true;
}

function parseFraction(st: ParseState, token: string): boolean {
  const m = /^[.,]([0-9]+)/.exec(st.value);
  if (token[1] === "0") {
    if (m === null || (m[1] ?? "").length !== token.length - 1) return false;
  } else if (m === null) return true;
  st.nanos = Number(((m[1] ?? "") + "000000000").slice(0, 9));
  st.value = st.value.slice(m[0].length);
  return true;
}

const PARSERS: Readonly<Record<string, Parser>> = {
  "2006": field("year", 4, 4),
  "06": (st) => {
    const n = takeDigits(st, 2, 2);
    if (n === null) return false;
    st.year = n >= 69 ? 1900 + n : 2000 + n;
    return true;
  },
  "01": field("month", 2, 2),
  "1": field("month", 1, 2),
  January: (st) => setIndex(st, "month", takeName(st, LONG_MONTHS, false)),
  Jan: (st) => setIndex(st, "month", takeName(st, LONG_MONTHS, true)),
  Monday: (st) => takeName(st, LONG_DAYS, false) !== null,
  Mon: (st) => takeName(st, LONG_DAYS, true) !== null,
  "02": field("day", 2, 2),
  "2": field("day", 1, 2),
  _2: (st) => setIndex(st, "day", takeSpacePadded(st, 2), 0),
  "002": field("yday", 3, 3),
  __2: (st) => setIndex(st, "yday", takeSpacePadded(st, 3), 0),
  "15": field("hour", 1, 2),
  "03": field("hour", 2, 2),
  "3": field("hour", 1, 2),
  "04": field("minute", 2, 2),
  "4": field("minute", 1, 2),
  "05": field("second", 2, 2),
  "5": field("second", 1, 2),
  PM: (st) => parseAmPm(st, false),
  pm: (st) => parseAmPm(st, true),
  MST: (st) => {
    const m = /^(UTC|GMT|[A-Z]{3,5}|[+-][0-9]{2,4})/.exec(st.value);
    if (m === null) return false;
    st.zone = m[0];
    st.value = st.value.slice(m[0].length);
    return true;
  },
};

function setIndex(
  st: ParseState,
  key: "month" | "day" | "yday",
  n: number | null,
  base = 1,
): boolean {
  if (n === null) return false;
  st[key] = n + base;
  return true;
}

function parseAmPm(st: ParseState, lower: boolean): boolean {
  const v = st.value.slice(0, 2);
  const want = lower ? ["am", "pm"] : ["AM", "PM"];
  if (!want.includes(v)) return false;
  st.pm = v === want[1];
  st.value = st.value.slice(2);
  return true;
}

function parseToken(st: ParseState, token: string): boolean {
  const p = Object.hasOwn(PARSERS, token) ? PARSERS[token] : undefined;
  if (p !== undefined) return p(st, token) && afterSeconds(st, token);
  if (token.startsWith("-") || token.startsWith("Z")) return parseOffset(st, token);
  return parseFraction(st, token);
}

/** Go accepts a fractional second right after a seconds field even if the layout has none. */
function afterSeconds(st: ParseState, token: string): boolean {
  if (token !== "05" && token !== "5") return true;
  const m = /^\.([0-9]+)/.exec(st.value);
  if (m !== null && !/^[.,][09]/.test(st.rest ?? "")) {
    st.nanos = Number(((m[1] ?? "") + "000000000").slice(0, 9));
    st.value = st.value.slice(m[0].length);
  }
  return true;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function validDate(st: ParseState): boolean {
  if (st.month < 1 || st.month > 12 || st.day < 1) return false;
  if (st.day > (DAYS_IN_MONTH[st.month - 1] ?? 31)) return false;
  if (st.month === 2 && st.day === 29 && !isLeap(st.year)) return false;
  return st.hour < 24 && st.minute < 60 && st.second < 60;
}

function resolveHour(st: ParseState): boolean {
  if (st.pm === null) return true;
  if (st.hour < 1 || st.hour > 12) return false;
  if (st.pm && st.hour < 12) st.hour += 12;
  else if (!st.pm && st.hour === 12) st.hour = 0;
  return true;
}

const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

/**
 * time.Parse's day of year (`002`, `__2`): it gives the month and day, and must agree with a
 * month or day the layout also holds; unseen month and day default to January 1.
 */
function resolveYearDay(st: ParseState): boolean {
  if (st.yday < 0) {
    if (st.month < 0) st.month = 1;
    if (st.day < 0) st.day = 1;
    return true;
  }
  const date = monthDayOf(st.yday, isLeap(st.year));
  if (date === null) return false;
  const [m, d] = date;
  if ((st.month >= 0 && st.month !== m) || (st.day >= 0 && st.day !== d)) return false;
  st.month = m;
  st.day = d;
  return true;
}

/** Month and day of a day of the year (1-based), or null when the year has no such day. */
function monthDayOf(yearDay: number, leap: boolean): [number, number] | null {
  let yday = yearDay;
  if (leap) {
    if (yday === 31 + 29) return [2, 29];
    if (yday > 31 + 29) yday--;
  }
  if (yday < 1 || yday > 365) return null;
  let m = Math.floor((yday - 1) / 31) + 1;
  if ((DAYS_BEFORE[m] ?? 365) < yday) m++;
  return [m, yday - (DAYS_BEFORE[m - 1] ?? 0)];
}

function toGoTime(st: ParseState): GoTime | null {
  if (!resolveHour(st) || !resolveYearDay(st) || !validDate(st)) return null;
  const ms = Date.UTC(st.year, st.month - 1, st.day, st.hour, st.minute, st.second);
  const utc = new Date(ms);
  utc.setUTCFullYear(st.year);
  const offset = st.offset ?? 0;
  const ns = (BigInt(utc.getTime()) / 1000n - BigInt(offset)) * NS_PER_SEC + BigInt(st.nanos);
  if (st.offset !== null) return new GoTime(ns, offset === 0 ? "UTC" : "", offset);
  return new GoTime(ns, st.zone === "" || st.zone === "UTC" ? "UTC" : st.zone, 0);
}

/**
 * Go's time.ParseInLocation(layout, value, UTC) for the layout tokens formatTime knows.
 * Returns null on any mismatch (callers report it without quoting the value).
 */
export function parseTime(layout: string, value: string): GoTime | null {
  const st: ParseState = {
    value,
    year: 0,
    month: -1, // unseen (Go: -1); resolveYearDay defaults it
    day: -1,
    yday: -1,
    hour: 0,
    minute: 0,
    second: 0,
    nanos: 0,
    pm: null,
    offset: null,
    zone: "",
  };
  const re = new RegExp(TOKEN_SOURCE, "y");
  let i = 0;
  while (i < layout.length) {
    const token = tokenAt(layout, i, re);
    if (token === null) {
      if (st.value[0] !== layout[i]) return null;
      st.value = st.value.slice(1);
      i++;
      continue;
    }
    st.rest = layout.slice(i + token.length, i + token.length + 2);
    if (!parseToken(st, token)) return null;
    i += token.length;
  }
  return st.value === "" ? toGoTime(st) : null;
}
