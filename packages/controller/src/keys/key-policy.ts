import { MANAGED_ANNOTATION, PATCH_ANNOTATION, SEALED_SECRET_KIND } from "@signet/core";
import type { Secret, UnsealingKey } from "@signet/core";

import { UNSEALED_FROM_ANNOTATION } from "../reconcile/produced.js";

/**
 * Which key Secrets the controller refuses to load even though they are labelled (or named) as
 * keys. A sealing key decides who can read every value sealed from then on, so a key is only
 * taken from a Secret an administrator wrote; see SECURITY.md ("Sealing keys").
 */

/** Smallest RSA modulus a sealing key may have (NIST SP 800-57: 2048 bits until 2030). */
export const MIN_RSA_KEY_BITS = 2048;

/**
 * RSA public exponents outside [65537, 2^256) are refused (NIST SP 800-56B): e = 1 makes
 * "encryption" the identity, and tiny exponents are a sign of a hand-made key.
 */
const MIN_PUBLIC_EXPONENT = 65537n;
const MAX_PUBLIC_EXPONENT = 1n << 256n;

/** Why a key Secret was not loaded; the value of the `reason` label of the refusal metric. */
export type KeyRefusalReason = "unreadable" | "weak" | "sealedsecret-output";

export const KEY_REFUSAL_REASONS: readonly KeyRefusalReason[] = [
  "unreadable",
  "weak",
  "sealedsecret-output",
];

/**
 * True when `secret` was produced for a SealedSecret or may be written by one: an owner
 * reference to a SealedSecret (this controller's, the reference's, any group or version), the
 * controller's `signet.dev/unsealed-from` marker (a Secret produced without owner reference),
 * or the `managed`/`patch` annotation that lets a SealedSecret of the same name write into it. Such a
 * Secret's content is chosen by whoever may create SealedSecrets, so it is never a key, whatever
 * its labels, name or type.
 */
export function isWrittenForSealedSecret(secret: Secret): boolean {
  const meta = secret.metadata ?? {};
  const owned = (meta.ownerReferences ?? []).some((r) => r.kind === SEALED_SECRET_KIND);
  const annotations = meta.annotations ?? {};
  return (
    owned ||
    Object.hasOwn(annotations, UNSEALED_FROM_ANNOTATION) ||
    annotations[MANAGED_ANNOTATION] === "true" ||
    annotations[PATCH_ANNOTATION] === "true"
  );
}

/** Why `key` is too weak to seal or unseal with, or undefined when it is acceptable. */
export function keyWeakness(key: UnsealingKey): string | undefined {
  const details = key.privateKey.asymmetricKeyDetails ?? {};
  const bits = details.modulusLength ?? key.modulusBytes * 8;
  if (bits < MIN_RSA_KEY_BITS) {
    return `a ${bits}-bit RSA key (at least ${MIN_RSA_KEY_BITS} bits are required)`;
  }
  const e = details.publicExponent;
  if (e !== undefined && (e < MIN_PUBLIC_EXPONENT || e >= MAX_PUBLIC_EXPONENT)) {
    return `an RSA key with public exponent ${e} (65537 up to 2^256 is required)`;
  }
  return undefined;
}
