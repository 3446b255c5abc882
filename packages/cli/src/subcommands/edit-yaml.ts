import { isMap, isScalar, Scalar } from "yaml";
import type { Document, Node, Pair, YAMLMap } from "yaml";

import { compareGoYamlKeys, notEditableReason, SEALED_WITH_ANNOTATION } from "@signet/core";

import type { Expectation, ObjectEdit, ObjectSplices, Splice } from "./edit.js";
import { EditError, insertIndex } from "./edit.js";
import { eolOf, lineEnd, lineIndex } from "./lines.js";
import type { ManifestFile } from "./manifests.js";

type Range = [number, number, number];

/** The splices of one SealedSecret of a YAML file, and the values they must produce. */
export function yamlSplices(file: ManifestFile, edit: ObjectEdit): ObjectSplices {
  const source = file.documents[edit.found.location.document];
  if (!source?.yaml) throw new EditError(`${where(file, edit)}: not a YAML document`);
  const doc = source.yaml;
  try {
    return objectSplices(file, edit, doc, source.offset);
  } catch (err) {
    // A document the `yaml` package parsed with errors (flow lines indented less than their key)
    // is still edited where its ranges hold (the result is read back and compared); where they
    // do not, the edit fails with why.
    const reason = notEditableReason(doc);
    if (err instanceof EditError && reason) throw new EditError(`${where(file, edit)}: ${reason}`);
    throw err;
  }
}

function objectSplices(
  file: ManifestFile,
  edit: ObjectEdit,
  doc: Document.Parsed,
  offset: number,
): ObjectSplices {
  const { document, path: base } = edit.found.location;
  const ctx: Context = {
    file,
    doc,
    offset,
    value: file.values[document],
    where: where(file, edit),
  };
  const splices: Splice[] = [];
  const expect: Expectation[] = [];
  for (const [key, value] of Object.entries(edit.values)) {
    const path = [...base, "spec", "encryptedData", key];
    const replaced = replaceCiphertext(ctx, doc.getIn(path, true), value, key);
    splices.push(replaced.splice);
    expect.push({ document, path, value: replaced.value });
  }
  if (edit.hint !== undefined) {
    splices.push(hintSplice(ctx, base, edit.hint));
    const path = [...base, "metadata", "annotations", SEALED_WITH_ANNOTATION];
    expect.push({ document, path, value: edit.hint });
  }
  return { splices, expect };
}

interface Context {
  file: ManifestFile;
  /** The document, read with the failsafe schema (every scalar is its text). */
  doc: Document.Parsed;
  /** Where the document starts in the file's text: its nodes' ranges count from there. */
  offset: number;
  /** The document's value as Go reads it. */
  value: unknown;
  /** `path:line: label`, for errors. */
  where: string;
}

function where(file: ManifestFile, edit: ObjectEdit): string {
  return `${file.path}:${edit.found.location.line}: ${edit.found.label}`;
}

const QUOTES: Partial<Record<string, string>> = {
  [Scalar.PLAIN]: "",
  [Scalar.QUOTE_DOUBLE]: '"',
  [Scalar.QUOTE_SINGLE]: "'",
};

/** A node's range in the file's text. */
function rangeOf(ctx: Context, node: { range?: Range | null }): Range {
  const [a, b, c] = node.range!;
  return [ctx.offset + a, ctx.offset + b, ctx.offset + c];
}

function scalarRange(ctx: Context, node: unknown, what: string): { node: Scalar; range: Range } {
  if (!isScalar(node) || !node.range) {
    throw new EditError(`${ctx.where}: ${what} is not a plain value (an alias or a collection)`);
  }
  return { node, range: rangeOf(ctx, node) };
}

/** The Go value of the document at `path`. */
function goValueAt(ctx: Context, path: readonly (string | number)[]): unknown {
  let node = ctx.value;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/**
 * A ciphertext replaced in its own style: plain or quoted in place; a block scalar keeps its
 * header and indentation (a literal one its line width), and the value it reads as keeps the
 * original's trailing line breaks (which Go's base64 decoder ignores).
 */
function replaceCiphertext(
  ctx: Context,
  target: unknown,
  value: string,
  key: string,
): { splice: Splice; value: string } {
  const { node, range } = scalarRange(ctx, target, `spec.encryptedData.${key}`);
  const quote = QUOTES[node.type ?? ""];
  if (quote !== undefined) {
    return { splice: { start: range[0], end: range[1], text: `${quote}${value}${quote}` }, value };
  }
  return replaceBlockScalar(ctx, node, range, value);
}

function replaceBlockScalar(
  ctx: Context,
  node: Scalar,
  range: Range,
  value: string,
): { splice: Splice; value: string } {
  const text = ctx.file.text;
  const bodyStart = lineEnd(text, range[0]);
  const body = text.slice(bodyStart, range[1]);
  const lines = body.split("\n").map((l) => l.replace(/\r$/, ""));
  const content = lines.filter((l) => l.trim() !== "");
  const first = content[0];
  if (first === undefined) throw new EditError(`${ctx.where}: empty block scalar ciphertext`);
  const indent = /^ */.exec(first)![0];
  const literal = node.type === Scalar.BLOCK_LITERAL;
  const width = literal && content.length > 1 ? first.length - indent.length : 0;
  const chunks = width > 0 ? (value.match(new RegExp(`.{1,${width}}`, "g")) ?? []) : [value];
  const lastContent = body.lastIndexOf(content[content.length - 1]!);
  const end = bodyStart + lineEnd(body, lastContent);
  const eol = eolOf(text);
  const trailing = /\n*$/.exec(String(node.value))![0];
  return {
    splice: { start: bodyStart, end, text: chunks.map((c) => `${indent}${c}${eol}`).join("") },
    value: chunks.join(literal ? "\n" : " ") + trailing,
  };
}

/**
 * Replaces or adds `signet.dev/sealed-with`: an existing value is replaced (a block scalar one
 * by a plain value, since its line breaks would be part of the hint); a new entry goes into the
 * annotations map where Go's order puts it, or a new `annotations` map goes into metadata.
 */
function hintSplice(ctx: Context, base: readonly (string | number)[], hint: string): Splice {
  const annotationsPath = [...base, "metadata", "annotations"];
  const existing = ctx.doc.getIn([...annotationsPath, SEALED_WITH_ANNOTATION], true);
  if (existing !== undefined) {
    const { node, range } = scalarRange(ctx, existing, SEALED_WITH_ANNOTATION);
    const quote = QUOTES[node.type ?? ""];
    if (quote !== undefined)
      return { start: range[0], end: range[1], text: `${quote}${hint}${quote}` };
    const eol = ctx.file.text[range[1] - 1] === "\n" ? eolOf(ctx.file.text) : "";
    return { start: range[0], end: range[1], text: `${hint}${eol}` };
  }
  const annotations = ctx.doc.getIn(annotationsPath, true);
  if (isMap(annotations)) {
    return insertPair(ctx, annotations, { key: SEALED_WITH_ANNOTATION, value: hint });
  }
  if (annotations !== undefined && annotations !== null) {
    return replaceNull(ctx, annotations, goValueAt(ctx, annotationsPath), hint);
  }
  const metadata = ctx.doc.getIn([...base, "metadata"], true);
  if (!isMap(metadata)) throw new EditError(`${ctx.where}: metadata is not a map`);
  return insertPair(ctx, metadata, {
    key: "annotations",
    value: { key: SEALED_WITH_ANNOTATION, value: hint },
    parentKey: keyNodeOf(ctx, [...base], "metadata"),
  });
}

/** `annotations:` (or `annotations: null`, `~`): its null value becomes a one-entry flow map. */
function replaceNull(ctx: Context, node: unknown, value: unknown, hint: string): Splice {
  const { range } = scalarRange(ctx, node, "metadata.annotations");
  if (value !== null) throw new EditError(`${ctx.where}: metadata.annotations is not a map`);
  const space = range[0] === range[1] && ctx.file.text[range[0] - 1] === ":" ? " " : "";
  return {
    start: range[0],
    end: range[1],
    text: `${space}{${SEALED_WITH_ANNOTATION}: ${hint}}`,
  };
}

/** The key node naming `key` in the map at `path` (the document's root map when empty). */
function keyNodeOf(ctx: Context, path: (string | number)[], key: string): Node | undefined {
  const parent = path.length === 0 ? ctx.doc.contents : ctx.doc.getIn(path, true);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair?.key as Node | undefined;
}

/** A new entry: a scalar value, or a one-entry map (the new `annotations`). */
interface NewPair {
  key: string;
  value: string | { key: string; value: string };
  /** The key node of the map being inserted into, to derive the indentation step. */
  parentKey?: Node;
}

function insertPair(ctx: Context, map: YAMLMap, pair: NewPair): Splice {
  return map.flow ? insertFlowPair(ctx, map, pair) : insertBlockPair(ctx, map, pair);
}

function keysOf(map: YAMLMap): string[] {
  return map.items.map((p) => (isScalar(p.key) ? String(p.key.value) : ""));
}

function insertBlockPair(ctx: Context, map: YAMLMap, pair: NewPair): Splice {
  const text = ctx.file.text;
  const eol = eolOf(text);
  const items = map.items as Pair<Node, Node | null>[];
  if (items.length === 0) throw new EditError(`${ctx.where}: empty block map`);
  const firstKey = rangeOf(ctx, items[0]!.key)[0];
  const lines = lineIndex(text);
  const column = lines.column(firstKey) - 1;
  const indent = " ".repeat(column);
  const parentColumn = pair.parentKey?.range
    ? lines.column(rangeOf(ctx, pair.parentKey)[0]) - 1
    : 0;
  const step = column > parentColumn ? column - parentColumn : 2;
  const entry =
    typeof pair.value === "string"
      ? `${pair.key}: ${pair.value}`
      : `${pair.key}:${eol}${indent}${" ".repeat(step)}${pair.value.key}: ${pair.value.value}`;
  const index = insertIndex(keysOf(map), pair.key, compareGoYamlKeys);
  if (index < items.length) {
    const at = rangeOf(ctx, items[index]!.key)[0];
    return { start: at, end: at, text: `${entry}${eol}${indent}` };
  }
  const at = endOfPair(ctx, items[items.length - 1]!);
  const lead = at === text.length && !text.endsWith("\n") ? eol : "";
  return { start: at, end: at, text: `${lead}${indent}${entry}${eol}` };
}

/**
 * Offset just past the line holding the end of a pair's value. A block value (a block scalar or
 * a nested block map) ends at the start of the next line already; anything else ends mid-line,
 * where a trailing comment may follow.
 */
function endOfPair(ctx: Context, pair: Pair<Node, Node | null>): number {
  const text = ctx.file.text;
  const node = pair.value ?? pair.key;
  const end = rangeOf(ctx, node)[1];
  return text[end - 1] === "\n" ? end : lineEnd(text, end);
}

function insertFlowPair(ctx: Context, map: YAMLMap, pair: NewPair): Splice {
  const text = ctx.file.text;
  const range = rangeOf(ctx, map);
  const close = text.lastIndexOf("}", range[1] - 1);
  const json = map.items.some((p) => isScalar(p.key) && p.key.type === Scalar.QUOTE_DOUBLE);
  const q = (s: string): string => (json ? JSON.stringify(s) : s);
  const value =
    typeof pair.value === "string"
      ? q(pair.value)
      : `{${q(pair.value.key)}: ${q(pair.value.value)}}`;
  const entry = `${q(pair.key)}: ${value}`;
  if (map.items.length === 0) return { start: close, end: close, text: entry };
  const last = map.items[map.items.length - 1] as Pair<Node, Node | null>;
  const at = rangeOf(ctx, last.value ?? last.key)[1];
  if (close < at) throw new EditError(`${ctx.where}: cannot place the key hint in a flow map`);
  return { start: at, end: at, text: `, ${entry}` };
}
