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
    if (!/^[A-Za-z]{3}/.test(this.rest)) return undefined;
    const i = names.indexOf(this.rest.slice(0, 3).toLowerCase());
    if (i === -1) return undefined;
    this.rest = this.rest.slice(3);
    return i;
  }
}

/** `Mon, 02 Jan 2006 `: the date, with the day checked against the month. */
function readDate(c: Cursor): { year: number; month: number; day: number } | undefined {
  if (c.name(DAYS) === undefined || !c.literal(", ")) return undefined;
  const day = c.num(true);
  if (day === undefined || !c.literal(" ")) return undefined;
  const month = c.name(MONTHS);
  if (month === undefined || !c.literal(" ") || !/^\d{4}/.test(c.rest)) return undefined;
  const year = Number(c.rest.slice(0, 4));
  c.rest = c.rest.slice(4);
  if (!c.literal(" ") || day < 1 || day > daysIn(month, year)) return undefined;
  return { year, month, day };
}

/** `15:04:05` and optional fractional seconds (time.Parse accepts them after seconds). */
function readClock(
  c: Cursor,
): { hour: number; minute: number; second: number; nanos: bigint } | undefined {
  const hour = c.num(false);
  if (hour === undefined || hour >= 24 || !c.literal(":")) return undefined;
  const minute = c.num(true);
  if (minute === undefined || minute >= 60 || !c.literal(":")) return undefined;
  const second = c.num(true);
  if (second === undefined || second >= 60) return undefined;
  let nanos = 0n;
  const fraction = /^[.,](\d+)/.exec(c.rest);
  if (fraction) {
    // time's parseNanoseconds: at most nine digits count, further ones are dropped.
    nanos = BigInt(fraction[1]!.slice(0, 9).padEnd(9, "0"));
    c.rest = c.rest.slice(fraction[0].length);
  }
  return { hour, minute, second, nanos };
}

/** ` -0700`: the zone offset in seconds (hours up to 24, minutes up to 60, as Go allows). */
function readZone(c: Cursor): number | undefined {
  const m = /^ ([+-])(\d\d)(\d\d)$/.exec(c.rest);
  if (!m) return undefined;
  const [hours, minutes] = [Number(m[2]), Number(m[3])];
  if (hours > 24 || minutes > 60) return undefined;
  return (m[1] === "-" ? -1 : 1) * (hours * 3600 + minutes * 60);
}

/** Parses `Mon, 02 Jan 2006 15:04:05 -0700`; nanoseconds since the epoch. */
export function parseRFC1123Z(text: string): bigint | undefined {
  const c = new Cursor(text);
  const date = readDate(c);
  const clock = date && readClock(c);
  const offset = clock && readZone(c);
  if (!date || !clock || offset === undefined) return undefined;
  const t = new Date(0);
  t.setUTCFullYear(date.year, date.month, date.day);
  t.setUTCHours(clock.hour, clock.minute, clock.second, 0);
  return BigInt(t.getTime() / 1000 - offset) * 1_000_000_000n + clock.nanos;
}
