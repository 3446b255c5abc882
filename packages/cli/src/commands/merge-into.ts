import { isAlias, isMap, isScalar, Scalar } from "yaml";
import type { Document, YAMLMap } from "yaml";

import {
  applyEdits,
  compareGoYamlKeys,
  encodeObject,
  goYamlNeedsQuotes,
  keyHint,
  mergeEdits,
  orderSealedSecret,
  readManifest,
  scopeFromAnnotations,
  SEALED_WITH_ANNOTATION,
  SignetError,
  withScopeAnnotations,
} from "@signet/core";
import type {
  ManifestDocument,
  MergeEdit,
  OutputFormat,
  SealedSecret,
  SealingScope,
  Secret,
} from "@signet/core";

import { describeFsError } from "../cert-source.js";
import type { Io } from "../io.js";
import { resolvedFormat } from "../options.js";
import { sealSecrets } from "./seal.js";
import type { SealContext } from "./seal.js";

/** The file being merged into, and the document of it that receives the new values. */
interface Target {
  bytes: Buffer;
  documents: ManifestDocument[];
  document: ManifestDocument;
  object: SealedSecret;
}

async function readFile(path: string, io: Io): Promise<Buffer> {
  try {
    return await io.readFile(path);
  } catch (cause) {
    throw new SignetError("ERR_IO", `open ${path}: ${describeFsError(cause)}`, { cause });
  }
}

function nameOf(doc: ManifestDocument): { name?: unknown; namespace?: unknown } {
  const value = doc.value as { metadata?: { name?: unknown; namespace?: unknown } } | null;
  return value?.metadata ?? {};
}

/**
 * The document to merge into: the file's only object, or (in a file of several) the one whose
 * name, and namespace when the input sets one, are the input Secret's. Empty and comment-only
 * documents do not count.
 */
function targetDocument(
  documents: ManifestDocument[],
  secret: Secret,
  path: string,
): ManifestDocument {
  const objects = documents.filter((doc) => doc.value !== null);
  if (objects.length === 1) return objects[0]!;
  if (objects.length === 0) {
    throw new SignetError("ERR_INVALID_INPUT", `${path}: no SealedSecret to merge into`);
  }
  const { name, namespace } = secret.metadata ?? {};
  const matches = objects.filter((doc) => {
    const meta = nameOf(doc);
    return name !== undefined && meta.name === name && (!namespace || meta.namespace === namespace);
  });
  if (matches.length === 1) return matches[0]!;
  const wanted = `${namespace ? `${namespace}/` : ""}${name ?? ""}`;
  throw new SignetError(
    "ERR_INVALID_INPUT",
    `${path} holds ${objects.length} objects: --merge-into merges into the one named as the input Secret ("${wanted}"), and ${matches.length === 0 ? "none is" : "several are"}`,
  );
}

/** kubeseal decodes the file's SealedSecret with the API machinery's universal decoder. */
async function readTarget(path: string, secret: Secret, io: Io): Promise<Target> {
  const bytes = await readFile(path, io);
  const documents = readManifest(bytes, path);
  const document = targetDocument(documents, secret, path);
  return { bytes, documents, document, object: document.sealedSecret() };
}

/**
 * The scope the input asks for: `--scope` when not the default, else the input's scope
 * annotations; undefined when neither says (the file's scope is then used).
 */
function requestedScope(secret: Secret, scope: SealingScope): SealingScope | undefined {
  if (scope !== "strict") return scope;
  const annotations = secret.metadata?.annotations;
  const annotated = scopeFromAnnotations(annotations);
  if (annotated !== "strict") return annotated;
  return undefined;
}

/**
 * The new values must be sealed in the file's scope, or they can never be opened together
 * with the file's (kubeseal writes them in the requested scope anyway). A request for another
 * scope is refused before anything is written.
 */
function checkScope(secret: Secret, ctx: MergeContext, fileScope: SealingScope): void {
  const requested = requestedScope(secret, ctx.options.scope);
  if (requested === undefined || requested === fileScope) return;
  throw new SignetError(
    "ERR_INVALID_SCOPE",
    `--merge-into ${ctx.path}: the file's SealedSecret is sealed ${fileScope}, but the input asks for ${requested}; values of different scopes cannot be opened together (file left unchanged)`,
  );
}

type MergeContext = SealContext & { path: string };

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
 * Sets `path` to `value`: an existing entry is replaced in place; a missing one is inserted in
 * the deepest existing map, with any missing maps between, where Go's YAML order puts it.
 */
function setSorted(doc: Document, path: readonly string[], value: string, where: string): void {
  checkNoAlias(doc, path, where);
  if (doc.hasIn(path)) return void doc.setIn(path, goScalar(value));
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const parent = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (!isMap(parent)) continue;
    let node: unknown = goScalar(value);
    for (const key of path.slice(depth + 1).reverse()) {
      const map = doc.createNode({}) as YAMLMap;
      map.add(doc.createPair(goScalar(key), node));
      node = map;
    }
    return insertSorted(doc, parent, path[depth]!, node);
  }
  doc.setIn(path, goScalar(value));
}

const HINT_PATH = ["metadata", "annotations", SEALED_WITH_ANNOTATION];

function dropHintNode(doc: Document): void {
  if (!doc.hasIn(HINT_PATH)) return;
  doc.deleteIn(HINT_PATH);
  const annotations = doc.getIn(HINT_PATH.slice(0, -1), true);
  if (isMap(annotations) && annotations.items.length === 0) doc.deleteIn(HINT_PATH.slice(0, -1));
}

/**
 * Applies edits to one YAML document through the yaml Document API (every scalar kept as its
 * source text), so comments, key order, quoting and the ciphertext of untouched items stay as
 * they were. A new key goes where Go's YAML order puts it when the map is already in that
 * order (as kubeseal writes it), else at the end; new scalars that YAML 1.1 readers (kubectl,
 * kubeseal) would misread are quoted. Line ends stay CRLF in a CRLF document.
 */
function editYaml(
  target: Target,
  edits: readonly MergeEdit[],
  dropHint: boolean,
  where: string,
): string {
  const doc = target.document.yaml();
  if (dropHint) dropHintNode(doc);
  for (const { path, value } of edits) setSorted(doc, path, value, where);
  const text = doc.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: false });
  return target.document.text.includes("\r\n") ? text.replace(/\n/g, "\r\n") : text;
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
    (existing.spec.data === undefined || existing.spec.data === null) &&
    Object.keys(existing.spec.encryptedData).every((k) => replaced.has(k));
  return keyHint(existing) === fingerprint || allReplaced
    ? { path: HINT_PATH, value: fingerprint }
    : "drop";
}

function withoutHint(ss: SealedSecret): SealedSecret {
  const copy = structuredClone(ss);
  const annotations = copy.metadata.annotations;
  if (!annotations) return copy;
  delete annotations[SEALED_WITH_ANNOTATION];
  if (Object.keys(annotations).length === 0) delete copy.metadata.annotations;
  return copy;
}

/**
 * The new content of the file: the target document replaced (edited in place when it stays
 * YAML, re-encoded otherwise), every other byte kept. A format change (`-o`) rewrites a file of
 * one object whole and is refused for a file of several.
 */
function mergedFile(
  target: Target,
  edits: readonly MergeEdit[],
  hint: MergeEdit | "drop",
  ctx: MergeContext,
): string | Buffer {
  const { document } = target;
  const format: OutputFormat = ctx.options.formatExplicit
    ? resolvedFormat(ctx.options)
    : document.format;
  const base = hint === "drop" ? withoutHint(target.object) : target.object;
  const encoded = (): string => encodeObject(orderSealedSecret(applyEdits(base, edits)), format);
  if (format !== document.format) {
    if (target.documents.filter((doc) => doc.value !== null).length > 1) {
      throw new SignetError(
        "ERR_INVALID_INPUT",
        `--merge-into ${ctx.path}: -o ${format} would turn one of several documents into ${format}; merge without -o to keep the file's format`,
      );
    }
    return encoded();
  }
  const replacement =
    format === "yaml"
      ? editYaml(target, edits, hint === "drop", `${ctx.path}:${document.line}`)
      : encoded().replace(/\n$/, "");
  return Buffer.concat([
    target.bytes.subarray(0, document.start),
    Buffer.from(replacement, "utf8"),
    target.bytes.subarray(document.end),
  ]);
}

/** The input Secret as kubeseal seals it for a merge: the file's name, namespace and scope. */
function mergeInput(secret: Secret, existing: SealedSecret, scope: SealingScope): Secret {
  const metadata = { ...secret.metadata };
  // kubeseal passes the file's name and namespace as overrides, which only apply when set.
  if (existing.metadata.name) metadata.name = existing.metadata.name;
  if (existing.metadata.namespace) metadata.namespace = existing.metadata.namespace;
  metadata.annotations = withScopeAnnotations(metadata.annotations, scope);
  if (Object.keys(metadata.annotations).length === 0) delete metadata.annotations;
  return { ...secret, metadata };
}

/**
 * `--merge-into FILE` (kubeseal's `SealMergingInto`, pkg/kubeseal/kubeseal.go): seal the input with
 * the existing object's name and namespace, then set its items, template labels/annotations and
 * template data in the file (new wins). Beyond kubeseal: the values are sealed in the file's
 * scope (another requested scope is refused), a file of several documents is merged into the
 * document named as the input Secret and keeps the others (and any trailing `---` or
 * comment-only document) byte for byte, the file keeps its own format unless `-o` is given, YAML
 * keeps its comments and layout, the write is atomic and goes through a symbolic link, and the
 * `signet.dev/sealed-with` hint is updated (see {@link hintEdit}). Nothing goes to stdout.
 */
export async function runMergeInto(secret: Secret, ctx: MergeContext): Promise<void> {
  const target = await readTarget(ctx.path, secret, ctx.io);
  const fileScope = scopeFromAnnotations(target.object.metadata.annotations);
  checkScope(secret, ctx, fileScope);
  const input = mergeInput(secret, target.object, fileScope);
  const [sealed] = sealSecrets([input], {
    ...ctx,
    options: { ...ctx.options, name: "", scope: fileScope },
  });
  const hint = hintEdit(target.object, sealed!);
  const edits = [...mergeEdits(sealed!), ...(hint === "drop" ? [] : [hint])];
  await ctx.io.writeFileAtomic(ctx.path, mergedFile(target, edits, hint, ctx));
}
