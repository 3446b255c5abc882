import { durationString } from "../template/time.js";
import type { GoParsed } from "./strconv.js";

/**
 * Go's time.ParseDuration and Duration.String on int64 nanoseconds (bigint), with Go's error
 * texts (`time: unknown unit "y" in duration "10y"`). Proven against Go by test/gocompat-diff.
 */

const UNIT_NS: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["µs", 1_000n],
  ["μs", 1_000n],
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
  ["m", 60_000_000_000n],
  ["h", 3_600_000_000_000n],
]);

const TWO_63 = 1n << 63n;
const HEX = "0123456789abcdef";

/** The time package's own quote: `"` and `\` escaped, bytes outside printable ASCII as `\xHH`. */
export function timeQuote(s: string): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (cp >= 0x80 || cp < 0x20) {
      for (const b of new TextEncoder().encode(c)) out += `\\x${HEX[b >> 4]}${HEX[b & 15]}`;
    } else out += c === '"' || c === "\\" ? `\\${c}` : c;
  }
  return `${out}"`;
}

function durationError(message: string, text: string): GoParsed<bigint> {
  return { ok: false, error: `time: ${message} ${timeQuote(text)}`, value: 0n };
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

/** time's leadingInt: digits as uint64, undefined on overflow. */
function leadingInt(s: string): { x: bigint; rest: string } | undefined {
  let i = 0;
  let x = 0n;
  for (; i < s.length && isDigit(s[i]); i++) {
    if (x > TWO_63 / 10n) return undefined;
    x = x * 10n + BigInt(s.charCodeAt(i) - 0x30);
    if (x > TWO_63) return undefined;
  }
  return { x, rest: s.slice(i) };
}

/** time's leadingFraction: digits after the point, ignoring those that would overflow. */
function leadingFraction(s: string): { x: bigint; scale: number; rest: string } {
  let i = 0;
  let x = 0n;
  let scale = 1;
  let overflow = false;
  for (; i < s.length && isDigit(s[i]); i++) {
    if (overflow) continue;
    if (x > (TWO_63 - 1n) / 10n) {
      overflow = true;
      continue;
    }
    const y = x * 10n + BigInt(s.charCodeAt(i) - 0x30);
    if (y > TWO_63) {
      overflow = true;
      continue;
    }
    x = y;
    scale *= 10;
  }
  return { x, scale, rest: s.slice(i) };
}

/** time.ParseDuration: `720h`, `1h30m`, `1.5s`, `-2m`, `0`; the result in nanoseconds. */
export function parseDuration(text: string): GoParsed<bigint> {
  let s = text;
  let neg = false;
  if (s[0] === "-" || s[0] === "+") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return { ok: true, value: 0n };
  if (s === "") return durationError("invalid duration", text);
  let d = 0n;
  while (s !== "") {
    if (!(s[0] === "." || isDigit(s[0]))) return durationError("invalid duration", text);
    const whole = leadingInt(s);
    if (!whole) return durationError("invalid duration", text);
    const pre = whole.rest.length !== s.length;
    s = whole.rest;
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === ".") {
      const frac = leadingFraction(s.slice(1));
      post = frac.rest.length !== s.length - 1;
      ({ x: f, scale } = frac);
      s = frac.rest;
    }
    if (!pre && !post) return durationError("invalid duration", text);
    let i = 0;
    while (i < s.length && s[i] !== "." && !isDigit(s[i])) i++;
    if (i === 0) return durationError("missing unit in duration", text);
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = UNIT_NS.get(u);
    if (unit === undefined) return durationError(`unknown unit ${timeQuote(u)} in duration`, text);
    if (whole.x > TWO_63 / unit) return durationError("invalid duration", text);
    let v = whole.x * unit;
    if (f > 0n) {
      // Go computes the fraction in float64 (nanosecond-accurate for fractions of an hour).
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > TWO_63) return durationError("invalid duration", text);
    }
    d += v;
    if (d > TWO_63) return durationError("invalid duration", text);
  }
  if (neg) return { ok: true, value: -d };
  if (d > TWO_63 - 1n) return durationError("invalid duration", text);
  return { ok: true, value: d };
}

/** Go's Duration.String: `720h0m0s`, `1.5s`, `100ms`, `0s`. */
export function formatDuration(ns: bigint): string {
  return durationString(ns);
}
