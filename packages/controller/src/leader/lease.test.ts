import { describe, expect, it } from "vitest";

import { decideLease, microTime, observe, releasedRecord, timingsProblem } from "./lease.js";
import type { LeaseRecord } from "./lease.js";

const T0 = Date.parse("2026-06-01T00:00:00.000Z");
const CONFIG = { leaseDurationMs: 15_000 };
/** Both clocks at `ms` (the tests that separate them say so). */
const at = (ms: number) => ({ wallMs: ms, monotonicMs: ms });

const held = (holder: string, over: Partial<LeaseRecord> = {}): LeaseRecord => ({
  holderIdentity: holder,
  leaseDurationSeconds: 15,
  acquireTime: microTime(T0 - 60_000),
  renewTime: microTime(T0),
  leaseTransitions: 3,
  ...over,
});

describe("microTime", () => {
  it("writes Kubernetes MicroTime (microseconds, UTC)", () => {
    expect(microTime(T0 + 123)).toBe("2026-06-01T00:00:00.123000Z");
  });
});

describe("observe", () => {
  it("keeps the first sighting while the record is unchanged, restarts it on any change", () => {
    const first = observe(undefined, held("a"), T0);
    expect(first).toEqual({ record: held("a"), sinceMs: T0 });
    expect(observe(first, held("a"), T0 + 9_000)).toBe(first);
    const renewed = held("a", { renewTime: microTime(T0 + 2_000) });
    expect(observe(first, renewed, T0 + 9_000)).toEqual({ record: renewed, sinceMs: T0 + 9_000 });
    expect(observe(first, undefined, T0 + 9_000)).toBeUndefined();
  });
});

describe("decideLease", () => {
  it("creates an absent Lease holding it, transitions 0", () => {
    expect(decideLease(undefined, at(T0), "me", CONFIG)).toEqual({
      action: "create",
      record: {
        holderIdentity: "me",
        leaseDurationSeconds: 15,
        acquireTime: microTime(T0),
        renewTime: microTime(T0),
        leaseTransitions: 0,
      },
    });
  });

  it("waits while another holder's record changed within its lease duration (our clock)", () => {
    const obs = observe(undefined, held("other"), T0);
    expect(decideLease(obs, at(T0 + 14_999), "me", CONFIG)).toEqual({
      action: "wait",
      holder: "other",
      expiresAtMs: T0 + 15_000,
    });
  });

  it("measures expiry on the monotonic clock: a wall clock stepped forward does not end a lease", () => {
    const obs = observe(undefined, held("other"), T0);
    const stepped = { wallMs: T0 + 3_600_000, monotonicMs: T0 + 1_000 };
    expect(decideLease(obs, stepped, "me", CONFIG).action).toBe("wait");
    const expired = { wallMs: T0 - 3_600_000, monotonicMs: T0 + 15_000 };
    const taken = decideLease(obs, expired, "me", CONFIG);
    expect(taken.action).toBe("acquire");
    expect(taken.action === "acquire" && taken.record.renewTime).toBe(microTime(T0 - 3_600_000));
  });

  it("ignores the holder's renewTime: a record first seen now counts as just renewed", () => {
    const stale = held("other", { renewTime: microTime(T0 - 3_600_000) });
    const obs = observe(undefined, stale, T0);
    expect(decideLease(obs, at(T0 + 1_000), "me", CONFIG).action).toBe("wait");
  });

  it("takes over an expired Lease: new acquire and renew times, transitions + 1", () => {
    const obs = observe(undefined, held("other"), T0);
    expect(decideLease(obs, at(T0 + 15_000), "me", CONFIG)).toEqual({
      action: "acquire",
      record: {
        holderIdentity: "me",
        leaseDurationSeconds: 15,
        acquireTime: microTime(T0 + 15_000),
        renewTime: microTime(T0 + 15_000),
        leaseTransitions: 4,
      },
    });
  });

  it("takes over a released Lease (empty holder) at once", () => {
    const obs = observe(undefined, releasedRecord(held("other"), T0), T0);
    const decision = decideLease(obs, at(T0), "me", CONFIG);
    expect(decision.action).toBe("acquire");
    expect(decision.action === "acquire" && decision.record.leaseTransitions).toBe(4);
  });

  it("renews its own Lease: renewTime moves, acquireTime and transitions stay", () => {
    const obs = observe(undefined, held("me", { leaseDurationSeconds: 60 }), T0);
    expect(decideLease(obs, at(T0 + 2_000), "me", CONFIG)).toEqual({
      action: "renew",
      record: held("me", { renewTime: microTime(T0 + 2_000) }),
    });
  });

  it("rounds the written duration up to whole seconds, at least 1", () => {
    const d = decideLease(undefined, at(T0), "me", { leaseDurationMs: 2_500 });
    expect(d.action === "create" && d.record.leaseDurationSeconds).toBe(3);
    const tiny = decideLease(undefined, at(T0), "me", { leaseDurationMs: 10 });
    expect(tiny.action === "create" && tiny.record.leaseDurationSeconds).toBe(1);
  });
});

describe("releasedRecord", () => {
  it("clears the holder, keeps the transitions", () => {
    expect(releasedRecord(held("me"), T0 + 5)).toEqual({
      holderIdentity: "",
      leaseDurationSeconds: 1,
      acquireTime: microTime(T0 + 5),
      renewTime: microTime(T0 + 5),
      leaseTransitions: 3,
    });
  });
});

describe("timingsProblem", () => {
  it("accepts client-go's defaults and refuses what client-go refuses", () => {
    const ok = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
    expect(timingsProblem(ok)).toBeUndefined();
    expect(timingsProblem({ ...ok, renewDeadlineMs: 15_000 })).toMatch(/lease-duration/);
    expect(timingsProblem({ ...ok, retryPeriodMs: 9_000 })).toMatch(/retry-period × 1.2/);
    expect(timingsProblem({ ...ok, retryPeriodMs: 0 })).toMatch(/positive/);
  });
});
