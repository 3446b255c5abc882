import {
  CLUSTER_WIDE_ANNOTATION,
  decodeStdBase64,
  NAMESPACE_WIDE_ANNOTATION,
  scopeFromAnnotations,
  SEALED_SECRET_KIND,
  wrappedKeyLength,
} from "@signet/core";

import { isObject } from "../manifests.js";
import { schemaViolations, SEALED_SECRET_SCHEMA } from "./crd-schema.js";
import type { Hit, LintContext, LintObject, Rule } from "./model.js";

/**
 * The smallest RSA modulus a sealed value can have been wrapped with, in bytes, when the key is
 * unknown: 1024 bits, the smallest key size Signet generates (core's crypto/generate.ts).
 */
export const SMALLEST_RSA_BYTES = 128;
/** Bytes of the AES-GCM tag that ends every sealed value (docs/wire-format.md). */
const GCM_TAG_BYTES = 16;

const isSealed = (o: LintObject): boolean => o.kind === SEALED_SECRET_KIND;
const spec = (o: LintObject): Record<string, unknown> =>
  isObject(o.value.spec) ? o.value.spec : {};
const encryptedData = (o: LintObject): Record<string, unknown> | undefined => {
  const data = spec(o).encryptedData;
  return isObject(data) ? data : undefined;
};
export const annotationsOf = (o: LintObject): Record<string, unknown> => {
  const meta = isObject(o.value.metadata) ? o.value.metadata : {};
  return isObject(meta.annotations) ? meta.annotations : {};
};
const stringAnnotations = (o: LintObject): Record<string, string> =>
  Object.fromEntries(
    Object.entries(annotationsOf(o)).filter((e): e is [string, string] => typeof e[1] === "string"),
  );

/** Each string value of `spec.encryptedData`, decoded; undefined bytes for illegal base64. */
function values(o: LintObject): { key: string; bytes?: Buffer }[] {
  return Object.entries(encryptedData(o) ?? {})
    .filter((e): e is [string, string] => typeof e[1] === "string")
    .map(([key, text]) => {
      const bytes = decodeStdBase64(text);
      return { key, bytes: Buffer.isBuffer(bytes) ? bytes : undefined };
    });
}

const field = (key: string) => ["spec", "encryptedData", key] as const;

export const SEALED_SECRET_RULES: readonly Rule[] = [
  {
    id: "sealed-secret-schema",
    severity: "error",
    description:
      "A SealedSecret breaks the CRD's schema (crds/sealedsecret-crd.yaml): the API server would refuse it.",
    check: (o) =>
      isSealed(o)
        ? schemaViolations(o.value, SEALED_SECRET_SCHEMA).map((v) => ({
            field: v.path,
            message: `${v.path.length > 0 ? `${v.path.join(".")} ` : ""}${v.message}`,
          }))
        : [],
  },
  {
    id: "empty-encrypted-data",
    severity: "error",
    description:
      "A SealedSecret has an empty spec.encryptedData: the Secret it produces holds nothing.",
    check: (o) =>
      isSealed(o) && encryptedData(o) && Object.keys(encryptedData(o)!).length === 0
        ? [{ field: ["spec", "encryptedData"], message: "spec.encryptedData is empty" }]
        : [],
  },
  {
    id: "invalid-base64",
    severity: "error",
    description:
      "A sealed value is not standard base64: the controller refuses the whole SealedSecret.",
    check: (o) =>
      isSealed(o)
        ? values(o)
            .filter((v) => v.bytes === undefined)
            .map((v) => ({ field: field(v.key), message: `${v.key}: illegal base64 data` }))
        : [],
  },
  {
    id: "ciphertext-too-short",
    severity: "error",
    description:
      "A sealed value is shorter than the 2-byte length, the RSA-wrapped session key and the AES-GCM tag it must hold: it was truncated or never sealed.",
    check: (o, context) => (isSealed(o) ? values(o).flatMap((v) => tooShort(v, context)) : []),
  },
  {
    id: "conflicting-scope",
    severity: "error",
    description:
      'Scope annotations disagree (both cluster-wide and namespace-wide, or a value other than "true" that the controller reads as strict).',
    check: (o) => (isSealed(o) ? scopeConflicts(o) : []),
  },
  {
    id: "missing-namespace",
    severity: "warning",
    description:
      "A strict or namespace-wide SealedSecret has no metadata.namespace: it opens only in the namespace it was sealed for, which the file does not say.",
    check: (o, context) => {
      if (!isSealed(o) || context.namespaceFromLayout) return [];
      const meta = isObject(o.value.metadata) ? o.value.metadata : {};
      if (typeof meta.namespace === "string" && meta.namespace !== "") return [];
      const scope = scopeFromAnnotations(stringAnnotations(o));
      if (scope === "cluster-wide") return [];
      return [
        {
          field: ["metadata"],
          message: `no metadata.namespace for a ${scope} SealedSecret (set namespaceFromLayout in the config when kustomize or the deployment supplies it)`,
        },
      ];
    },
  },
];

function tooShort(v: { key: string; bytes?: Buffer }, context: LintContext): Hit[] {
  if (v.bytes === undefined) return [];
  const sizes = context.certificates.map((c) => c.modulusBytes);
  const smallest = sizes.length > 0 ? Math.min(...sizes) : SMALLEST_RSA_BYTES;
  const wrapped = wrappedKeyLength(v.bytes) ?? 0;
  const minimum = 2 + Math.max(smallest, wrapped) + GCM_TAG_BYTES;
  if (wrapped >= smallest && v.bytes.length >= minimum) return [];
  return [
    {
      field: field(v.key),
      message: `${v.key}: ${v.bytes.length} bytes, too short for a sealed value (at least ${minimum} for RSA-${Math.max(smallest, wrapped) * 8})`,
    },
  ];
}

function scopeConflicts(o: LintObject): Hit[] {
  const annotations = annotationsOf(o);
  const hits: Hit[] = [];
  for (const name of [CLUSTER_WIDE_ANNOTATION, NAMESPACE_WIDE_ANNOTATION]) {
    const value = annotations[name];
    if (value !== undefined && value !== "true") {
      hits.push({
        field: ["metadata", "annotations", name],
        message: `${name} is ${JSON.stringify(value)}: only "true" counts, so the controller reads it as absent`,
      });
    }
  }
  if (
    annotations[CLUSTER_WIDE_ANNOTATION] === "true" &&
    annotations[NAMESPACE_WIDE_ANNOTATION] === "true"
  ) {
    hits.push({
      field: ["metadata", "annotations", NAMESPACE_WIDE_ANNOTATION],
      message:
        'both cluster-wide and namespace-wide are "true": cluster-wide wins, namespace-wide is misleading',
    });
  }
  return hits;
}
