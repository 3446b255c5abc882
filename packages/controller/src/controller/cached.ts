import {
  EXPIRES_AT_ANNOTATION,
  LAST_APPLIED_ANNOTATIONS,
  MANAGED_ANNOTATION,
  PATCH_ANNOTATION,
} from "@signet/core";
import type { ObjectMeta, SealedSecret, SealedSecretStatus, Secret } from "@signet/core";

import { isAnnotated } from "../reconcile/decide.js";

/**
 * What the informer caches keep of each object (their `transform`, like client-go's
 * TransformFunc). The caches hold every SealedSecret and every Secret in the watched
 * namespaces for the controller's lifetime, so what no reader needs is dropped as objects
 * arrive. Whatever is dropped here must be read by nothing; the readers are listed below.
 *
 * `metadata.managedFields` (server-side apply bookkeeping, often the largest part of an
 * object's metadata) is read by nobody, and leaving it out of a Secret update is safe: an
 * update without managedFields keeps the server's.
 */

/**
 * What the SealedSecret informer caches of each object: what the event handlers and metrics
 * read (name, namespace, uid, resourceVersion, generation, the instance label of
 * `condition_info`, status, and `signet.dev/expires-at`: the resync checks the expiry stage, and
 * an edit of it queues a reconcile). The ciphertexts, templates and other annotations are not
 * kept: a tenant storing large objects must not grow the controller's memory (the expiry value is
 * cut to {@link EXPIRES_AT_KEPT} characters; a longer one is malformed either way, with the same
 * message, which quotes less). A reconcile reads the whole
 * object (see {@link BodyCache} and the controller's loader), never this summary.
 */
export interface SealedSecretSummary {
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    /** The generation (set by the API server for every custom resource). */
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  status?: SealedSecretStatus;
}

/** Characters of `signet.dev/expires-at` the summary keeps (RFC 3339 needs at most 35). */
export const EXPIRES_AT_KEPT = 65;

/** `metadata.labels` key of the `ss_app_kubernetes_io_instance` label of `condition_info`. */
export const INSTANCE_LABEL = "app.kubernetes.io/instance";

/** The summary of `ss` (whole, or its metadata and status only) the informer keeps. */
export function summarizeSealedSecret(
  ss: Pick<SealedSecret, "metadata" | "status">,
): SealedSecretSummary {
  const { name, namespace, uid, resourceVersion, generation, labels } = ss.metadata;
  const instance = labels?.[INSTANCE_LABEL];
  const expiresAt: unknown = ss.metadata.annotations?.[EXPIRES_AT_ANNOTATION];
  return {
    metadata: {
      ...(name !== undefined && { name }),
      ...(namespace !== undefined && { namespace }),
      ...(uid !== undefined && { uid }),
      ...(resourceVersion !== undefined && { resourceVersion }),
      ...(generation !== undefined && { generation }),
      ...(instance !== undefined && { labels: { [INSTANCE_LABEL]: instance } }),
      ...(typeof expiresAt === "string" && {
        annotations: { [EXPIRES_AT_ANNOTATION]: expiresAt.slice(0, EXPIRES_AT_KEPT) },
      }),
    },
    ...(ss.status && { status: ss.status }),
  };
}

/**
 * A whole SealedSecret as a reconcile reads it (`decide`: spec, name, namespace, uid, the scope
 * and seal-hint annotations; status, events and metrics: name, namespace, uid,
 * resourceVersion, generation, status). It is never written back whole (status goes through a
 * merge patch of `.status`). Dropped: managedFields and the last-applied annotations
 * (`kubectl apply`'s full copy of the object).
 */
export function cachedSealedSecret(ss: SealedSecret): SealedSecret {
  return { ...ss, metadata: slimMeta(ss.metadata, true) };
}

/** Writable Secrets whose JSON is larger than this are cached without data (read when needed). */
export const CACHED_SECRET_DATA_BYTES = 16 * 1024;

/**
 * A cached Secret is read by the event handlers (name, namespace, resourceVersion, owner
 * references, the `managed` and `patch` annotations) and by `decide`, which builds an update
 * from the whole live object (so nothing else of it may be dropped) but only for a Secret it
 * may write: one with a controller owner reference (`isControlledBy`), or annotated `managed`
 * or `patch`. Any other Secret (most Secrets of a cluster: service-account tokens, Helm
 * releases, other controllers' Secrets) is only ever checked for those, so it keeps nothing
 * else: no data, labels or other annotations. (A writable Secret over
 * {@link CACHED_SECRET_DATA_BYTES} is cached the same way, see {@link partialSecret}, and read
 * whole before its reconcile.) A change that makes a Secret writable arrives as a watch event carrying the
 * whole object again.
 */
export function cachedSecret(secret: Secret): Secret {
  if (mayBeWritten(secret)) return { ...secret, metadata: slimMeta(secret.metadata ?? {}, false) };
  return partialSecret(secret);
}

/**
 * A writable Secret too large to cache whole (over {@link CACHED_SECRET_DATA_BYTES}): its
 * reconcile reads it from the API server, so the cache keeps only what the event handlers read,
 * as for a Secret the controller may not write. Its labels and annotations are not kept either:
 * a tenant chooses them through `spec.template.metadata` (a megabyte per object), and the cache
 * must not grow with the bytes tenants store.
 */
export function partialSecret(secret: Secret): Secret {
  const { data: _data, stringData: _stringData, ...rest } = secret;
  return { ...rest, metadata: foreignMeta(secret.metadata ?? {}) };
}

/** True for a Secret the controller may write: controller-owned, or `managed` or `patch`. */
export function mayBeWritten(secret: Secret): boolean {
  return (
    (secret.metadata?.ownerReferences ?? []).some((r) => r.controller === true) ||
    isAnnotated(secret, MANAGED_ANNOTATION) ||
    isAnnotated(secret, PATCH_ANNOTATION)
  );
}

/** Of a Secret the controller may not write: identity, owner references, managed/patch only. */
function foreignMeta(meta: ObjectMeta): ObjectMeta {
  const { name, namespace, uid, resourceVersion, ownerReferences, annotations } = meta;
  const kept = Object.entries(annotations ?? {}).filter(
    ([a]) => a === MANAGED_ANNOTATION || a === PATCH_ANNOTATION,
  );
  return {
    ...(name !== undefined && { name }),
    ...(namespace !== undefined && { namespace }),
    ...(uid !== undefined && { uid }),
    ...(resourceVersion !== undefined && { resourceVersion }),
    ...(ownerReferences !== undefined && { ownerReferences }),
    ...(kept.length > 0 && { annotations: Object.fromEntries(kept) }),
  };
}

/** The metadata without managedFields, and without the last-applied annotations if asked. */
function slimMeta(meta: ObjectMeta, dropLastApplied: boolean): ObjectMeta {
  const { managedFields: _managedFields, ...rest } = meta;
  const annotations = rest.annotations;
  if (!dropLastApplied || !annotations) return rest;
  if (!LAST_APPLIED_ANNOTATIONS.some((a) => a in annotations)) return rest;
  const kept = Object.entries(annotations).filter(([a]) => !LAST_APPLIED_ANNOTATIONS.includes(a));
  return { ...rest, annotations: Object.fromEntries(kept) };
}
