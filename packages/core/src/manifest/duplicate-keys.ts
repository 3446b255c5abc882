import { isAlias, isMap, isPair, isScalar, isSeq, Scalar } from "yaml";
import type { Document, Node as YNode, YAMLMap } from "yaml";

import { GoYamlError, scalarValue } from "./go-yaml-decode.js";
import { ResolveError } from "./go-yaml-resolve.js";
import { ConversionError, keyString } from "./sigs-yaml.js";
import { appendAll } from "../append.js";

/** A key written twice in one map; offsets are in the document's text. */
export interface DuplicateKey {
  /** The key as Go turns it into a JSON key (`yes` and `true` are both "true"). */
  key: string;
  /** Where the second occurrence starts. */
  offset: number;
  /** Where the first occurrence starts. */
  first: number;
}

/**
 * The JSON key sigs.k8s.io/yaml makes of a key node (go-yaml v2's YAML 1.1 resolution, then
 * `convertToJSONableObject`), or undefined for a key Go refuses anyway (collections, null) or a
 * merge key.
 */
function goKeyOf(node: unknown, doc: Document.Parsed): string | undefined {
  const target = isAlias(node) ? node.resolve(doc) : node;
  if (!isScalar(target)) return undefined;
  const tag = target.tag ?? "";
  const plain = target.type === Scalar.PLAIN;
  // libyaml's "plain implicit": untagged plain, or tagged with the non-specific `!` in any style.
  const implicit = (plain && tag === "") || tag === "!";
  const value = String(target.value);
  if (implicit && value === "<<") return undefined;
  try {
    return keyString(scalarValue({ kind: "scalar", value, tag, implicit }));
  } catch (err) {
    if (err instanceof ConversionError || err instanceof GoYamlError) return undefined;
    if (err instanceof ResolveError) return undefined;
    throw err;
  }
}

/**
 * The first key (in text order) a YAML document repeats in one map, by Go's meaning of the keys, in a `yaml`
 * Document read with the failsafe schema (what `ManifestDocument.yaml()` gives). go-yaml v2
 * silently keeps the last of two equal keys; readers that edit files refuse such a document
 * instead, since an edit of one occurrence would not be what Go reads. Keys brought in by `<<`
 * merges are not repeats (Go's merge rules decide between them).
 */
export function findDuplicateKey(doc: Document.Parsed): DuplicateKey | undefined {
  let found: DuplicateKey | undefined;
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isSeq(node)) appendAll(stack, node.items);
    if (!isMap(node)) continue;
    const repeat = repeatedKey(node, doc);
    if (repeat && (found === undefined || repeat.offset < found.offset)) found = repeat;
    for (const pair of node.items) if (isPair(pair)) stack.push(pair.value);
  }
  return found;
}

/** The first repeated key among one map's own keys. */
function repeatedKey(map: YAMLMap, doc: Document.Parsed): DuplicateKey | undefined {
  const seen = new Map<string, number>();
  for (const pair of map.items) {
    const key = isPair(pair) ? goKeyOf(pair.key, doc) : undefined;
    if (key === undefined) continue;
    const offset = (pair.key as YNode | null)?.range?.[0] ?? 0;
    const first = seen.get(key);
    if (first !== undefined) return { key, offset, first };
    seen.set(key, offset);
  }
  return undefined;
}
