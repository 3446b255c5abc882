import type { Rule } from "./model.js";

/**
 * A Secret with values in Git is what sealing exists to prevent. Only `kind: Secret` of the core
 * group counts (`v1`); a Secret without `data` or `stringData` (or with both empty) holds nothing.
 */
export const PLAINTEXT_SECRET: Rule = {
  id: "plaintext-secret",
  severity: "error",
  description:
    "A Kubernetes Secret with data or stringData is committed in plain text: seal it with signet and commit the SealedSecret instead.",
  check: (o) => {
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
