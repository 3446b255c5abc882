import {
  assertSealable,
  decodeStdBase64,
  DECRYPT_ERROR_MESSAGE,
  encryptionLabel,
  hybridDecryptWith,
  hybridEncrypt,
  keyHint,
  scopeFromAnnotations,
  SignetError,
  keyMayOpen,
  UnsealError,
} from "@signet/core";
import type {
  RandomSource,
  SealedSecret,
  SealingCertificate,
  UnsealingKey,
  UnsealItemError,
} from "@signet/core";

/** What reseal does to one SealedSecret: nothing, or new ciphertexts for some of its items. */
export interface ResealPlan {
  /** New ciphertext by item key; empty when every value is already sealed with the current key. */
  values: Record<string, string>;
  /** Items already sealed with the current key (offline: proven by decryption). */
  current: number;
  total: number;
  /** The key that opened the last value, to try first next time (undefined when none did). */
  openedBy?: string;
}

export interface OfflineKeys {
  keys: readonly UnsealingKey[];
  certificate: SealingCertificate;
  random: RandomSource;
  /** A key to try first (the one that opened the previous value): values come in batches. */
  preferred?: string;
}

/** The OAEP label the object's values are bound to: its own name, namespace and scope annotation. */
function labelOf(ss: SealedSecret): Buffer {
  return encryptionLabel(
    ss.metadata.namespace ?? "",
    ss.metadata.name ?? "",
    scopeFromAnnotations(ss.metadata.annotations),
  );
}

function refuseV1(ss: SealedSecret): void {
  if (ss.spec.data !== undefined && ss.spec.data !== null) {
    throw new SignetError(
      "ERR_DEPRECATED_V1",
      "uses the deprecated spec.data; re-encrypt it with `signet --re-encrypt` first",
    );
  }
}

/**
 * Offline reseal of one SealedSecret (pure but for `random`): every value is opened with the
 * recovery keys under the label it is bound to; a value opened by the certificate's own key is
 * kept byte for byte, any other is sealed again for the certificate with the same label, so a
 * strict value stays bound to namespace/name and a namespace-wide one to its namespace — the
 * scope is never widened. Any value that does not open fails the whole object (no partial edit).
 */
export function planOffline(ss: SealedSecret, offline: OfflineKeys): ResealPlan {
  refuseV1(ss);
  const label = labelOf(ss);
  const current = offline.certificate.fingerprint;
  const values: Record<string, string> = {};
  const errors: UnsealItemError[] = [];
  const entries = Object.entries(ss.spec.encryptedData ?? {});
  let preferred = offline.preferred;
  for (const [key, encoded] of entries) {
    const opened = openValue(encoded, label, keyOrder(offline.keys, ss, current, preferred));
    if (!("plain" in opened)) {
      errors.push({ key, ...opened });
      continue;
    }
    preferred = opened.fingerprint;
    if (opened.fingerprint !== current) {
      assertSealable(offline.certificate);
      const blob = hybridEncrypt(
        offline.certificate.publicKey,
        opened.plain,
        label,
        offline.random,
      );
      values[key] = blob.toString("base64");
    }
  }
  if (errors.length > 0) throw new UnsealError(errors);
  const total = entries.length;
  return { values, current: total - Object.keys(values).length, total, openedBy: preferred };
}

/**
 * The order keys are tried in: the key the hint names, the one that opened the previous value
 * (values are sealed in batches), the current key, then the rest. Only the RSA operations
 * spent depend on it: the hint is never trusted, what opens decides.
 */
function keyOrder(
  keys: readonly UnsealingKey[],
  ss: SealedSecret,
  current: string,
  preferred: string | undefined,
): UnsealingKey[] {
  const hint = keyHint(ss);
  const rank = (k: UnsealingKey): number =>
    k.fingerprint === hint
      ? 3
      : k.fingerprint === preferred
        ? 2
        : k.fingerprint === current
          ? 1
          : 0;
  return [...keys].sort((a, b) => rank(b) - rank(a));
}

function openValue(
  encoded: string,
  label: Buffer,
  keys: readonly UnsealingKey[],
): { plain: Buffer; fingerprint: string } | Omit<UnsealItemError, "key"> {
  const blob = decodeStdBase64(encoded);
  if (!Buffer.isBuffer(blob)) return { code: "ERR_BASE64", message: "illegal base64 data" };
  for (const key of keys) {
    if (!keyMayOpen(key, blob)) continue;
    const plain = hybridDecryptWith(key.privateKey, blob, label);
    if (plain) return { plain, fingerprint: key.fingerprint };
  }
  return { code: "ERR_DECRYPT", message: DECRYPT_ERROR_MESSAGE };
}

/** The key among `keys` that opens item `item` of the object, if any (no plaintext is kept). */
export function openerOf(
  ss: SealedSecret,
  item: string,
  keys: readonly UnsealingKey[],
): UnsealingKey | undefined {
  const encoded = ss.spec.encryptedData?.[item];
  if (typeof encoded !== "string") return undefined;
  const label = labelOf(ss);
  const blob = decodeStdBase64(encoded);
  if (!Buffer.isBuffer(blob)) return undefined;
  return keys.find((key) => {
    if (!keyMayOpen(key, blob)) return false;
    const plain = hybridDecryptWith(key.privateKey, blob, label);
    if (!plain) return false;
    plain.fill(0);
    return true;
  });
}

/**
 * Staleness from the seal-time hint alone (the controller path and `--check --cert` without
 * keys): a SealedSecret whose hint is missing or names another key is stale as a whole.
 */
export function staleByHint(ss: SealedSecret, fingerprint: string): boolean {
  refuseV1(ss);
  return keyHint(ss) !== fingerprint && Object.keys(ss.spec.encryptedData ?? {}).length > 0;
}

/**
 * The values to copy from the controller's `/v1/rotate` answer: only items the file has, and
 * only those whose ciphertext changed. The controller derives the label from the metadata it
 * was sent (the file's own), so the scope is the file's.
 */
export function rotatedValues(ss: SealedSecret, rotated: unknown): Record<string, string> {
  const data = (rotated as { spec?: { encryptedData?: Record<string, unknown> } } | undefined)?.spec
    ?.encryptedData;
  const out: Record<string, string> = {};
  for (const [key, old] of Object.entries(ss.spec.encryptedData ?? {})) {
    const next = data?.[key];
    if (typeof next !== "string") {
      throw new SignetError("ERR_UNSEAL", `the controller returned no value for item ${key}`);
    }
    if (next !== old) out[key] = next;
  }
  return out;
}
