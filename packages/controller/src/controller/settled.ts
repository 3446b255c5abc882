import { createHash } from "node:crypto";

import type { SealedSecret, Secret } from "@signet/core";

import type { Outcome } from "../reconcile/status.js";

/**
 * What the last full reconcile of an object concluded, and from which inputs. While the inputs
 * are unchanged the conclusion still holds, so a later reconcile (a retried status write, a
 * resync, a watch echo) skips `decide` (the RSA work) and only makes sure the status shows it:
 * - the SealedSecret: same uid and `metadata.generation` (the spec cannot change without it);
 * - its Secret: the same content (`secretDigest`), or absent as it was;
 * - for failures only, the same key set (a new key may open it; a success does not depend on
 *   keys any more: its Secret is written).
 * A failure retried with backoff is remembered too, marked `retried`: its reconciles always
 * decide again (the retry is the point), but the resync leaves it to the queue's backoff.
 */
export interface Settled {
  uid: string | undefined;
  generation: number;
  secret: SecretDigest | undefined;
  /** The key set's version the failure was decided with; undefined for a success. */
  keysVersion: number | undefined;
  outcome: Outcome;
  /** A failure the queue retries with backoff: never skipped by a reconcile. */
  retried: boolean;
}

/** A Secret's identity for `Settled`: its resourceVersion, and a hash of what `decide` reads. */
export interface SecretDigest {
  resourceVersion: string | undefined;
  hash: string;
}

/**
 * SHA-256 over everything `decide` reads of a live Secret (type, immutable, data, labels,
 * annotations, owner references), in a canonical order. Metadata the API server maintains
 * (resourceVersion, managedFields, timestamps) is left out, so the digest of the object a write
 * returned equals the digest of its watch echo. The hash is never logged or exported.
 */
export function secretDigest(secret: Secret): SecretDigest {
  const meta = secret.metadata ?? {};
  const canonical = JSON.stringify([
    secret.type ?? "",
    secret.immutable ?? null,
    sortedEntries(secret.data),
    sortedEntries(meta.labels),
    sortedEntries(meta.annotations),
    (meta.ownerReferences ?? []).map((r) => [r.apiVersion, r.kind, r.name, r.uid, r.controller]),
  ]);
  return {
    resourceVersion: meta.resourceVersion,
    hash: createHash("sha256").update(canonical).digest("base64"),
  };
}

function sortedEntries(record: Readonly<Record<string, string>> | undefined): [string, string][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The inputs of one reconcile, as `stillHolds` compares them. */
export interface SettledInputs {
  ss: Pick<SealedSecret, "metadata">;
  /** The live Secret, undefined when absent, "unknown" when it was not read (no Secret cache). */
  secret: Secret | undefined | "unknown";
  keysVersion: number;
}

/** True when `settled` was concluded from the same inputs (see `Settled`). */
export function stillHolds(settled: Settled, inputs: SettledInputs): boolean {
  const { ss, secret, keysVersion } = inputs;
  if (settled.uid !== ss.metadata.uid || settled.generation !== ss.metadata.generation) {
    return false;
  }
  if (settled.keysVersion !== undefined && settled.keysVersion !== keysVersion) return false;
  if (secret === "unknown") return true;
  return sameSecret(settled.secret, secret);
}

function sameSecret(digest: SecretDigest | undefined, secret: Secret | undefined): boolean {
  if (digest === undefined || secret === undefined) return digest === secret;
  const rv = secret.metadata?.resourceVersion;
  if (rv !== undefined && rv === digest.resourceVersion) return true;
  return secretDigest(secret).hash === digest.hash;
}
