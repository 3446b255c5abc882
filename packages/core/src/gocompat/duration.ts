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

/** `[digits][.digits]`: the whole part, the fraction (x / scale), or undefined when invalid. */
function durationNumber(
  s: string,
): { whole: bigint; frac: bigint; scale: number; rest: string } | undefined {
  if (!(s[0] === "." || isDigit(s[0]))) return undefined;
  const whole = leadingInt(s);
  if (!whole) return undefined;
  const pre = whole.rest.length !== s.length;
  if (whole.rest[0] !== ".") {
    return pre ? { whole: whole.x, frac: 0n, scale: 1, rest: whole.rest } : undefined;
  }
  const frac = leadingFraction(whole.rest.slice(1));
  const post = frac.rest.length !== whole.rest.length - 1;
  if (!pre && !post) return undefined;
  return { whole: whole.x, frac: frac.x, scale: frac.scale, rest: frac.rest };
}

/** The unit after a number (`h`, `ms`, `µs`...) in nanoseconds, or the time package's complaint. */
function durationUnit(s: string): { unit: bigint; rest: string } | string {
  let i = 0;
  while (i < s.length && s[i] !== "." && !isDigit(s[i])) i++;
  if (i === 0) return "missing unit in duration";
  const unit = UNIT_NS.get(s.slice(0, i));
  if (unit === undefined) return `unknown unit ${timeQuote(s.slice(0, i))} in duration`;
  return { unit, rest: s.slice(i) };
}

/** One `[digits][.digits]unit` element in nanoseconds, or the time package's complaint. */
function durationPart(s: string): { ns: bigint; rest: string } | string {
  const n = durationNumber(s);
  if (!n) return "invalid duration";
  const u = durationUnit(n.rest);
  if (typeof u === "string") return u;
  if (n.whole > TWO_63 / u.unit) return "invalid duration";
  let ns = n.whole * u.unit;
  if (n.frac > 0n) {
    // Go computes the fraction in float64 (nanosecond-accurate for fractions of an hour).
    ns += BigInt(Math.trunc(Number(n.frac) * (Number(u.unit) / n.scale)));
    if (ns > TWO_63) return "invalid duration";
  }
  return { ns, rest: u.rest };
}

/** time.ParseDuration: `720h`, `1h30m`, `1.5s`, `-2m`, `0`; the result in nanoseconds. */
export function parseDuration(text: string): GoParsed<bigint> {
  const neg = text[0] === "-";
  let s = text[0] === "-" || text[0] === "+" ? text.slice(1) : text;
  if (s === "0") return { ok: true, value: 0n };
  if (s === "") return durationError("invalid duration", text);
  let d = 0n;
  while (s !== "") {
    const part = durationPart(s);
    if (typeof part === "string") return durationError(part, text);
    d += part.ns;
    if (d > TWO_63) return durationError("invalid duration", text);
    s = part.rest;
  }
  if (neg) return { ok: true, value: -d };
  if (d > TWO_63 - 1n) return durationError("invalid duration", text);
  return { ok: true, value: d };
}

/** Go's Duration.String: `720h0m0s`, `1.5s`, `100ms`, `0s`. */
export function formatDuration(ns: bigint): string {
  return durationString(ns);
}
