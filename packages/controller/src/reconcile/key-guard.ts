import { SEALED_SECRETS_KEY_LABEL } from "@signet/core";
import type { Secret } from "@signet/core";

/**
 * The controller must never write a Secret that a key loader would take as a sealing key
 * (issue 11 item 1): whoever may create a SealedSecret chooses the Secret's labels, name, type
 * and data (sealing needs only the public certificate, and literal `template.data` needs no
 * ciphertext at all), so a written key would let them read every value sealed from then on.
 * Loaders select key Secrets by the label `sealedsecrets.bitnami.com/sealed-secrets-key` or by
 * the legacy name (the key prefix itself); Signet also refuses the names key Secrets are
 * generated with (the prefix followed by anything) in its own namespace, so a planted Secret
 * cannot pass for a key in a backup (`kubectl get secret -l …` or by name). The type
 * (`kubernetes.io/tls`) selects nothing, so ordinary TLS Secrets stay allowed.
 */

/** Where this controller keeps its keys: its namespace and `--key-prefix`. */
export interface KeyGuard {
  namespace: string;
  keyPrefix: string;
}

/** The reference's default key prefix, also the legacy single key Secret's name. */
export const DEFAULT_KEY_PREFIX = "sealed-secrets-key";

/**
 * Why writing `secret` (its final form: name, namespace, merged labels) would plant a sealing
 * key, or undefined when it is safe. The label is refused in every namespace and the legacy
 * names in every namespace too, because another controller (Signet or the reference, with the
 * default prefix) may keep its keys in a namespace this one writes to; prefixed names only in
 * this controller's namespace.
 */
export function keyPlantingRisk(secret: Secret, guard: KeyGuard): string | undefined {
  const meta = secret.metadata ?? {};
  const name = meta.name ?? "";
  const labels = meta.labels ?? {};
  if (Object.hasOwn(labels, SEALED_SECRETS_KEY_LABEL)) {
    return `it would carry the label ${SEALED_SECRETS_KEY_LABEL}, which marks sealing key Secrets`;
  }
  const prefixes = [...new Set([guard.keyPrefix, DEFAULT_KEY_PREFIX])];
  if (prefixes.includes(name)) {
    return `it would be named ${JSON.stringify(name)}, the name of the legacy sealing key Secret`;
  }
  if (meta.namespace === guard.namespace && prefixes.some((p) => name.startsWith(p))) {
    return `it would be named like the sealing key Secrets of the controller's namespace (prefix ${JSON.stringify(prefixes.find((p) => name.startsWith(p)))})`;
  }
  return undefined;
}
