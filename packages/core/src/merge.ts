import type { SealedSecret } from "./model.js";
import { setOwn } from "./own-keys.js";

/** One value to set in the existing SealedSecret, addressed by its path. */
export interface MergeEdit {
  path: string[];
  value: string;
}

/**
 * What `--merge-into` changes (kubeseal's SealMergingInto, pkg/kubeseal/kubeseal.go): every sealed
 * item, template annotation, template label and template data entry of `update` is set on the
 * existing object (new wins); nothing is removed and everything else of the existing object is
 * kept. Applying edits (rather than rewriting the object) lets a YAML file keep its comments, order
 * and the ciphertext of untouched items.
 */
export function mergeEdits(update: SealedSecret): MergeEdit[] {
  const edits: MergeEdit[] = [];
  const add = (prefix: string[], map: Record<string, string> | null | undefined): void => {
    for (const key of Object.keys(map ?? {}).sort())
      edits.push({ path: [...prefix, key], value: map![key]! });
  };
  add(["spec", "encryptedData"], update.spec.encryptedData);
  add(["spec", "template", "metadata", "annotations"], update.spec.template?.metadata?.annotations);
  add(["spec", "template", "metadata", "labels"], update.spec.template?.metadata?.labels);
  add(["spec", "template", "data"], update.spec.template?.data);
  return edits;
}

/** Applies edits to a plain object, creating intermediate maps (the reference panics on nil maps). */
export function applyEdits<T extends object>(target: T, edits: readonly MergeEdit[]): T {
  const copy = structuredClone(target);
  for (const { path, value } of edits) {
    let node = copy as Record<string, unknown>;
    for (const segment of path.slice(0, -1)) {
      const next = node[segment];
      if (next === null || typeof next !== "object") node[segment] = {};
      node = node[segment] as Record<string, unknown>;
    }
    setOwn(node, path[path.length - 1]!, value);
  }
  return copy;
}
