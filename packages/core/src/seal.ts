import { decodeStdBase64, illegalBase64Message } from "./base64.js";
import { hybridEncrypt } from "./crypto/hybrid.js";
import type { RandomSource } from "./crypto/hybrid.js";
import type { SealingCertificate } from "./crypto/keys.js";
import { SignetError } from "./errors.js";
import type { SealedSecret, Secret } from "./model.js";
import { encryptionLabel, scopeFromAnnotations } from "./scope.js";
import type { SealingScope } from "./scope.js";
import { setOwn } from "./own-keys.js";
import { buildSealedSecret, itemText, prepareSecret } from "./seal-plan.js";
import type { PrepareOptions } from "./seal-plan.js";

export interface SealOptions extends PrepareOptions {
  certificate: SealingCertificate;
  random: RandomSource;
}

/**
 * Seals one Secret into a SealedSecret (kubeseal's `Seal`, pkg/kubeseal/kubeseal.go). Every `data`
 * item, then every `stringData` item (which wins on collisions), is sealed separately with the
 * scope label. Beyond kubeseal, the template never carries managedFields, ownerReferences or server
 * fields, and no `creationTimestamp: null` or `status` is produced.
 */
export function sealSecret(input: Secret, options: SealOptions): SealedSecret {
  const secret = prepareSecret(input, options);
  const meta = secret.metadata;
  const scope = scopeFromAnnotations(meta.annotations);
  const items = plaintextItems(secret);
  const label = encryptionLabel(meta.namespace ?? "", meta.name ?? "", scope);
  const encryptedData: Record<string, string> = {};
  for (const key of [...items.keys()].sort()) {
    const blob = hybridEncrypt(
      options.certificate.publicKey,
      items.get(key)!,
      label,
      options.random,
    );
    setOwn(encryptedData, key, blob.toString("base64"));
  }
  return buildSealedSecret(secret, scope, encryptedData);
}

/** Plaintext bytes per item key: decoded `data`, then `stringData` on top. */
function plaintextItems(secret: Secret): Map<string, Buffer> {
  const items = new Map<string, Buffer>();
  for (const [key, value] of Object.entries(secret.data ?? {})) {
    const decoded = decodeStdBase64(itemText(value, "data", key));
    if (!Buffer.isBuffer(decoded)) {
      throw new SignetError(
        "ERR_BASE64",
        `invalid base64 in data of Secret "${secret.metadata?.name ?? ""}" item "${key}": ${illegalBase64Message(decoded.illegalAt)}`,
      );
    }
    items.set(key, decoded);
  }
  for (const [key, value] of Object.entries(secret.stringData ?? {})) {
    items.set(key, Buffer.from(itemText(value, "stringData", key), "utf8"));
  }
  return items;
}

/** Options of {@link sealRaw}: kubeseal `--raw`. */
export interface SealRawOptions {
  certificate: SealingCertificate;
  random: RandomSource;
  scope: SealingScope;
  namespace: string;
  name: string;
}

/** Seals one raw value (kubeseal `--raw`): standard padded base64 of one hybrid ciphertext. */
export function sealRaw(value: Uint8Array, options: SealRawOptions): string {
  const label = encryptionLabel(options.namespace, options.name, options.scope);
  return hybridEncrypt(options.certificate.publicKey, value, label, options.random).toString(
    "base64",
  );
}
