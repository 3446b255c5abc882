import { SignetError } from "@signet/core";

import { jsonSplices } from "./edit-json.js";
import { yamlSplices } from "./edit-yaml.js";
import type { ManifestFile, FoundSealedSecret } from "./manifests.js";
import { parseManifest } from "./manifests.js";

/** What changes in one SealedSecret: new ciphertexts by item key, and the hint to record. */
export interface ObjectEdit {
  found: FoundSealedSecret;
  values: Readonly<Record<string, string>>;
  /** Fingerprint for `signet.dev/sealed-with`; undefined leaves the annotation alone. */
  hint?: string;
}

/** A replacement of `text[start, end)` (an insertion when start === end). */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** The value a document must hold at `path` once the edits are applied. */
export interface Expectation {
  document: number;
  path: readonly (string | number)[];
  value: string;
}

/** What one format's editor produces for one object. */
export interface ObjectSplices {
  splices: Splice[];
  expect: Expectation[];
}

/** Why a file was not written; the message names the file (and line when known). */
export class EditError extends SignetError {
  constructor(message: string) {
    super("ERR_INVALID_INPUT", message);
  }
}

/**
 * The file's new text with `edits` applied, edited in the source text: each changed ciphertext
 * is replaced where it stands (same quoting or block style) and the hint is replaced or added
 * as one entry, so comments, order, indentation, numbers, escapes and every other byte stay as
 * they were, in YAML and in JSON alike. The result is then read back and compared, document by
 * document, with the original values plus exactly the intended changes; any difference (or a
 * layout the editor cannot handle) throws an EditError for the whole file, which then stays
 * unwritten.
 */
export function applyObjectEdits(file: ManifestFile, edits: readonly ObjectEdit[]): string {
  const parts = edits.map((edit) =>
    file.documents[edit.found.location.document]?.json
      ? jsonSplices(file, edit)
      : yamlSplices(file, edit),
  );
  const text = splice(
    file.text,
    parts.flatMap((p) => p.splices),
  );
  verify(
    file,
    text,
    parts.flatMap((p) => p.expect),
  );
  return text;
}

/**
 * Applies splices from the end of the text backwards; at one offset a replacement goes before an
 * insertion, so the inserted text lands in front of the replaced one.
 */
function splice(text: string, splices: readonly Splice[]): string {
  const ordered = [...splices].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const s of ordered) {
    if (s.end > limit) throw new EditError("internal error: overlapping edits");
    out = out.slice(0, s.start) + s.text + out.slice(s.end);
    limit = s.start;
  }
  return out;
}

/** Reads the new text back and compares every document with the intended values. */
function verify(file: ManifestFile, text: string, expect: readonly Expectation[]): void {
  const intended = file.values.map(cloneValue);
  for (const e of expect) setAt(intended, e);
  let reread: ManifestFile;
  try {
    reread = parseManifest(file.path, text);
  } catch (err) {
    throw notAsIntended(file.path, err instanceof Error ? err.message : String(err));
  }
  if (reread.templated || reread.values.length !== intended.length) {
    throw notAsIntended(file.path, "its documents changed");
  }
  intended.forEach((value, i) => {
    const diff = firstDifference(value, reread.values[i]);
    if (diff !== undefined) {
      throw notAsIntended(file.path, `document ${i + 1} differs at ${diff || "its root"}`);
    }
  });
}

function notAsIntended(path: string, detail: string): EditError {
  return new EditError(
    `${path}: the edited text does not read back as intended (${detail}); nothing written`,
  );
}

/** Sets `e.value` at its path, creating the maps that do not exist yet (a new annotations map). */
function setAt(values: unknown[], e: Expectation): void {
  let node = values[e.document] as Record<string | number, unknown>;
  const path = [...e.path];
  const last = path.pop()!;
  for (const key of path) {
    const next = node[key];
    if (next === null || typeof next !== "object") node[key] = {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[last] = e.value;
}

type Container = Record<string, unknown> | unknown[];

const isContainer = (v: unknown): v is Container => v !== null && typeof v === "object";

/** A copy of a plain value (objects, arrays, scalars), without recursion: documents may nest deep. */
function cloneValue(value: unknown): unknown {
  if (!isContainer(value)) return value;
  const root: Container = Array.isArray(value) ? [] : {};
  const stack: [Container, Container][] = [[value, root]];
  while (stack.length > 0) {
    const [from, to] = stack.pop()!;
    for (const [key, v] of Object.entries(from)) {
      const copy = isContainer(v) ? (Array.isArray(v) ? [] : {}) : v;
      (to as Record<string, unknown>)[key] = copy;
      if (isContainer(v)) stack.push([v, copy as Container]);
    }
  }
  return root;
}

/** Dotted path of the first place two values differ (numbers by Object.is), or undefined. */
function firstDifference(a: unknown, b: unknown): string | undefined {
  const stack: [unknown, unknown, string][] = [[a, b, ""]];
  while (stack.length > 0) {
    const [x, y, path] = stack.pop()!;
    if (!isContainer(x) || !isContainer(y)) {
      if (!Object.is(x, y)) return path;
      continue;
    }
    const xKeys = Object.keys(x);
    const yKeys = Object.keys(y);
    const sameShape = Array.isArray(x) === Array.isArray(y) && xKeys.length === yKeys.length;
    if (!sameShape || !xKeys.every((k) => Object.hasOwn(y, k))) return path;
    for (const k of xKeys.reverse()) {
      const child = path === "" ? k : `${path}.${k}`;
      stack.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], child]);
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Where a new key goes (shared by both formats)

/** ObjectMeta's field order (Go struct order, which encoding/json and kubeseal's JSON follow). */
const OBJECT_META_ORDER = [
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
];

/**
 * Index among `keys` where `key` goes: in sorted position when `compare` is given and the keys
 * are already sorted by it (as Go writes maps, and as kubeseal's YAML is), else — for
 * `annotations` in metadata — after the ObjectMeta fields Go's struct order writes before it,
 * else at the end.
 */
export function insertIndex(
  keys: readonly string[],
  key: string,
  compare?: (a: string, b: string) => number,
): number {
  const sorted = compare && keys.every((k, i) => i === 0 || compare(keys[i - 1]!, k) < 0);
  if (compare && sorted && keys.length > 1) {
    const after = keys.findIndex((k) => compare(k, key) > 0);
    return after === -1 ? keys.length : after;
  }
  const rank = OBJECT_META_ORDER.indexOf(key);
  if (rank === -1) return keys.length;
  let index = 0;
  keys.forEach((k, i) => {
    const r = OBJECT_META_ORDER.indexOf(k);
    if (r !== -1 && r < rank) index = i + 1;
  });
  return index;
}

/** Plain code-unit order (encoding/json's map key order). */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
