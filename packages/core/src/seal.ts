import { decodeStdBase64, illegalBase64Message } from "./base64.js";
import { hybridEncrypt, hybridEncryptWrapped } from "./crypto/hybrid.js";
import type { RandomSource, SessionKeyWrap } from "./crypto/hybrid.js";
import { assertSealable } from "./crypto/keys.js";
import type { SealingCertificate } from "./crypto/keys.js";
import { SignetError } from "./errors.js";
import type { SealedSecret, Secret } from "./model.js";
import { encryptionLabel, scopeFromAnnotations } from "./scope.js";
import type { SealingScope } from "./scope.js";
import { setOwn } from "./own-keys.js";
import { buildSealedSecret, itemText, prepareSecret, requireNamespace } from "./seal-plan.js";
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
  const plan = planSeal(input, options);
  if (plan.items.length > 0) assertSealable(options.certificate);
  const encryptedData: Record<string, string> = {};
  for (const [key, value] of plan.items) {
    const blob = hybridEncrypt(options.certificate.publicKey, value, plan.label, options.random);
    setOwn(encryptedData, key, blob.toString("base64"));
  }
  return buildSealedSecret(plan.secret, plan.scope, encryptedData);
}

/** What sealing one Secret encrypts: its checked form, its scope and label, its items by key. */
export interface SealPlan {
  secret: ReturnType<typeof prepareSecret>;
  scope: SealingScope;
  label: Uint8Array;
  /** Item keys in sorted order, each with its plaintext. */
  items: [string, Buffer][];
}

/**
 * Everything of {@link sealSecret} before the first encryption: every check that can refuse the
 * Secret runs here, synchronously, so that a caller sealing many Secrets at once fails on the
 * first bad one in input order, before any of them is encrypted.
 */
export function planSeal(input: Secret, options: PrepareOptions): SealPlan {
  const secret = prepareSecret(input, options);
  const meta = secret.metadata;
  const scope = scopeFromAnnotations(meta.annotations);
  requireNamespace(meta, scope);
  const items = plaintextItems(secret);
  const label = encryptionLabel(meta.namespace ?? "", meta.name ?? "", scope);
  const keys = [...items.keys()].sort();
  return { secret, scope, label, items: keys.map((key) => [key, items.get(key)!]) };
}

/** Options of {@link sealPlanned}: the RSA step off the main thread, a bound on what is in flight. */
export interface WrappedSealOptions {
  wrap: SessionKeyWrap;
  random: RandomSource;
  /** At most this many values of the plan are being encrypted at once. */
  inFlight: number;
}

/**
 * {@link sealSecret} after {@link planSeal}, with the RSA steps run by `options.wrap` (concurrently,
 * `inFlight` at a time): the same SealedSecret, each value sealed the same way.
 */
export async function sealPlanned(
  plan: SealPlan,
  options: WrappedSealOptions,
): Promise<SealedSecret> {
  const blobs: string[] = [];
  for (let at = 0; at < plan.items.length; at += options.inFlight) {
    const batch = plan.items.slice(at, at + options.inFlight);
    const sealed = await Promise.all(
      batch.map(([, value]) =>
        hybridEncryptWrapped(options.wrap, value, plan.label, options.random),
      ),
    );
    for (const blob of sealed) blobs.push(blob.toString("base64"));
  }
  const encryptedData: Record<string, string> = {};
  plan.items.forEach(([key], i) => setOwn(encryptedData, key, blobs[i]!));
  return buildSealedSecret(plan.secret, plan.scope, encryptedData);
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
  assertSealable(options.certificate);
  const label = encryptionLabel(options.namespace, options.name, options.scope);
  return hybridEncrypt(options.certificate.publicKey, value, label, options.random).toString(
    "base64",
  );
}
