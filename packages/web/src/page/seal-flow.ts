import {
  buildSealedSecret,
  encodeObject,
  encryptionLabelText,
  mergeIntoText,
  mergeSecret,
  orderSealedSecret,
  prepareSecret,
  scopeFromAnnotations,
  setOwn,
  SignetError,
  withKeyHint,
} from "@signet/core/browser";
import type {
  MergeTarget,
  ObjectMeta,
  OutputFormat,
  SealedSecret,
  SealingScope,
  Secret,
} from "@signet/core/browser";

import { bytesToBase64 } from "./base64.js";
import { filledItems, itemBytes, pairMap } from "./draft.js";
import type { SecretDraft } from "./draft.js";
import { hybridEncryptWeb } from "./webcrypto-seal.js";
import type { RandomSource, Subtle } from "./webcrypto-seal.js";

/**
 * Sealing as `signet` does it, with the encryption done by WebCrypto: the same pure core steps
 * (`prepareSecret`, `buildSealedSecret`, the `signet.dev/sealed-with` hint, kubeseal's field
 * order, core's YAML and JSON encoders, `mergeIntoText`), so the page prints what `signet`
 * prints for the same input, ciphertexts aside.
 */

/** What sealing needs: the imported key, its fingerprint, WebCrypto and a random source. */
export interface Sealer {
  key: CryptoKey;
  fingerprint: string;
  subtle: Subtle;
  random: RandomSource;
}

/** The result in both formats; `primary` is the one to show first. */
export interface SealedOutput {
  object: SealedSecret;
  yaml: string;
  json: string;
  primary: OutputFormat;
  /** The target the values are bound to: `namespace/name`, `namespace/*` or `*`. */
  binding: string;
  scope: SealingScope;
  itemKeys: string[];
}

/** Seals a checked draft into a new SealedSecret (`signet --name ... --from-literal ...`). */
export async function sealNew(draft: SecretDraft, sealer: Sealer): Promise<SealedOutput> {
  const metadata = templateMetadata(draft.name, draft.namespace, draft);
  const secret: Secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata,
    type: draft.type || "Opaque",
    ...(draft.immutable && { immutable: true }),
  };
  const prepared = prepareSecret(secret, { scope: draft.scope, allowEmptyData: true });
  const scope = scopeFromAnnotations(prepared.metadata.annotations);
  const encryptedData = await sealItems(draft, prepared.metadata, scope, sealer);
  const object = orderSealedSecret(
    withKeyHint(buildSealedSecret(prepared, scope, encryptedData), sealer.fingerprint),
  );
  return {
    object,
    yaml: encodeObject(object, "yaml"),
    json: encodeObject(object, "json"),
    primary: "yaml",
    binding: bindingOf(prepared.metadata, scope),
    scope,
    itemKeys: Object.keys(encryptedData),
  };
}

/**
 * Seals the draft's values for a pasted SealedSecret and merges them in (`signet --merge-into`):
 * name, namespace and scope are the target's own (the label the controller will unseal it
 * with), every other ciphertext is kept, and a YAML target keeps its comments and layout.
 */
export async function sealMerge(
  target: MergeTarget,
  draft: Pick<SecretDraft, "items" | "labels" | "annotations">,
  sealer: Sealer,
): Promise<SealedOutput> {
  const meta = target.object.metadata ?? {};
  const scope = target.scope;
  if (!meta.name)
    throw new SignetError("ERR_MISSING_NAME", "the SealedSecret has no metadata.name");
  if (scope !== "cluster-wide" && !meta.namespace) {
    throw new SignetError(
      "ERR_MISSING_NAMESPACE",
      `the SealedSecret is ${scope} but has no metadata.namespace`,
    );
  }
  // core's rules for --merge-into: the target's name, namespace and scope, no other scope.
  const input = mergeSecret({ metadata: templateMetadata(meta.name, undefined, draft) }, target);
  const prepared = prepareSecret(input, { allowEmptyData: true });
  const encryptedData = await sealItems(draft, prepared.metadata, scope, sealer);
  const sealed = withKeyHint(buildSealedSecret(prepared, scope, encryptedData), sealer.fingerprint);
  const yaml = mergeIntoText(target, sealed, "yaml");
  const json = mergeIntoText(target, sealed, "json");
  return {
    object: JSON.parse(json) as SealedSecret,
    yaml,
    json,
    primary: target.format,
    binding: bindingOf(prepared.metadata, scope),
    scope,
    itemKeys: Object.keys(encryptedData),
  };
}

/** The Secret's metadata: name, namespace when there is one, and the typed labels and annotations. */
function templateMetadata(
  name: string,
  namespace: string | undefined,
  draft: Pick<SecretDraft, "labels" | "annotations">,
): ObjectMeta {
  const metadata: ObjectMeta = { name };
  if (namespace) metadata.namespace = namespace;
  const labels = pairMap(draft.labels);
  const annotations = pairMap(draft.annotations);
  if (labels) metadata.labels = labels;
  if (annotations) metadata.annotations = annotations;
  return metadata;
}

/** Each value sealed separately with the scope's label, in sorted key order as core does. */
async function sealItems(
  draft: Pick<SecretDraft, "items">,
  meta: ObjectMeta,
  scope: SealingScope,
  sealer: Sealer,
): Promise<Record<string, string>> {
  const text = encryptionLabelText(meta.namespace ?? "", meta.name ?? "", scope);
  const label = new TextEncoder().encode(text);
  const items = new Map(filledItems(draft).map((i) => [i.key, itemBytes(i)]));
  const encryptedData: Record<string, string> = {};
  for (const key of [...items.keys()].sort()) {
    const blob = await hybridEncryptWeb(sealer.subtle, sealer.key, items.get(key)!, {
      label,
      random: sealer.random,
    });
    setOwn(encryptedData, key, bytesToBase64(blob));
  }
  return encryptedData;
}

/** Where the sealed values open: `namespace/name`, `namespace/*` or `*` (any). */
export function bindingOf(
  meta: Pick<ObjectMeta, "name" | "namespace">,
  scope: SealingScope,
): string {
  if (scope === "cluster-wide") return "*";
  if (scope === "namespace-wide") return `${meta.namespace ?? ""}/*`;
  return `${meta.namespace ?? ""}/${meta.name ?? ""}`;
}
