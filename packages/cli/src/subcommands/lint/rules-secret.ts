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
    if (o.kind === "" || o.kind === "Kustomization") {
      return [...generatorLiterals(o.value), ...inlinePatches(o.value)];
    }
    if (o.kind !== "Secret" || !(o.value.apiVersion === "v1" || o.value.apiVersion === undefined)) {
      return [];
    }
    return (["data", "stringData"] as const)
      .filter((field) => {
        const value = o.value[field];
        return value !== null && typeof value === "object" && Object.keys(value).length > 0;
      })
      .map((field) => ({
        field: [field],
        message: `plaintext Secret: ${field} holds ${Object.keys(o.value[field] as object).length} value(s) (seal it; never commit the Secret)`,
      }));
  },
};

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
