import { isMap, isScalar, parseDocument, Scalar, stringify } from "yaml";
import type { Document, YAMLMap } from "yaml";

import { decodeDocuments, encodeObject, GO_YAML_STRINGIFY } from "./codec.js";
import type { OutputFormat } from "./codec.js";
import { SEALED_WITH_ANNOTATION } from "./constants.js";
import { SignetError } from "./errors.js";
import { keyHint } from "./hint.js";
import { applyEdits, mergeEdits } from "./merge.js";
import type { MergeEdit } from "./merge.js";
import type { SealedSecret } from "./model.js";
import { orderSealedSecret } from "./wire-order.js";
import { compareGoYamlKeys } from "./yaml-order.js";

/**
 * `--merge-into` as text in, text out (pure, shared by the CLI and the web page): the existing
 * SealedSecret's text is edited, not rewritten, so a YAML file keeps its comments, order,
 * quoting and the ciphertext of untouched items.
 */

/** A SealedSecret to merge into: its text, its first object and the format it is written in. */
export interface MergeTarget {
  text: string;
  object: SealedSecret;
  format: OutputFormat;
}

/** Reads the first document of `text` as the SealedSecret to merge into; `source` names it in errors. */
export function parseMergeTarget(text: string, source: string): MergeTarget {
  const first = decodeDocuments(text, source)[0] as SealedSecret | undefined;
  if (!first || typeof first !== "object" || !first.apiVersion || !first.kind) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `${source}: expected a SealedSecret with apiVersion and kind`,
    );
  }
  if (first.kind !== "SealedSecret") {
    throw new SignetError("ERR_INVALID_INPUT", `${source}: is a ${first.kind}, not a SealedSecret`);
  }
  return { text, object: first, format: /^\s*\{/.test(text) ? "json" : "yaml" };
}

/**
 * The target's new text once every item, template label/annotation and template data entry of
 * `sealed` (sealed for the target's name, namespace and scope) is set in it, new winning
 * (reference `--merge-into`). The `signet.dev/sealed-with` hint is updated (see
 * {@link hintEdit}). A YAML target written as YAML is edited in place; otherwise the merged
 * object is encoded in `format` in kubeseal's field order.
 */
export function mergeIntoText(
  target: MergeTarget,
  sealed: SealedSecret,
  format: OutputFormat,
): string {
  const hint = hintEdit(target.object, sealed);
  const edits = [...mergeEdits(sealed), ...(hint === "drop" ? [] : [hint])];
  if (format === "yaml" && target.format === "yaml") {
    return editYaml(target.text, edits, hint === "drop");
  }
  const base = hint === "drop" ? withoutHint(target.object) : target.object;
  return encodeObject(orderSealedSecret(applyEdits(base, edits)), format);
}

/**
 * Applies edits to a YAML file through the yaml Document API, so comments, key order, quoting and
 * the ciphertext of untouched items stay exactly as they were. A new key goes where Go's YAML
 * order puts it when the map is already in that order (as kubeseal writes it), else at the end;
 * new scalars that YAML 1.1 readers (kubectl, kubeseal) would misread are quoted.
 */
function editYaml(text: string, edits: readonly MergeEdit[], dropHint: boolean): string {
  const doc = parseDocument(text);
  if (dropHint) dropHintNode(doc);
  for (const { path, value } of edits) setSorted(doc, path, value);
  return doc.toString(GO_YAML_STRINGIFY);
}

/**
 * Sets `path` to `value`: an existing entry is replaced in place; a missing one is inserted in
 * the deepest existing map, with any missing maps between, where Go's YAML order puts it.
 */
function setSorted(doc: Document, path: readonly string[], value: string): void {
  if (doc.hasIn(path)) return void doc.setIn(path, goSafeScalar(value));
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const parent = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (!isMap(parent)) continue;
    let node: unknown = goSafeScalar(value);
    for (const key of path.slice(depth + 1).reverse()) {
      const map = doc.createNode({}) as YAMLMap;
      map.add(doc.createPair(goSafeScalar(key), node));
      node = map;
    }
    return insertSorted(doc, parent, path[depth]!, node);
  }
  doc.setIn(path, goSafeScalar(value));
}

const HINT_PATH = ["metadata", "annotations", SEALED_WITH_ANNOTATION];

function dropHintNode(doc: Document): void {
  if (!doc.hasIn(HINT_PATH)) return;
  doc.deleteIn(HINT_PATH);
  const annotations = doc.getIn(HINT_PATH.slice(0, -1), true);
  if (isMap(annotations) && annotations.items.length === 0) doc.deleteIn(HINT_PATH.slice(0, -1));
}

/**
 * The seal-time hint after a merge: the new certificate's fingerprint when every value of the
 * result is sealed with it (the file was already hinted with it, or every existing item is
 * replaced); otherwise the values are mixed, so any old hint is dropped rather than left to
 * claim a key that not every value uses.
 */
function hintEdit(existing: SealedSecret, sealed: SealedSecret): MergeEdit | "drop" {
  const fingerprint = keyHint(sealed) ?? "";
  const replaced = new Set(Object.keys(sealed.spec.encryptedData));
  const allReplaced =
    (existing.spec?.data === undefined || existing.spec.data === null) &&
    Object.keys(existing.spec?.encryptedData ?? {}).every((k) => replaced.has(k));
  return keyHint(existing) === fingerprint || allReplaced
    ? { path: HINT_PATH, value: fingerprint }
    : "drop";
}

function withoutHint(ss: SealedSecret): SealedSecret {
  const copy = structuredClone(ss);
  const annotations = copy.metadata?.annotations;
  if (!annotations) return copy;
  delete annotations[SEALED_WITH_ANNOTATION];
  if (Object.keys(annotations).length === 0) delete copy.metadata.annotations;
  return copy;
}

/** A scalar quoted when YAML 1.1 would read the plain form as something other than a string. */
function goSafeScalar(value: string): Scalar {
  const scalar = new Scalar(value);
  if (/^["']/.test(stringify(value, GO_YAML_STRINGIFY))) scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

function keyText(node: unknown): string {
  return isScalar(node) ? String(node.value) : String(node);
}

function insertSorted(doc: Document, map: YAMLMap, key: string, value: unknown): void {
  const pair = doc.createPair(
    goSafeScalar(key),
    typeof value === "string" ? goSafeScalar(value) : value,
  );
  const keys = map.items.map((item) => keyText(item.key));
  const sorted = keys.every((k, i) => i === 0 || compareGoYamlKeys(keys[i - 1]!, k) <= 0);
  const at = sorted ? keys.findIndex((k) => compareGoYamlKeys(key, k) < 0) : -1;
  if (at === -1) return void map.items.push(pair);
  const first = map.items[0]?.key;
  if (at === 0 && map.commentBefore && isScalar(first)) {
    // The parser hangs a comment above the first item on the map; keep it above that item.
    first.commentBefore = map.commentBefore;
    map.commentBefore = undefined;
  }
  map.items.splice(at, 0, pair);
}
