import { isAlias, isMap, isScalar, Scalar, visit } from "yaml";
import type { Document, Pair, YAMLMap } from "yaml";

import { encodeObject } from "./codec.js";
import type { OutputFormat } from "./codec.js";
import { EXPIRES_AT_ANNOTATION, SEALED_WITH_ANNOTATION } from "./constants.js";
import { SignetError } from "./errors.js";
import { keyHint } from "./hint.js";
import { goYamlNeedsQuotes } from "./manifest/go-yaml-emit.js";
import { readMergeTarget, yamlForEdit } from "./manifest/index.js";
import type { ManifestDocument, ManifestInput } from "./manifest/index.js";
import { applyEdits, mergeEdits } from "./merge.js";
import type { MergeEdit } from "./merge.js";
import type { ObjectMeta, SealedSecret, Secret } from "./model.js";
import { scopeFromAnnotations, withScopeAnnotations } from "./scope.js";
import type { SealingScope } from "./scope.js";
import { orderSealedSecret } from "./wire-order.js";
import { compareGoYamlKeys } from "./yaml-order.js";

/**
 * `--merge-into` as input in, output out (pure, shared by the CLI and the web page): the
 * existing SealedSecret's document is edited, not rewritten, so a YAML file keeps its comments,
 * order, quoting and the ciphertext of untouched items, and the other documents of a stream
 * stay byte for byte.
 */

/** A SealedSecret to merge into: the whole input and the document of it that gets the values. */
export interface MergeTarget {
  /** The whole input; every byte outside {@link MergeTarget.document} is kept. */
  bytes: Uint8Array;
  /** Names the input in errors (a path, "the pasted SealedSecret"). */
  source: string;
  documents: ManifestDocument[];
  document: ManifestDocument;
  /** The document decoded as kubeseal decodes a `--merge-into` file (universal decoder). */
  object: SealedSecret;
  /** The document's format, which a merge keeps unless told otherwise. */
  format: OutputFormat;
  /** The scope the existing values are sealed in (the object's annotations). */
  scope: SealingScope;
}

function kindOf(doc: ManifestDocument): unknown {
  return (doc.value as { kind?: unknown } | null)?.kind;
}

function nameOf(doc: ManifestDocument): { name?: unknown; namespace?: unknown } {
  const value = doc.value as { metadata?: { name?: unknown; namespace?: unknown } } | null;
  return value?.metadata ?? {};
}

/**
 * The document to merge into: the input's only object, or (in a stream of several) the one
 * whose name, and namespace when `wanted` sets one, are `wanted`'s. Empty and comment-only
 * documents do not count.
 */
function targetDocument(
  documents: ManifestDocument[],
  source: string,
  wanted: Pick<ObjectMeta, "name" | "namespace"> | undefined,
): ManifestDocument {
  const objects = documents.filter((doc) => doc.value !== null);
  if (objects.length === 1) return objects[0]!;
  if (objects.length === 0) {
    throw new SignetError("ERR_INVALID_INPUT", `${source}: no SealedSecret to merge into`);
  }
  if (wanted === undefined) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `${source} holds ${objects.length} objects: merge into one SealedSecret at a time`,
    );
  }
  const { name, namespace } = wanted;
  if (!name) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `${source} holds ${objects.length} objects: --merge-into merges into the SealedSecret named as the input Secret, which has no name`,
    );
  }
  // Only SealedSecrets are candidates: a ConfigMap of the same name beside them is no target.
  const matches = objects.filter((doc) => {
    const meta = nameOf(doc);
    return (
      kindOf(doc) === "SealedSecret" &&
      meta.name === name &&
      (!namespace || meta.namespace === namespace)
    );
  });
  if (matches.length === 1) return matches[0]!;
  const label = `${namespace ? `${namespace}/` : ""}${name}`;
  throw new SignetError(
    "ERR_INVALID_INPUT",
    `${source} holds ${objects.length} objects: --merge-into merges into the SealedSecret named as the input Secret ("${label}"), and ${matches.length === 0 ? "there is none" : `there are ${matches.length} (give the namespace: -n or the input's metadata.namespace)`}`,
  );
}

/**
 * Reads the SealedSecret to merge into, as kubeseal decodes a `--merge-into` file (the API
 * machinery's universal decoder). `wanted` (the input Secret's name and namespace) picks the
 * document in a stream of several; `source` names the input in errors.
 */
export function parseMergeTarget(
  input: ManifestInput,
  source: string,
  wanted?: Pick<ObjectMeta, "name" | "namespace">,
): MergeTarget {
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  const documents = readMergeTarget(bytes, source);
  const document = targetDocument(documents, source, wanted);
  const object = document.sealedSecret();
  const scope = scopeFromAnnotations(object.metadata?.annotations);
  return { bytes, source, documents, document, object, format: document.format, scope };
}

/**
 * The input Secret as kubeseal seals it for a merge, with the target's name, namespace and
 * scope. Beyond kubeseal, the new values must be sealed in the target's scope, or they could
 * never be opened together with its others: a different `scope` (a `--scope` other than the
 * default strict) or scope annotation on the input is refused before anything is written.
 */
export function mergeSecret(secret: Secret, target: MergeTarget, scope?: SealingScope): Secret {
  const annotated = scopeFromAnnotations(secret.metadata?.annotations);
  const requested = scope && scope !== "strict" ? scope : annotated;
  if (requested !== "strict" && requested !== target.scope) {
    throw new SignetError(
      "ERR_INVALID_SCOPE",
      `${target.source}: the SealedSecret is sealed ${target.scope}, but the input asks for ${requested}; values of different scopes cannot be opened together (nothing was changed)`,
    );
  }
  const metadata = { ...secret.metadata };
  const existing = target.object.metadata ?? {};
  // kubeseal passes the file's name and namespace as overrides, which only apply when set.
  if (existing.name) metadata.name = existing.name;
  if (existing.namespace) metadata.namespace = existing.namespace;
  metadata.annotations = withScopeAnnotations(metadata.annotations, target.scope);
  if (Object.keys(metadata.annotations).length === 0) delete metadata.annotations;
  return { ...secret, metadata };
}

/**
 * The target's new content once every item, template label/annotation and template data entry
 * of `sealed` (sealed by {@link mergeSecret}'s rules) is set in it, new winning (reference
 * `--merge-into`), and the `signet.dev/sealed-with` hint is updated (see {@link hintEdit}). The
 * target's own metadata is otherwise kept (its `signet.dev/expires-at` too), unless `sealed`
 * carries a `signet.dev/expires-at` (`--expires-in`/`--expires-at` given): then that is set. The
 * target document is edited in place when it stays YAML, re-encoded in kubeseal's field order
 * otherwise; every other byte is kept. A format change rewrites an input of one object whole
 * and is refused for one of several.
 */
export function mergeIntoBytes(
  target: MergeTarget,
  sealed: SealedSecret,
  format: OutputFormat,
): Uint8Array {
  const hint = hintEdit(target.object, sealed);
  const expiry = sealed.metadata?.annotations?.[EXPIRES_AT_ANNOTATION];
  const edits = [
    ...mergeEdits(sealed),
    ...(hint === "drop" ? [] : [hint]),
    ...(expiry === undefined ? [] : [{ path: EXPIRY_PATH, value: expiry }]),
  ];
  const { document } = target;
  const base = hint === "drop" ? withoutHint(target.object) : target.object;
  const encoded = (): string => encodeObject(orderSealedSecret(applyEdits(base, edits)), format);
  if (format !== document.format) {
    if (target.documents.filter((doc) => doc.value !== null).length > 1) {
      throw new SignetError(
        "ERR_INVALID_INPUT",
        `--merge-into ${target.source}: -o ${format} would turn one of several documents into ${format}; merge without -o to keep the file's format`,
      );
    }
    return new TextEncoder().encode(encoded());
  }
  const replacement =
    format === "yaml"
      ? editYaml(document, edits, hint === "drop", `${target.source}:${document.line}`)
      : encoded().replace(/\n$/, "");
  const middle = new TextEncoder().encode(replacement);
  const out = new Uint8Array(document.start + middle.length + target.bytes.length - document.end);
  out.set(target.bytes.subarray(0, document.start), 0);
  out.set(middle, document.start);
  out.set(target.bytes.subarray(document.end), document.start + middle.length);
  return out;
}

/** {@link mergeIntoBytes} as text (UTF-8, a byte order mark kept). */
export function mergeIntoText(
  target: MergeTarget,
  sealed: SealedSecret,
  format: OutputFormat,
): string {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(
    mergeIntoBytes(target, sealed, format),
  );
}

/**
 * Applies edits to one YAML document through the yaml Document API (every scalar kept as its
 * source text), so comments, key order, quoting and the ciphertext of untouched items stay as
 * they were. A new key goes where Go's YAML order puts it when the map is already in that
 * order (as kubeseal writes it), else at the end; new scalars that YAML 1.1 readers (kubectl,
 * kubeseal) would misread are quoted. Line ends stay CRLF in a CRLF document.
 */
function editYaml(
  document: ManifestDocument,
  edits: readonly MergeEdit[],
  dropHint: boolean,
  where: string,
): string {
  // A copy: the document's parse is cached, and a target may be merged into more than once.
  const doc = yamlForEdit(document, where).clone();
  if (dropHint) dropHintNode(doc);
  for (const { path, value } of edits) setSorted(doc, path, value, where);
  const text = withEscapedBreaks(doc, document.text, (d) =>
    d.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: false }),
  );
  return document.text.includes("\r\n") ? text.replace(/\n/g, "\r\n") : text;
}

/** YAML 1.1 line breaks that YAML 1.2 (the `yaml` package) writes as content. */
const YAML11_BREAKS = /[\u0085\u2028\u2029]/g;
const BREAK_ESCAPES: Record<string, string> = { "\u0085": "\\N", "\u2028": "\\L", "\u2029": "\\P" };

/**
 * `write(doc)` with every string holding NEL, U+2028 or U+2029 written double-quoted with
 * those characters escaped (`\N`, `\L`, `\P`). The `yaml` package writes them raw, and Go
 * (YAML 1.1) reads them as line breaks: "p \u2028" would come back as "p\u2028", "x\u0085y" as
 * "x y". The package has no such escape, so each character is written as a private-use
 * character the plain output does not hold, then replaced by its escape. Scalars `source` held
 * with raw breaks are left as the package writes them back (as they were).
 */
function withEscapedBreaks(doc: Document, source: string, write: (d: Document) => string): string {
  const plain = write(doc);
  if (!/[\u0085\u2028\u2029]/.test(plain)) return plain;
  const stand = standIns(plain);
  if (!stand) return plain;
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== "string" || !/[\u0085\u2028\u2029]/.test(node.value)) return;
      // A scalar written with raw breaks holds the YAML 1.2 reading of them; written back as it
      // was, Go reads it as before. One from escapes or from the edit holds the real string.
      if (node.range && /[\u0085\u2028\u2029]/.test(source.slice(node.range[0], node.range[1])))
        return;
      node.type = Scalar.QUOTE_DOUBLE;
      node.value = node.value.replace(YAML11_BREAKS, (c) => stand.get(c)!);
    },
  });
  const escapes = new Map([...stand].map(([c, s]) => [s, BREAK_ESCAPES[c]!]));
  return write(doc).replace(/[\ue000-\uf8ff]/g, (c) => escapes.get(c) ?? c);
}

/** Three private-use characters absent from `text`, standing in for NEL, U+2028 and U+2029. */
function standIns(text: string): Map<string, string> | undefined {
  const free: string[] = [];
  for (let code = 0xe000; code <= 0xf8ff && free.length < 3; code++) {
    const c = String.fromCharCode(code);
    if (!text.includes(c)) free.push(c);
  }
  if (free.length < 3) return undefined;
  return new Map([
    ["\u0085", free[0]!],
    ["\u2028", free[1]!],
    ["\u2029", free[2]!],
  ]);
}

/** Refuses a path that goes through an alias (editing it would change every user of it). */
function checkNoAlias(doc: Document, path: readonly string[], where: string): void {
  for (let depth = 1; depth <= path.length; depth++) {
    if (isAlias(doc.getIn(path.slice(0, depth), true))) {
      throw new SignetError(
        "ERR_INVALID_INPUT",
        `${where}: ${path.slice(0, depth).join(".")} is an alias; --merge-into does not edit through aliases`,
      );
    }
  }
}

/**
 * Sets `path` to `value`: an existing entry is replaced in place (its comments kept); a missing
 * one is inserted in the deepest existing map, with any missing maps between, where Go's YAML
 * order puts it. A map written as null (`annotations: null`, `~` or nothing) counts as missing
 * and is replaced by the new map, its comment kept above the first entry: adding a second
 * `annotations:` key beside it would be a duplicate key, which Go's decoder refuses.
 */
function setSorted(doc: Document, path: readonly string[], value: string, where: string): void {
  checkNoAlias(doc, path, where);
  if (doc.hasIn(path)) return void doc.setIn(path, withComments(doc.getIn(path, true), value));
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const parent = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (!isMap(parent)) continue;
    let node: unknown = goScalar(value);
    for (const key of path.slice(depth + 1).reverse()) {
      const map = doc.createNode({}) as YAMLMap;
      map.add(doc.createPair(goScalar(key), node));
      node = map;
    }
    const nulled = parent.items.find(
      (item) => keyText(item.key) === path[depth] && isNullScalar(item.value),
    );
    if (nulled === undefined) return insertSorted(doc, parent, path[depth]!, node);
    return void replaceNull(nulled, node);
  }
  doc.setIn(path, goScalar(value));
}

/**
 * A scalar that YAML reads as null: plain `null`, `Null`, `NULL`, `~` or nothing. The document
 * is parsed with the failsafe schema (scalars kept as their source text), so the text decides.
 */
function isNullScalar(node: unknown): node is Scalar {
  if (!isScalar(node)) return false;
  if (node.value === null || node.value === undefined) return true;
  const text = node.value;
  return (
    node.type === Scalar.PLAIN && typeof text === "string" && /^(?:|~|null|Null|NULL)$/.test(text)
  );
}

/** Puts `node` (a map, or a scalar at the end of the path) where the null scalar was. */
function replaceNull(pair: Pair, node: unknown): void {
  const old = pair.value as Scalar;
  const comment = [old.commentBefore, old.comment].filter(Boolean).join("\n");
  if (comment !== "") {
    const first = isMap(node) ? node.items[0]?.key : node;
    if (isScalar(first)) first.commentBefore = comment;
  }
  pair.value = node;
}

/** The new scalar for `value`, keeping the comments of the node it replaces. */
function withComments(old: unknown, value: string): Scalar {
  const scalar = goScalar(value);
  if (isScalar(old) || isMap(old)) {
    scalar.comment = old.comment;
    scalar.commentBefore = old.commentBefore;
    scalar.spaceBefore = old.spaceBefore;
  }
  return scalar;
}

const HINT_PATH = ["metadata", "annotations", SEALED_WITH_ANNOTATION];
const EXPIRY_PATH = ["metadata", "annotations", EXPIRES_AT_ANNOTATION];

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

/** A scalar quoted when Go's YAML encoder would quote it, so Go tools read the same string. */
function goScalar(value: string): Scalar {
  const scalar = new Scalar(value);
  scalar.type = goYamlNeedsQuotes(value) ? Scalar.QUOTE_DOUBLE : Scalar.PLAIN;
  return scalar;
}

function keyText(node: unknown): string {
  return isScalar(node) ? String(node.value) : String(node);
}

function insertSorted(doc: Document, map: YAMLMap, key: string, value: unknown): void {
  const pair = doc.createPair(goScalar(key), typeof value === "string" ? goScalar(value) : value);
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
