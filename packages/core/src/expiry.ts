import { EXPIRES_AT_ANNOTATION } from "./constants.js";
import { SignetError } from "./errors.js";
import type { SealedSecret } from "./model.js";

/**
 * Value expiry (docs/expiry.md): a SealedSecret may carry `signet.dev/expires-at`, the time its
 * sealed values should have been rotated by. It is a reminder, never a lock: nothing here stops
 * a value from unsealing. Everything is pure; the caller passes the time (`now`).
 */

/** Days, hours and minutes in milliseconds (the duration grammar's units). */
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

/** The longest `--expires-in` accepted: 100 years of 365 days (beyond is a typo, not a plan). */
export const MAX_EXPIRES_IN_MS = 36_500 * DAY_MS;

/**
 * The latest instant accepted: 9999-12-31T23:59:59Z. Beyond it the annotation would need a
 * 5-digit or signed year (`+010000-...`), which RFC 3339 (and this parser) does not have.
 */
export const MAX_EXPIRES_AT_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/** The default warning window: 14 days before the expiry. */
export const DEFAULT_EXPIRY_WARNING_WINDOW_MS = 14 * DAY_MS;

/**
 * RFC 3339 `date-time`, strictly: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, upper-case `T`
 * and `Z` (as Kubernetes writes times). No leap second (`:60`): JavaScript dates have none, and
 * a reminder does not need one.
 */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/** The longest value quoted in an error (an annotation may be long; the message stays short). */
const QUOTE_LIMIT = 64;

function quote(value: string): string {
  const cut = value.length > QUOTE_LIMIT ? `${value.slice(0, QUOTE_LIMIT)}...` : value;
  return JSON.stringify(cut);
}

function invalid(source: string, value: string, why: string): SignetError {
  return new SignetError("ERR_INVALID_EXPIRY", `${source} ${quote(value)}: ${why}`);
}

/**
 * Parses an RFC 3339 time strictly; throws `ERR_INVALID_EXPIRY` naming `source` (the annotation
 * or the flag) and quoting the value. The calendar is checked (no February 30th), and the
 * instant (the offset applied) must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z
 * ({@link MAX_EXPIRES_AT_MS}), so every accepted value formats back to a 4-digit year.
 */
export function parseRfc3339(value: string, source: string = EXPIRES_AT_ANNOTATION): Date {
  const m = RFC3339.exec(value);
  if (!m) {
    throw invalid(source, value, "not an RFC 3339 time (e.g. 2027-03-31T00:00:00Z)");
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as Six;
  const offset = offsetMs(m[9], m[10], m[11]);
  const why = calendarProblem([year, month, day, hour, minute, second], offset);
  if (why !== undefined) throw invalid(source, value, why);
  const ms = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  const instant = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset.ms;
  // The instant, not the written year: 1970-01-01T00:00:00+01:00 is an hour before 1970.
  if (instant < 0) throw invalid(source, value, "out of range (before 1970-01-01T00:00:00Z)");
  if (instant >= MAX_EXPIRES_AT_MS + 1000) {
    throw invalid(source, value, "out of range (after 9999-12-31T23:59:59Z)");
  }
  return new Date(instant);
}

type Six = [number, number, number, number, number, number];

function offsetMs(
  sign: string | undefined,
  h: string | undefined,
  m: string | undefined,
): { ms: number; valid: boolean } {
  const hours = h === undefined ? 0 : Number(h);
  const minutes = m === undefined ? 0 : Number(m);
  const ms = (sign === "-" ? -1 : 1) * (hours * HOUR_MS + minutes * MINUTE_MS);
  return { ms, valid: hours <= 23 && minutes <= 59 };
}

/** Why the fields name no real instant, or undefined when they do. */
function calendarProblem(
  [year, month, day, hour, minute, second]: Six,
  offset: { valid: boolean },
): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return "no such date";
  if (hour > 23 || minute > 59 || second > 59 || !offset.valid) return "no such time of day";
  // Date.UTC maps years 0-99 to 1900-1999; a date that far back is no expiry anyone means.
  if (year < 1970) return "out of range (before 1970-01-01T00:00:00Z)";
  return undefined;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;

/**
 * Parses an `--expires-in` duration: one or more `<digits><unit>` parts, units in this order and
 * each at most once: `w` (7 days), `d` (24 hours), `h`, `m` (minutes), e.g. `90d`, `2w`, `12h`,
 * `1d12h`. No seconds (an expiry is a rotation date), no sign, no fractions, no spaces. The
 * total must be above zero and at most {@link MAX_EXPIRES_IN_MS}. Throws `ERR_INVALID_EXPIRY`
 * naming `source` (the flag) otherwise.
 */
export function parseExpiresIn(value: string, source = "--expires-in"): number {
  const m = DURATION.exec(value);
  if (value === "" || !m) {
    throw invalid(
      source,
      value,
      "expected a duration like 90d, 2w, 12h or 1d12h (units w weeks, d days, h hours, m minutes; no months)",
    );
  }
  const [w, d, h, min] = m.slice(1, 5).map((n) => (n === undefined ? 0 : Number(n))) as [
    number,
    number,
    number,
    number,
  ];
  const total = w * WEEK_MS + d * DAY_MS + h * HOUR_MS + min * MINUTE_MS;
  if (total <= 0) throw invalid(source, value, "must be longer than zero");
  if (total > MAX_EXPIRES_IN_MS) throw invalid(source, value, "longer than 100 years");
  return total;
}

/** RFC 3339 in UTC at whole seconds, as the annotation is written. */
export function formatExpiresAt(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}

/** What a SealedSecret says about its expiry. */
export type ExpiryAnnotation =
  { kind: "none" } | { kind: "set"; at: Date } | { kind: "invalid"; error: SignetError };

/** Reads `signet.dev/expires-at`; an empty value counts as absent. Never throws. */
export function readExpiresAt(ss: Pick<SealedSecret, "metadata">): ExpiryAnnotation {
  const value: unknown = ss.metadata?.annotations?.[EXPIRES_AT_ANNOTATION];
  if (value === undefined || value === "") return { kind: "none" };
  if (typeof value !== "string") {
    return {
      kind: "invalid",
      error: invalid(EXPIRES_AT_ANNOTATION, typeof value, "not a string"),
    };
  }
  try {
    return { kind: "set", at: parseRfc3339(value) };
  } catch (err) {
    return { kind: "invalid", error: err as SignetError };
  }
}

/** A copy of `ss` whose metadata carries `signet.dev/expires-at` = `at` (annotations kept). */
export function withExpiresAt<T extends Pick<SealedSecret, "metadata">>(ss: T, at: Date): T {
  return {
    ...ss,
    metadata: {
      ...ss.metadata,
      annotations: { ...ss.metadata?.annotations, [EXPIRES_AT_ANNOTATION]: formatExpiresAt(at) },
    },
  };
}

/** Where a value stands: before the warning window, inside it, or past its expiry. */
export type ExpiryStage = "valid" | "expiring-soon" | "expired";

export interface ExpiryState {
  stage: ExpiryStage;
  /** The next time the stage changes (undefined once expired: nothing follows). */
  next: Date | undefined;
}

/**
 * The stage of a value expiring at `at`, seen at `now`, with a warning window of `windowMs`.
 * Boundaries belong to the later stage: exactly `windowMs` before `at` is already expiring
 * soon, exactly `at` is already expired. A window of 0 never warns.
 */
export function expiryState(at: Date, now: Date, windowMs: number): ExpiryState {
  const t = now.getTime();
  const expiry = at.getTime();
  if (t >= expiry) return { stage: "expired", next: undefined };
  const warnFrom = expiry - Math.max(0, windowMs);
  if (t >= warnFrom) return { stage: "expiring-soon", next: at };
  return { stage: "valid", next: new Date(warnFrom) };
}

/**
 * How far `at` is from `now`, in words: `expires in 20 days`, `expires in 5 hours`,
 * `expires in under an hour`, `expired 3 days ago`, `expired under an hour ago`. Rounded to
 * the nearest unit (a value sealed with `--expires-in 90d` and inspected a second later
 * "expires in 90 days"; 20 days and 11 hours is 20 days, 20 days and 12 hours is 21 days);
 * under a day, nearest hour; under half an hour, "under an hour".
 */
export function describeExpiry(at: Date, now: Date): string {
  const delta = at.getTime() - now.getTime();
  const span = spanText(Math.abs(delta));
  if (delta > 0) return `expires in ${span}`;
  return span === "under an hour" ? "expired under an hour ago" : `expired ${span} ago`;
}

function spanText(ms: number): string {
  const hours = Math.round(ms / HOUR_MS);
  if (hours >= 24) {
    const days = Math.round(ms / DAY_MS);
    return `${days} day${days === 1 ? "" : "s"}`;
  }
  if (hours >= 1) return `${hours} hour${hours === 1 ? "" : "s"}`;
  return "under an hour";
}
