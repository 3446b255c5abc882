import type { ObjectMeta, SealedSecret, Secret, SecretTemplateSpec } from "./model.js";
import {
  MANAGED_FIELDS_ENTRY_FIELDS,
  OBJECT_META_FIELDS,
  OBJECT_META_OMIT_EMPTY_FIELDS,
} from "./manifest/go-types.js";
import { compareGoStrings, hasNoOwnKeys, setOwn } from "./own-keys.js";

/**
 * Rebuilds objects in Go struct field order with sorted map keys, so JSON output matches what
 * kubeseal's encoder prints (docs/wire-format.md#json-and-yaml-output). YAML output sorts keys
 * anyway.
 */
const SORTED_MAPS = new Set(["labels", "annotations"]);

function ordered<T extends object>(value: T, order: readonly string[]): T {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of order) if (source[key] !== undefined) out[key] = source[key];
  for (const key of Object.keys(source))
    if (!(key in out) && source[key] !== undefined) out[key] = source[key];
  return out as T;
}

function sortedMap<T>(map: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(map).sort(compareGoStrings)) setOwn(out, key, map[key]!);
  return out;
}

/** Whether Go's encoder leaves an `omitempty` field out: "", 0, false, an empty map or list. */
function isGoEmpty(value: unknown): boolean {
  if (value === "" || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return value !== null && typeof value === "object" && hasNoOwnKeys(value);
}

/** Drops the `omitempty` fields among `keys` that Go would not write. */
function withoutEmpty(out: Record<string, unknown>, keys: readonly string[]): void {
  for (const key of keys) if (isGoEmpty(out[key])) delete out[key];
}

/** ObjectMeta in Go order, with labels and annotations sorted and empty fields left out. */
export function orderMeta(meta: ObjectMeta): ObjectMeta {
  const out = ordered(meta, OBJECT_META_FIELDS) as Record<string, unknown>;
  withoutEmpty(out, OBJECT_META_OMIT_EMPTY_FIELDS);
  if (Array.isArray(out.managedFields)) {
    out.managedFields = out.managedFields.map((entry: unknown) =>
      entry && typeof entry === "object" ? ordered(entry, MANAGED_FIELDS_ENTRY_FIELDS) : entry,
    );
  }
  for (const key of SORTED_MAPS) {
    const map = out[key];
    if (map && typeof map === "object") out[key] = sortedMap(map as Record<string, string>);
  }
  return out;
}

function orderTemplate(template: SecretTemplateSpec): SecretTemplateSpec {
  const out = ordered(template, ["metadata", "type", "immutable", "data"]);
  withoutEmpty(out as Record<string, unknown>, ["type", "data"]);
  if (out.metadata) out.metadata = orderMeta(out.metadata);
  if (out.data) out.data = sortedMap(out.data);
  return out;
}

/** A SealedSecret in kubeseal's JSON field order. */
export function orderSealedSecret(ss: SealedSecret): SealedSecret {
  const out = ordered(ss, ["kind", "apiVersion", "metadata", "spec", "status"]);
  out.metadata = orderMeta(out.metadata);
  const spec = ordered(out.spec, ["template", "data", "encryptedData"]);
  if (spec.template) spec.template = orderTemplate(spec.template);
  spec.encryptedData = sortedMap(spec.encryptedData ?? {});
  out.spec = spec;
  return out;
}

/** A Secret in client-go's JSON field order. */
export function orderSecret(secret: Secret): Secret {
  const out = ordered(secret, [
    "kind",
    "apiVersion",
    "metadata",
    "immutable",
    "data",
    "stringData",
    "type",
  ]);
  withoutEmpty(out, ["data", "stringData", "type"]);
  if (out.metadata) out.metadata = orderMeta(out.metadata);
  if (out.data) out.data = sortedMap(out.data);
  return out;
}
