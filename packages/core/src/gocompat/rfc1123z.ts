/**
 * Go's `time.Parse(time.RFC1123Z, text)`, the layout `Mon, 02 Jan 2006 15:04:05 -0700` (what
 * `date -R` prints) the reference controller reads `--key-cutoff-time` with. As Go: day and
 * month names in any case (the weekday is otherwise ignored), a one- or two-digit hour,
 * optional fractional seconds after the seconds, the day checked against the month.
 * Returns nanoseconds since the Unix epoch, or undefined where Go returns an error.
 * Proven against Go by test/gocompat-diff.
 */

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

const isDigit = (s: string, i: number): boolean => i < s.length && s[i]! >= "0" && s[i]! <= "9";

function daysIn(month: number, year: number): number {
  if (month === 1) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month]!;
}

/** A small cursor over the text, mirroring time's getnum and lookup helpers. */
class Cursor {
  rest: string;

  constructor(rest: string) {
    this.rest = rest;
  }

  literal(text: string): boolean {
    if (!this.rest.startsWith(text)) return false;
    this.rest = this.rest.slice(text.length);
    return true;
  }

  /** time's getnum: one or two digits; `fixed` requires two. */
  num(fixed: boolean): number | undefined {
    if (!isDigit(this.rest, 0)) return undefined;
    const two = isDigit(this.rest, 1);
    if (!two && fixed) return undefined;
    const n = Number(this.rest.slice(0, two ? 2 : 1));
    this.rest = this.rest.slice(two ? 2 : 1);
    return n;
  }

  /** time's lookup: a three-letter name, ASCII case-insensitive. */
  name(names: readonly string[]): number | undefined {
    const i = names.indexOf(this.rest.slice(0, 3).toLowerCase());
    if (i === -1 || !/^[\x00-\x7f]{3}/.test(this.rest)) return undefined;
    this.rest = this.rest.slice(3);
    return i;
  }
}

/** Parses `Mon, 02 Jan 2006 15:04:05 -0700`; nanoseconds since the epoch. */
export function parseRFC1123Z(text: string): bigint | undefined {
  const c = new Cursor(text);
  if (c.name(DAYS) === undefined || !c.literal(", ")) return undefined;
  const day = c.num(true);
  if (day === undefined || !c.literal(" ")) return undefined;
  const month = c.name(MONTHS);
  if (month === undefined || !c.literal(" ")) return undefined;
  if (c.rest.length < 4 || !/^\d{4}/.test(c.rest)) return undefined;
  const year = Number(c.rest.slice(0, 4));
  c.rest = c.rest.slice(4);
  if (!c.literal(" ")) return undefined;
  const hour = c.num(false);
  if (hour === undefined || hour >= 24 || !c.literal(":")) return undefined;
  const minute = c.num(true);
  if (minute === undefined || minute >= 60 || !c.literal(":")) return undefined;
  const second = c.num(true);
  if (second === undefined || second >= 60) return undefined;
  let nanos = 0n;
  if (c.rest.length >= 2 && (c.rest[0] === "." || c.rest[0] === ",") && isDigit(c.rest, 1)) {
    let n = 1;
    while (isDigit(c.rest, n)) n++;
    // time's parseNanoseconds: at most nine digits count, further ones are dropped.
    const digits = c.rest.slice(1, Math.min(n, 10));
    nanos = BigInt(digits.padEnd(9, "0"));
    c.rest = c.rest.slice(n);
  }
  if (!c.literal(" ") || c.rest.length < 5) return undefined;
  const sign = c.rest[0];
  if (sign !== "+" && sign !== "-") return undefined;
  const zone = new Cursor(c.rest.slice(1, 5));
  const zh = zone.num(true);
  const zm = zone.num(true);
  if (zh === undefined || zm === undefined || zh > 24 || zm > 60) return undefined;
  if (c.rest.length !== 5) return undefined;
  if (day < 1 || day > daysIn(month, year)) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(hour, minute, second, 0);
  const offsetSeconds = (sign === "-" ? -1 : 1) * (zh * 3600 + zm * 60);
  return BigInt(date.getTime() / 1000 - offsetSeconds) * 1_000_000_000n + nanos;
}
