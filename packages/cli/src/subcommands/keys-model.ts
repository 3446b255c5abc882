import { X509Certificate } from "node:crypto";

import {
  decodeStdBase64,
  parsePrivateKeyPem,
  publicKeyFingerprint,
  SEALED_SECRETS_KEY_LABEL,
} from "@signet/core";
import type { ObjectMeta, SealedSecret, Secret } from "@signet/core";

/** Label value of a key the controller loads. */
export const ACTIVE = "active";
/** Label value `signet keys retire` sets: the controller no longer loads the key. */
export const RETIRED = "retired";
/** The reference's default key prefix: a Secret with exactly this name is loaded whatever its label. */
export const LEGACY_KEY_NAME = "sealed-secrets-key";

/** One controller key, as `signet keys list` shows it. */
export interface KeyRow {
  name: string;
  namespace: string;
  fingerprint: string;
  created?: string;
  /** The certificate's NotAfter (ISO 8601), when the Secret holds a certificate. */
  expires?: string;
  active: boolean;
  /** The key label's value (`active`, `retired`, ...). */
  label: string;
  /** The newest active key: the one the controller seals and rotates with. */
  newest: boolean;
  /** SealedSecrets whose status records that this key opened them; absent when unknown. */
  sealedSecrets?: number;
  /** Set when the key cannot be read from the Secret. */
  problem?: string;
}

/** Which SealedSecrets each key opened, from the controller's status. */
export interface Usage {
  byFingerprint: Map<string, string[]>;
  /** SealedSecrets with no recorded key (never opened by a Signet controller, or failing). */
  unknown: string[];
  total: number;
}

/** The key that opened a SealedSecret, as the Signet controller records it in its status. */
export function recordedFingerprint(ss: SealedSecret): string | undefined {
  const signet = ss.status?.["signet"] as { keyFingerprint?: unknown } | undefined;
  return typeof signet?.keyFingerprint === "string" ? signet.keyFingerprint : undefined;
}

export function usageOf(sealedSecrets: readonly SealedSecret[]): Usage {
  const byFingerprint = new Map<string, string[]>();
  const unknown: string[] = [];
  for (const ss of sealedSecrets) {
    const id = `${ss.metadata.namespace ?? ""}/${ss.metadata.name ?? ""}`;
    const fingerprint = recordedFingerprint(ss);
    if (fingerprint === undefined) unknown.push(id);
    else byFingerprint.set(fingerprint, [...(byFingerprint.get(fingerprint) ?? []), id]);
  }
  return { byFingerprint, unknown, total: sealedSecrets.length };
}

function decoded(secret: Secret, item: string): string | undefined {
  const value = secret.data?.[item];
  if (typeof value !== "string") return undefined;
  const bytes = decodeStdBase64(value);
  return Buffer.isBuffer(bytes) ? bytes.toString("utf8") : undefined;
}

interface KeyFacts {
  fingerprint: string;
  expires?: string;
  /** Ordering time: the certificate's NotBefore, else the Secret's creation. */
  order?: number;
  problem?: string;
}

/** Fingerprint and validity of a key Secret: from `tls.crt`, else from `tls.key`. */
function keyFacts(secret: Secret): KeyFacts {
  const certPem = decoded(secret, "tls.crt");
  try {
    if (certPem !== undefined) {
      const cert = new X509Certificate(certPem);
      return {
        fingerprint: publicKeyFingerprint(cert.publicKey),
        expires: new Date(cert.validTo).toISOString(),
        order: new Date(cert.validFrom).getTime(),
      };
    }
    const key = parsePrivateKeyPem(decoded(secret, "tls.key") ?? "");
    return key
      ? { fingerprint: key.fingerprint }
      : { fingerprint: "", problem: "no tls.crt or tls.key" };
  } catch {
    return { fingerprint: "", problem: "tls.crt or tls.key does not parse" };
  }
}

function metaFacts(
  meta: ObjectMeta,
): Pick<KeyRow, "name" | "namespace" | "created" | "label" | "active"> {
  const label = meta.labels?.[SEALED_SECRETS_KEY_LABEL] ?? "";
  const name = meta.name ?? "";
  return {
    name,
    namespace: meta.namespace ?? "",
    created: meta.creationTimestamp ?? undefined,
    label,
    active: label === ACTIVE || name === LEGACY_KEY_NAME,
  };
}

function keyRow(secret: Secret, usage: Usage | undefined): KeyRow & { order: number } {
  const meta = metaFacts(secret.metadata ?? {});
  const { order, ...facts } = keyFacts(secret);
  const row = {
    ...meta,
    ...facts,
    newest: false,
    sealedSecrets: usage && (usage.byFingerprint.get(facts.fingerprint)?.length ?? 0),
    order: order ?? (meta.created ? Date.parse(meta.created) : 0),
  };
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)) as typeof row;
}

/** Rows of `signet keys list`, newest first (pure); `usage` is undefined when unknown. */
export function keyRows(secrets: readonly Secret[], usage: Usage | undefined): KeyRow[] {
  const rows = secrets.map((secret) => keyRow(secret, usage));
  rows.sort((a, b) => b.order - a.order || (a.name < b.name ? -1 : 1));
  const newest = rows.find((r) => r.active && r.problem === undefined);
  if (newest) newest.newest = true;
  return rows.map(({ order: _order, ...row }) => row);
}

/** Why `retire` must not go ahead without `--force`, or undefined when it may. */
export function retireRefusal(row: KeyRow, usage: Usage | undefined): string | undefined {
  if (usage === undefined) {
    return `SealedSecrets cannot be listed in all namespaces, so whether any depends on ${row.fingerprint} is unknown; pass --force to retire anyway`;
  }
  const users = usage.byFingerprint.get(row.fingerprint) ?? [];
  if (users.length > 0) {
    const shown = users.slice(0, 5).join(", ") + (users.length > 5 ? ", ..." : "");
    return `key ${row.fingerprint} still opens ${users.length} SealedSecret(s) (${shown}); reseal them first (signet reseal) or pass --force`;
  }
  if (usage.unknown.length > 0) {
    return `${usage.unknown.length} SealedSecret(s) have no recorded key in their status (not yet opened by a Signet controller, or failing), so whether they depend on ${row.fingerprint} is unknown; pass --force to retire anyway`;
  }
  if (row.newest) {
    return `key ${row.fingerprint} is the newest active key, which the controller seals new SealedSecrets with; renew the key first or pass --force`;
  }
  return undefined;
}

/** Server-set metadata that a backup must not carry (a restore creates the Secrets afresh). */
const SERVER_FIELDS = [
  "uid",
  "resourceVersion",
  "selfLink",
  "generation",
  "managedFields",
  "ownerReferences",
  "creationTimestamp",
] as const;

/** The key Secrets as a `v1 List`, restorable with `kubectl apply -f` (pure). */
export function backupList(secrets: readonly Secret[]): Record<string, unknown> {
  const items = secrets.map((secret) => {
    const metadata: ObjectMeta = { ...secret.metadata };
    for (const field of SERVER_FIELDS) delete metadata[field];
    return { apiVersion: "v1", kind: "Secret", metadata, type: secret.type, data: secret.data };
  });
  return { apiVersion: "v1", kind: "List", items };
}
