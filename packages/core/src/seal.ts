import {
  API_VERSION,
  LAST_APPLIED_ANNOTATIONS,
  SEALED_SECRET_KIND,
  UNSEALED_FROM_ANNOTATION,
} from "./constants.js";
import { decodeStdBase64, illegalBase64Message } from "./base64.js";
import { hybridEncrypt } from "./crypto/hybrid.js";
import type { RandomSource } from "./crypto/hybrid.js";
import type { SealingCertificate } from "./crypto/keys.js";
import { SignetError } from "./errors.js";
import type { ObjectMeta, SealedSecret, Secret } from "./model.js";
import { encryptionLabel, scopeFromAnnotations, withScopeAnnotations } from "./scope.js";
import type { SealingScope } from "./scope.js";
import { setOwn } from "./own-keys.js";

/** The namespace a client configuration resolves to (`-n`, kubeconfig context, or nothing). */
export interface ResolvedNamespace {
  namespace: string;
  /** True when given with `-n/--namespace`: then a different input namespace is an error. */
  explicit: boolean;
}

export interface SealOptions {
  certificate: SealingCertificate;
  random: RandomSource;
  /** `--scope`; strict leaves the input's scope annotations alone, as kubeseal does. */
  scope?: SealingScope;
  /** `--name`: replaces the name of every input Secret. */
  name?: string;
  namespace?: ResolvedNamespace;
  allowEmptyData?: boolean;
}

/** Server-side and bookkeeping fields that never belong in a sealed manifest. */
const SERVER_FIELDS = [
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "ownerReferences",
] as const;

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

/** Applies kubeseal's per-Secret checks and rewrites before sealing (docs/cli.md#sealing). */
function prepareSecret(input: Secret, options: SealOptions): Secret & { metadata: ObjectMeta } {
  if (isEmpty(input.data) && isEmpty(input.stringData) && !options.allowEmptyData) {
    throw new SignetError(
      "ERR_EMPTY_DATA",
      "secret.data is empty in input Secret, assuming this is an error and aborting. To work with empty data, --allow-empty-data can be used",
    );
  }
  const meta: ObjectMeta = { ...input.metadata };
  if (options.name) meta.name = options.name;
  if (!meta.name)
    throw new SignetError("ERR_MISSING_NAME", "missing metadata.name in input Secret");
  if (options.scope && options.scope !== "strict") {
    meta.annotations = withScopeAnnotations(meta.annotations, options.scope);
  }
  if (scopeFromAnnotations(meta.annotations) !== "cluster-wide") {
    meta.namespace = resolveNamespace(meta.namespace, options.namespace);
  }
  for (const field of SERVER_FIELDS) delete meta[field];
  return { ...input, metadata: meta };
}

/** Input namespace wins; an explicit `-n` that disagrees with it is an error (kubeseal v0.31+). */
export function resolveNamespace(
  inputNamespace: string | undefined,
  resolved: ResolvedNamespace | undefined,
): string | undefined {
  if (inputNamespace) {
    if (resolved?.explicit && resolved.namespace !== inputNamespace) {
      throw new SignetError(
        "ERR_NAMESPACE_MISMATCH",
        `namespace mismatch: input secret is in namespace "${inputNamespace}" but "${resolved.namespace}" was specified`,
      );
    }
    return inputNamespace;
  }
  return resolved?.namespace || undefined;
}

function isEmpty(map: Record<string, string> | undefined): boolean {
  return map === undefined || map === null || Object.keys(map).length === 0;
}

/**
 * A value of `data`/`stringData` must be a string (core's decoder guarantees it for input it
 * read; anything else would be sealed as its JavaScript text).
 */
function itemText(value: unknown, field: string, key: string): string {
  if (typeof value === "string") return value;
  throw new SignetError("ERR_INVALID_INPUT", `${field} item "${key}" is not a string`);
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

function buildSealedSecret(
  secret: Secret & { metadata: ObjectMeta },
  scope: SealingScope,
  encryptedData: Record<string, string>,
): SealedSecret {
  const meta = secret.metadata;
  if (scope !== "cluster-wide" && !meta.namespace) {
    throw new SignetError("ERR_MISSING_NAMESPACE", "secret must declare a namespace");
  }
  const scopeAnnotations = withScopeAnnotations(undefined, scope);
  const metadata: ObjectMeta = { name: meta.name };
  if (meta.namespace) metadata.namespace = meta.namespace;
  if (Object.keys(scopeAnnotations).length > 0) metadata.annotations = scopeAnnotations;
  const templateMeta = templateMetadata(meta);
  return {
    kind: SEALED_SECRET_KIND,
    apiVersion: API_VERSION,
    metadata,
    spec: {
      template: {
        metadata: templateMeta,
        ...(secret.type !== undefined && { type: secret.type }),
        ...(secret.immutable !== undefined && { immutable: secret.immutable }),
      },
      encryptedData,
    },
  };
}

/**
 * The Secret's metadata for `spec.template.metadata`, minus the clear-text last-applied copies
 * and the controller's produced-Secret marker (a cluster Secret read back carries it; in Git it
 * would only record a uid of that cluster).
 */
function templateMetadata(meta: ObjectMeta): ObjectMeta {
  const copy: ObjectMeta = { ...meta };
  if (copy.annotations) {
    const annotations = { ...copy.annotations };
    for (const key of LAST_APPLIED_ANNOTATIONS) delete annotations[key];
    delete annotations[UNSEALED_FROM_ANNOTATION];
    if (Object.keys(annotations).length > 0) copy.annotations = annotations;
    else delete copy.annotations;
  }
  return copy;
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
