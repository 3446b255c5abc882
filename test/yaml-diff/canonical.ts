import { goJsonString } from "../../packages/core/src/manifest/json-tree.js";
import { RawJson } from "../../packages/core/src/manifest/go-unmarshal.js";

/**
 * Signet's decoded values as the exact JSON text the Go program prints for Go's (see main.go):
 * keys sorted by their UTF-8 bytes, Go's string escaping without HTML escapes, []byte as standard
 * base64, int64 as exact digits, FieldsV1/RawExtension as their text.
 */
export function canonicalText(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "bigint" || typeof value === "number") return String(value);
  if (typeof value === "string") return goJsonString(value, false);
  if (value instanceof Uint8Array)
    return goJsonString(Buffer.from(value).toString("base64"), false);
  if (value instanceof RawJson) return goJsonString(value.text, false);
  if (Array.isArray(value)) return `[${value.map(canonicalText).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `{${keys.map((k) => `${goJsonString(k, false)}:${canonicalText(record[k])}`).join(",")}}`;
}
