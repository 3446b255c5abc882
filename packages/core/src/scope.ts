import { CLUSTER_WIDE_ANNOTATION, NAMESPACE_WIDE_ANNOTATION } from "./constants.js";
import { SignetError } from "./errors.js";

/** The three sealing scopes, as kubeseal's `--scope` spells them. */
export type SealingScope = "strict" | "namespace-wide" | "cluster-wide";

export const SEALING_SCOPES: readonly SealingScope[] = ["strict", "namespace-wide", "cluster-wide"];

/** Parses a `--scope` value; `""` means strict, as in the reference. */
export function parseSealingScope(value: string): SealingScope {
  if (value === "") return "strict";
  if ((SEALING_SCOPES as readonly string[]).includes(value)) return value as SealingScope;
  throw new SignetError(
    "ERR_INVALID_SCOPE",
    "must be one of: strict, namespace-wide, cluster-wide",
  );
}

/**
 * The OAEP label that binds a ciphertext to its target (reference `EncryptionLabel`):
 * strict `namespace/name`, namespace-wide `namespace`, cluster-wide empty.
 */
export function encryptionLabel(namespace: string, name: string, scope: SealingScope): Buffer {
  return Buffer.from(encryptionLabelText(namespace, name, scope), "utf8");
}

/**
 * {@link encryptionLabel} as text (its UTF-8 bytes are the label), for callers without Node's
 * Buffer: the web page encodes it with `TextEncoder`.
 */
export function encryptionLabelText(namespace: string, name: string, scope: SealingScope): string {
  switch (scope) {
    case "strict":
      return `${namespace}/${name}`;
    case "namespace-wide":
      return namespace;
    case "cluster-wide":
      return "";
  }
}

/**
 * Scope from annotations (reference `SecretScope`): exact `"true"` only; cluster-wide wins over
 * namespace-wide; anything else is strict.
 */
export function scopeFromAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
): SealingScope {
  if (annotations?.[CLUSTER_WIDE_ANNOTATION] === "true") return "cluster-wide";
  if (annotations?.[NAMESPACE_WIDE_ANNOTATION] === "true") return "namespace-wide";
  return "strict";
}

/**
 * Returns a copy of `annotations` carrying exactly the annotation of `scope` (kubeseal's
 * `--scope` rewrite): both scope annotations removed, the chosen one added unless strict.
 */
export function withScopeAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
  scope: SealingScope,
): Record<string, string> {
  const out: Record<string, string> = { ...annotations };
  delete out[CLUSTER_WIDE_ANNOTATION];
  delete out[NAMESPACE_WIDE_ANNOTATION];
  if (scope === "cluster-wide") out[CLUSTER_WIDE_ANNOTATION] = "true";
  if (scope === "namespace-wide") out[NAMESPACE_WIDE_ANNOTATION] = "true";
  return out;
}
