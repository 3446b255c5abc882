import { EXPIRES_AT_ANNOTATION, expiryState, formatExpiresAt, readExpiresAt } from "@signet/core";
import type { SealedSecret } from "@signet/core";

import type { ExpiryEventReason } from "../ports/events.js";

/**
 * Value expiry (issue 17; docs/expiry.md), pure: from a SealedSecret's `signet.dev/expires-at`
 * and the time, the `Expiry` condition to show, the expiry time for the metric, and when the
 * stage changes next (the controller wakes the object up then). Expiry is a reminder, not a
 * lock: nothing here can stop a value from unsealing, and a malformed annotation is a reason
 * on this condition, never a failed reconcile. Messages quote the annotation and times only.
 */

/** Condition type Signet adds beside the reference's `Synced` (never instead of it). */
export const EXPIRY_CONDITION = "Expiry";

/** `reason` of the `Expiry` condition. */
export type ExpiryReason = "Valid" | "ExpiringSoon" | "Expired" | "InvalidExpiresAt";

/**
 * The `Expiry` condition to show: set, or remove (no annotation). `status` is "True" only while
 * nothing needs doing (`Valid`); "False" asks for action (rotate, or fix the annotation).
 * Messages name absolute times only (no "in 3 days"), so the status changes at the stage's
 * boundaries, not on every reconcile: GitOps tools see no churn.
 */
export type ExpiryCondition =
  | { type: "set"; status: "True" | "False"; reason: ExpiryReason; message: string }
  | { type: "remove" };

export interface ExpiryPlan {
  condition: ExpiryCondition;
  /** The parsed expiry (the metric's value), undefined when absent or malformed. */
  expiresAt: Date | undefined;
  /** When the stage changes next; undefined when nothing follows (expired, absent, malformed). */
  wakeAt: Date | undefined;
}

/** The expiry of `ss` seen at `now` with a warning window of `windowMs` before it. */
export function planExpiry(
  ss: Pick<SealedSecret, "metadata">,
  now: Date,
  windowMs: number,
): ExpiryPlan {
  const annotation = readExpiresAt(ss);
  if (annotation.kind === "none") {
    return { condition: { type: "remove" }, expiresAt: undefined, wakeAt: undefined };
  }
  if (annotation.kind === "invalid") {
    const message = `${annotation.error.message}; the Secret is unsealed as usual`;
    return {
      condition: { type: "set", status: "False", reason: "InvalidExpiresAt", message },
      expiresAt: undefined,
      wakeAt: undefined,
    };
  }
  const { at } = annotation;
  const state = expiryState(at, now, windowMs);
  const when = formatExpiresAt(at);
  const condition: ExpiryCondition =
    state.stage === "valid"
      ? {
          type: "set",
          status: "True",
          reason: "Valid",
          message: `expires at ${when}; warning from ${formatExpiresAt(state.next ?? at)}`,
        }
      : state.stage === "expiring-soon"
        ? {
            type: "set",
            status: "False",
            reason: "ExpiringSoon",
            message: `expires at ${when}: rotate the sealed values and set a new ${EXPIRES_AT_ANNOTATION}`,
          }
        : {
            type: "set",
            status: "False",
            reason: "Expired",
            message: `expired at ${when}: rotate the sealed values and set a new ${EXPIRES_AT_ANNOTATION} (the Secret is still unsealed)`,
          };
  return { condition, expiresAt: at, wakeAt: state.next };
}

/** An Event to record for a change of the `Expiry` condition's reason. */
export interface ExpiryEvent {
  type: "Normal" | "Warning";
  reason: ExpiryEventReason;
  message: string;
}

const EVENT_REASONS: Readonly<Record<ExpiryReason, ExpiryEventReason>> = {
  Valid: "ExpiryValid",
  ExpiringSoon: "ExpiringSoon",
  Expired: "Expired",
  InvalidExpiresAt: "InvalidExpiresAt",
};

/**
 * The Event for a move from `previous` (the reason last shown or reported; undefined: none) to
 * `next`, or undefined when there is nothing to say: the same reason (a resync, a restart, a
 * new leader: the status already shows it), the annotation removed, or a first `Valid` (an
 * object sealed with a far expiry is not news). Back to `Valid` from another reason (a rotation
 * with a new date, an annotation fixed) is a Normal event; every other reason a Warning.
 */
export function expiryEvent(
  previous: string | undefined,
  next: ExpiryCondition,
): ExpiryEvent | undefined {
  if (next.type === "remove" || next.reason === previous) return undefined;
  if (next.reason === "Valid" && previous === undefined) return undefined;
  return {
    type: next.reason === "Valid" ? "Normal" : "Warning",
    reason: EVENT_REASONS[next.reason],
    message: next.message,
  };
}

/** The longest the controller sleeps before looking at an object's expiry again (bounded timers). */
export const MAX_EXPIRY_WAKE_MS = 24 * 3_600_000;

/**
 * Milliseconds from `now` until the object must be looked at again for `wakeAt`: at the
 * boundary (plus one second, so the boundary is surely crossed), at most
 * {@link MAX_EXPIRY_WAKE_MS} (a long timer is re-armed on wake-up: wall-clock steps and
 * sleeping machines are caught within a day, and the resync catches them sooner).
 */
export function wakeDelayMs(wakeAt: Date, now: Date): number {
  const ms = wakeAt.getTime() - now.getTime() + 1_000;
  return Math.min(Math.max(ms, 1_000), MAX_EXPIRY_WAKE_MS);
}
