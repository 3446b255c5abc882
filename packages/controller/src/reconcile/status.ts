import type { SealedSecret, SealedSecretCondition, SealedSecretStatus } from "@signet/core";

import type { FailureReason } from "./failure.js";
import { EXPIRY_CONDITION } from "./expiry.js";
import type { ExpiryCondition } from "./expiry.js";
import { ROLLOUT_CONDITION } from "./rollout.js";
import type { RolloutCondition } from "./rollout.js";

/**
 * Status computation (reference `updateSealedSecretsStatusConditions`, plus Signet's conditions:
 * docs/reconcile.md#status-and-conditions), pure. Writes:
 * - `Synced` first (the Helm printer columns and Argo CD's health check read it): `True` with no
 *   message, or `False` with the error text; `lastUpdateTime` is the write time and
 *   `lastTransitionTime` moves only when the status flips;
 * - kstatus `Ready` with a machine-readable `reason`, and `Stalled=True` while failing (Flux
 *   reports the object failed instead of waiting for a timeout);
 * - `observedGeneration` = `metadata.generation` on every write;
 * - `status.signet.keyFingerprint`: the key that opened the object (additive field);
 * - Signet's `Rollout` condition (reconcile/rollout.ts), after the others, when the outcome says
 *   so: set, removed, or (undefined) left as it is;
 * - Signet's `Expiry` condition (reconcile/expiry.ts), last, on success and failure alike
 *   (expiry never depends on unsealing): set, removed, or (undefined) left as it is.
 * Unlike the reference, a changed message, reason or key also counts as a change (a stale error
 * no longer survives its fix), while an unchanged outcome writes nothing.
 */
export type Outcome = (
  | { ok: true; keyFingerprint: string | undefined; rollout?: RolloutCondition | undefined }
  | { ok: false; reason: FailureReason; message: string }
) & { expiry?: ExpiryCondition | undefined };

export interface StatusPlan {
  status: SealedSecretStatus;
  /** False when nothing observable changed: do not call the status subresource. */
  write: boolean;
}

export const SYNCED = "Synced";
export const READY = "Ready";
export const STALLED = "Stalled";
const OURS = new Set([SYNCED, READY, STALLED]);

type ConditionSpec = Pick<SealedSecretCondition, "type" | "status" | "reason" | "message">;

/** The Signet extension of the status, additive to the reference's fields. */
export interface SignetStatus {
  keyFingerprint?: string;
}

/** The fingerprint recorded by the last successful unseal, if any. */
export function recordedKeyFingerprint(ss: Pick<SealedSecret, "status">): string | undefined {
  const signet = ss.status?.["signet"] as SignetStatus | undefined;
  return typeof signet?.keyFingerprint === "string" ? signet.keyFingerprint : undefined;
}

/** Computes the next status of `ss` after a reconcile with `outcome` at time `now`. */
export function nextStatus(
  ss: Pick<SealedSecret, "metadata" | "status">,
  outcome: Outcome,
  now: Date,
): StatusPlan {
  const prev = ss.status ?? {};
  const prevConditions = prev.conditions ?? [];
  const desired = desiredConditions(outcome);
  const find = (type: string): SealedSecretCondition | undefined =>
    prevConditions.find((c) => c.type === type);
  const { fingerprint, rollout } = okParts(outcome);
  const write =
    prev.observedGeneration !== ss.metadata.generation ||
    desired.some((d) => differs(find(d.type), d)) ||
    (outcome.ok && find(STALLED) !== undefined) ||
    fingerprintChanges(ss, fingerprint) ||
    extraChanges(find(ROLLOUT_CONDITION), ROLLOUT_CONDITION, rollout) ||
    extraChanges(find(EXPIRY_CONDITION), EXPIRY_CONDITION, outcome.expiry);
  if (!write) return { status: prev, write: false };
  const extras = { [ROLLOUT_CONDITION]: rollout, [EXPIRY_CONDITION]: outcome.expiry };
  const status: SealedSecretStatus = {
    ...prev,
    conditions: nextConditions(prevConditions, desired, extras, rfc3339Seconds(now)),
  };
  if (ss.metadata.generation !== undefined) status.observedGeneration = ss.metadata.generation;
  if (fingerprint !== undefined) {
    status["signet"] = {
      ...(prev["signet"] as SignetStatus | undefined),
      keyFingerprint: fingerprint,
    };
  }
  return { status, write: true };
}

/** A Signet condition the outcome sets, removes, or (undefined) leaves as it is. */
type ExtraCondition =
  | { type: "set"; status: "True" | "False"; reason: string; message: string }
  | { type: "remove" }
  | undefined;

/**
 * Ours first, then the others as they were, then `Rollout` and `Expiry` (each kept unless the
 * outcome says).
 */
function nextConditions(
  prev: readonly SealedSecretCondition[],
  desired: readonly ConditionSpec[],
  extras: Readonly<Record<string, ExtraCondition>>,
  time: string,
): SealedSecretCondition[] {
  const find = (type: string): SealedSecretCondition | undefined =>
    prev.find((c) => c.type === type);
  return [
    ...desired.map((d) => condition(find(d.type), d, time)),
    ...prev.filter((c) => !OURS.has(c.type) && extras[c.type] === undefined),
    ...Object.entries(extras).flatMap(([type, extra]) =>
      extra?.type === "set" ? [condition(find(type), { ...extra, type }, time)] : [],
    ),
  ];
}

function desiredConditions(outcome: Outcome): ConditionSpec[] {
  if (outcome.ok) {
    return [
      { type: SYNCED, status: "True" },
      { type: READY, status: "True", reason: "Unsealed" },
    ];
  }
  const { reason, message } = outcome;
  return [
    { type: SYNCED, status: "False", message },
    { type: READY, status: "False", reason, message },
    { type: STALLED, status: "True", reason, message },
  ];
}

function okParts(outcome: Outcome): {
  fingerprint: string | undefined;
  rollout: RolloutCondition | undefined;
} {
  return outcome.ok
    ? { fingerprint: outcome.keyFingerprint, rollout: outcome.rollout }
    : { fingerprint: undefined, rollout: undefined };
}

function fingerprintChanges(
  ss: Pick<SealedSecret, "status">,
  fingerprint: string | undefined,
): boolean {
  return fingerprint !== undefined && fingerprint !== recordedKeyFingerprint(ss);
}

function extraChanges(
  prev: SealedSecretCondition | undefined,
  type: string,
  extra: ExtraCondition,
): boolean {
  if (extra === undefined) return false;
  if (extra.type === "remove") return prev !== undefined;
  return differs(prev, { ...extra, type });
}

function differs(prev: SealedSecretCondition | undefined, d: ConditionSpec): boolean {
  return (
    prev === undefined ||
    prev.status !== d.status ||
    (prev.reason ?? "") !== (d.reason ?? "") ||
    (prev.message ?? "") !== (d.message ?? "")
  );
}

function condition(
  prev: SealedSecretCondition | undefined,
  d: ConditionSpec,
  time: string,
): SealedSecretCondition {
  const transitioned = prev === undefined || prev.status !== d.status;
  return {
    type: d.type,
    status: d.status,
    lastUpdateTime: time,
    lastTransitionTime: transitioned ? time : (prev.lastTransitionTime ?? time),
    ...(d.reason !== undefined && { reason: d.reason }),
    ...(d.message !== undefined && d.message !== "" && { message: d.message }),
  };
}

/** Kubernetes `metav1.Time` text: RFC 3339 in UTC at whole seconds, as the reference writes it. */
export function rfc3339Seconds(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}
