import type { SealedSecret } from "@signet/core";

import type { EventReason } from "../ports/events.js";
import { apiErrorMessage } from "./redact.js";
import type { ApiErrorDescription, WriteTarget } from "./redact.js";

export type { ApiErrorDescription } from "./redact.js";
export type { EventReason } from "../ports/events.js";

/**
 * Failure vocabulary shared by the decision, status and apply steps: the reference's event
 * reasons and metric reasons, plus a machine-readable kstatus `reason`
 * (docs/reconcile.md#status-and-conditions).
 * Every message here is built from names and fixed text, never from secret values.
 */

/** Values of the `reason` label of `sealed_secrets_controller_unseal_errors_total`. */
export type ErrorMetricReason = "fetch" | "unseal" | "update" | "unmanaged" | "status";

/** Machine-readable `reason` of the `Ready`/`Stalled` conditions. */
export type FailureReason =
  | "NoMatchingKey"
  | "InvalidCiphertext"
  | "DeprecatedFormat"
  | "TemplateError"
  | "UnsealFailed"
  | "SecretNotOwned"
  | "ImmutableConflict"
  | "TypeConflict"
  | "PolicyRejected"
  | "UpdateFailed";

/** How a failed object is retried: with capped backoff, or only when something it reads changes. */
export type RetryPolicy = "backoff" | "on-change";

export interface Failure {
  event: Extract<EventReason, "ErrUnsealFailed" | "ErrUpdateFailed">;
  /** Event message, in the reference's words. */
  eventMessage: string;
  /** `Synced` condition message (the reference's returned error text). */
  statusMessage: string;
  reason: FailureReason;
  metric: ErrorMetricReason;
  retry: RetryPolicy;
}

/** Longest message put in an event or condition; longer ones are cut with an ellipsis. */
export const MAX_MESSAGE_LENGTH = 1024;

export function capMessage(message: string): string {
  return message.length <= MAX_MESSAGE_LENGTH
    ? message
    : `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}

/** Reference text for a target Secret that refuses updates (`formatImmutableError`). */
export function immutableMessage(namespace: string, name: string): string {
  return `Error updating ${namespace}/${name}: the target Secret is immutable. Once a Secret is marked as immutable, it is not possible to revert this change nor to mutate the contents of the data field. You can only delete and recreate the Secret.`;
}

/** Suffix the API server puts on errors for updates of immutable Secrets (reference check). */
export const IMMUTABLE_ERROR_SUFFIX = "field is immutable when `immutable` is set";

/** The API server's refusal of new data for an immutable Secret (what the reference's status shows). */
export function immutableApiMessage(name: string): string {
  return `Secret "${name}" is invalid: data: Forbidden: ${IMMUTABLE_ERROR_SUFFIX}`;
}

/** The API server's refusal of a type change (the field is immutable). */
export function typeChangeApiMessage(name: string, type: string): string {
  return `Secret "${name}" is invalid: type: Invalid value: ${JSON.stringify(type)}: field is immutable`;
}

/**
 * Failure for a write Signet predicted would be refused (reference step 6/9), with a message it
 * built itself: for immutable Secrets both event and status show the reference's explanation
 * (the reference puts it in the event only and the API's text in the status; Signet's status
 * carries the actionable text too).
 */
export function writeFailure(
  namespace: string,
  name: string,
  message: string,
  status?: number,
): Failure {
  if (message.trimEnd().endsWith(IMMUTABLE_ERROR_SUFFIX)) {
    return updateFailure(immutableMessage(namespace, name), "ImmutableConflict", "on-change");
  }
  return updateFailure(
    capMessage(message),
    "UpdateFailed",
    status === 422 ? "on-change" : "backoff",
  );
}

/** An `ErrUpdateFailed` failure whose event and status carry the same text. */
export function updateFailure(message: string, reason: FailureReason, retry: RetryPolicy): Failure {
  return {
    event: "ErrUpdateFailed",
    eventMessage: message,
    statusMessage: message,
    reason,
    metric: "update",
    retry,
  };
}

/**
 * Failure for an API error met while reading or writing the Secret. The API server's text is
 * never shown as it is (`apiErrorMessage`): it may quote the Secret's data.
 */
export function apiWriteFailure(ss: SealedSecret, err: ApiErrorDescription): Failure {
  const target = writeTarget(ss);
  if (err.message.trimEnd().endsWith(IMMUTABLE_ERROR_SUFFIX)) {
    return writeFailure(target.namespace, target.name, immutableApiMessage(target.name), 422);
  }
  return updateFailure(
    capMessage(apiErrorMessage(target, err)),
    "UpdateFailed",
    err.status === 422 ? "on-change" : "backoff",
  );
}

/** The Secret `ss` writes, and the item names the SealedSecret itself shows. */
export function writeTarget(ss: SealedSecret): WriteTarget {
  const isV1 = ss.spec.data !== undefined && ss.spec.data !== null;
  return {
    namespace: ss.metadata.namespace ?? "",
    name: ss.metadata.name ?? "",
    visibleKeys: isV1
      ? []
      : [...Object.keys(ss.spec.encryptedData ?? {}), ...Object.keys(ss.spec.template?.data ?? {})],
  };
}
