import { describe, expect, it } from "vitest";

import type { SealedSecret } from "@signet/core";

import { expiryEvent, MAX_EXPIRY_WAKE_MS, planExpiry, wakeDelayMs } from "./expiry.js";
import type { ExpiryCondition } from "./expiry.js";

const DAY = 86_400_000;
const WINDOW = 14 * DAY;
const AT = new Date("2027-03-31T00:00:00Z");

const ss = (value?: string): Pick<SealedSecret, "metadata"> => ({
  metadata: {
    name: "s",
    namespace: "n",
    ...(value !== undefined && { annotations: { "signet.dev/expires-at": value } }),
  },
});

const at = (offsetMs: number): Date => new Date(AT.getTime() + offsetMs);

describe("the Expiry condition of a SealedSecret", () => {
  it.each([
    ["20 days before", -20 * DAY, ["True", "Valid"], AT.getTime() - WINDOW],
    ["1 ms before the window", -WINDOW - 1, ["True", "Valid"], AT.getTime() - WINDOW],
    ["exactly at the window's start", -WINDOW, ["False", "ExpiringSoon"], AT.getTime()],
    ["1 ms before the expiry", -1, ["False", "ExpiringSoon"], AT.getTime()],
    ["exactly at the expiry", 0, ["False", "Expired"], undefined],
    ["a year later", 365 * DAY, ["False", "Expired"], undefined],
  ] as const)("%s is %j", (_, offset, [status, reason], wake) => {
    const plan = planExpiry(ss("2027-03-31T00:00:00Z"), at(offset), WINDOW);
    expect(plan.condition).toMatchObject({ type: "set", status, reason });
    expect(plan.expiresAt).toEqual(AT);
    expect(plan.wakeAt?.getTime()).toBe(wake);
  });

  it("names absolute times only, so the message is the same all through a stage", () => {
    const early = planExpiry(ss("2027-03-31T00:00:00Z"), at(-30 * DAY), WINDOW).condition;
    const late = planExpiry(ss("2027-03-31T00:00:00Z"), at(-15 * DAY), WINDOW).condition;
    expect(early).toEqual(late);
    expect(early).toEqual({
      type: "set",
      status: "True",
      reason: "Valid",
      message: "expires at 2027-03-31T00:00:00Z; warning from 2027-03-17T00:00:00Z",
    });
  });

  it("removes the condition without the annotation (or with an empty one)", () => {
    for (const o of [ss(), ss("")]) {
      expect(planExpiry(o, AT, WINDOW)).toEqual({
        condition: { type: "remove" },
        expiresAt: undefined,
        wakeAt: undefined,
      });
    }
  });

  it("reports a malformed annotation as InvalidExpiresAt, quoting it, with no metric value", () => {
    const plan = planExpiry(ss("31/03/2027"), AT, WINDOW);
    expect(plan.condition).toEqual({
      type: "set",
      status: "False",
      reason: "InvalidExpiresAt",
      message:
        'signet.dev/expires-at "31/03/2027": not an RFC 3339 time (e.g. 2027-03-31T00:00:00Z); the Secret is unsealed as usual',
    });
    expect(plan.expiresAt).toBeUndefined();
    expect(plan.wakeAt).toBeUndefined();
  });
});

const REMOVE: ExpiryCondition = { type: "remove" };

describe("the Event for a change of the Expiry reason", () => {
  const set = (reason: "Valid" | "ExpiringSoon" | "Expired" | "InvalidExpiresAt") =>
    ({ type: "set", status: "False", reason, message: "m" }) as ExpiryCondition;
  it.each([
    [undefined, set("Valid"), undefined],
    [undefined, set("ExpiringSoon"), "Warning/ExpiringSoon"],
    [undefined, set("InvalidExpiresAt"), "Warning/InvalidExpiresAt"],
    ["Valid", set("ExpiringSoon"), "Warning/ExpiringSoon"],
    ["ExpiringSoon", set("Expired"), "Warning/Expired"],
    ["Expired", set("Valid"), "Normal/ExpiryValid"],
    ["InvalidExpiresAt", set("Valid"), "Normal/ExpiryValid"],
    ["ExpiringSoon", set("ExpiringSoon"), undefined],
    ["Expired", set("Expired"), undefined],
    ["Expired", REMOVE, undefined],
  ])("from %s to %j: %s", (previous, next, expected) => {
    const event = expiryEvent(previous, next);
    expect(event && `${event.type}/${event.reason}`).toBe(expected);
  });
});

describe("the wake-up delay", () => {
  const now = new Date("2027-03-01T00:00:00Z");
  it.each([
    ["a boundary in an hour: just after it", 3_600_000, 3_601_000],
    ["a boundary passed already: one second", -5_000, 1_000],
    ["a boundary in 6 days: bounded to a day", 6 * DAY, MAX_EXPIRY_WAKE_MS],
  ])("%s", (_, ahead, ms) => {
    expect(wakeDelayMs(new Date(now.getTime() + ahead), now)).toBe(ms);
  });
});
