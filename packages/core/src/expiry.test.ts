import { describe, expect, it } from "vitest";

import { EXPIRES_AT_ANNOTATION } from "./constants.js";
import { isSignetError } from "./errors.js";
import {
  describeExpiry,
  expiryState,
  formatExpiresAt,
  parseExpiresIn,
  parseRfc3339,
  readExpiresAt,
  withExpiresAt,
} from "./expiry.js";
import type { SealedSecret } from "./model.js";

const H = 3_600_000;
const D = 24 * H;

const ss = (annotations?: Record<string, string>): SealedSecret => ({
  metadata: { name: "a", namespace: "b", ...(annotations && { annotations }) },
  spec: { encryptedData: {} },
});

describe("an RFC 3339 expiry time", () => {
  it.each([
    ["2027-03-31T00:00:00Z", "2027-03-31T00:00:00.000Z"],
    ["2027-03-31T12:30:45.5Z", "2027-03-31T12:30:45.500Z"],
    ["2027-03-31T12:30:45.123456789Z", "2027-03-31T12:30:45.123Z"],
    ["2027-03-31T02:00:00+02:00", "2027-03-31T00:00:00.000Z"],
    ["2027-03-30T19:30:00-04:30", "2027-03-31T00:00:00.000Z"],
    ["2028-02-29T00:00:00Z", "2028-02-29T00:00:00.000Z"],
    // The bounds are instants: the first and last second with a 4-digit UTC year.
    ["1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z"],
    ["1970-01-01T00:00:00-01:00", "1970-01-01T01:00:00.000Z"],
    ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"],
    ["9999-12-31T23:59:59+01:00", "9999-12-31T22:59:59.000Z"],
  ])("reads %s as %s, and its written form reads back", (text, iso) => {
    const at = parseRfc3339(text);
    expect(at.toISOString()).toBe(iso);
    expect(() => parseRfc3339(formatExpiresAt(at))).not.toThrow();
  });

  it.each([
    ["2027-03-31", "not an RFC 3339 time"],
    ["2027-03-31 00:00:00Z", "not an RFC 3339 time"],
    ["2027-03-31T00:00:00", "not an RFC 3339 time"],
    ["2027-03-31t00:00:00z", "not an RFC 3339 time"],
    ["90d", "not an RFC 3339 time"],
    [" 2027-03-31T00:00:00Z", "not an RFC 3339 time"],
    ["2027-02-29T00:00:00Z", "no such date"],
    ["2027-13-01T00:00:00Z", "no such date"],
    ["2027-04-31T00:00:00Z", "no such date"],
    ["2027-03-31T24:00:00Z", "no such time of day"],
    ["2027-03-31T23:59:60Z", "no such time of day"],
    ["2027-03-31T00:00:00+24:00", "no such time of day"],
    ["0099-01-01T00:00:00Z", "out of range"],
    ["0070-06-01T00:00:00Z", "out of range (before 1970"],
    // The written year is 1970, the instant an hour before it.
    ["1970-01-01T00:00:00+01:00", "out of range (before 1970-01-01T00:00:00Z)"],
    // Written within year 9999, the instant is in year 10000 (would format as +010000-...).
    ["9999-12-31T23:59:59-23:59", "out of range (after 9999-12-31T23:59:59Z)"],
    ["9999-12-31T23:00:00-01:00", "out of range (after 9999-12-31T23:59:59Z)"],
  ])("refuses %s (%s), naming the annotation and quoting the value", (text, why) => {
    let caught: unknown;
    try {
      parseRfc3339(text);
    } catch (err) {
      caught = err;
    }
    expect(isSignetError(caught, "ERR_INVALID_EXPIRY")).toBe(true);
    expect(
      (caught as Error).message.startsWith(`${EXPIRES_AT_ANNOTATION} ${JSON.stringify(text)}: `),
    ).toBe(true);
    expect((caught as Error).message).toContain(why);
  });

  it("names the source it is given and cuts a long value short", () => {
    expect(() => parseRfc3339("x".repeat(500), "--expires-at")).toThrow(
      `--expires-at "${"x".repeat(64)}...": not an RFC 3339 time`,
    );
  });
});

describe("an --expires-in duration", () => {
  it.each([
    ["90d", 90 * D],
    ["2w", 14 * D],
    ["12h", 12 * H],
    ["30m", 30 * 60_000],
    ["1w2d3h4m", 9 * D + 3 * H + 4 * 60_000],
    ["1d12h", 36 * H],
    ["36500d", 36_500 * D],
  ])("reads %s", (text, ms) => {
    expect(parseExpiresIn(text)).toBe(ms);
  });

  it.each([
    ["", "expected a duration"],
    ["90", "expected a duration"],
    // m is minutes; there is no month unit (3mo is not "3 months").
    ["3mo", "m minutes; no months"],
    ["d", "expected a duration"],
    ["-1d", "expected a duration"],
    ["1.5d", "expected a duration"],
    ["10s", "expected a duration"],
    ["1h1d", "expected a duration"],
    ["1d1d", "expected a duration"],
    ["90 d", "expected a duration"],
    ["90D", "expected a duration"],
    ["0d", "longer than zero"],
    ["0w0h", "longer than zero"],
    ["36501d", "longer than 100 years"],
  ])("refuses %j (%s), naming the flag", (text, why) => {
    expect(() => parseExpiresIn(text)).toThrow(`--expires-in ${JSON.stringify(text)}: `);
    expect(() => parseExpiresIn(text)).toThrow(why);
  });
});

describe("the expires-at annotation of a SealedSecret", () => {
  it("is absent when missing or empty, set when valid, invalid (never thrown) otherwise", () => {
    expect(readExpiresAt(ss())).toEqual({ kind: "none" });
    expect(readExpiresAt(ss({ [EXPIRES_AT_ANNOTATION]: "" }))).toEqual({ kind: "none" });
    const set = readExpiresAt(ss({ [EXPIRES_AT_ANNOTATION]: "2027-03-31T00:00:00Z" }));
    expect(set).toEqual({ kind: "set", at: new Date("2027-03-31T00:00:00Z") });
    const bad = readExpiresAt(ss({ [EXPIRES_AT_ANNOTATION]: "next year" }));
    expect(bad.kind).toBe("invalid");
    expect(bad.kind === "invalid" && bad.error.code).toBe("ERR_INVALID_EXPIRY");
    expect(bad.kind === "invalid" && bad.error.message).toContain('"next year"');
  });

  it("is written at whole seconds in UTC, other annotations and the input kept", () => {
    const input = ss({ "signet.dev/rollout": "deployment/api" });
    const out = withExpiresAt(input, new Date("2027-03-31T10:20:30.999+02:00"));
    expect(out.metadata.annotations).toEqual({
      "signet.dev/rollout": "deployment/api",
      [EXPIRES_AT_ANNOTATION]: "2027-03-31T08:20:30Z",
    });
    expect(input.metadata.annotations).not.toHaveProperty(EXPIRES_AT_ANNOTATION);
    expect(formatExpiresAt(new Date(0))).toBe("1970-01-01T00:00:00Z");
  });
});

describe("the expiry stage at a given time", () => {
  const at = new Date("2027-03-31T00:00:00Z");
  const window = 14 * D;
  it.each([
    ["20 days before", -20 * D, "valid", at.getTime() - window],
    ["1 ms before the window", -window - 1, "valid", at.getTime() - window],
    ["exactly at the window's start", -window, "expiring-soon", at.getTime()],
    ["1 ms before the expiry", -1, "expiring-soon", at.getTime()],
    ["exactly at the expiry", 0, "expired", undefined],
    ["a year after", 365 * D, "expired", undefined],
  ])("%s is %s", (_, offset, stage, next) => {
    const state = expiryState(at, new Date(at.getTime() + offset), window);
    expect(state.stage).toBe(stage);
    expect(state.next?.getTime()).toBe(next);
  });

  it("never warns with a window of 0 (valid until the very expiry)", () => {
    expect(expiryState(at, new Date(at.getTime() - 1), 0)).toEqual({ stage: "valid", next: at });
  });

  it("does not call a value inside the window valid (mismatch case)", () => {
    expect(expiryState(at, new Date(at.getTime() - D), window).stage).not.toBe("valid");
  });
});

describe("the expiry in words", () => {
  const at = new Date("2027-03-31T00:00:00Z");
  it.each([
    [-20 * D - 23 * H, "expires in 21 days"],
    [-20 * D - 11 * H, "expires in 20 days"],
    [-20 * D - 12 * H, "expires in 21 days"],
    // Inspected a moment after --expires-in 90d: 90 days, not 89.
    [-90 * D + 1000, "expires in 90 days"],
    [-23 * H - 40 * 60_000, "expires in 1 day"],
    [-D, "expires in 1 day"],
    [-5 * H, "expires in 5 hours"],
    [-H, "expires in 1 hour"],
    [-1, "expires in under an hour"],
    [-29 * 60_000, "expires in under an hour"],
    [0, "expired under an hour ago"],
    [3 * D + H, "expired 3 days ago"],
  ])("%d ms from the expiry reads %j", (offset, text) => {
    expect(describeExpiry(at, new Date(at.getTime() + offset))).toBe(text);
  });
});
