import {
  API_VERSION,
  SEALED_SECRET_KIND,
  SKIP_SET_OWNER_REFERENCES_ANNOTATION,
} from "./constants.js";
import { decodeStdBase64, illegalBase64Message } from "./base64.js";
import { DECRYPT_ERROR_MESSAGE, hybridDecryptWith, keyMayOpen } from "./crypto/hybrid.js";
import type { UnsealingKey } from "./crypto/keys.js";
import { SignetError } from "./errors.js";
import type { ObjectMeta, OwnerReference, SealedSecret, Secret } from "./model.js";
import { encryptionLabel, scopeFromAnnotations } from "./scope.js";
import { setOwn } from "./own-keys.js";

/** One failed template entry; `message` never quotes a decrypted value. */
export interface TemplateItemFailure {
  key: string;
  message: string;
}

/** Port to the template engine: renders `spec.template.data` over the decrypted values. */
export type TemplateRenderer = (
  templates: Readonly<Record<string, string>>,
  values: Readonly<Record<string, Uint8Array>>,
) => { data: Record<string, Uint8Array>; failures: TemplateItemFailure[] };

export interface UnsealOptions {
  /** Every registered key, most recent first. */
  keys: readonly UnsealingKey[];
  /** Fingerprints to try before the rest (the key that opened this object last, a seal-time hint). */
  preferred?: readonly string[];
  /** The controller's `--accept-deprecated-v1-data` (true) or kubeseal's copy of it (false). */
  acceptDeprecatedV1Data: boolean;
  renderTemplates?: TemplateRenderer;
}

export interface UnsealResult {
  secret: Secret;
  /** Fingerprints of the keys that opened at least one value, in first-use order. */
  openedWith: string[];
  /** RSA private-key operations spent; with a right hint this equals the number of values. */
  rsaOperations: number;
}

interface ItemError {
  key: string;
  message: string;
}

/**
 * Unseals a SealedSecret into the Secret the controller would write (reference `Unseal`, spec
 * §4.6). Keys are tried most-likely first: preferred fingerprints, then the given order, and the
 * key that opened one value is tried first for the next. Keys that cannot have wrapped a value
 * (another modulus size, or a wrapped key not below their modulus) are skipped without an RSA
 * operation. Per-item errors are grouped as
 * `<message> (<key>, ...)`; any error fails the whole object (no partial Secret).
 */
export function unsealSealedSecret(ss: SealedSecret, options: UnsealOptions): UnsealResult {
  const keyOrder = new KeyOrder(options.keys, options.preferred ?? []);
  const label = encryptionLabel(
    ss.metadata.namespace ?? "",
    ss.metadata.name ?? "",
    scopeFromAnnotations(ss.metadata.annotations),
  );
  if (ss.spec.data !== undefined && ss.spec.data !== null) {
    return unsealV1(ss, label, keyOrder, options.acceptDeprecatedV1Data);
  }
  const errors: ItemError[] = [];
  const values: Record<string, Uint8Array> = {};
  for (const key of Object.keys(ss.spec.encryptedData ?? {}).sort()) {
    const opened = openItem(String(ss.spec.encryptedData[key]), label, keyOrder);
    if (typeof opened === "string") errors.push({ key, message: opened });
    else setOwn(values, key, opened);
  }
  const data = { ...values, ...renderTemplateData(ss, values, options.renderTemplates, errors) };
  if (errors.length > 0) throw new SignetError("ERR_UNSEAL", groupErrors(errors));
  return {
    secret: buildSecret(ss, data),
    openedWith: keyOrder.used,
    rsaOperations: keyOrder.operations,
  };
}

/** Renders `spec.template.data` (if any) over the opened values, collecting failures. */
function renderTemplateData(
  ss: SealedSecret,
  values: Record<string, Uint8Array>,
  render: TemplateRenderer | undefined,
  errors: ItemError[],
): Record<string, Uint8Array> {
  const templates = ss.spec.template?.data ?? {};
  if (Object.keys(templates).length === 0) return {};
  if (!render) {
    for (const key of Object.keys(templates).sort()) {
      errors.push({ key, message: "spec.template.data is not supported by this build" });
    }
    return {};
  }
  const rendered = render(templates, values);
  errors.push(...rendered.failures);
  return rendered.data;
}

/** Decodes and opens one value; returns the error message on failure. */
function openItem(encoded: string, label: Buffer, keys: KeyOrder): Buffer | string {
  const blob = decodeStdBase64(encoded);
  if (!Buffer.isBuffer(blob)) return illegalBase64Message(blob.illegalAt);
  return keys.open(blob, label) ?? DECRYPT_ERROR_MESSAGE;
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

  open(blob: Buffer, label: Buffer): Buffer | undefined {
    for (const key of this.#order) {
      if (!keyMayOpen(key, blob)) continue;
      this.operations++;
      const plain = hybridDecryptWith(key.privateKey, blob, label);
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

/** Groups identical messages as `<message> (<k1>, <k2>)`; distinct messages on separate lines. */
export function groupErrors(errors: readonly ItemError[]): string {
  const groups = new Map<string, string[]>();
  for (const { key, message } of errors) groups.set(message, [...(groups.get(message) ?? []), key]);
  return [...groups].map(([message, keys]) => `${message} (${keys.join(", ")})`).join("\n");
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

function buildSecret(ss: SealedSecret, data: Record<string, Uint8Array>): Secret {
  const template = ss.spec.template ?? {};
  const metadata: ObjectMeta = structuredClone(template.metadata ?? {});
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

/** Pre-v0.7 `spec.data`: the whole Secret as one sealed JSON blob (spec §1.5). */
function unsealV1(ss: SealedSecret, label: Buffer, keys: KeyOrder, accept: boolean): UnsealResult {
  if (!accept) {
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
  const opened = openItem(String(ss.spec.data), label, keys);
  if (typeof opened === "string") throw new SignetError("ERR_UNSEAL", opened);
  let secret: Secret;
  try {
    secret = JSON.parse(opened.toString("utf8")) as Secret;
  } catch {
    throw new SignetError("ERR_UNSEAL", "sealed v1 data does not hold a JSON Secret");
  }
  const metadata: ObjectMeta = { ...secret.metadata };
  metadata.name = ss.metadata.name;
  metadata.namespace = ss.metadata.namespace;
  metadata.ownerReferences = [ownerReference(ss)];
  return {
    secret: { ...secret, apiVersion: "v1", kind: "Secret", metadata },
    openedWith: keys.used,
    rsaOperations: keys.operations,
  };
}
