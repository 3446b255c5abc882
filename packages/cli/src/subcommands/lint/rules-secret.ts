import { SEALED_SECRET_KIND } from "@signet/core";

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
    if (o.kind === "" || o.kind === "Kustomization") return generatorLiterals(o.value);
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
