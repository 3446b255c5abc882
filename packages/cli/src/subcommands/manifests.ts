import { isScalar, parseAllDocuments, visit } from "yaml";
import type { Document } from "yaml";

import { API_GROUP, SEALED_SECRET_KIND, SignetError } from "@signet/core";
import type { SealedSecret } from "@signet/core";

import { describeFsError } from "../cert-source.js";
import type { Io } from "../io.js";
import type { JsonNode } from "./json-source.js";
import {
  DuplicateKeyError,
  jsonNodeAt,
  JsonSyntaxError,
  jsonValue,
  parseJsonStream,
} from "./json-source.js";
import type { LineIndex } from "./lines.js";
import { lineIndex } from "./lines.js";
import type { Ranges } from "./templated.js";
import { actionInBrokenFile, actionOutsideStrings, holdsAction } from "./templated.js";

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

/** A parsed manifest file: its text, its documents and its SealedSecrets. */
export interface ManifestFile {
  path: string;
  text: string;
  format: "yaml" | "json";
  /** Each YAML document's (or top-level JSON value's) value, as Go reads it; null when empty. */
  values: unknown[];
  /** The YAML documents, for edits that keep comments (empty for JSON). */
  yaml: Document.Parsed[];
  /** The top-level JSON values with their source positions (empty for YAML). */
  json: JsonNode[];
  sealedSecrets: FoundSealedSecret[];
  /** Set when the file is a Go template (Helm...): its SealedSecrets were not read. */
  templated?: { line: number };
}

/** A file that cannot be read as manifests; the message starts with `path:line:column:`. */
export class ManifestError extends SignetError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_INVALID_INPUT", message, options);
  }
}

/**
 * apimachinery's `hasJSONPrefix`: `{` after characters Go's `unicode.IsSpace` skips. A leading
 * byte-order mark is skipped too (Go would read such a file as YAML, with the same values).
 */
const JSON_PREFIX =
  /^\uFEFF?[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*\{/;

/** Budget of YAML alias expansions per document (the `yaml` package's default, billion laughs). */
const MAX_ALIAS_COUNT = 100;

/**
 * Reads every SealedSecret of a file — the one place where manifest text is parsed. Like
 * kubeseal's YAMLOrJSONDecoder, a file whose first non-space character is `{` is a stream of
 * JSON values and anything else is multi-document YAML (YAML 1.1, as go-yaml v2 reads it); the
 * items of a `List` are included, other kinds ignored. A file that does not parse, or that
 * repeats a key in one map (Go would silently keep the last one), throws a ManifestError naming
 * the line. A Go template (Helm chart file) is returned with `templated` set and nothing read.
 * A malformed SealedSecret is returned with its `problem`, so it fails alone.
 */
export function parseManifest(path: string, text: string): ManifestFile {
  const lines = lineIndex(text);
  const base = { path, text, yaml: [], json: [], sealedSecrets: [], values: [] };
  const decoded = JSON_PREFIX.test(text)
    ? decodeJson(path, text, lines)
    : decodeYaml(path, text, lines);
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
      const location = { document, path: sub, line: lines.line(decoded.offsetOf(document, sub)) };
      found.push(describe(object, location, found.length));
    }
  });
  const { format, values, yaml, json } = decoded;
  return { ...base, format, values, yaml, json, sealedSecrets: found };
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
  let text: string;
  try {
    text = (await io.readFile(path)).toString("utf8");
  } catch (cause) {
    throw new SignetError("ERR_IO", `open ${path}: ${describeFsError(cause)}`, { cause });
  }
  return text.includes(mustContain) ? parseManifest(path, text) : undefined;
}

interface Decoded {
  format: "yaml" | "json";
  values: unknown[];
  yaml: Document.Parsed[];
  json: JsonNode[];
  /** Offset where the value at `path` of a document starts. */
  offsetOf(document: number, path: readonly (string | number)[]): number;
}

type DecodeResult = Decoded | { format: "yaml" | "json"; templatedAt: number };

function at(path: string, lines: LineIndex, offset: number): string {
  return `${path}:${lines.line(offset)}:${lines.column(offset)}`;
}

// ---------------------------------------------------------------------------------------------
// JSON

function decodeJson(path: string, text: string, lines: LineIndex): DecodeResult {
  let json: JsonNode[];
  try {
    json = parseJsonStream(text, text.startsWith("\uFEFF") ? 1 : 0);
  } catch (cause) {
    if (!(cause instanceof JsonSyntaxError)) throw cause;
    if (!(cause instanceof DuplicateKeyError)) {
      const action = text.indexOf("{{");
      if (action !== -1) return { format: "json", templatedAt: action };
      throw new ManifestError(`${at(path, lines, cause.offset)}: ${cause.message}`, { cause });
    }
    throw duplicateKey(`${at(path, lines, cause.offset)}`, cause.key, lines.line(cause.first));
  }
  return {
    format: "json",
    values: json.map(jsonValue),
    yaml: [],
    json,
    offsetOf: (document, sub) => jsonNodeAt(json[document], sub)?.start ?? 0,
  };
}

/** `where` is `path:line:column` of the second occurrence. */
function duplicateKey(where: string, key: string, firstLine?: number): ManifestError {
  const first = firstLine === undefined ? "" : ` (first at line ${firstLine})`;
  return new ManifestError(
    `${where}: duplicate key ${JSON.stringify(key)}${first}: ` +
      "Go's decoders would silently keep one of them, so the file is refused; remove one",
  );
}

// ---------------------------------------------------------------------------------------------
// YAML

function decodeYaml(path: string, text: string, lines: LineIndex): DecodeResult {
  const parsed = parseAllDocuments(text, { version: "1.1", uniqueKeys: true });
  const yaml = Array.isArray(parsed) ? parsed : [];
  const error = yaml.flatMap((doc) => doc.errors)[0];
  if (error) {
    const action = actionInBrokenFile(text);
    if (action !== undefined && error.code !== "DUPLICATE_KEY") {
      return { format: "yaml", templatedAt: action };
    }
    throw yamlError(path, text, lines, error);
  }
  const action = actionOutsideStrings(text, stringRanges(yaml));
  if (action !== undefined) return { format: "yaml", templatedAt: action };
  const values = yaml.map((doc, i) => documentValue(doc, `${path}: document ${i + 1}`));
  return {
    format: "yaml",
    values,
    yaml,
    json: [],
    offsetOf: (document, sub) => {
      const doc = yaml[document]!;
      const node = sub.length === 0 ? doc.contents : doc.getIn(sub, true);
      return (node as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
    },
  };
}

function yamlError(
  path: string,
  text: string,
  lines: LineIndex,
  error: { code: string; message: string; pos: [number, number] },
): ManifestError {
  const offset = error.pos[0];
  const message = (error.message.split("\n", 1)[0] ?? "").replace(
    / at line \d+, column \d+:?$/,
    "",
  );
  if (error.code === "DUPLICATE_KEY") {
    return duplicateKey(at(path, lines, offset), duplicateKeyName(text, offset));
  }
  return new ManifestError(`${at(path, lines, offset)}: ${message}`);
}

/** The key text at a duplicate-key error position (its line up to the colon). */
function duplicateKeyName(text: string, offset: number): string {
  const line = text.slice(
    offset,
    text.indexOf("\n", offset) === -1 ? undefined : text.indexOf("\n", offset),
  );
  return (/^\s*(?:- )?("[^"]*"|'[^']*'|[^:]*?)\s*:/.exec(line)?.[1] ?? line.trim()).replace(
    /^["']|["']$/g,
    "",
  );
}

/** Ranges of every string scalar of the documents (keys included). */
function stringRanges(docs: readonly Document.Parsed[]): Ranges {
  const ranges: [number, number][] = [];
  for (const doc of docs) {
    visit(doc, {
      Scalar(_, node) {
        if (typeof node.value === "string" && node.range)
          ranges.push([node.range[0], node.range[1]]);
      },
    });
  }
  return ranges;
}

/**
 * A document's value as sigs.k8s.io/yaml reads it: maps become objects whose keys are strings
 * (numbers and booleans are formatted; other keys are refused, as Go refuses them), timestamps
 * become strings, binary becomes base64. Built from the `yaml` package's Map output so that no
 * key is stringified behind our back (and no runtime warning is printed).
 */
function documentValue(doc: Document.Parsed, where: string): unknown {
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return null;
  let value: unknown;
  try {
    value = doc.toJS({ mapAsMap: true, maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    throw new ManifestError(`${where}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
  return goValue(value, where);
}

function goValue(value: unknown, where: string): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value as Map<unknown, unknown>) {
      const key = goKey(k, where);
      if (Object.hasOwn(out, key)) {
        throw new ManifestError(
          `${where}: duplicate key ${JSON.stringify(key)} (two keys that Go turns into the same JSON key, such as 1 and "1"): remove one`,
        );
      }
      out[key] = goValue(v, where);
    }
    return out;
  }
  if (value instanceof Set) {
    return Object.fromEntries([...(value as Set<unknown>)].map((k) => [goKey(k, where), null]));
  }
  if (Array.isArray(value)) return value.map((v) => goValue(v, where));
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return value;
}

/** A map key as sigs.k8s.io/yaml `convertToJSONableObject` turns it into a JSON key. */
function goKey(key: unknown, where: string): string {
  if (typeof key === "string") return key;
  if (typeof key === "number" || typeof key === "boolean" || typeof key === "bigint") {
    return String(key);
  }
  throw new ManifestError(`${where}: unsupported map key ${JSON.stringify(key) ?? String(key)}`);
}

// ---------------------------------------------------------------------------------------------
// SealedSecrets

/** SealedSecret-looking objects of a value: itself, or the items of a List. */
function candidates(value: unknown, path: (string | number)[]): [unknown, (string | number)[]][] {
  if (!isObject(value)) return [];
  if (value.kind === SEALED_SECRET_KIND) return [[value, path]];
  const kind = typeof value.kind === "string" ? value.kind : "List";
  if (Array.isArray(value.items) && kind.endsWith("List")) {
    return value.items.flatMap((item, i) => candidates(item, [...path, "items", i]));
  }
  return [];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function describe(value: unknown, location: ObjectLocation, index: number): FoundSealedSecret {
  const object = value as Record<string, unknown>;
  const meta = isObject(object.metadata) ? object.metadata : {};
  const name = typeof meta.name === "string" ? meta.name : "";
  const ns = typeof meta.namespace === "string" ? meta.namespace : "";
  const label = name === "" ? `#${index + 1}` : ns === "" ? name : `${ns}/${name}`;
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
