import { utf8Bytes } from "./utf8.js";

/**
 * Go's `time.Parse` for the few layouts Kubernetes' Go tools parse manifests with: go-yaml v2's
 * timestamp layouts (which decide whether an unquoted scalar is a timestamp, so whether Go's
 * YAML writer quotes it) and RFC 3339 (`metav1.Time`). Behaviour learned from Go's
 * `time/format.go`: numeric fields take one or two digits unless the layout pads them, the
 * year takes four characters, a fraction of a second is accepted after the seconds with `.` or
 * `,` even when the layout has none, and range checks run per field and for the day at the end.
 */

type Chunk =
  | { kind: "literal"; text: string }
  | { kind: "year" | "month" | "day" | "hour" | "minute" | "second"; fixed: boolean; text: string }
  | { kind: "fraction"; text: string }
  | { kind: "zone"; text: string };

const LAYOUT_PIECES: [string, Chunk][] = [
  ["2006", { kind: "year", fixed: true, text: "2006" }],
  ["01", { kind: "month", fixed: true, text: "01" }],
  ["02", { kind: "day", fixed: true, text: "02" }],
  ["15", { kind: "hour", fixed: false, text: "15" }],
  ["04", { kind: "minute", fixed: true, text: "04" }],
  ["05", { kind: "second", fixed: true, text: "05" }],
  [".999999999", { kind: "fraction", text: ".999999999" }],
  ["Z07:00", { kind: "zone", text: "Z07:00" }],
  ["1", { kind: "month", fixed: false, text: "1" }],
  ["2", { kind: "day", fixed: false, text: "2" }],
  ["4", { kind: "minute", fixed: false, text: "4" }],
  ["5", { kind: "second", fixed: false, text: "5" }],
];

function chunksOf(layout: string): Chunk[] {
  const chunks: Chunk[] = [];
  let literal = "";
  for (let i = 0; i < layout.length;) {
    const piece = LAYOUT_PIECES.find(([text]) => layout.startsWith(text, i));
    if (piece) {
      if (literal) chunks.push({ kind: "literal", text: literal });
      literal = "";
      chunks.push(piece[1]);
      i += piece[0].length;
    } else {
      literal += layout[i];
      i++;
    }
  }
  if (literal) chunks.push({ kind: "literal", text: literal });
  return chunks;
}

/** A parsed instant: UTC fields plus nanoseconds, or Go's error text. */
export type GoTimeResult = { ok: true; utc: string } | { ok: false; error: string };

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  offsetMinutes: number;
}

/**
 * Go's `quote` in time errors: `"` and `\` escaped, control and non-ASCII characters as `\x`
 * escapes of their UTF-8 bytes.
 */
function quote(s: string): string {
  let out = '"';
  for (const c of s) {
    if (c < " " || c > "\x7f") {
      for (const byte of utf8Bytes(c)) out += `\\x${byte.toString(16).padStart(2, "0")}`;
    } else {
      out += c === '"' || c === "\\" ? `\\${c}` : c;
    }
  }
  return `${out}"`;
}

function isDigit(s: string, i: number): boolean {
  const c = s[i];
  return c !== undefined && c >= "0" && c <= "9";
}

/** `getnum`: one or two digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

class ParseFailure extends Error {}

interface State {
  value: string;
  fields: Fields;
}

const RANGES: Record<string, [number, number, string]> = {
  month: [1, 12, "month"],
  hour: [0, 23, "hour"],
  minute: [0, 59, "minute"],
  second: [0, 59, "second"],
};

/** `stdLongYear`: four characters, the first a digit (then all digits, as `atoi` needs). */
function parseYear(state: State): boolean {
  const text = state.value.slice(0, 4);
  if (!/^[0-9]{4}$/.test(text)) return false;
  state.fields.year = Number(text);
  state.value = state.value.slice(4);
  return true;
}

/** Digits of a fraction of a second (up to nine count), consumed from after its separator. */
function takeFraction(state: State): void {
  let n = 1;
  while (isDigit(state.value, n)) n++;
  const digits = state.value.slice(1, n).slice(0, 9).padEnd(9, "0");
  state.fields.nanos = Number(digits);
  state.value = state.value.slice(n);
}

function parseNumber(state: State, chunk: Chunk & { fixed: boolean }): boolean | string {
  const got = getnum(state.value, chunk.fixed);
  if (!got) return false;
  const [n, rest] = got;
  state.value = rest;
  const field = chunk.kind as keyof Fields;
  state.fields[field] = n;
  const range = RANGES[chunk.kind];
  if (range && (n < range[0] || n > range[1])) return range[2];
  if (chunk.kind === "second" && /^[.,][0-9]/.test(state.value)) takeFraction(state);
  return true;
}

function parseZone(state: State): boolean | string {
  const v = state.value;
  if (v[0] === "Z") {
    state.value = v.slice(1);
    return true;
  }
  if (v.length < 6 || v[3] !== ":" || (v[0] !== "+" && v[0] !== "-")) return false;
  const hour = getnum(v.slice(1, 3), true);
  const minute = getnum(v.slice(4, 6), true);
  if (!hour || !minute) return false;
  state.value = v.slice(6);
  if (hour[0] > 24) return "time zone offset hour";
  if (minute[0] > 60) return "time zone offset minute";
  state.fields.offsetMinutes = (v[0] === "-" ? -1 : 1) * (hour[0] * 60 + minute[0]);
  return true;
}

function parseChunk(state: State, chunk: Chunk): boolean | string {
  switch (chunk.kind) {
    case "literal":
      if (!state.value.startsWith(chunk.text)) return false;
      state.value = state.value.slice(chunk.text.length);
      return true;
    case "year":
      return parseYear(state);
    case "fraction":
      if (/^[.,][0-9]/.test(state.value)) takeFraction(state);
      return true;
    case "zone":
      return parseZone(state);
    case "month":
    case "day":
    case "hour":
    case "minute":
    case "second":
      return parseNumber(state, chunk);
  }
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function parseFields(layout: string, value: string): Fields {
  const fields: Fields = {
    year: 0,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    nanos: 0,
    offsetMinutes: 0,
  };
  const state: State = { value, fields };
  for (const chunk of chunksOf(layout)) {
    const before = state.value;
    const outcome = parseChunk(state, chunk);
    if (typeof outcome === "string") {
      throw new ParseFailure(`parsing time ${quote(value)}: ${outcome} out of range`);
    }
    if (!outcome) {
      throw new ParseFailure(
        `parsing time ${quote(value)} as ${quote(layout)}: cannot parse ${quote(before)} as ${quote(chunk.text)}`,
      );
    }
  }
  if (state.value !== "") {
    throw new ParseFailure(`parsing time ${quote(value)}: extra text: ${quote(state.value)}`);
  }
  if (fields.day < 1 || fields.day > daysIn(fields.month, fields.year)) {
    throw new ParseFailure(`parsing time ${quote(value)}: day out of range`);
  }
  return fields;
}

/** RFC 3339 with nanoseconds in UTC, as Go's `Format(time.RFC3339Nano)` prints it. */
function formatUtc(f: Fields): string {
  const date = new Date(0);
  date.setUTCFullYear(f.year, f.month - 1, f.day);
  date.setUTCHours(f.hour, f.minute - f.offsetMinutes, f.second, 0);
  const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
  const year = date.getUTCFullYear();
  const yearText = year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  const fraction = f.nanos === 0 ? "" : `.${pad(f.nanos, 9).replace(/0+$/, "")}`;
  return (
    `${yearText}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${fraction}Z`
  );
}

/** `time.Parse(layout, value)`: the instant in UTC RFC 3339, or Go's error message. */
export function parseGoTime(layout: string, value: string): GoTimeResult {
  try {
    return { ok: true, utc: formatUtc(parseFields(layout, value)) };
  } catch (err) {
    if (err instanceof ParseFailure) return { ok: false, error: err.message };
    throw err;
  }
}

/** Go's `time.RFC3339` layout, which `metav1.Time` reads. */
export const RFC3339 = "2006-01-02T15:04:05Z07:00";

const YAML_TIMESTAMP_LAYOUTS = [
  "2006-1-2T15:4:5.999999999Z07:00",
  "2006-1-2t15:4:5.999999999Z07:00",
  "2006-1-2 15:4:5.999999999",
  "2006-1-2",
];

/** go-yaml v2's `parseTimestamp`: four digits, a dash, then one of its four layouts. */
export function isGoYamlTimestamp(text: string): boolean {
  if (!/^[0-9]{4}-/.test(text)) return false;
  return YAML_TIMESTAMP_LAYOUTS.some((layout) => parseGoTime(layout, text).ok);
}
