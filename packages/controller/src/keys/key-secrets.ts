import { X509Certificate } from "node:crypto";

import {
  parsePrivateKeyPem,
  publicKeyFingerprint,
  SEALED_SECRETS_KEY_LABEL,
  SignetError,
} from "@signet/core";
import type { GeneratedKey, Secret, UnsealingKey } from "@signet/core";

/**
 * Key Secrets exactly as the reference stores them (`writeKey`, pkg/controller/keys.go): type
 * `kubernetes.io/tls`, `generateName` = key prefix, label
 * `sealedsecrets.bitnami.com/sealed-secrets-key=active`, `tls.key` (PEM private key) and `tls.crt`
 * (PEM certificate, the first one counts), plus the pre-v0.9 single Secret named exactly like the
 * prefix. Pure conversions; no Kubernetes calls.
 */

export const KEY_SECRET_TYPE = "kubernetes.io/tls";
export const ACTIVE_KEY_LABEL_VALUE = "active";
/** Label selector listing the active key Secrets. */
export const ACTIVE_KEY_SELECTOR = `${SEALED_SECRETS_KEY_LABEL}=${ACTIVE_KEY_LABEL_VALUE}`;

/** A key read from a Secret, with both timestamps `--key-order-priority` can choose from. */
export interface KeyEntry {
  fingerprint: string;
  key: UnsealingKey;
  /** PEM of the first certificate, as served on `/v1/cert.pem`. */
  certificatePem: string;
  certNotBefore: Date;
  secretCreationTime: Date | undefined;
  secretName: string;
}

/** True for a Secret the registry should load: labelled active, or the legacy single-key Secret. */
export function isActiveKeySecret(secret: Secret, keyPrefix: string): boolean {
  const meta = secret.metadata ?? {};
  return (
    meta.labels?.[SEALED_SECRETS_KEY_LABEL] === ACTIVE_KEY_LABEL_VALUE || meta.name === keyPrefix
  );
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n[\s\S]*?-----END CERTIFICATE-----/;

/**
 * Reads a key Secret (reference `readKey`). Throws ERR_PRIVATE_KEY or ERR_CERT_PARSE when the
 * Secret is unusable (the caller logs its name and skips it, where the reference crashes) and
 * when the certificate does not belong to the private key, so we never serve a cert we cannot
 * open. Messages name the Secret, never its contents.
 */
export function keyEntryFromSecret(secret: Secret): KeyEntry {
  const name = secret.metadata?.name ?? "";
  let key: UnsealingKey | undefined;
  try {
    key = parsePrivateKeyPem(decodeField(secret, "tls.key"));
  } catch (cause) {
    throw new SignetError("ERR_PRIVATE_KEY", `key Secret "${name}" has an unreadable tls.key`, {
      cause,
    });
  }
  if (!key) throw new SignetError("ERR_PRIVATE_KEY", `key Secret "${name}" has no tls.key`);
  const pem = CERT_BLOCK.exec(decodeField(secret, "tls.crt"))?.[0];
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem ?? "");
  } catch {
    throw new SignetError("ERR_CERT_PARSE", `key Secret "${name}" has no valid tls.crt`);
  }
  if (publicKeyFingerprint(cert.publicKey) !== key.fingerprint) {
    throw new SignetError("ERR_CERT_PARSE", `key Secret "${name}": tls.crt does not match tls.key`);
  }
  const created = secret.metadata?.creationTimestamp;
  return {
    fingerprint: key.fingerprint,
    key,
    certificatePem: `${pem}\n`,
    certNotBefore: new Date(cert.validFrom),
    secretCreationTime: created ? new Date(created) : undefined,
    secretName: name,
  };
}

function decodeField(secret: Secret, field: string): string {
  const value = secret.data?.[field];
  return value === undefined ? "" : Buffer.from(value, "base64").toString("utf8");
}

export interface KeySecretOptions {
  namespace: string;
  keyPrefix: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
}

/**
 * The Secret a freshly generated key is written as (reference `writeKey`). A user label with the
 * registry label's key is ignored, so a key is never written inactive by accident.
 */
export function keySecretManifest(generated: GeneratedKey, options: KeySecretOptions): Secret {
  const labels = { ...options.labels, [SEALED_SECRETS_KEY_LABEL]: ACTIVE_KEY_LABEL_VALUE };
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      generateName: options.keyPrefix,
      namespace: options.namespace,
      labels,
      ...(Object.keys(options.annotations).length > 0 && {
        annotations: { ...options.annotations },
      }),
    },
    type: KEY_SECRET_TYPE,
    data: {
      "tls.crt": Buffer.from(generated.certificatePem).toString("base64"),
      "tls.key": Buffer.from(generated.privateKeyPem).toString("base64"),
    },
  };
}

/** Orders key Secrets oldest first by creation time at second granularity (reference sort). */
export function sortKeySecrets(secrets: readonly Secret[]): Secret[] {
  const seconds = (s: Secret): number =>
    Math.floor(Date.parse(s.metadata?.creationTimestamp ?? "") / 1000) || 0;
  return [...secrets].sort((a, b) => seconds(a) - seconds(b));
}
