import {
  API_VERSION,
  encryptionLabel,
  hybridEncrypt,
  isSignetError,
  LAST_APPLIED_ANNOTATIONS,
  SEALED_SECRET_KIND,
  scopeFromAnnotations,
  unsealSealedSecret,
} from "@signet/core";
import type {
  ObjectMeta,
  OpenedValues,
  SealedSecret,
  Secret,
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
 * Re-encrypts every item with the latest key (reference `Controller.Rotate`), fixing GHSA-465p: the
 * label is the one that just decrypted, derived only from the object's own metadata (name,
 * namespace, scope annotations), never from `spec.template`. `spec.template` is returned untouched:
 * `template.data` stays templates and template-only labels/annotations survive (SECURITY.md, "The
 * reference's advisories"). A legacy `spec.data` object comes back in the current format with the
 * decrypted Secret's labels, annotations and type as its template. Throws SignetError (ERR_UNSEAL,
 * ERR_DEPRECATED_V1) when the object does not open.
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
  const values = isV1 ? v1Values(secret) : itemValues(secret, Object.keys(ss.spec.encryptedData));
  const encryptedData: Record<string, string> = {};
  for (const key of Object.keys(values).sort()) {
    encryptedData[key] = hybridEncrypt(
      options.sealingKey,
      values[key]!,
      label,
      options.random,
    ).toString("base64");
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

/** The opened values of the `encryptedData` items (templates are not rendered). */
function itemValues(secret: Secret, keys: readonly string[]): Record<string, Buffer> {
  return Object.fromEntries(keys.map((k) => [k, Buffer.from(secret.data?.[k] ?? "", "base64")]));
}

/** The values of a v1 Secret: `data`, then `stringData` over it (as the API server merges them). */
function v1Values(secret: Secret): Record<string, Buffer> {
  const values: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) values[k] = Buffer.from(v, "base64");
  for (const [k, v] of Object.entries(secret.stringData ?? {})) values[k] = Buffer.from(v, "utf8");
  return values;
}

/**
 * The clear template of a v1 object: the sealed Secret's labels, annotations and type. The
 * last-applied annotations of kubectl and kubecfg are dropped: they hold the whole Secret,
 * plaintext included, and the rotated template is in the clear (reference
 * `StripLastAppliedAnnotations`, applied by `NewSealedSecret`; issue 11 item 4).
 */
function v1Template(secret: Secret): SealedSecret["spec"]["template"] {
  const m = secret.metadata ?? {};
  const annotations = Object.fromEntries(
    Object.entries(m.annotations ?? {}).filter(([k]) => !LAST_APPLIED_ANNOTATIONS.includes(k)),
  );
  return {
    metadata: {
      ...(m.labels && { labels: m.labels }),
      ...(Object.keys(annotations).length > 0 && { annotations }),
    },
    ...(secret.type && { type: secret.type }),
  };
}
