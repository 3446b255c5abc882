import { isMap, isSeq, parseAllDocuments } from "yaml";
import type { Document } from "yaml";

import { API_GROUP, SEALED_SECRET_KIND, SignetError } from "@signet/core";
import type { SealedSecret } from "@signet/core";

/** Where an object sits in its file: a YAML document (and List item), or a JSON value's span. */
export type ObjectLocation =
  | { format: "yaml"; document: number; path: (string | number)[] }
  | { format: "json"; start: number; end: number; path: (string | number)[] };

/** One SealedSecret found in a file, or the reason it cannot be used. */
export interface FoundSealedSecret {
  /** `namespace/name` (or `name`, or `#N`), for messages. */
  label: string;
  location: ObjectLocation;
  object?: SealedSecret;
  problem?: string;
}

/** A parsed manifest file: the text, its YAML documents (when YAML) and its SealedSecrets. */
export interface ManifestFile {
  path: string;
  text: string;
  format: "yaml" | "json";
  documents: Document.Parsed[];
  sealedSecrets: FoundSealedSecret[];
}

/**
 * Reads every SealedSecret of a file: multi-document YAML or a stream of JSON values (as
 * kubeseal's decoder tells them apart), including the items of a `List`; other kinds are
 * ignored. A file that does not parse throws; a SealedSecret that is malformed is returned
 * with its `problem`, so it fails alone.
 */
export function parseManifest(path: string, text: string): ManifestFile {
  if (/^\s*\{/.test(text)) {
    return { path, text, format: "json", documents: [], sealedSecrets: jsonObjects(path, text) };
  }
  const documents = parseAllDocuments(text, { uniqueKeys: false });
  const found: FoundSealedSecret[] = [];
  documents.forEach((doc, index) => {
    const problem = doc.errors[0];
    if (problem) {
      const line = problem.message.split("\n", 1)[0] ?? problem.message;
      throw new SignetError("ERR_INVALID_INPUT", `error parsing ${path}: ${line}`);
    }
    if (!isMap(doc.contents) && !isSeq(doc.contents)) return;
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    for (const [object, sub] of candidates(value, [])) {
      found.push(found_(object, { format: "yaml", document: index, path: sub }, found.length));
    }
  });
  return { path, text, format: "yaml", documents, sealedSecrets: found };
}

function jsonObjects(path: string, text: string): FoundSealedSecret[] {
  const found: FoundSealedSecret[] = [];
  for (const span of jsonSpans(text)) {
    let value: unknown;
    try {
      value = JSON.parse(text.slice(span.start, span.end));
    } catch (cause) {
      throw new SignetError("ERR_INVALID_INPUT", `error parsing ${path}: ${String(cause)}`, {
        cause,
      });
    }
    for (const [object, sub] of candidates(value, [])) {
      found.push(found_(object, { format: "json", ...span, path: sub }, found.length));
    }
  }
  return found;
}

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

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function found_(value: unknown, location: ObjectLocation, index: number): FoundSealedSecret {
  const object = value as Record<string, unknown>;
  const meta = isObject(object.metadata) ? object.metadata : {};
  const name = typeof meta.name === "string" ? meta.name : "";
  const ns = typeof meta.namespace === "string" ? meta.namespace : "";
  const label = name === "" ? `#${index + 1}` : ns === "" ? name : `${ns}/${name}`;
  const problem = shapeProblem(object);
  return problem
    ? { label, location, problem }
    : { label, location, object: object as unknown as SealedSecret };
}

/** Why an object with kind SealedSecret cannot be handled, or undefined. */
function shapeProblem(object: Record<string, unknown>): string | undefined {
  const apiVersion = typeof object.apiVersion === "string" ? object.apiVersion : "";
  if (!apiVersion.startsWith(`${API_GROUP}/`)) return `unexpected apiVersion "${apiVersion}"`;
  if (!isObject(object.metadata)) return "SealedSecret needs metadata";
  if (!isObject(object.spec)) return "SealedSecret needs a spec";
  const data = object.spec.encryptedData;
  if (data !== undefined && data !== null && !isObject(data)) {
    return "spec.encryptedData must be a map";
  }
  const bad = Object.entries(isObject(data) ? data : {}).find(([, v]) => typeof v !== "string");
  return bad ? `spec.encryptedData.${bad[0]} must be a string` : undefined;
}

/** Spans of the top-level JSON values of a concatenated JSON stream. */
export function jsonSpans(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = stringEnd(text, i);
    else if (c === "{" || c === "[") {
      if (depth++ === 0) start = i;
    } else if ((c === "}" || c === "]") && --depth === 0) spans.push({ start, end: i + 1 });
  }
  if (depth !== 0) spans.push({ start, end: text.length });
  return spans;
}

/** Index of the closing quote of the JSON string opened at `open`. */
function stringEnd(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}
