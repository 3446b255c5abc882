import { isSignetError } from "@signet/core";
import type { Secret } from "@signet/core";

import { isWrittenForSealedSecret, keyWeakness } from "./key-policy.js";
import type { KeyRefusalReason } from "./key-policy.js";
import type { KeyRegistry } from "./key-registry.js";
import { isActiveKeySecret, keyEntryFromSecret, sortKeySecrets } from "./key-secrets.js";
import type { KeyEntry } from "./key-secrets.js";

/**
 * Feeding key Secrets into the registry: the startup list (reference `initKeyRegistry`) and every
 * later watch event, so keys added, relabelled away from `active` or deleted take effect without a
 * restart (the reference's `watchKeySecrets` handles only additions;
 * docs/keys.md#which-key-secrets-are-loaded).
 */

/** A key Secret that could not be used or was refused; logged by name, never by content. */
export interface SkippedKey {
  secretName: string;
  reason: KeyRefusalReason;
  code: string;
  message: string;
}

export interface KeyLoadReport {
  /** Names of the Secrets whose keys are now registered. */
  loaded: string[];
  skipped: SkippedKey[];
}

/**
 * Registers every active key Secret of `secrets` (labelled active, or the legacy Secret named
 * like the prefix), oldest first. An unreadable Secret is skipped and reported, where the
 * reference crashes; so is a refused one (see `keyRefusal`).
 */
export function loadKeySecrets(
  registry: KeyRegistry,
  secrets: readonly Secret[],
  keyPrefix: string,
): KeyLoadReport {
  const report: KeyLoadReport = { loaded: [], skipped: [] };
  for (const secret of sortKeySecrets(secrets.filter((s) => isActiveKeySecret(s, keyPrefix)))) {
    const skipped = register(registry, secret);
    if (skipped) report.skipped.push(skipped);
    else report.loaded.push(secret.metadata?.name ?? "");
  }
  return report;
}

export type KeySecretChange = "added" | "updated" | "deleted";

export interface KeyChangeResult {
  /** True when the set of registered keys changed (re-queue failed SealedSecrets on additions). */
  changed: boolean;
  /** True when a key became available that was not registered before. */
  added: boolean;
  skipped?: SkippedKey;
}

/** Applies one watch event for a Secret in the controller's namespace. */
export function applyKeySecretChange(
  registry: KeyRegistry,
  change: KeySecretChange,
  secret: Secret,
  keyPrefix: string,
): KeyChangeResult {
  const name = secret.metadata?.name ?? "";
  const before = registry.version;
  const active = change !== "deleted" && isActiveKeySecret(secret, keyPrefix);
  if (!active) {
    registry.removeSecret(name);
    return { changed: registry.version !== before, added: false };
  }
  const fingerprints = new Set(registry.fingerprints());
  const held = registry.fingerprintsOf(name);
  const skipped = register(registry, secret, held);
  const added = registry.fingerprints().some((f) => !fingerprints.has(f));
  return { changed: registry.version !== before, added, ...(skipped && { skipped }) };
}

/** Adds the Secret's key; when it replaces `previous` keys of the same Secret, drops those. */
function register(
  registry: KeyRegistry,
  secret: Secret,
  previous: readonly string[] = [],
): SkippedKey | undefined {
  const name = secret.metadata?.name ?? "";
  const read = readKey(secret);
  if ("skipped" in read) {
    if (previous.length > 0) registry.removeSecret(name);
    return read.skipped;
  }
  const { entry } = read;
  if (previous.length === 1 && previous[0] === entry.fingerprint) return undefined;
  if (previous.length > 0) registry.removeSecret(name);
  registry.add(entry);
  return undefined;
}

/**
 * Reads a key Secret unless it must be refused: a Secret produced for (or writable by) a
 * SealedSecret is never a key, whatever its labels or name (whoever may create SealedSecrets
 * chose its content); an RSA key under 2048 bits or with an odd exponent is never used nor
 * served. The reference loads all of them (issue 11, items 1 and 6).
 */
export function readKey(secret: Secret): { entry: KeyEntry } | { skipped: SkippedKey } {
  const secretName = secret.metadata?.name ?? "";
  if (isWrittenForSealedSecret(secret)) {
    const message = `key Secret "${secretName}" is refused: it was produced for a SealedSecret (owner reference, or the managed/patch annotation), so whoever may create SealedSecrets chose its content`;
    return {
      skipped: { secretName, reason: "sealedsecret-output", code: "ERR_KEY_REFUSED", message },
    };
  }
  let entry: KeyEntry;
  try {
    entry = keyEntryFromSecret(secret);
  } catch (err) {
    if (!isSignetError(err)) throw err;
    return { skipped: { secretName, reason: "unreadable", code: err.code, message: err.message } };
  }
  const weakness = keyWeakness(entry.key);
  if (weakness) {
    const message = `key Secret "${secretName}" is refused: it holds ${weakness}`;
    return { skipped: { secretName, reason: "weak", code: "ERR_KEY_REFUSED", message } };
  }
  return { entry };
}
