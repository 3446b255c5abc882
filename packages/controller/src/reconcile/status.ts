import type { SealedSecret, SealedSecretCondition, SealedSecretStatus } from "@signet/core";

import type { FailureReason } from "./failure.js";

/**
 * Status computation (reference `updateSealedSecretsStatusConditions`, plus Signet's conditions:
 * docs/reconcile.md#status-and-conditions), pure. Writes:
 * - `Synced` first (the Helm printer columns and Argo CD's health check read it): `True` with no
 *   message, or `False` with the error text; `lastUpdateTime` is the write time and
 *   `lastTransitionTime` moves only when the status flips;
 * - kstatus `Ready` with a machine-readable `reason`, and `Stalled=True` while failing (Flux
 *   reports the object failed instead of waiting for a timeout);
 * - `observedGeneration` = `metadata.generation` on every write;
 * - `status.signet.keyFingerprint`: the key that opened the object (additive field).
 * Unlike the reference, a changed message, reason or key also counts as a change (a stale error
 * no longer survives its fix), while an unchanged outcome writes nothing.
 */
export type Outcome =
  | { ok: true; keyFingerprint: string | undefined }
  | { ok: false; reason: FailureReason; message: string };

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
  const fingerprint = outcome.ok ? outcome.keyFingerprint : undefined;
  const write =
    prev.observedGeneration !== ss.metadata.generation ||
    desired.some((d) => differs(find(d.type), d)) ||
    (outcome.ok && find(STALLED) !== undefined) ||
    (fingerprint !== undefined && fingerprint !== recordedKeyFingerprint(ss));
  if (!write) return { status: prev, write: false };
  const time = rfc3339Seconds(now);
  const status: SealedSecretStatus = {
    ...prev,
    conditions: [
      ...desired.map((d) => condition(find(d.type), d, time)),
      ...prevConditions.filter((c) => !OURS.has(c.type)),
    ],
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
