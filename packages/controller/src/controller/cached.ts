import { LAST_APPLIED_ANNOTATIONS, MANAGED_ANNOTATION, PATCH_ANNOTATION } from "@signet/core";
import type { ObjectMeta, SealedSecret, Secret } from "@signet/core";

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
 * A cached SealedSecret is read by the controller's event handlers (uid, generation, spec), by
 * `decide` (spec, name, namespace, uid, the scope and seal-hint annotations), by status,
 * events and metrics (name, namespace, uid, resourceVersion, generation, status). It is never
 * written back whole (status goes through a merge patch of `.status`). Dropped: managedFields
 * and the last-applied annotations (`kubectl apply`'s full copy of the object).
 */
export function cachedSealedSecret(ss: SealedSecret): SealedSecret {
  return { ...ss, metadata: slimMeta(ss.metadata, true) };
}

/**
 * A cached Secret is read by the event handlers (name, namespace, resourceVersion, owner
 * references, annotations) and by `decide`, which builds an update from the whole cached
 * object (so nothing else of it may be dropped) but only for a Secret it may write: one with
 * a controller owner reference (`isControlledBy`), or annotated `managed` or `patch`. Any
 * other Secret (most Secrets of a cluster: service-account tokens, Helm releases, other
 * controllers' Secrets) is only ever checked for those, so its `data` is dropped too. A change
 * that makes it writable arrives as a watch event carrying the whole object again.
 */
export function cachedSecret(secret: Secret): Secret {
  const metadata = slimMeta(secret.metadata ?? {}, false);
  if (mayBeWritten(secret)) return { ...secret, metadata };
  const { data: _data, stringData: _stringData, ...rest } = secret;
  return { ...rest, metadata };
}

function mayBeWritten(secret: Secret): boolean {
  return (
    (secret.metadata?.ownerReferences ?? []).some((r) => r.controller === true) ||
    isAnnotated(secret, MANAGED_ANNOTATION) ||
    isAnnotated(secret, PATCH_ANNOTATION)
  );
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
