import {
  API_VERSION,
  SEALED_SECRET_KIND,
  SKIP_SET_OWNER_REFERENCES_ANNOTATION,
} from "./constants.js";
import { decodeStdBase64, illegalBase64Message } from "./base64.js";
import {
  DECRYPT_ERROR_MESSAGE,
  keyMayOpen,
  openSealedBody,
  rsaUnwrap,
  wrappedKeyLength,
} from "./crypto/hybrid.js";
import type { UnsealingKey } from "./crypto/keys.js";
import { SignetError, UnsealError } from "./errors.js";
import type { UnsealItemError } from "./errors.js";
import {
  MANAGED_FIELDS_ENTRY_FIELDS,
  OBJECT_META_SCALAR_FIELDS,
  OWNER_REFERENCE_FIELDS,
} from "./manifest/go-types.js";
import type { ObjectMeta, OwnerReference, SealedSecret, Secret } from "./model.js";
import { encryptionLabel, scopeFromAnnotations } from "./scope.js";
import { setOwn } from "./own-keys.js";
import { appendAll } from "./append.js";

/**
 * One failed template entry: its key, an `ERR_TEMPLATE_*` code, and a `message` that never
 * quotes a decrypted value.
 */
export type TemplateItemFailure = UnsealItemError;

/** Port to the template engine: renders `spec.template.data` over the decrypted values. */
export type TemplateRenderer = (
  templates: Readonly<Record<string, string>>,
  values: Readonly<Record<string, Uint8Array>>,
) => { data: Record<string, Uint8Array>; failures: TemplateItemFailure[] };

export interface OpenOptions {
  /** Every registered key, most recent first. */
  keys: readonly UnsealingKey[];
  /** Fingerprints to try before the rest (the key that opened this object last, a seal-time hint). */
  preferred?: readonly string[];
  /** The controller's `--accept-deprecated-v1-data` (true) or kubeseal's copy of it (false). */
  acceptDeprecatedV1Data: boolean;
  /**
   * Most RSA private-key operations opening this object may spend; the next one fails the
   * object with ERR_UNSEAL_BUDGET (see {@link rsaBudget}). Unlimited when absent.
   */
  maxRsaOperations?: number;
}

export interface UnsealOptions extends OpenOptions {
  renderTemplates?: TemplateRenderer;
  /**
   * The values, already opened by the caller (for example by driving {@link openSealedValues}
   * with RSA on a thread pool). Called instead of opening them here; may throw what opening threw.
   */
  opened?: () => OpenedValues;
}

export interface UnsealResult {
  secret: Secret;
  /** Fingerprints of the keys that opened at least one value, in first-use order. */
  openedWith: string[];
  /** RSA private-key operations spent; with a right hint this equals the number of values. */
  rsaOperations: number;
}

/**
 * One RSA-OAEP-SHA256 unwrap that opening needs, for the caller to perform: the session key of
 * one value under one key (`wrapped` is the RSA block after the 2-byte length). The answer is
 * the session key, or undefined when this key does not open it.
 */
export interface RsaUnwrap {
  key: UnsealingKey;
  wrapped: Uint8Array;
  label: Uint8Array;
}

/** The opened values of one SealedSecret, before templates run and the Secret is built. */
export interface OpenedValues {
  /** Plaintext per `encryptedData` item; for a v1 object one entry, {@link V1_ITEM}. */
  values: Record<string, Uint8Array>;
  /** Items that did not open (`ERR_DECRYPT`, `ERR_BASE64`); empty when every value opened. */
  errors: UnsealItemError[];
  openedWith: string[];
  rsaOperations: number;
}

/** The item name a v1 (`spec.data`) object's single sealed blob is opened under. */
export const V1_ITEM = "data";

/** Opening as steps: yields each RSA unwrap it needs and takes its answer. */
export type OpeningSteps = Generator<RsaUnwrap, OpenedValues, Uint8Array | undefined>;

/**
 * RSA operations a SealedSecret of `items` values may cost with `keys` keys registered. The key
 * that opened the last value is tried first, so an object sealed with one key costs at most
 * `keys + items - 1`. One whose values alternate between two keys costs at most every key for
 * each of the first two values (the second key is found only by trying the others), then two per
 * further value: `2 keys + 2 (items - 2)`. Only an object mixing three or more keys in an
 * adversarial order needs more (re-sealing it with the current key fixes that).
 */
export function rsaBudget(items: number, keys: number): number {
  if (items <= 1) return keys;
  return 2 * keys + 2 * (items - 2);
}

/**
 * Unseals a SealedSecret into the Secret the controller would write (reference
 * `SealedSecret.Unseal`, pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go). The values are
 * opened by {@link openSealedValues} (or taken from `options.opened`), then `spec.template.data` is
 * rendered over them and the Secret is built. Any item error fails the whole object (no partial
 * Secret) with an {@link UnsealError}: its message groups them as `<message> (<key>, ...)`, its
 * `items` carry each item's key and code.
 */
export function unsealSealedSecret(ss: SealedSecret, options: UnsealOptions): UnsealResult {
  const opened = options.opened ? options.opened() : openSealedValuesSync(ss, options);
  if (isV1(ss)) return unsealedV1(ss, opened);
  const errors = [...opened.errors];
  const values = opened.values;
  const data = { ...values, ...renderTemplateData(ss, values, options.renderTemplates, errors) };
  if (errors.length > 0) throw new UnsealError(errors);
  return {
    secret: buildSecret(ss, data),
    openedWith: opened.openedWith,
    rsaOperations: opened.rsaOperations,
  };
}

/** {@link openSealedValues} with each RSA unwrap done at once on this thread. */
export function openSealedValuesSync(ss: SealedSecret, options: OpenOptions): OpenedValues {
  const steps = openSealedValues(ss, options);
  let step = steps.next();
  while (!step.done) {
    const { key, wrapped, label } = step.value;
    step = steps.next(rsaUnwrap(key.privateKey, wrapped, label));
  }
  return step.value;
}

/**
 * Opens the sealed values of `ss` (reference `Unseal`'s decryption loop), yielding every RSA
 * unwrap for the caller to perform, so the RSA work can run off the calling thread while this
 * logic stays pure. Throws ERR_DEPRECATED_V1 for a v1 object that is refused, ERR_UNSEAL_BUDGET
 * when `maxRsaOperations` would be passed.
 *
 * Cheap checks come first: a value that is not base64, is too short, or that no key can have
 * wrapped (another modulus size, or a wrapped key not below a key's modulus) fails without any
 * RSA operation, and then the object fails with every such item named. Otherwise the values are
 * opened in key order (sorted), keys most-likely first: preferred fingerprints, then the given
 * order, and the key that opened one value first for the next. Unlike the reference, which tries
 * every key on every value, opening stops at the first value no key opens: the object fails
 * anyway, and the rest would only cost RSA work (one item per key).
 */
export function* openSealedValues(ss: SealedSecret, options: OpenOptions): OpeningSteps {
  const keyOrder = new KeyOrder(options.keys, options.preferred ?? []);
  const budget = options.maxRsaOperations ?? Number.POSITIVE_INFINITY;
  const label = encryptionLabel(
    ss.metadata.namespace ?? "",
    ss.metadata.name ?? "",
    scopeFromAnnotations(ss.metadata.annotations),
  );
  const items = sealedItems(ss, options.acceptDeprecatedV1Data);
  const blobs = new Map<string, Buffer>();
  const errors: UnsealItemError[] = [];
  for (const [key, encoded] of items) {
    const checked = precheck(encoded, options.keys);
    if (Buffer.isBuffer(checked)) blobs.set(key, checked);
    else errors.push({ key, ...checked });
  }
  const values: Record<string, Uint8Array> = {};
  const result = (): OpenedValues => ({
    values,
    errors,
    openedWith: keyOrder.used,
    rsaOperations: keyOrder.operations,
  });
  if (errors.length > 0) return result();
  for (const [key, blob] of blobs) {
    const opened = yield* keyOrder.open(blob, label, budget);
    if (opened === undefined) {
      errors.push({ key, ...NO_KEY });
      return result();
    }
    setOwn(values, key, opened);
  }
  return result();
}

function isV1(ss: SealedSecret): boolean {
  return ss.spec.data !== undefined && ss.spec.data !== null;
}

/** The sealed items to open, sorted by key; a v1 object's blob is one item. */
function sealedItems(ss: SealedSecret, acceptV1: boolean): [string, string][] {
  if (!isV1(ss)) {
    const data = ss.spec.encryptedData ?? {};
    return Object.keys(data)
      .sort()
      .map((key) => [key, String(data[key])]);
  }
  if (!acceptV1) {
    throw new SignetError(
      "ERR_DEPRECATED_V1",
      "using deprecated 'data' field, use 'encryptedData' or flip the feature flag",
    );
  }
  if (Object.keys(ss.spec.encryptedData ?? {}).length > 0) {
    throw new SignetError(
      "ERR_DEPRECATED_V1",
      "cannot use the field 'encryptedData' and the deprecated field 'data' at the same time",
    );
  }
  return [[V1_ITEM, String(ss.spec.data)]];
}

/**
 * The one error of a value no key opens, whatever the reason (no key of its size, wrong key,
 * tampered, another scope's label): generic, so it never tells which step failed.
 */
const NO_KEY = Object.freeze({ code: "ERR_DECRYPT", message: DECRYPT_ERROR_MESSAGE } as const);

/** Decodes one value and checks that some key can have wrapped it; the item's error otherwise. */
function precheck(
  encoded: string,
  keys: readonly UnsealingKey[],
): Buffer | Omit<UnsealItemError, "key"> {
  const blob = decodeStdBase64(encoded);
  if (!Buffer.isBuffer(blob)) {
    return { code: "ERR_BASE64", message: illegalBase64Message(blob.illegalAt) };
  }
  return keys.some((k) => keyMayOpen(k, blob)) ? blob : NO_KEY;
}

/** Renders `spec.template.data` (if any) over the opened values, collecting failures. */
function renderTemplateData(
  ss: SealedSecret,
  values: Record<string, Uint8Array>,
  render: TemplateRenderer | undefined,
  errors: UnsealItemError[],
): Record<string, Uint8Array> {
  const templates = ss.spec.template?.data ?? {};
  if (Object.keys(templates).length === 0) return {};
  if (!render) {
    for (const key of Object.keys(templates).sort()) {
      errors.push({
        key,
        code: "ERR_TEMPLATE_REFUSED",
        message: "spec.template.data is not supported by this build",
      });
    }
    return {};
  }
  const rendered = render(templates, values);
  appendAll(errors, rendered.failures);
  return rendered.data;
}

/** Tries keys most-likely first and learns which key worked, counting RSA operations. */
class KeyOrder {
  readonly used: string[] = [];
  operations = 0;
  #order: UnsealingKey[];

  constructor(keys: readonly UnsealingKey[], preferred: readonly string[]) {
    const rank = (k: UnsealingKey): number => {
      const i = preferred.indexOf(k.fingerprint);
      return i === -1 ? preferred.length : i;
    };
    this.#order = keys
      .map((k, i) => ({ k, i }))
      .sort((a, b) => rank(a.k) - rank(b.k) || a.i - b.i)
      .map((e) => e.k);
  }

  /** Opens one value (a checked blob), yielding one RSA unwrap per key tried. */
  *open(
    blob: Buffer,
    label: Uint8Array,
    budget: number,
  ): Generator<RsaUnwrap, Buffer | undefined, Uint8Array | undefined> {
    const n = wrappedKeyLength(blob) ?? 0;
    for (const key of [...this.#order]) {
      if (!keyMayOpen(key, blob)) continue;
      if (this.operations >= budget) throw budgetExceeded(budget);
      this.operations++;
      const sessionKey = yield { key, wrapped: blob.subarray(2, n + 2), label };
      const plain = sessionKey && openSealedBody(sessionKey, blob.subarray(n + 2));
      if (plain) {
        this.#promote(key);
        return plain;
      }
    }
    return undefined;
  }

  #promote(key: UnsealingKey): void {
    if (!this.used.includes(key.fingerprint)) this.used.push(key.fingerprint);
    this.#order = [key, ...this.#order.filter((k) => k !== key)];
  }
}

function budgetExceeded(budget: number): SignetError {
  return new SignetError(
    "ERR_UNSEAL_BUDGET",
    `unsealing needs more than ${budget} RSA operations (values sealed with several keys in turn); re-encrypt it with the current key`,
  );
}

function ownerReference(ss: SealedSecret): OwnerReference {
  return {
    apiVersion: API_VERSION,
    kind: SEALED_SECRET_KIND,
    name: ss.metadata.name ?? "",
    uid: ss.metadata.uid ?? "",
    controller: true,
  };
}

/**
 * Real `fieldsV1` trees nest a few levels per field path; one nested thousands of levels can
 * only come from a tenant, and V8's JSON.stringify overflows its stack near 5,000 levels, which
 * would fail the Secret write forever. Such a `fieldsV1` is dropped (the API server resets
 * managedFields it cannot decode anyway).
 */
const MAX_FIELDS_V1_DEPTH = 1000;

/** Whether `value` nests objects or arrays more than `limit` levels deep (iterative). */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth >= limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** The `fields` of each object in `list` (Go decoding a slice of structs drops the rest). */
function structSlice(list: readonly unknown[], fields: readonly string[]): unknown[] {
  return list.map((item) => {
    const entry: Record<string, unknown> = {};
    if (item === null || typeof item !== "object") return entry;
    for (const field of fields) {
      const value = (item as Record<string, unknown>)[field];
      if (value !== undefined) entry[field] = value;
    }
    return entry;
  });
}

/**
 * A copy of the template's metadata as the reference's controller sees it: it decodes
 * `spec.template.metadata` into Go's `metav1.ObjectMeta`, so fields ObjectMeta does not have
 * are dropped (the CRD preserves them, so a tenant can store anything there, nested thousands
 * of levels deep). `managedFields` entries keep the fields of Go's `ManagedFieldsEntry`, with
 * `fieldsV1` (raw JSON to Go) shared, not copied: nothing here recurses into tenant nesting.
 */
function templateObjectMeta(meta: Readonly<ObjectMeta>): ObjectMeta {
  const copy: ObjectMeta = {};
  for (const field of OBJECT_META_SCALAR_FIELDS) {
    const value = (meta as Record<string, unknown>)[field];
    if (value !== undefined && (value === null || typeof value !== "object")) {
      (copy as Record<string, unknown>)[field] = value;
    }
  }
  if (meta.labels) copy.labels = { ...meta.labels };
  if (meta.annotations) copy.annotations = { ...meta.annotations };
  if (Array.isArray(meta.finalizers)) copy.finalizers = [...meta.finalizers];
  if (Array.isArray(meta.ownerReferences)) {
    copy.ownerReferences = structSlice(
      meta.ownerReferences,
      OWNER_REFERENCE_FIELDS,
    ) as OwnerReference[];
  }
  if (Array.isArray(meta.managedFields)) {
    copy.managedFields = structSlice(meta.managedFields, MANAGED_FIELDS_ENTRY_FIELDS).map(
      (entry) => {
        const e = entry as Record<string, unknown>;
        if (!nestsDeeperThan(e.fieldsV1, MAX_FIELDS_V1_DEPTH)) return e;
        const { fieldsV1: _dropped, ...rest } = e;
        return rest;
      },
    );
  }
  return copy;
}

function buildSecret(ss: SealedSecret, data: Record<string, Uint8Array>): Secret {
  const template = ss.spec.template ?? {};
  const metadata = templateObjectMeta(template.metadata ?? {});
  metadata.name = ss.metadata.name;
  metadata.namespace = ss.metadata.namespace;
  if (template.metadata?.annotations?.[SKIP_SET_OWNER_REFERENCES_ANNOTATION] !== "true") {
    metadata.ownerReferences = [ownerReference(ss)];
  }
  const encoded: Record<string, string> = {};
  for (const key of Object.keys(data).sort())
    setOwn(encoded, key, Buffer.from(data[key]!).toString("base64"));
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata,
    ...(template.immutable !== undefined && { immutable: template.immutable }),
    data: encoded,
    ...(template.type !== undefined && template.type !== "" && { type: template.type }),
  };
}

/** Pre-v0.7 `spec.data`: the whole Secret as one sealed blob (docs/wire-format.md#legacy-v1-format). */
function unsealedV1(ss: SealedSecret, opened: OpenedValues): UnsealResult {
  // A v1 object is one sealed blob: its error is shown without the item name.
  const [failed] = opened.errors;
  if (failed) throw new UnsealError([failed], failed.message);
  let secret: Secret;
  try {
    secret = JSON.parse(Buffer.from(opened.values[V1_ITEM] ?? []).toString("utf8")) as Secret;
  } catch {
    throw new SignetError("ERR_UNSEAL", "sealed v1 data does not hold a JSON Secret");
  }
  const metadata: ObjectMeta = { ...secret.metadata };
  metadata.name = ss.metadata.name;
  metadata.namespace = ss.metadata.namespace;
  metadata.ownerReferences = [ownerReference(ss)];
  return {
    secret: { ...secret, apiVersion: "v1", kind: "Secret", metadata },
    openedWith: opened.openedWith,
    rsaOperations: opened.rsaOperations,
  };
}
