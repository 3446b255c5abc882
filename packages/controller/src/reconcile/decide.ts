import {
  isSignetError,
  isTemplateErrorCode,
  MANAGED_ANNOTATION,
  PATCH_ANNOTATION,
  UnsealError,
  unsealSealedSecret,
} from "@signet/core";
import type {
  OpenedValues,
  OwnerReference,
  SealedSecret,
  Secret,
  SignetError,
  TemplateRenderer,
  UnsealingKey,
} from "@signet/core";

import { capMessage, immutableApiMessage, typeChangeApiMessage, writeFailure } from "./failure.js";
import type { Failure, FailureReason } from "./failure.js";
import { keyPlantingRisk } from "./key-guard.js";
import type { KeyGuard } from "./key-guard.js";
import { isProducedFor, markProduced, withoutMarker } from "./produced.js";
import { redactingRenderer } from "./redact.js";

/**
 * The pure reconcile decision (reference `Controller.unseal`, pkg/controller/controller.go;
 * docs/reconcile.md#one-reconcile): from a SealedSecret, the live Secret (or none)
 * and the keys, what to write. No I/O; the caller applies the result and computes status.
 */

/** Secret types that make Kubernetes mint credentials; refused unless an admin allows them. */
export const PRIVILEGED_SECRET_TYPES: readonly string[] = [
  "kubernetes.io/service-account-token",
  "bootstrap.kubernetes.io/token",
];

export interface DecideOptions {
  /** Every registered key, most recent first. */
  keys: readonly UnsealingKey[];
  /** Fingerprints to try first (the key that opened this object last). */
  preferred: readonly string[];
  acceptDeprecatedV1Data: boolean;
  renderTemplates: TemplateRenderer | undefined;
  allowPrivilegedSecretTypes: boolean;
  /** Where the controller keeps its keys: no written Secret may look like one. */
  keyGuard: KeyGuard;
  /** Values opened ahead, with the RSA work off this thread (core's `UnsealOptions.opened`). */
  opened?: () => OpenedValues;
}

/** What unsealing spent and which key opened the object. */
export interface Opened {
  /** The first key that opened a value (recorded in status, tried first next time). */
  keyFingerprint: string | undefined;
  rsaOperations: number;
}

export type Decision =
  | { action: "create"; secret: Secret; opened: Opened }
  | { action: "update"; mode: "patch" | "replace"; secret: Secret; opened: Opened }
  | { action: "none"; opened: Opened }
  | { action: "fail"; failure: Failure };

/** Decides the write for `ss` given the live Secret `existing` (undefined when absent). */
export function decide(
  ss: SealedSecret,
  existing: Secret | undefined,
  options: DecideOptions,
): Decision {
  const templateType = ss.spec.template?.type;
  if (isRefusedType(templateType, options)) return refuse(templateType ?? "");
  // What is known before any RSA work (name, template labels) is checked first; the final
  // Secret (decrypted v1 metadata, labels merged in patch mode) is checked again below.
  const planted = keyPlantingRisk(preview(ss), options.keyGuard);
  if (planted) return refuseKey(planted);
  const unsealed = unseal(ss, options);
  if ("failure" in unsealed) return { action: "fail", failure: unsealed.failure };
  const { opened } = unsealed;
  const secret = markProduced(unsealed.secret, ss);
  if (isRefusedType(secret.type, options)) return refuse(secret.type ?? "");
  if (!existing) {
    const risk = keyPlantingRisk(secret, options.keyGuard);
    return risk ? refuseKey(risk) : { action: "create", secret, opened };
  }
  return decideUpdate(ss, existing, { secret, opened }, options.keyGuard);
}

/** The Secret's name, namespace and template labels, as known before unsealing. */
function preview(ss: SealedSecret): Secret {
  const labels = ss.spec.template?.metadata?.labels;
  return {
    metadata: {
      name: ss.metadata.name ?? "",
      namespace: ss.metadata.namespace ?? "",
      ...(labels && { labels }),
    },
  };
}

/** Ownership gate, patch or replace, and update check of the reference's `Controller.unseal`. */
function decideUpdate(
  ss: SealedSecret,
  existing: Secret,
  unsealed: { secret: Secret; opened: Opened },
  keyGuard: KeyGuard,
): Decision {
  const { secret, opened } = unsealed;
  if (!mayWrite(existing, ss.metadata.uid)) return notOwned(ss);
  const mode = isAnnotated(existing, PATCH_ANNOTATION) ? "patch" : "replace";
  const desired = mode === "patch" ? patched(existing, secret) : replaced(existing, secret);
  const risk = keyPlantingRisk(desired, keyGuard);
  if (risk) return refuseKey(risk);
  const conflict = immutableConflict(existing, desired, ss);
  if (conflict) return { action: "fail", failure: conflict };
  if (isSemanticallyEqual(existing, desired)) return { action: "none", opened };
  return { action: "update", mode, secret: desired, opened };
}

/** Exact `"true"` only, as the reference (`"TRUE"`, `"false"`, `""` are all false). */
export function isAnnotated(secret: Secret, annotation: string): boolean {
  return secret.metadata?.annotations?.[annotation] === "true";
}

/** True when `secret` has a controller owner reference to the SealedSecret with this UID. */
export function isControlledBy(secret: Secret, uid: string | undefined): boolean {
  return (secret.metadata?.ownerReferences ?? []).some(
    (r) => r.controller === true && r.uid === uid,
  );
}

/** The ownership gate (reference step 7): owned, `managed` or `patch`. */
function mayWrite(existing: Secret, uid: string | undefined): boolean {
  return (
    isControlledBy(existing, uid) ||
    isAnnotated(existing, MANAGED_ANNOTATION) ||
    isAnnotated(existing, PATCH_ANNOTATION)
  );
}

function isRefusedType(type: string | undefined, options: DecideOptions): boolean {
  return !options.allowPrivilegedSecretTypes && PRIVILEGED_SECRET_TYPES.includes(type ?? "");
}

function refuse(type: string): Decision {
  const message = `Secret type "${type}" is refused: it makes Kubernetes issue credentials. An administrator can allow it with --allow-privileged-secret-types`;
  return {
    action: "fail",
    failure: {
      event: "ErrUnsealFailed",
      eventMessage: `Failed to unseal: ${message}`,
      statusMessage: message,
      reason: "PolicyRejected",
      metric: "unseal",
      retry: "on-change",
    },
  };
}

/** A Secret that a key loader would take as a sealing key is never written (SECURITY.md). */
function refuseKey(risk: string): Decision {
  const message = `Secret refused: ${risk}. Sealing keys are installed by an administrator as Secrets, never unsealed from a SealedSecret`;
  return {
    action: "fail",
    failure: {
      event: "ErrUnsealFailed",
      eventMessage: `Failed to unseal: ${message}`,
      statusMessage: message,
      reason: "PolicyRejected",
      metric: "unseal",
      retry: "on-change",
    },
  };
}

function notOwned(ss: SealedSecret): Decision {
  const message = `Resource "${ss.metadata.name ?? ""}" already exists and is not managed by SealedSecret`;
  return {
    action: "fail",
    failure: {
      event: "ErrUpdateFailed",
      eventMessage: message,
      statusMessage: `failed update: ${message}`,
      reason: "SecretNotOwned",
      metric: "unmanaged",
      retry: "backoff",
    },
  };
}

function unseal(
  ss: SealedSecret,
  options: DecideOptions,
): { secret: Secret; opened: Opened } | { failure: Failure } {
  try {
    const result = unsealSealedSecret(ss, {
      keys: options.keys,
      preferred: options.preferred,
      acceptDeprecatedV1Data: options.acceptDeprecatedV1Data,
      ...(options.opened && { opened: options.opened }),
      ...(options.renderTemplates && {
        renderTemplates: redactingRenderer(options.renderTemplates),
      }),
    });
    const opened = { keyFingerprint: result.openedWith[0], rsaOperations: result.rsaOperations };
    return { secret: result.secret, opened };
  } catch (err) {
    if (!isSignetError(err)) throw err;
    const message = capMessage(err.message);
    return {
      failure: {
        event: "ErrUnsealFailed",
        eventMessage: `Failed to unseal: ${message}`,
        statusMessage: message,
        reason: unsealFailureReason(err),
        metric: "unseal",
        retry: "on-change",
      },
    };
  }
}

/**
 * Classifies an unseal error by its code and, for an {@link UnsealError}, its items' codes: an
 * item no key opens outranks one that is not base64, which outranks a failed template (the
 * first thing to fix is named).
 */
export function unsealFailureReason(err: SignetError): FailureReason {
  if (err.code === "ERR_DEPRECATED_V1") return "DeprecatedFormat";
  const codes = err instanceof UnsealError ? err.items.map((item) => item.code) : [];
  if (codes.includes("ERR_DECRYPT")) return "NoMatchingKey";
  if (codes.includes("ERR_BASE64")) return "InvalidCiphertext";
  if (codes.some(isTemplateErrorCode)) return "TemplateError";
  return "UnsealFailed";
}

/**
 * Patch mode: unsealed data, labels and annotations are laid over the live ones (nothing is
 * removed); owner references are taken only when the Secret is also `managed`; type replaced.
 */
function patched(existing: Secret, unsealed: Secret): Secret {
  const meta = existing.metadata ?? {};
  const from = unsealed.metadata ?? {};
  const managed = isAnnotated(existing, MANAGED_ANNOTATION);
  const owners = managed ? from.ownerReferences : meta.ownerReferences;
  // A foreign Secret is patched, not taken over: it never receives the produced-by marker.
  const annotations = managed ? from.annotations : withoutMarker(from.annotations);
  return withType(
    {
      ...existing,
      metadata: {
        ...meta,
        labels: { ...meta.labels, ...from.labels },
        annotations: { ...meta.annotations, ...annotations },
        ownerReferences: owners,
      },
      data: { ...existing.data, ...unsealed.data },
    },
    unsealed,
  );
}

/** Replace mode: data, labels, annotations and owner references become the unsealed ones. */
function replaced(existing: Secret, unsealed: Secret): Secret {
  const from = unsealed.metadata ?? {};
  return withType(
    {
      ...existing,
      metadata: {
        ...existing.metadata,
        labels: from.labels,
        annotations: from.annotations,
        ownerReferences: from.ownerReferences,
      },
      data: unsealed.data,
    },
    unsealed,
  );
}

/** The type is always the template's; the API server reads an empty type as Opaque. */
function withType(secret: Secret, unsealed: Secret): Secret {
  return { ...secret, type: unsealed.type || "Opaque" };
}

/**
 * Predicts the API server's refusals instead of sending a doomed PUT: new data for an immutable
 * Secret and any type change (the type field is immutable). The failure is exactly what the
 * reference reports after its PUT fails (same status text, same event text).
 */
function immutableConflict(
  existing: Secret,
  desired: Secret,
  ss: SealedSecret,
): Failure | undefined {
  const namespace = ss.metadata.namespace ?? "";
  const name = ss.metadata.name ?? "";
  if (existing.immutable === true && !mapsEqual(existing.data, desired.data)) {
    return writeFailure(namespace, name, immutableApiMessage(name), 422);
  }
  const liveType = existing.type || "Opaque";
  if (liveType !== desired.type) {
    return {
      ...writeFailure(namespace, name, typeChangeApiMessage(name, desired.type ?? ""), 422),
      reason: "TypeConflict",
    };
  }
  return undefined;
}

/** apimachinery's semantic equality on the fields the controller writes (nil equals empty). */
export function isSemanticallyEqual(live: Secret, desired: Secret): boolean {
  const a = live.metadata ?? {};
  const b = desired.metadata ?? {};
  return (
    mapsEqual(live.data, desired.data) &&
    mapsEqual(a.labels, b.labels) &&
    mapsEqual(a.annotations, b.annotations) &&
    ownersEqual(a.ownerReferences, b.ownerReferences) &&
    (live.type || "Opaque") === (desired.type || "Opaque")
  );
}

function mapsEqual(
  a: Readonly<Record<string, string>> | undefined | null,
  b: Readonly<Record<string, string>> | undefined | null,
): boolean {
  const ka = Object.keys(a ?? {});
  return ka.length === Object.keys(b ?? {}).length && ka.every((k) => a?.[k] === b?.[k]);
}

function ownersEqual(a: OwnerReference[] | undefined, b: OwnerReference[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  const same = (r: OwnerReference, s: OwnerReference): boolean =>
    r.apiVersion === s.apiVersion &&
    r.kind === s.kind &&
    r.name === s.name &&
    r.uid === s.uid &&
    (r.controller ?? false) === (s.controller ?? false) &&
    (r.blockOwnerDeletion ?? false) === (s.blockOwnerDeletion ?? false);
  return x.length === y.length && x.every((r, i) => same(r, y[i]!));
}

/**
 * With `--old-gc-behavior` the controller deletes, when the SealedSecret `name` is gone, the
 * Secret it produced (`isProducedFor`: owner reference or the controller's marker). The
 * reference deletes the same-named Secret whatever it is, so deleting a SealedSecret named like
 * an unmanaged Secret (or like a sealing key) deleted that Secret (issue 11 item 5). A `patch`
 * Secret someone else owns, or a `managed` one never taken over, stays.
 */
export function shouldDeleteOrphan(existing: Secret | undefined, name: string): boolean {
  return isProducedFor(existing, name);
}
