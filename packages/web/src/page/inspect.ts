import {
  appendAll,
  decodeDocuments,
  keyHint,
  scopeFromAnnotations,
  wrappedKeyLength,
} from "@signet/core/browser";
import type { SealedSecret, SealingScope, SecretTemplateSpec } from "@signet/core/browser";

import { base64ToBytes } from "./base64.js";
import { bindingOf } from "./seal-flow.js";

/**
 * What `signet inspect` reports, for pasted text: per SealedSecret its scope and target, item
 * keys with ciphertext sizes and the RSA size each value's length prefix announces, template
 * keys and the key hint. Nothing is decrypted (the page has no private key and offers no way to
 * use one).
 */

export interface InspectedItem {
  key: string;
  ciphertextBytes: number;
  /** RSA modulus size implied by the value's 2-byte length prefix, when it is consistent. */
  rsaBits?: number;
  problem?: string;
}

export interface InspectedSealedSecret {
  name?: string;
  namespace?: string;
  scope: SealingScope;
  /** `namespace/name`, `namespace/*` or `*`. */
  binding: string;
  type: string;
  immutable: boolean;
  items: InspectedItem[];
  /** The deprecated v1 `spec.data` blob is present. */
  legacyData: boolean;
  template: { labels: string[]; annotations: string[]; data: string[] };
  keyHint?: string;
  /** Whether the hint names the loaded certificate's key (undefined without one). */
  hintMatchesCertificate?: boolean;
  problem?: string;
}

export interface InspectResult {
  sealedSecrets: InspectedSealedSecret[];
  /** Kinds of the other documents, which are skipped. */
  skipped: string[];
}

/** Describes every SealedSecret of a YAML or JSON stream (also inside a `List`). */
export function inspectText(text: string, certificateFingerprint?: string): InspectResult {
  const result: InspectResult = { sealedSecrets: [], skipped: [] };
  for (const doc of flatten(decodeDocuments(text, "the pasted text"))) {
    const kind = typeof doc.kind === "string" ? doc.kind : "(no kind)";
    if (kind !== "SealedSecret") result.skipped.push(kind);
    else result.sealedSecrets.push(inspectObject(doc as SealedSecret, certificateFingerprint));
  }
  return result;
}

function flatten(docs: unknown[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const doc of docs) {
    if (!isObject(doc)) continue;
    if (doc.kind === "List" && Array.isArray(doc.items)) appendAll(out, flatten(doc.items));
    else out.push(doc);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const sortedKeys = (map: unknown): string[] => (isObject(map) ? Object.keys(map).sort() : []);

/** Describes one SealedSecret; a malformed one gets a `problem` instead of throwing. */
export function inspectObject(
  ss: SealedSecret,
  certificateFingerprint?: string,
): InspectedSealedSecret {
  const meta = isObject(ss.metadata) ? ss.metadata : {};
  const spec = isObject(ss.spec) ? ss.spec : undefined;
  const template: SecretTemplateSpec = isObject(spec?.template) ? spec.template : {};
  const scope = scopeFromAnnotations(isObject(meta.annotations) ? meta.annotations : undefined);
  const hint = keyHint({ metadata: meta });
  return {
    name: text(meta.name),
    namespace: text(meta.namespace),
    scope,
    binding: bindingOf(meta, scope),
    type: text(template.type) || "Opaque",
    immutable: template.immutable === true,
    items: itemsOf(spec?.encryptedData),
    legacyData: spec?.data !== undefined && spec.data !== null,
    template: templateKeys(template),
    keyHint: hint,
    hintMatchesCertificate:
      certificateFingerprint === undefined ? undefined : hint === certificateFingerprint,
    problem: spec === undefined ? "no spec" : undefined,
  };
}

function itemsOf(encryptedData: unknown): InspectedItem[] {
  const encrypted = isObject(encryptedData) ? encryptedData : {};
  return Object.keys(encrypted)
    .sort()
    .map((key) => inspectItem(key, encrypted[key]));
}

function templateKeys(template: SecretTemplateSpec): InspectedSealedSecret["template"] {
  return {
    labels: sortedKeys(template.metadata?.labels),
    annotations: sortedKeys(template.metadata?.annotations),
    data: sortedKeys(template.data),
  };
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Size and announced RSA size of one value, from its bytes alone. */
export function inspectItem(key: string, encoded: unknown): InspectedItem {
  const blob = typeof encoded === "string" ? base64ToBytes(encoded) : undefined;
  if (blob === undefined) return { key, ciphertextBytes: 0, problem: "not base64" };
  const wrapped = wrappedKeyLength(blob);
  if (wrapped === undefined || wrapped === 0) {
    return { key, ciphertextBytes: blob.length, problem: "too short for a sealed value" };
  }
  return { key, ciphertextBytes: blob.length, rsaBits: wrapped * 8 };
}
