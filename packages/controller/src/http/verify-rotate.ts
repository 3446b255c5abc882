import {
  API_VERSION,
  encryptionLabel,
  hybridEncrypt,
  isSignetError,
  SEALED_SECRET_KIND,
  scopeFromAnnotations,
  unsealSealedSecret,
} from "@signet/core";
import type {
  ObjectMeta,
  OpenedValues,
  SealedSecret,
  TemplateRenderer,
  UnsealingKey,
} from "@signet/core";
import type { KeyObject } from "node:crypto";

/**
 * The pure halves of `/v1/verify` and `/v1/rotate`. Neither ever executes `spec.template.data`:
 * unsealing gets a renderer that ignores the templates, so the answer is the same for any
 * template and no template can act as a decryption oracle (GHSA-qj4p-m373-p2wg).
 */
export const IGNORE_TEMPLATES: TemplateRenderer = () => ({ data: {}, failures: [] });

export interface UnsealKeys {
  keys: readonly UnsealingKey[];
  acceptDeprecatedV1Data: boolean;
  /** Values opened ahead, with the RSA work off this thread (core's `UnsealOptions.opened`). */
  opened?: () => OpenedValues;
}

/** True when every `encryptedData` item (or the v1 blob) opens with some registered key. */
export function verifySealedSecret(ss: SealedSecret, keys: UnsealKeys): boolean {
  try {
    unsealSealedSecret(ss, { ...keys, renderTemplates: IGNORE_TEMPLATES });
    return true;
  } catch (err) {
    if (isSignetError(err)) return false;
    throw err;
  }
}

export interface RotateOptions extends UnsealKeys {
  /** Public key of the latest (sealing) key. */
  sealingKey: KeyObject;
  random: (size: number) => Uint8Array;
}

/** Metadata fields a client may send back; server-side fields are dropped from the output. */
const KEPT_METADATA = ["name", "namespace", "labels", "annotations"] as const;

/**
 * Re-encrypts every item with the latest key (reference `Rotate`, spec §5), fixing GHSA-465p:
 * the label is the one that just decrypted, derived only from the object's own metadata
 * (name, namespace, scope annotations), never from `spec.template`. `spec.template` is returned
 * untouched: `template.data` stays templates and template-only labels/annotations survive
 * (security-and-demand §2.7, §3.2). A legacy `spec.data` object comes back in the current format
 * with the decrypted Secret's labels, annotations and type as its template.
 * Throws SignetError (ERR_UNSEAL, ERR_DEPRECATED_V1) when the object does not open.
 */
export function rotateSealedSecret(ss: SealedSecret, options: RotateOptions): SealedSecret {
  const { secret } = unsealSealedSecret(ss, { ...options, renderTemplates: IGNORE_TEMPLATES });
  const meta = ss.metadata;
  const label = encryptionLabel(
    meta.namespace ?? "",
    meta.name ?? "",
    scopeFromAnnotations(meta.annotations),
  );
  const isV1 = ss.spec.data !== undefined && ss.spec.data !== null;
  const itemKeys = isV1 ? Object.keys(secret.data ?? {}) : Object.keys(ss.spec.encryptedData);
  const encryptedData: Record<string, string> = {};
  for (const key of itemKeys.sort()) {
    const plain = Buffer.from(secret.data?.[key] ?? "", "base64");
    encryptedData[key] = hybridEncrypt(options.sealingKey, plain, label, options.random).toString(
      "base64",
    );
  }
  const metadata: ObjectMeta = Object.fromEntries(
    KEPT_METADATA.filter((f) => meta[f] !== undefined).map((f) => [f, meta[f]]),
  );
  const template = isV1 ? v1Template(secret) : ss.spec.template;
  return {
    apiVersion: API_VERSION,
    kind: SEALED_SECRET_KIND,
    metadata,
    spec: { ...(template && { template }), encryptedData },
  };
}

function v1Template(secret: {
  metadata?: ObjectMeta;
  type?: string;
}): SealedSecret["spec"]["template"] {
  const m = secret.metadata ?? {};
  return {
    metadata: {
      ...(m.labels && { labels: m.labels }),
      ...(m.annotations && { annotations: m.annotations }),
    },
    ...(secret.type && { type: secret.type }),
  };
}
