import {
  API_VERSION,
  LAST_APPLIED_ANNOTATIONS,
  SEALED_SECRET_KIND,
  UNSEALED_FROM_ANNOTATION,
} from "./constants.js";
import { SignetError } from "./errors.js";
import { utf8Length } from "./manifest/utf8.js";
import type { ObjectMeta, SealedSecret, Secret } from "./model.js";
import { hasNoOwnKeys } from "./own-keys.js";
import { scopeFromAnnotations, withScopeAnnotations } from "./scope.js";
import type { SealingScope } from "./scope.js";

/**
 * The pure half of sealing: the checks and rewrites kubeseal applies to a Secret before
 * encrypting, and the SealedSecret built around the ciphertexts afterwards. No crypto and no
 * Node built-ins here, so the web page (WebCrypto) and `sealSecret` (node:crypto) share it.
 */

/** The namespace a client configuration resolves to (`-n`, kubeconfig context, or nothing). */
export interface ResolvedNamespace {
  namespace: string;
  /** True when given with `-n/--namespace`: then a different input namespace is an error. */
  explicit: boolean;
}

/** What {@link prepareSecret} applies: the `--scope`, `--name`, namespace and empty-data flags. */
export interface PrepareOptions {
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

/** Applies kubeseal's per-Secret checks and rewrites (steps 1–5 of kubeseal's seal). */
export function prepareSecret(
  input: Secret,
  options: PrepareOptions,
): Secret & { metadata: ObjectMeta } {
  if (isEmpty(input.data) && isEmpty(input.stringData) && !options.allowEmptyData) {
    throw new SignetError(
      "ERR_EMPTY_DATA",
      "secret.data is empty in input Secret, assuming this is an error and aborting. To work with empty data, --allow-empty-data can be used",
    );
  }
  checkDataSize(input);
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

/**
 * The API server refuses a Secret whose values (`data` with `stringData` merged over it) total
 * more than 1 MiB (k8s.io/kubernetes `ValidateSecret`: "data: Too long"), so such a SealedSecret
 * could never unseal; kubeseal seals it anyway. Refused here, before any work that grows with
 * it (a 500 kB value behind a thousand YAML aliases would be 500 MB to seal).
 */
export const MAX_SECRET_DATA_BYTES = 1024 * 1024;

/**
 * The API server's limit on a write request's body (k8s.io/apiserver `MaxRequestBodyBytes`,
 * 3 MiB by default; etcd's own default is 1.5 MiB). Every sealed value costs at least its
 * length plus an RSA block (256 bytes for the smallest key allowed), a length prefix and the
 * AES-GCM tag, in base64: a Secret of 150,000 one-byte values fits in 1 MiB of data but would
 * seal to 55 MB (15 s and 600 MB of work) that no cluster accepts.
 */
export const MAX_SEALED_BYTES = 3 * 1024 * 1024;
const MIN_SEALED_OVERHEAD = 2 + 256 + 16;

function checkDataSize(input: Secret): void {
  let total = 0;
  let sealed = 0;
  let values = 0;
  const add = (key: string, bytes: number): void => {
    total += bytes;
    sealed += key.length + Math.ceil((MIN_SEALED_OVERHEAD + bytes) / 3) * 4;
  };
  const data: Record<string, string> = input.data ?? {};
  const stringData: Record<string, string> = input.stringData ?? {};
  for (const key of Object.keys(data)) {
    if (Object.hasOwn(stringData, key)) continue;
    values++;
    if (typeof data[key] === "string") add(key, base64Bytes(data[key]));
  }
  for (const key of Object.keys(stringData)) {
    values++;
    if (total <= MAX_SECRET_DATA_BYTES && typeof stringData[key] === "string")
      add(key, utf8Length(stringData[key]));
  }
  if (total > MAX_SECRET_DATA_BYTES) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `the Secret's data totals more than ${MAX_SECRET_DATA_BYTES} bytes; Kubernetes refuses such a Secret (data: Too long), so it could never be unsealed`,
    );
  }
  if (sealed > MAX_SEALED_BYTES) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `the Secret's ${values} values would seal to more than ${MAX_SEALED_BYTES} bytes, more than the API server accepts in one object (its request limit), so the SealedSecret could never be applied`,
    );
  }
}

/** The bytes standard base64 text decodes to (padding and a missing tail counted as Go does). */
function base64Bytes(text: string): number {
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return Math.floor(((text.length - padding) * 3) / 4);
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
  return map === undefined || map === null || hasNoOwnKeys(map);
}

/**
 * A value of `data`/`stringData` must be a string (core's decoder guarantees it for input it
 * read; anything else would be sealed as its JavaScript text).
 */
export function itemText(value: unknown, field: string, key: string): string {
  if (typeof value === "string") return value;
  throw new SignetError("ERR_INVALID_INPUT", `${field} item "${key}" is not a string`);
}

/**
 * A Secret sealed for a scope other than cluster-wide must name its namespace (reference
 * `NewSealedSecret`, before it encrypts anything: this error comes before a key's).
 */
export function requireNamespace(meta: ObjectMeta, scope: SealingScope): void {
  if (scope !== "cluster-wide" && !meta.namespace) {
    throw new SignetError("ERR_MISSING_NAMESPACE", "secret must declare a namespace");
  }
}

/**
 * The SealedSecret around `encryptedData` (reference `NewSealedSecret`): object metadata is the
 * name, namespace and scope annotation only; the template carries the Secret's metadata (minus
 * the clear-text last-applied copies), type and immutable flag.
 */
export function buildSealedSecret(
  secret: Secret & { metadata: ObjectMeta },
  scope: SealingScope,
  encryptedData: Record<string, string>,
): SealedSecret {
  const meta = secret.metadata;
  requireNamespace(meta, scope);
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
