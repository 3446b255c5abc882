import { isMap, isScalar, visit } from "yaml";
import type { Document } from "yaml";

import {
  appendAll,
  API_GROUP,
  findDuplicateKey,
  ManifestReadError,
  readManifest as readDocuments,
  SEALED_SECRET_KIND,
  SignetError,
} from "@signet/core";
import type { ManifestDocument, SealedSecret } from "@signet/core";

import { readFileOrFail } from "../files.js";
import type { Io } from "../io.js";
import type { JsonNode } from "./json-source.js";
import {
  DuplicateKeyError,
  jsonNodeAt,
  JsonSyntaxError,
  memberOf,
  parseJsonStream,
  parseJsonValue,
} from "./json-source.js";
import type { LineIndex } from "./lines.js";
import { lineIndex } from "./lines.js";
import type { Ranges } from "./templated.js";
import { actionInBrokenFile, actionOutsideStrings, holdsAction } from "./templated.js";
import { printable } from "./lint/printable.js";

/**
 * Where an object sits in its file: the YAML document (or top-level JSON value) it is in, the
 * path to it inside that value (`[]`, or `["items", 3]` for a List item), and the line it
 * starts on.
 */
export interface ObjectLocation {
  document: number;
  path: (string | number)[];
  line: number;
}

/** One SealedSecret found in a file, or the reason it cannot be used. */
export interface FoundSealedSecret {
  /** `namespace/name` (or `name`, or `#N`), for messages. */
  label: string;
  location: ObjectLocation;
  object?: SealedSecret;
  problem?: string;
  /** Its name, namespace, annotations or ciphertexts hold Go template actions: not rendered yet. */
  templated?: boolean;
}

/**
 * One document of a file, as the editors need it: how it is edited (a JSON value in place
 * through its token positions, else YAML through a comment-keeping `yaml` Document) and where
 * it starts in the file's text.
 */
export interface EditableDocument {
  format: "yaml" | "json";
  /** Offset (in the file's text) where the document's text starts. */
  offset: number;
  /** YAML: the document read with the failsafe schema; its ranges count from `offset`. */
  yaml?: Document.Parsed;
  /** JSON: the value with its positions in the file's text. */
  json?: JsonNode;
}

/** A parsed manifest file: its text, its documents and its SealedSecrets. */
export interface ManifestFile {
  path: string;
  text: string;
  /** How the first document is edited ("json" for a JSON file). */
  format: "yaml" | "json";
  /** Each document's value as Go reads it (null when empty), from @signet/core's decoder. */
  values: unknown[];
  /** Each document's source, for edits (same indexes as `values`). */
  documents: EditableDocument[];
  sealedSecrets: FoundSealedSecret[];
  /** Set when the file is a Go template (Helm...): its SealedSecrets were not read. */
  templated?: { line: number };
}

/** A file that cannot be read as manifests; the message starts with `path:line:`. */
export class ManifestError extends SignetError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_INVALID_INPUT", message, options);
  }
}

/** Whitespace Go's `unicode.IsSpace` skips, and a byte-order mark, before a JSON value. */
const JSON_LEAD =
  /^\uFEFF?[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*\{/;

/**
 * Reads every SealedSecret of a file. The meaning of the text is @signet/core's manifest
 * decoder's (`readManifest`), the one reader of manifests: documents split and read as
 * kubeseal's YAMLOrJSONDecoder does (a stream starting with `{` is JSON values, YAML 1.1 as
 * go-yaml v2 reads it otherwise, then sigs.k8s.io/yaml's JSON), the items of a `List` included,
 * other kinds ignored. On top of it, for editing: a key written twice in one map (Go would
 * silently keep the last one, and an edit of the other would reseal forever) refuses the file
 * naming the line, and each document keeps its source positions. A file that cannot be read
 * throws a ManifestError naming the file and line. A Go template (Helm chart file) is returned
 * with `templated` set and nothing read. A malformed SealedSecret is returned with its
 * `problem`, so it fails alone.
 */
export function parseManifest(path: string, input: string | Uint8Array): ManifestFile {
  const text = typeof input === "string" ? input : Buffer.from(input).toString("utf8");
  const lines = lineIndex(text);
  const base = { path, text, documents: [], sealedSecrets: [], values: [] };
  const decoded = decode(path, input, text, lines);
  if ("templatedAt" in decoded) {
    return {
      ...base,
      format: decoded.format,
      templated: { line: lines.line(decoded.templatedAt) },
    };
  }
  const found: FoundSealedSecret[] = [];
  decoded.values.forEach((value, document) => {
    for (const [object, sub] of candidates(value, [])) {
      const location = {
        document,
        path: sub,
        line: lines.line(offsetOf(decoded.documents, document, sub)),
      };
      found.push(describe(object, location, found.length));
    }
  });
  const { values, documents } = decoded;
  const format = documents.find((d) => d.yaml || d.json)?.format ?? "yaml";
  return { ...base, format, values, documents, sealedSecrets: found };
}

/**
 * Reads and parses a manifest file; undefined when its text does not contain `mustContain` (a
 * cheap way to pass over files that cannot hold what the caller looks for).
 */
export async function readManifest(
  path: string,
  io: Io,
  mustContain = "",
): Promise<ManifestFile | undefined> {
  const bytes = await readFileOrFail(io, path);
  return bytes.includes(mustContain) ? parseManifest(path, bytes) : undefined;
}

interface Decoded {
  values: unknown[];
  documents: EditableDocument[];
}

type DecodeResult = Decoded | { format: "yaml" | "json"; templatedAt: number };

function at(path: string, lines: LineIndex, offset: number): string {
  return `${path}:${lines.line(offset)}:${lines.column(offset)}`;
}

/**
 * The line of the file where the field at `sub` of a document is written (its key, so a map
 * value written on the next lines is named where its key stands; the value's own line for a
 * list item or the document itself), or undefined when it is not written. `lines` is the
 * file's {@link lineIndex}, built once per file by the caller.
 */
export function lineAt(
  file: Pick<ManifestFile, "documents">,
  lines: LineIndex,
  document: number,
  sub: readonly (string | number)[],
): number | undefined {
  const last = sub[sub.length - 1];
  const offset =
    typeof last === "string"
      ? keyOffset(file.documents[document], sub.slice(0, -1), last)
      : nodeOffset(file.documents, document, sub);
  return offset === undefined ? undefined : lines.line(offset);
}

/** Offset of the key `key` in the map at `parent` of a document. */
function keyOffset(
  doc: EditableDocument | undefined,
  parent: readonly (string | number)[],
  key: string,
): number | undefined {
  if (doc?.json) return memberOf(jsonNodeAt(doc.json, parent), key)?.keyStart;
  if (!doc?.yaml) return undefined;
  const map = parent.length === 0 ? doc.yaml.contents : doc.yaml.getIn(parent, true);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  const start = (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
  return start === undefined ? undefined : doc.offset + start;
}

/** Offset in the file's text where the value at `sub` of a document starts. */
function offsetOf(
  documents: readonly EditableDocument[],
  document: number,
  sub: readonly (string | number)[],
): number {
  return nodeOffset(documents, document, sub) ?? documents[document]!.offset;
}

function nodeOffset(
  documents: readonly EditableDocument[],
  document: number,
  sub: readonly (string | number)[],
): number | undefined {
  const doc = documents[document];
  if (doc?.json) return jsonNodeAt(doc.json, sub)?.start;
  if (!doc?.yaml) return undefined;
  const node = sub.length === 0 ? doc.yaml.contents : doc.yaml.getIn(sub, true);
  const start = (node as { range?: [number, number, number] } | null | undefined)?.range?.[0];
  return start === undefined ? undefined : doc.offset + start;
}

function decode(
  path: string,
  input: string | Uint8Array,
  text: string,
  lines: LineIndex,
): DecodeResult {
  const looksJson = JSON_LEAD.test(text);
  let docs: ManifestDocument[];
  try {
    docs = readDocuments(input, path);
  } catch (err) {
    if (!(err instanceof SignetError)) throw err;
    const action = looksJson ? text.indexOf("{{") : (actionInBrokenFile(text) ?? -1);
    if (action !== -1) return { format: looksJson ? "json" : "yaml", templatedAt: action };
    throw readError(path, text, lines, err);
  }
  const documents = editableDocuments(path, text, lines, docs);
  const action = actionOutsideStrings(text, stringRanges(documents));
  if (action !== undefined) return { format: looksJson ? "json" : "yaml", templatedAt: action };
  return { values: docs.map((d) => d.value), documents };
}

/**
 * A reading error of the core decoder, named by file and line: the line go-yaml names (counted
 * from the document's start) made a line of the file, a JSON syntax error's line and column.
 */
function readError(path: string, text: string, lines: LineIndex, err: SignetError): ManifestError {
  if (!(err instanceof ManifestReadError)) {
    return new ManifestError(`${path}: ${err.message}`, { cause: err });
  }
  let detail = err.detail.startsWith(`${path}: `) ? err.detail.slice(path.length + 2) : err.detail;
  let where = `${path}:${err.line ?? 1}`;
  const goLine = /^(.*?yaml: )line (\d+): /.exec(detail);
  if (goLine) {
    where = `${path}:${(err.line ?? 1) + Number(goLine[2]) - 1}`;
    detail = goLine[1]! + detail.slice(goLine[0].length);
  } else if (JSON_LEAD.test(text) && !detail.includes("yaml: ")) {
    where = jsonErrorAt(path, text, lines) ?? where;
  }
  return new ManifestError(`${where}: document ${err.document + 1}: ${detail}`, { cause: err });
}

/** `path:line:column` of the first JSON syntax error of a JSON stream, if it has one. */
function jsonErrorAt(path: string, text: string, lines: LineIndex): string | undefined {
  try {
    parseJsonStream(text, text.startsWith("\uFEFF") ? 1 : 0);
  } catch (err) {
    if (err instanceof JsonSyntaxError) return at(path, lines, err.offset);
    throw err;
  }
  return undefined;
}

/** Offsets of each document in the text (the decoder gives byte offsets). */
function charOffsets(text: string, docs: readonly ManifestDocument[]): number[] {
  const bytes = Buffer.from(text, "utf8");
  let chars = 0;
  let counted = 0;
  return docs.map((doc) => {
    chars += bytes.toString("utf8", counted, doc.start).length;
    counted = doc.start;
    return chars;
  });
}

/** A JSON document (or a YAML one that is exactly one JSON object) is edited as JSON. */
function jsonEditable(doc: ManifestDocument): boolean {
  if (doc.format === "json") return true;
  return JSON_LEAD.test(doc.text) && isOneJsonValue(doc.text);
}

function isOneJsonValue(text: string): boolean {
  try {
    const node = parseJsonValue(text, text.startsWith("\uFEFF") ? 1 : 0);
    return text.slice(node.end).trim() === "";
  } catch {
    return false;
  }
}

function editableDocuments(
  path: string,
  text: string,
  lines: LineIndex,
  docs: readonly ManifestDocument[],
): EditableDocument[] {
  const offsets = charOffsets(text, docs);
  return docs.map((doc, i) => {
    const offset = offsets[i]!;
    if (doc.value === null) return { format: doc.format, offset };
    if (jsonEditable(doc))
      return { format: "json", offset, json: jsonDocument(path, text, lines, offset) };
    const yaml = doc.yaml();
    const duplicate = findDuplicateKey(yaml);
    if (duplicate) {
      const first = lines.line(offset + duplicate.first);
      throw duplicateKey(at(path, lines, offset + duplicate.offset), duplicate.key, first);
    }
    return { format: "yaml", offset, yaml };
  });
}

function jsonDocument(path: string, text: string, lines: LineIndex, offset: number): JsonNode {
  try {
    return parseJsonValue(text, text.startsWith("\uFEFF", offset) ? offset + 1 : offset);
  } catch (cause) {
    if (cause instanceof DuplicateKeyError) {
      throw duplicateKey(at(path, lines, cause.offset), cause.key, lines.line(cause.first));
    }
    if (cause instanceof JsonSyntaxError) {
      throw new ManifestError(`${at(path, lines, cause.offset)}: ${cause.message}`, { cause });
    }
    throw cause;
  }
}

/** `where` is `path:line:column` of the second occurrence. */
function duplicateKey(where: string, key: string, firstLine?: number): ManifestError {
  const first = firstLine === undefined ? "" : ` (first at line ${firstLine})`;
  return new ManifestError(
    `${where}: duplicate key ${JSON.stringify(key)}${first}: ` +
      "Go's decoders would silently keep one of them, so the file is refused; remove one",
  );
}

/** Ranges (in the file's text) of every string of the documents (keys included). */
function stringRanges(documents: readonly EditableDocument[]): Ranges {
  const ranges: [number, number][] = [];
  for (const doc of documents) {
    if (doc.json) jsonStrings(doc.json, ranges);
    if (!doc.yaml) continue;
    visit(doc.yaml, {
      Scalar(_, node) {
        if (node.range) ranges.push([doc.offset + node.range[0], doc.offset + node.range[1]]);
      },
    });
  }
  return ranges;
}

function jsonStrings(root: JsonNode, ranges: [number, number][]): void {
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "scalar") {
      if (typeof node.value === "string") ranges.push([node.start, node.end]);
    } else if (node.type === "array") appendAll(stack, node.items);
    else
      for (const m of node.members) {
        ranges.push([m.keyStart, m.keyEnd]);
        stack.push(m.value);
      }
  }
}

// ---------------------------------------------------------------------------------------------
// SealedSecrets

/** SealedSecret-looking objects of a value: itself, or the items of a List. */
function candidates(value: unknown, path: (string | number)[]): [unknown, (string | number)[]][] {
  return objectsOf(value, path).filter(([object]) => object.kind === SEALED_SECRET_KIND);
}

/**
 * The objects a document holds, with their path in it: the value itself, or (for any kind
 * ending in `List`, or no kind with `items`) each item, Lists of Lists flattened, as kubeseal
 * and kubectl read them. Non-objects are left out. With `anyItems` (lint), an object of any
 * other kind (a SealedSecret included) that has an `items` array is returned with its items
 * too: kubectl's unstructured decoder reads any object with an `items` array as a list,
 * whatever its kind, so a Secret hidden there would be applied.
 */
export function objectsOf(
  value: unknown,
  path: (string | number)[] = [],
  options: { anyItems?: boolean } = {},
): [Record<string, unknown>, (string | number)[]][] {
  if (!isObject(value)) return [];
  const items = (): [Record<string, unknown>, (string | number)[]][] =>
    (value.items as unknown[]).flatMap((item, i) =>
      objectsOf(item, [...path, "items", i], options),
    );
  const hasItems = Array.isArray(value.items);
  if (value.kind === SEALED_SECRET_KIND) {
    return options.anyItems && hasItems ? [[value, path], ...items()] : [[value, path]];
  }
  const kind = typeof value.kind === "string" ? value.kind : "List";
  if (hasItems && kind.endsWith("List")) return items();
  return options.anyItems && hasItems ? [[value, path], ...items()] : [[value, path]];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function describe(value: unknown, location: ObjectLocation, index: number): FoundSealedSecret {
  const object = value as Record<string, unknown>;
  const meta = isObject(object.metadata) ? object.metadata : {};
  const name = typeof meta.name === "string" ? meta.name : "";
  const ns = typeof meta.namespace === "string" ? meta.namespace : "";
  // Names come from the repository: printed escaped, so one cannot forge output lines.
  const label =
    name === "" ? `#${index + 1}` : ns === "" ? printable(name) : printable(`${ns}/${name}`);
  const problem = shapeProblem(object);
  if (problem) return { label, location, problem };
  const ss = object as unknown as SealedSecret;
  return isTemplated(ss) ? { label, location, templated: true } : { label, location, object: ss };
}

function isTemplated(ss: SealedSecret): boolean {
  const { name, namespace, annotations } = ss.metadata;
  const data = ss.spec.encryptedData ?? {};
  return holdsAction([
    name,
    namespace,
    ...Object.values(annotations ?? {}),
    ...Object.keys(data),
    ...Object.values(data),
  ]);
}

/** Why an object with kind SealedSecret cannot be handled, or undefined. */
function shapeProblem(object: Record<string, unknown>): string | undefined {
  const apiVersion = typeof object.apiVersion === "string" ? object.apiVersion : "";
  if (!apiVersion.startsWith(`${API_GROUP}/`)) return `unexpected apiVersion "${apiVersion}"`;
  if (!isObject(object.metadata)) return "SealedSecret needs metadata";
  if (!isObject(object.spec)) return "SealedSecret needs a spec";
  return metadataProblem(object.metadata) ?? encryptedDataProblem(object.spec);
}

function encryptedDataProblem(spec: Record<string, unknown>): string | undefined {
  const problem = stringMapProblem(spec, "spec", "encryptedData");
  if (problem !== undefined || !isObject(spec.encryptedData)) return problem;
  const empty = Object.entries(spec.encryptedData).find(([, v]) => v === null);
  return empty ? `spec.encryptedData.${empty[0]} has no value` : undefined;
}

function metadataProblem(meta: Record<string, unknown>): string | undefined {
  for (const field of ["name", "namespace"]) {
    const value = meta[field];
    if (value !== undefined && value !== null && typeof value !== "string") {
      return `metadata.${field} must be a string`;
    }
  }
  return (
    stringMapProblem(meta, "metadata", "annotations") ??
    stringMapProblem(meta, "metadata", "labels")
  );
}

/** Go decodes these fields as map[string]string: anything else fails the whole object there. */
function stringMapProblem(
  parent: Record<string, unknown>,
  where: string,
  field: string,
): string | undefined {
  const map = parent[field];
  if (map === undefined || map === null) return undefined;
  if (!isObject(map)) return `${where}.${field} must be a map`;
  const bad = Object.entries(map).find(([, v]) => typeof v !== "string" && v !== null);
  return bad ? `${where}.${field}.${bad[0]} must be a string (quote it)` : undefined;
}
