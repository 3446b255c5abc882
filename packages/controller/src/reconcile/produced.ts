import { SEALED_SECRET_KIND, UNSEALED_FROM_ANNOTATION } from "@signet/core";
import type { SealedSecret, Secret } from "@signet/core";

/**
 * Which Secrets the controller produced for a SealedSecret. Normally the owner reference says
 * so; a SealedSecret annotated `sealedsecrets.bitnami.com/skip-set-owner-references` produces a
 * Secret without one, so the controller marks it with this annotation (the SealedSecret's uid)
 * instead. Only the controller sets it: a template cannot (it is removed from the template's
 * annotations), and a `patch` Secret someone else owns never receives it. It is what
 * `--old-gc-behavior` may delete and what the key loader never takes as a key (SECURITY.md).
 */
export { UNSEALED_FROM_ANNOTATION };

/**
 * The unsealed Secret with the marker the controller alone decides: removed when the template
 * set it, added (the SealedSecret's uid) when the Secret has no owner reference.
 */
export function markProduced(secret: Secret, ss: SealedSecret): Secret {
  const meta = secret.metadata ?? {};
  const annotations = { ...meta.annotations };
  delete annotations[UNSEALED_FROM_ANNOTATION];
  if ((meta.ownerReferences ?? []).length === 0) {
    annotations[UNSEALED_FROM_ANNOTATION] = ss.metadata.uid ?? "";
  }
  const { annotations: _, ...rest } = meta;
  return {
    ...secret,
    metadata: { ...rest, ...(Object.keys(annotations).length > 0 && { annotations }) },
  };
}

/** The annotations of `secret` without the marker (what a `patch` merges into a foreign Secret). */
export function withoutMarker(
  annotations: Readonly<Record<string, string>> | undefined,
): Record<string, string> | undefined {
  if (!annotations || !Object.hasOwn(annotations, UNSEALED_FROM_ANNOTATION)) {
    return annotations && { ...annotations };
  }
  const { [UNSEALED_FROM_ANNOTATION]: _, ...rest } = annotations;
  return rest;
}

/**
 * True when `secret` was produced for a SealedSecret named `name`: a controller owner
 * reference to a SealedSecret of that name (its uid cannot be compared once it is gone), or
 * the controller's marker.
 */
export function isProducedFor(secret: Secret | undefined, name: string): boolean {
  const meta = secret?.metadata ?? {};
  const owned = (meta.ownerReferences ?? []).some(
    (r) => r.kind === SEALED_SECRET_KIND && r.name === name && r.controller === true,
  );
  return owned || Object.hasOwn(meta.annotations ?? {}, UNSEALED_FROM_ANNOTATION);
}
