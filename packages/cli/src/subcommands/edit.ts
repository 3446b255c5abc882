import { isMap, isScalar, Scalar } from "yaml";
import type { Document, Node, Pair } from "yaml";

import { SEALED_WITH_ANNOTATION, SignetError } from "@signet/core";

import type { FoundSealedSecret, ManifestFile } from "./manifests.js";

/** What changes in one SealedSecret: new ciphertexts by item key, and the hint to record. */
export interface ObjectEdit {
  found: FoundSealedSecret;
  values: Readonly<Record<string, string>>;
  /** Fingerprint for `signet.dev/sealed-with`; undefined leaves the annotation alone. */
  hint?: string;
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

/**
 * The file's new text with `edits` applied. YAML is edited in the source text: each changed
 * value's scalar is replaced where it stands (same quoting), and the hint is replaced or added
 * as one line, so comments, order, indentation and every other byte stay as they were. JSON
 * values are re-serialized with the indentation they had. An edit the layout does not allow
 * (a block scalar ciphertext) throws for the whole file, which then stays unwritten.
 */
export function applyObjectEdits(file: ManifestFile, edits: readonly ObjectEdit[]): string {
  const splices =
    file.format === "yaml" ? edits.flatMap((e) => yamlSplices(file, e)) : jsonSplices(file, edits);
  let text = file.text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) {
    text = text.slice(0, s.start) + s.text + text.slice(s.end);
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// YAML

function yamlSplices(file: ManifestFile, edit: ObjectEdit): Splice[] {
  const location = edit.found.location;
  if (location.format !== "yaml") return [];
  const doc = file.documents[location.document]!;
  const base = location.path;
  const splices = Object.entries(edit.values).map(([key, value]) =>
    replaceScalar(file, doc.getIn([...base, "spec", "encryptedData", key], true), value, key),
  );
  const hint = edit.hint === undefined ? undefined : hintSplice(file.text, doc, base, edit.hint);
  return hint ? [...splices, hint] : splices;
}

function replaceScalar(file: ManifestFile, node: unknown, value: string, what: string): Splice {
  if (!isScalar(node) || !node.range) {
    throw new SignetError("ERR_INVALID_INPUT", `${file.path}: ${what} is not a scalar`);
  }
  const [start, end] = node.range;
  const quote = quoteOf(node);
  if (quote === undefined) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `${file.path}: ${what} is a block scalar; only plain and quoted values are edited in place`,
    );
  }
  return { start, end, text: `${quote}${value}${quote}` };
}

const QUOTES: Partial<Record<string, string>> = {
  [Scalar.PLAIN]: "",
  [Scalar.QUOTE_DOUBLE]: '"',
  [Scalar.QUOTE_SINGLE]: "'",
};

/** The quote of a plain or flow-quoted scalar; undefined for block scalars. */
function quoteOf(node: Scalar): string | undefined {
  return QUOTES[node.type ?? ""];
}

const lineStart = (text: string, at: number): number => text.lastIndexOf("\n", at - 1) + 1;

function lineEnd(text: string, at: number): number {
  const nl = text.indexOf("\n", at);
  return nl === -1 ? text.length : nl + 1;
}

const eolOf = (text: string): string => (text.includes("\r\n") ? "\r\n" : "\n");

function blockMap(node: unknown): node is Node & { items: Pair[] } {
  return isMap(node) && !node.flow && node.items.length > 0;
}

/**
 * Replaces or adds the hint annotation. Added to a block `annotations` map as its last line, or
 * as a new `annotations:` map above the first key of a block `metadata` (Go's order puts it
 * there). Other layouts (flow maps) are left without a hint: it is optional.
 */
function hintSplice(
  text: string,
  doc: Document.Parsed,
  base: (string | number)[],
  hint: string,
): Splice | undefined {
  const annotationsPath = [...base, "metadata", "annotations"];
  const existing = doc.getIn([...annotationsPath, SEALED_WITH_ANNOTATION], true);
  if (isScalar(existing) && existing.range && quoteOf(existing) !== undefined) {
    const q = quoteOf(existing)!;
    return { start: existing.range[0], end: existing.range[1], text: `${q}${hint}${q}` };
  }
  if (existing !== undefined) return undefined;
  const eol = eolOf(text);
  const annotations = doc.getIn(annotationsPath, true);
  if (blockMap(annotations)) {
    const first = annotations.items[0]!.key as Node;
    const last = annotations.items[annotations.items.length - 1]!;
    const indent = first.range![0] - lineStart(text, first.range![0]);
    const end = endOfPair(text, last);
    const lead = end === text.length && !text.endsWith("\n") ? eol : "";
    const line = `${lead}${" ".repeat(indent)}${SEALED_WITH_ANNOTATION}: ${hint}${eol}`;
    return { start: end, end, text: line };
  }
  if (annotations !== undefined) return undefined;
  return newAnnotationsSplice(text, doc, base, hint);
}

function endOfPair(text: string, pair: Pair): number {
  const node = (pair.value ?? pair.key) as Node | null;
  return lineEnd(text, node?.range?.[1] ?? text.length);
}

function newAnnotationsSplice(
  text: string,
  doc: Document.Parsed,
  base: (string | number)[],
  hint: string,
): Splice | undefined {
  const metadata = doc.getIn([...base, "metadata"], true);
  const parent = base.length === 0 ? doc.contents : doc.getIn(base, true);
  if (!blockMap(metadata) || !isMap(parent)) return undefined;
  const metaKey = parent.items.find((p) => isScalar(p.key) && p.key.value === "metadata")?.key;
  const first = metadata.items[0]!.key as Node;
  const at = lineStart(text, first.range![0]);
  const indent = first.range![0] - at;
  const parentIndent = isScalar(metaKey) && metaKey.range ? column(text, metaKey.range[0]) : 0;
  const step = indent > parentIndent ? indent - parentIndent : 2;
  const eol = eolOf(text);
  const lines =
    `${" ".repeat(indent)}annotations:${eol}` +
    `${" ".repeat(indent + step)}${SEALED_WITH_ANNOTATION}: ${hint}${eol}`;
  return { start: at, end: at, text: lines };
}

const column = (text: string, at: number): number => at - lineStart(text, at);

// ---------------------------------------------------------------------------------------------
// JSON

function jsonSplices(file: ManifestFile, edits: readonly ObjectEdit[]): Splice[] {
  const bySpan = new Map<number, { start: number; end: number; edits: ObjectEdit[] }>();
  for (const edit of edits) {
    const loc = edit.found.location;
    if (loc.format !== "json") continue;
    const entry = bySpan.get(loc.start) ?? { start: loc.start, end: loc.end, edits: [] };
    entry.edits.push(edit);
    bySpan.set(loc.start, entry);
  }
  return [...bySpan.values()].map(({ start, end, edits: spanEdits }) => {
    const source = file.text.slice(start, end);
    const value = JSON.parse(source) as unknown;
    for (const edit of spanEdits) applyToObject(at(value, edit.found.location.path), edit);
    return { start, end, text: jsonLike(source, value) };
  });
}

function at(value: unknown, path: readonly (string | number)[]): Record<string, unknown> {
  let node = value as Record<string | number, unknown>;
  for (const segment of path) node = node[segment] as Record<string | number, unknown>;
  return node;
}

function applyToObject(object: Record<string, unknown>, edit: ObjectEdit): void {
  const spec = object.spec as { encryptedData: Record<string, string> };
  for (const [key, v] of Object.entries(edit.values)) spec.encryptedData[key] = v;
  if (edit.hint === undefined) return;
  const meta = object.metadata as { annotations?: Record<string, string> };
  meta.annotations = { ...meta.annotations, [SEALED_WITH_ANNOTATION]: edit.hint };
}

/** JSON in the source's style: its indentation (or compact), line ending and Go's escapes. */
function jsonLike(source: string, value: unknown): string {
  const indent = /^[{[]\r?\n([ \t]+)\S/.exec(source)?.[1];
  let text = indent === undefined ? JSON.stringify(value) : JSON.stringify(value, null, indent);
  if (/\\u00(3c|3e|26)/i.test(source)) {
    text = text.replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  }
  return source.includes("\r\n") ? text.replace(/\n/g, "\r\n") : text;
}
