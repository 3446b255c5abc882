import { SEALED_SECRET_KIND } from "@signet/core";

import { parseAllDocuments } from "yaml";

import { isObject } from "../manifests.js";
import type { Hit, Rule } from "./model.js";

/**
 * A Secret with values in Git is what sealing exists to prevent. Only `kind: Secret` of the core
 * group counts (`v1`); a Secret without `data` or `stringData` (or with both empty) holds nothing.
 * A SealedSecret's `spec.template.data` is copied into the Secret it produces: an entry there
 * with no template action (`{{`) is a plaintext value committed in the clear (docs/lint.md).
 */
export const PLAINTEXT_SECRET: Rule = {
  id: "plaintext-secret",
  severity: "error",
  description:
    "A Kubernetes Secret with data or stringData (or a SealedSecret's spec.template.data entry with no template action) is committed in plain text: seal it with signet and commit the SealedSecret instead.",
  check: (o) => {
    if (o.kind === SEALED_SECRET_KIND) return templateLiterals(o.value);
    const kustomize =
      o.kind === "" || o.kind === "Kustomization"
        ? [...generatorLiterals(o.value), ...inlinePatches(o.value)]
        : [];
    if (!fieldValues(o.value, "kind").includes("Secret")) return kustomize;
    if (!fieldValues(o.value, "apiVersion").some(isCoreGroup)) return kustomize;
    return Object.entries(o.value)
      .filter(([key, value]) => {
        const folded = goFold(key);
        return (
          (folded === "data" || folded === "stringdata") &&
          isObject(value) &&
          Object.keys(value).length > 0
        );
      })
      .map(([field, value]): Hit => ({
        field: [field],
        message: `plaintext Secret: ${field} holds ${Object.keys(value as object).length} value(s) (seal it; never commit the Secret)`,
      }))
      .concat(kustomize);
  },
};

/**
 * A key as Go's encoding/json matches it to a struct field when no key matches exactly
 * (bytes.EqualFold: ASCII case, and the Kelvin sign and long s that fold to `k` and `s`).
 * kubeseal reads a Secret's type meta and fields so: `Kind`, `StringData`, `DATA` all count.
 */
export function goFold(key: string): string {
  return key.replace(/[A-Z\u212A\u017F]/g, (c) =>
    c === "\u212A" ? "k" : c === "\u017F" ? "s" : c.toLowerCase(),
  );
}

/**
 * Every value of an object's keys that Go would decode into the field `name` (exact or
 * case-folded; all of them, since which one wins depends on the decoder); `undefined` when no
 * key matches.
 */
function fieldValues(value: Readonly<Record<string, unknown>>, name: string): unknown[] {
  const folded = goFold(name);
  const found = Object.entries(value)
    .filter(([key]) => goFold(key) === folded)
    .map(([, v]) => v);
  return found.length === 0 ? [undefined] : found;
}

/**
 * True when an apiVersion names the core group as Go's schema.ParseGroupVersion reads it: absent,
 * empty or null (kubeseal reads such a Secret), `VERSION` or `/VERSION` (group ""), any version.
 * A value that is not a string is counted too: a lint errs towards reporting.
 */
function isCoreGroup(apiVersion: unknown): boolean {
  if (typeof apiVersion !== "string") return true;
  const parts = apiVersion.split("/");
  return parts.length === 1 || (parts.length === 2 && parts[0] === "");
}

const KIND_SECRET_LINE = /(^|[\s{,])["']?kind["']?[ \t]*:[ \t]*["']?Secret["']?[ \t]*([,}#]|$)/im;
const DATA_KEY_LINE = /^([ \t]*)[{,]?[ \t]*["']?(string)?data["']?[ \t]*:(.*)$/i;
const BLOCK_INDICATOR = /^[|>][-+0-9]*[ \t]*(#.*)?$/;

/**
 * For a Go template document that cannot be read without rendering: true when its text looks
 * like a plaintext Secret anyway, a `kind: Secret` line (any case, JSON or YAML) and a `data:`
 * or `stringData:` key holding a value with no template action (`{{`). A Secret whose every
 * value is a template action (a Helm chart's) does not match.
 */
export function looksLikePlaintextSecret(text: string): boolean {
  if (!KIND_SECRET_LINE.test(text)) return false;
  const lines = text.split(/\r\n|[\n\r\u0085\u2028\u2029]/);
  return lines.some((line, i) => {
    const m = DATA_KEY_LINE.exec(line);
    if (!m) return false;
    const rest = m[3]!.trim();
    const opened = rest.startsWith("{") && !rest.includes("}");
    if (rest !== "" && !rest.startsWith("#") && !opened) return literalFlow(rest);
    return literalBlock(blockAfter(lines, i, m[1]!.length));
  });
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
const isBlank = (line: string): boolean => /^\s*(#.*)?$/.test(line);

/** The lines after `lines[at]` indented more than `indent` (blank and comment lines left out). */
function blockAfter(lines: readonly string[], at: number, indent: number): string[] {
  const block: string[] = [];
  for (const next of lines.slice(at + 1)) {
    if (isBlank(next)) continue;
    if (indentOf(next) <= indent && !/^[ \t]*[}\]]/.test(next)) break;
    block.push(next);
  }
  return block;
}

/**
 * True when the lines of a data map hold an entry with a literal value: `key: value` with no
 * `{{`, or a block scalar (`key: |`) none of whose lines holds `{{` (a value that uses a
 * template action anywhere is the chart's, as for spec.template.data).
 */
function literalBlock(block: readonly string[]): boolean {
  for (let i = 0; i < block.length; i++) {
    const trimmed = block[i]!.trim();
    const pair = /^("[^"]*"|'[^']*'|[^:{]+?)[ \t]*:[ \t]*(.*)$/.exec(trimmed);
    const value = pair?.[2]?.trim() ?? "";
    if (pair && !trimmed.includes("{{") && (value === "" || BLOCK_INDICATOR.test(value))) {
      const body = blockAfter(block, i, indentOf(block[i]!));
      if (body.length > 0 && !body.some((l) => l.includes("{{"))) return true;
      i += body.length;
      continue;
    }
    if (literalLine(trimmed)) return true;
  }
  return false;
}

/** A `key: value` (or block scalar content) line of a data map with a literal value. */
function literalLine(trimmed: string): boolean {
  if (trimmed.includes("{{") || /^[}\]],?$/.test(trimmed)) return false;
  const pair = /^("[^"]*"|'[^']*'|[^:]+?)[ \t]*:([ \t]+(.*))?$/.exec(trimmed);
  if (!pair) return true;
  const value = (pair[3] ?? "").replace(/,$/, "").trim();
  return value !== "" && !BLOCK_INDICATOR.test(value) && value !== "{}" && value !== '""';
}

/** An inline `{k: v, ...}` (or a scalar) after `data:` holding a literal value. */
function literalFlow(rest: string): boolean {
  const body = rest.replace(/#.*$/, "").trim();
  if (body === "{}" || body === "{},") return false;
  if (BLOCK_INDICATOR.test(body)) return false;
  if (!body.startsWith("{")) return !body.includes("{{");
  return body
    .replace(/^\{|\},?$/g, "")
    .split(",")
    .some((entry) => entry.trim() !== "" && literalLine(entry.trim()));
}

/** Literal (non-empty, action-free) values of `spec.template.data`: plaintext in the SealedSecret. */
function templateLiterals(value: Readonly<Record<string, unknown>>): Hit[] {
  const spec = isObject(value.spec) ? value.spec : {};
  const template = isObject(spec.template) ? spec.template : {};
  const data = isObject(template.data) ? template.data : {};
  return Object.entries(data)
    .filter(([, v]) => typeof v === "string" && v !== "" && !v.includes("{{"))
    .map(([key]) => ({
      field: ["spec", "template", "data", key],
      message:
        "plaintext value in spec.template.data: it has no template action, so it is copied into the Secret as written (seal it into spec.encryptedData)",
    }));
}

/**
 * kustomize `secretGenerator` entries with `literals:` (a kustomization.yaml, with or without
 * `kind: Kustomization`): the values are in Git in the clear. `envs:` and `files:` name files
 * that hold values too; lint does not read them (docs/lint.md).
 */
function generatorLiterals(value: Readonly<Record<string, unknown>>): Hit[] {
  const generators = Array.isArray(value.secretGenerator)
    ? (value.secretGenerator as unknown[])
    : [];
  return generators.flatMap((g, i) =>
    isObject(g) && Array.isArray(g.literals) && g.literals.length > 0
      ? [
          {
            field: ["secretGenerator", i, "literals"],
            message: `plaintext kustomize secretGenerator: literals hold ${g.literals.length} value(s) (seal them; commit a SealedSecret)`,
          },
        ]
      : [],
  );
}

/**
 * Inline kustomize patches (`patches[].patch`, inline `patchesStrategicMerge` entries) that put
 * values into a Secret: a strategic-merge patch of a `Secret` with data or stringData, or a JSON
 * patch op adding or replacing `/data` or `/stringData` (or a key below them) with a value.
 */
function inlinePatches(value: Readonly<Record<string, unknown>>): Hit[] {
  const hits: Hit[] = [];
  const patches = Array.isArray(value.patches) ? (value.patches as unknown[]) : [];
  patches.forEach((p, i) => {
    if (isObject(p) && typeof p.patch === "string" && patchSetsSecretData(p.patch, p.target)) {
      hits.push(patchHit(["patches", i, "patch"]));
    }
  });
  const merges = Array.isArray(value.patchesStrategicMerge)
    ? (value.patchesStrategicMerge as unknown[])
    : [];
  merges.forEach((p, i) => {
    if (typeof p === "string" && p.includes("\n") && patchSetsSecretData(p, undefined)) {
      hits.push(patchHit(["patchesStrategicMerge", i]));
    }
  });
  return hits;
}

const patchHit = (field: (string | number)[]): Hit => ({
  field,
  message: "plaintext kustomize patch: it writes values into a Secret (seal them instead)",
});

const DATA_PATH = /^\/(data|stringData)(\/|$)/;

function patchSetsSecretData(text: string, target: unknown): boolean {
  let docs: unknown[];
  try {
    docs = parseAllDocuments(text).map((d) => d.toJS() as unknown);
  } catch {
    return false;
  }
  const targetsSecret = isObject(target) && target.kind === "Secret";
  return docs.some((doc) => {
    if (Array.isArray(doc)) {
      return (
        targetsSecret &&
        doc.some(
          (op) =>
            isObject(op) &&
            (op.op === "add" || op.op === "replace") &&
            typeof op.path === "string" &&
            DATA_PATH.test(op.path) &&
            op.value !== undefined &&
            op.value !== null &&
            !(isObject(op.value) && Object.keys(op.value).length === 0),
        )
      );
    }
    if (!isObject(doc) || !(doc.kind === "Secret" || (doc.kind === undefined && targetsSecret))) {
      return false;
    }
    return ["data", "stringData"].some((f) => isObject(doc[f]) && Object.keys(doc[f]).length > 0);
  });
}
