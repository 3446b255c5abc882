import { SEALED_WITH_ANNOTATION } from "@signet/core";

import type { Expectation, ObjectEdit, ObjectSplices, Splice } from "./edit.js";
import { compareStrings, EditError, insertIndex } from "./edit.js";
import type { JsonNode, JsonObject } from "./json-source.js";
import { jsonNodeAt } from "./json-source.js";
import { lineStart } from "./lines.js";
import type { ManifestFile } from "./manifests.js";

/**
 * The splices of one SealedSecret of a JSON file: string tokens replaced and one member inserted,
 * in the file's own layout (indentation or compact, `": "` or `":"`, CRLF), so every other value
 * keeps its exact bytes — integers beyond 2^53, `0.50`, `\u003c` escapes, key order.
 */
export function jsonSplices(file: ManifestFile, edit: ObjectEdit): ObjectSplices {
  const { document, path: base } = edit.found.location;
  const root = file.documents[document]?.json;
  const where = `${file.path}:${edit.found.location.line}: ${edit.found.label}`;
  const splices: Splice[] = [];
  const expect: Expectation[] = [];
  for (const [key, value] of Object.entries(edit.values)) {
    const path = [...base, "spec", "encryptedData", key];
    splices.push(replaceString(jsonNodeAt(root, path), value, `${where}: ${key}`));
    expect.push({ document, path, value });
  }
  if (edit.hint !== undefined) {
    splices.push(hintSplice(file.text, jsonNodeAt(root, [...base, "metadata"]), edit.hint, where));
    const path = [...base, "metadata", "annotations", SEALED_WITH_ANNOTATION];
    expect.push({ document, path, value: edit.hint });
  }
  return { splices, expect };
}

function replaceString(node: JsonNode | undefined, value: string, where: string): Splice {
  if (node?.type !== "scalar" || typeof node.value !== "string") {
    throw new EditError(`${where}: not a string`);
  }
  return { start: node.start, end: node.end, text: JSON.stringify(value) };
}

function hintSplice(
  text: string,
  metadata: JsonNode | undefined,
  hint: string,
  where: string,
): Splice {
  if (metadata?.type !== "object") throw new EditError(`${where}: metadata is not an object`);
  const annotations = metadata.members.find((m) => m.key === "annotations")?.value;
  if (annotations === undefined) {
    return insertMember(text, metadata, "annotations", { [SEALED_WITH_ANNOTATION]: hint });
  }
  if (annotations.type === "scalar" && annotations.value === null) {
    const { colon } = layoutOf(text, metadata);
    const entry = `{${JSON.stringify(SEALED_WITH_ANNOTATION)}${colon}${JSON.stringify(hint)}}`;
    return { start: annotations.start, end: annotations.end, text: entry };
  }
  if (annotations.type !== "object") throw new EditError(`${where}: annotations is not an object`);
  const existing = annotations.members.find((m) => m.key === SEALED_WITH_ANNOTATION)?.value;
  if (existing !== undefined) return replaceString(existing, hint, `${where}: annotation`);
  return insertMember(text, annotations, SEALED_WITH_ANNOTATION, hint);
}

/** The layout of an object's members: what precedes each key, and the key/value separator. */
interface Layout {
  /** Whitespace between `{` (or `,`) and a key: `\n    `, ` ` or nothing. */
  lead: string;
  colon: string;
}

function layoutOf(text: string, object: JsonObject): Layout {
  const first = object.members[0];
  if (first === undefined) return { lead: "", colon: ": " };
  const lead = text.slice(object.start + 1, first.keyStart);
  const colon = text.slice(first.keyEnd, first.value.start);
  return { lead, colon };
}

/** A value in the object's layout: nested objects are laid out one level deeper. */
function render(text: string, object: JsonObject, layout: Layout, value: unknown): string {
  if (typeof value === "string" || !layout.lead.includes("\n")) {
    const compact = JSON.stringify(value);
    return layout.colon.endsWith(" ") ? compact.replace(/^\{("[^"]*"):/, "{$1: ") : compact;
  }
  const eol = layout.lead.startsWith("\r\n") ? "\r\n" : "\n";
  const indent = layout.lead.slice(layout.lead.lastIndexOf("\n") + 1);
  const own = /^[ \t]*/.exec(text.slice(lineStart(text, object.start)))![0];
  const step = indent.length > own.length ? indent.slice(own.length) : "  ";
  const inner = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => `${eol}${indent}${step}${JSON.stringify(k)}${layout.colon}${JSON.stringify(v)}`,
  );
  return `{${inner.join(",")}${eol}${indent}}`;
}

function insertMember(text: string, object: JsonObject, key: string, value: unknown): Splice {
  const layout = layoutOf(text, object);
  const member = `${JSON.stringify(key)}${layout.colon}${render(text, object, layout, value)}`;
  const members = object.members;
  if (members.length === 0) {
    return { start: object.start + 1, end: object.end - 1, text: member };
  }
  // encoding/json writes ObjectMeta in struct order and map keys (annotations) sorted.
  const index = insertIndex(
    members.map((m) => m.key),
    key,
    key === "annotations" ? undefined : compareStrings,
  );
  if (index < members.length) {
    const at = members[index]!.keyStart;
    return { start: at, end: at, text: `${member},${layout.lead}` };
  }
  const at = members[members.length - 1]!.value.end;
  return { start: at, end: at, text: `,${layout.lead}${member}` };
}
