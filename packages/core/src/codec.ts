import { dump, loadAll, YAMLException } from "js-yaml";
import type { Tags } from "yaml";

import { SignetError } from "./errors.js";
import { compareGoYamlKeys } from "./yaml-order.js";

/**
 * Decodes a stream of Kubernetes objects the way kubeseal's YAMLOrJSONDecoder does: a stream that
 * starts with `{` is a sequence of concatenated JSON values, anything else is multi-document YAML.
 * Empty documents are skipped. `source` names the input in errors (a file name or "stdin").
 */
export function decodeDocuments(text: string, source: string): unknown[] {
  return /^\s*\{/.test(text) ? decodeJsonStream(text, source) : decodeYamlStream(text, source);
}

/**
 * Multi-document YAML through js-yaml, which reads a stream several times faster than the `yaml`
 * package (measured in BENCHMARKS.md); `yaml` stays for edits that must keep comments.
 */
function decodeYamlStream(text: string, source: string): unknown[] {
  let docs: unknown[];
  try {
    docs = loadAll(text, undefined, { filename: source });
  } catch (cause) {
    const reason = cause instanceof YAMLException ? cause.reason : String(cause);
    const mark = cause instanceof YAMLException ? cause.mark : undefined;
    const where = mark ? ` (line ${mark.line + 1}, column ${mark.column + 1})` : "";
    throw new SignetError("ERR_INVALID_INPUT", `error parsing ${source}: ${reason}${where}`, {
      cause,
    });
  }
  return docs.filter((value) => value !== null && value !== undefined);
}

/** Splits concatenated JSON values by scanning brackets outside strings, then parses each. */
function decodeJsonStream(text: string, source: string): unknown[] {
  const out: unknown[] = [];
  let start = skipSpace(text, 0);
  while (start < text.length) {
    const end = jsonValueEnd(text, start);
    try {
      out.push(JSON.parse(text.slice(start, end)) as unknown);
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new SignetError("ERR_INVALID_INPUT", `error parsing ${source}: ${detail}`, { cause });
    }
    start = skipSpace(text, end);
  }
  return out;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/** Index just past the JSON object or array starting at `start` (or the text's end if unclosed). */
function jsonValueEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if ((c === "}" || c === "]") && --depth === 0) return i + 1;
  }
  return text.length;
}

/**
 * Go's `json.MarshalIndent(v, "", "  ")` plus newline: keys in the object's own order (callers
 * build objects in Go struct order), and `<`, `>`, `&`, U+2028, U+2029 escaped as Go does. Those
 * characters only ever occur inside strings in JSON text, so a global replace is exact.
 */
export function encodeJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(/[<>&\u2028\u2029]/g, goEscape)}\n`;
}

function goEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * Options that make the `yaml` package write what Go's YAML (sigs.k8s.io/yaml, YAML 1.1) reads
 * back unchanged: strings that 1.1 would take as booleans, nulls, numbers or timestamps (`y`,
 * `on`, `~`, `2024-05-06`...) are quoted; no line folding; sequences not indented.
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
 * YAML as kubeseal writes it (JSON converted by sigs.k8s.io/yaml): keys in Go's YAML order at
 * every level, strings that YAML 1.1 readers would misread double-quoted, no folding, sequences
 * not indented, preceded by the `---` separator kubeseal prints before each object. js-yaml's
 * dumper (in its default 1.1-compatible mode) is several times faster than `yaml`'s.
 */
export function encodeYaml(value: unknown): string {
  const text = dump(value, {
    sortKeys: compareGoYamlKeys,
    lineWidth: -1,
    noArrayIndent: true,
    quotingType: '"',
    noRefs: true,
  });
  return `---\n${text}`;
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
