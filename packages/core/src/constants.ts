/**
 * Names shared with the reference (bitnami-labs/sealed-secrets), spelled exactly as upstream so a
 * cluster can switch controllers and keep every manifest and key.
 */
export const API_GROUP = "bitnami.com";
export const API_VERSION = "bitnami.com/v1alpha1";
export const SEALED_SECRET_KIND = "SealedSecret";

export const ANNOTATION_PREFIX = "sealedsecrets.bitnami.com/";
export const CLUSTER_WIDE_ANNOTATION = "sealedsecrets.bitnami.com/cluster-wide";
export const NAMESPACE_WIDE_ANNOTATION = "sealedsecrets.bitnami.com/namespace-wide";
export const MANAGED_ANNOTATION = "sealedsecrets.bitnami.com/managed";
export const PATCH_ANNOTATION = "sealedsecrets.bitnami.com/patch";
export const SKIP_SET_OWNER_REFERENCES_ANNOTATION =
  "sealedsecrets.bitnami.com/skip-set-owner-references";
/** Label on key Secrets; value `active` means the key is loaded. */
export const SEALED_SECRETS_KEY_LABEL = "sealedsecrets.bitnami.com/sealed-secrets-key";

/** Annotations that carry the clear-text Secret and must never be copied into a template. */
export const LAST_APPLIED_ANNOTATIONS: readonly string[] = [
  "kubectl.kubernetes.io/last-applied-configuration",
  "kubecfg.ksonnet.io/last-applied-configuration",
];

/** Signet's own annotation namespace; extensions never reuse the reference's prefix. */
export const SIGNET_ANNOTATION_PREFIX = "signet.dev/";
/**
 * The controller's marker on a Secret it produced without owner reference (the SealedSecret's
 * uid). Only the controller sets it; `signet` drops it when it seals a Secret read back from a
 * cluster, and the controller drops it from any template.
 */
export const UNSEALED_FROM_ANNOTATION = "signet.dev/unsealed-from";
/** Seal-time hint: fingerprint of the certificate a SealedSecret was sealed with. Never trusted. */
export const SEALED_WITH_ANNOTATION = "signet.dev/sealed-with";
/** When the sealed values should be rotated (RFC 3339; docs/expiry.md): a reminder, not a lock. */
export const EXPIRES_AT_ANNOTATION = "signet.dev/expires-at";
