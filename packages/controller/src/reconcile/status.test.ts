import { describe, expect, it } from "vitest";

import type { SealedSecret, SealedSecretStatus } from "@signet/core";

import { nextStatus, recordedKeyFingerprint, rfc3339Seconds } from "./status.js";
import type { Outcome } from "./status.js";

const T0 = new Date("2026-06-01T00:00:00Z");
const T1 = new Date("2026-06-01T00:05:00.250Z");
const OK: Outcome = { ok: true, keyFingerprint: "SHA256:abc" };
const NO_KEY: Outcome = {
  ok: false,
  reason: "NoMatchingKey",
  message: "no key could decrypt secret (foo)",
};

const ss = (generation: number, status?: SealedSecretStatus): SealedSecret => ({
  metadata: { name: "s", namespace: "n", generation },
  spec: { encryptedData: {} },
  ...(status && { status }),
});

/** Status after a first reconcile with `outcome` at T0. */
const first = (outcome: Outcome, generation = 1): SealedSecretStatus =>
  nextStatus(ss(generation), outcome, T0).status;

const condition = (status: SealedSecretStatus, type: string) =>
  status.conditions?.find((c) => c.type === type);

describe("status", () => {
  it("writes an empty status on the first sync: Synced first, transition time equals update time", () => {
    const plan = nextStatus(ss(1), OK, T0);
    expect(plan.write).toBe(true);
    expect(plan.status.observedGeneration).toBe(1);
    expect(plan.status.conditions?.[0]).toEqual({
      type: "Synced",
      status: "True",
      lastUpdateTime: "2026-06-01T00:00:00Z",
      lastTransitionTime: "2026-06-01T00:00:00Z",
    });
    expect(condition(plan.status, "Ready")).toMatchObject({ status: "True", reason: "Unsealed" });
    expect(condition(plan.status, "Stalled")).toBeUndefined();
    expect(plan.status["signet"]).toEqual({ keyFingerprint: "SHA256:abc" });
  });

  it("writes nothing when a resync finds the same outcome", () => {
    expect(nextStatus(ss(1, first(OK)), OK, T1)).toEqual({ status: first(OK), write: false });
  });

  it("writes nothing when the same error repeats", () => {
    expect(nextStatus(ss(1, first(NO_KEY)), NO_KEY, T1).write).toBe(false);
  });

  it("on a new generation bumps observedGeneration and the update time, not the transition time", () => {
    const plan = nextStatus(ss(2, first(OK)), OK, T1);
    expect(plan.write).toBe(true);
    expect(plan.status.observedGeneration).toBe(2);
    expect(plan.status.conditions?.[0]).toMatchObject({
      lastUpdateTime: "2026-06-01T00:05:00Z",
      lastTransitionTime: "2026-06-01T00:00:00Z",
    });
  });

  it("on False → True sets both times, clears the message and removes Stalled", () => {
    const plan = nextStatus(ss(1, first(NO_KEY)), OK, T1);
    expect(plan.write).toBe(true);
    expect(plan.status.conditions?.[0]).toEqual({
      type: "Synced",
      status: "True",
      lastUpdateTime: "2026-06-01T00:05:00Z",
      lastTransitionTime: "2026-06-01T00:05:00Z",
    });
    expect(condition(plan.status, "Stalled")).toBeUndefined();
  });

  it("on True → error writes Synced False with the message, Ready False and Stalled with a reason", () => {
    const plan = nextStatus(ss(1, first(OK)), NO_KEY, T1);
    expect(plan.write).toBe(true);
    expect(plan.status.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ["Synced", "False", undefined, "no key could decrypt secret (foo)"],
      ["Ready", "False", "NoMatchingKey", "no key could decrypt secret (foo)"],
      ["Stalled", "True", "NoMatchingKey", "no key could decrypt secret (foo)"],
    ]);
    expect(plan.status["signet"]).toEqual({ keyFingerprint: "SHA256:abc" });
  });

  it("writes when the error changes even though Synced stays False (no stale errors)", () => {
    const other: Outcome = { ok: false, reason: "SecretNotOwned", message: "failed update: x" };
    const plan = nextStatus(ss(1, first(NO_KEY)), other, T1);
    expect(plan.write).toBe(true);
    expect(condition(plan.status, "Synced")?.lastTransitionTime).toBe("2026-06-01T00:00:00Z");
  });

  it("writes when another key opened the object", () => {
    const plan = nextStatus(ss(1, first(OK)), { ok: true, keyFingerprint: "SHA256:new" }, T1);
    expect(plan.write).toBe(true);
    expect(recordedKeyFingerprint(ss(1, plan.status))).toBe("SHA256:new");
  });

  it("keeps conditions of other writers after its own", () => {
    const foreign = { type: "Example", status: "True" as const };
    const plan = nextStatus(ss(1, { conditions: [foreign] }), OK, T0);
    expect(plan.status.conditions?.map((c) => c.type)).toEqual(["Synced", "Ready", "Example"]);
  });

  it("writes times as Kubernetes does: RFC 3339 at whole seconds", () => {
    expect(rfc3339Seconds(new Date("2026-06-01T00:05:00.999Z"))).toBe("2026-06-01T00:05:00Z");
  });

  it("has no recorded key before the first success", () => {
    expect(recordedKeyFingerprint(ss(1))).toBeUndefined();
    expect(recordedKeyFingerprint(ss(1, first(NO_KEY)))).toBeUndefined();
  });
});

describe("status: the Expiry condition", () => {
  const VALID = {
    type: "set",
    status: "True",
    reason: "Valid",
    message: "expires at 2026-07-01T00:00:00Z; warning from 2026-06-17T00:00:00Z",
  } as const;
  const SOON = { ...VALID, status: "False", reason: "ExpiringSoon", message: "soon" } as const;
  const EXPIRED = { ...VALID, status: "False", reason: "Expired", message: "expired" } as const;
  const T2 = new Date("2026-06-02T00:00:00Z");
  const withExpiry = (outcome: Outcome, expiry: Outcome["expiry"]): Outcome => ({
    ...outcome,
    expiry,
  });

  it("is added last, on success and failure alike", () => {
    for (const o of [OK, NO_KEY]) {
      const plan = nextStatus(ss(1), withExpiry(o, VALID), T0);
      expect(plan.status.conditions?.at(-1)).toEqual({
        type: "Expiry",
        status: "True",
        reason: "Valid",
        message: VALID.message,
        lastUpdateTime: "2026-06-01T00:00:00Z",
        lastTransitionTime: "2026-06-01T00:00:00Z",
      });
    }
  });

  it("writes nothing while the stage is unchanged (a resync, a later time)", () => {
    const status = nextStatus(ss(1), withExpiry(OK, VALID), T0).status;
    expect(nextStatus(ss(1, status), withExpiry(OK, VALID), T2).write).toBe(false);
    // Undefined leaves the condition as it is (mismatch case: not a removal).
    expect(nextStatus(ss(1, status), OK, T2).write).toBe(false);
  });

  it("moves lastTransitionTime only when the status flips, keeps observedGeneration", () => {
    const valid = nextStatus(ss(3), withExpiry(OK, VALID), T0).status;
    const soon = nextStatus(ss(3, valid), withExpiry(OK, SOON), T1);
    expect(soon.write).toBe(true);
    expect(soon.status.observedGeneration).toBe(3);
    expect(condition(soon.status, "Expiry")?.lastTransitionTime).toBe("2026-06-01T00:05:00Z");
    const expired = nextStatus(ss(3, soon.status), withExpiry(OK, EXPIRED), T2);
    expect(expired.write).toBe(true);
    expect(condition(expired.status, "Expiry")).toMatchObject({
      reason: "Expired",
      lastUpdateTime: "2026-06-02T00:00:00Z",
      lastTransitionTime: "2026-06-01T00:05:00Z",
    });
    // The other conditions did not change.
    expect(condition(expired.status, "Synced")?.lastUpdateTime).toBe("2026-06-02T00:00:00Z");
    expect(condition(expired.status, "Synced")?.lastTransitionTime).toBe("2026-06-01T00:00:00Z");
  });

  it("is removed (a write) when the annotation goes, other conditions kept", () => {
    const status = nextStatus(ss(1), withExpiry(OK, VALID), T0).status;
    const plan = nextStatus(ss(1, status), withExpiry(OK, { type: "remove" }), T1);
    expect(plan.write).toBe(true);
    expect(plan.status.conditions?.map((c) => c.type)).toEqual(["Synced", "Ready"]);
    expect(
      nextStatus(ss(1), withExpiry(OK, { type: "remove" }), T0).status.conditions,
    ).toHaveLength(2);
  });
});
