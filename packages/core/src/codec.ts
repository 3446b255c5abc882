import type { Tags } from "yaml";

import { SignetError } from "./errors.js";
import { marshalGoYaml } from "./manifest/go-yaml-emit.js";
import { goJsonString } from "./manifest/json-tree.js";
import { compareGoStrings, isArrayIndexKey } from "./own-keys.js";

export { decodeDocuments } from "./manifest/index.js";

/** The JSON text of a scalar, or undefined when `value` is an array or object. */
function jsonScalar(value: unknown): string | undefined {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return goJsonString(value);
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  return undefined;
}

function hasToJson(value: unknown): value is { toJSON(): unknown } {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as { toJSON?: unknown }).toJSON === "function"
  );
}

/** Plain JSON values of a model object: `toJSON` honoured, undefined fields dropped. */
function jsonWrite(value: unknown, indent: string, out: string[]): void {
  if (hasToJson(value)) return jsonWrite(value.toJSON(), indent, out);
  const scalar = jsonScalar(value);
  if (scalar !== undefined) return void out.push(scalar);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return void out.push("[]");
    out.push("[");
    value.forEach((item, i) => {
      out.push(`${i === 0 ? "" : ","}\n${inner}`);
      jsonWrite(item, inner, out);
    });
    return void out.push(`\n${indent}]`);
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined);
  // Go struct fields are never array indexes, so an object with one is a Go map, which
  // encoding/json writes sorted; JavaScript lists such keys first whatever the insertion order.
  if (keys.some(isArrayIndexKey)) keys.sort(compareGoStrings);
  if (keys.length === 0) return void out.push("{}");
  out.push("{");
  keys.forEach((key, i) => {
    out.push(`${i === 0 ? "" : ","}\n${inner}${goJsonString(key)}: `);
    jsonWrite(record[key], inner, out);
  });
  out.push(`\n${indent}}`);
}

/**
 * Go's `json.MarshalIndent(v, "", "  ")` plus a newline, as kubeseal prints JSON: keys in the
 * object's own order (callers build objects in Go struct order), strings escaped as Go escapes
 * them (`<`, `>`, `&`, U+2028, U+2029 as `\u` escapes), big integers exact.
 */
export function encodeJson(value: unknown): string {
  const out: string[] = [];
  jsonWrite(value, "", out);
  return `${out.join("")}\n`;
}

/**
 * Options for the `yaml` package when it writes a document being edited (merge-into, reseal):
 * YAML 1.1 resolution so strings that 1.1 readers would misread are quoted, no line folding,
 * sequences not indented. New scalars should be built with {@link goYamlNeedsQuotes}.
 */
export const GO_YAML_STRINGIFY = {
  version: "1.1",
  lineWidth: 0,
  minContentWidth: 0,
  indentSeq: false,
  customTags: goYamlFloatTags,
} as const;

/** goyaml.v2's float pattern: `.` alone or `1.e` are strings there, unlike the yaml package's 1.1. */
const GO_YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

function goYamlFloatTags(tags: Tags): Tags {
  return tags.map((tag) => {
    const isFloat = typeof tag === "object" && tag.tag === "tag:yaml.org,2002:float";
    const isNumeric = isFloat && tag.test !== undefined && /\[0-9\]/.test(String(tag.test));
    return isNumeric && tag.format !== "TIME" ? { ...tag, test: GO_YAML_FLOAT } : tag;
  });
}

/**
 * YAML exactly as kubeseal writes it (its JSON converted by sigs.k8s.io/yaml, i.e. go-yaml v2),
 * preceded by the `---` separator kubeseal prints before each object. Every string a YAML 1.1
 * reader would take for another type is quoted, so Go tools read back the same strings.
 */
export function encodeYaml(value: unknown): string {
  return `---\n${marshalGoYaml(value)}`;
}

/** Output formats of kubeseal's `--format`. */
export type OutputFormat = "json" | "yaml";

/** Parses `--format` (case-insensitive; empty means json). */
export function parseOutputFormat(value: string): OutputFormat {
  const lower = value.toLowerCase();
  if (lower === "" || lower === "json") return "json";
  if (lower === "yaml") return "yaml";
  throw new SignetError("ERR_OUTPUT_FORMAT", `unsupported output format: ${value}`);
}

/** Encodes one object in the given format. */
export function encodeObject(value: unknown, format: OutputFormat): string {
  return format === "json" ? encodeJson(value) : encodeYaml(value);
}

/**
 * Multi-document detection as the reference's `multidocyaml`: a `---` line after content (or a
 * second one) makes a stream multi-document; a single leading separator or an indented one does not.
 */
export function isMultiDocument(text: string): boolean {
  const lines = text.split(/\r?\n/);
  let seenContent = false;
  for (const line of lines) {
    if (/^---(\s|$)/.test(line)) {
      if (seenContent) return true;
      continue;
    }
    if (line.trim() !== "") seenContent = true;
  }
  return false;
}
