import { appendAll } from "@signet/core";

import { isObject } from "../manifests.js";

/**
 * The part of an OpenAPI v3 schema the SealedSecret CRD uses, and the part `signet lint` checks:
 * types, required fields, nested properties, map values, array items and `nullable`.
 */
export interface CrdSchema {
  type?: "object" | "string" | "boolean" | "integer" | "array";
  required?: readonly string[];
  properties?: Readonly<Record<string, CrdSchema>>;
  additionalProperties?: CrdSchema;
  items?: CrdSchema;
  nullable?: boolean;
}

/**
 * The openAPIV3Schema of `crds/sealedsecret-crd.yaml` without its descriptions, formats and
 * `x-kubernetes-*` markers (a unit test compares the two, so they cannot drift). Kept as code
 * because the bundled CLI ships without the repository's files.
 */
export const SEALED_SECRET_SCHEMA: CrdSchema = {
  type: "object",
  required: ["spec"],
  properties: {
    apiVersion: { type: "string" },
    kind: { type: "string" },
    metadata: { type: "object" },
    spec: {
      type: "object",
      required: ["encryptedData"],
      properties: {
        data: { type: "string" },
        encryptedData: { type: "object", additionalProperties: { type: "string" } },
        template: {
          type: "object",
          properties: {
            metadata: {
              type: "object",
              nullable: true,
              properties: {
                annotations: { type: "object", additionalProperties: { type: "string" } },
                finalizers: { type: "array", items: { type: "string" } },
                labels: { type: "object", additionalProperties: { type: "string" } },
                name: { type: "string" },
                namespace: { type: "string" },
              },
            },
            type: { type: "string" },
            immutable: { type: "boolean" },
            data: { type: "object", nullable: true, additionalProperties: { type: "string" } },
          },
        },
      },
    },
    status: {
      type: "object",
      properties: {
        signet: { type: "object", properties: { keyFingerprint: { type: "string" } } },
        observedGeneration: { type: "integer" },
        conditions: {
          type: "array",
          items: {
            type: "object",
            required: ["status", "type"],
            properties: {
              type: { type: "string" },
              status: { type: "string" },
              lastUpdateTime: { type: "string" },
              lastTransitionTime: { type: "string" },
              reason: { type: "string" },
              message: { type: "string" },
            },
          },
        },
      },
    },
  },
};

/** A place where a value breaks the schema: the path to it and what the API server would say. */
export interface SchemaViolation {
  path: (string | number)[];
  message: string;
}

/**
 * Checks `value` against `schema` the way the API server's structural validation would reject
 * it (pure). Unknown fields are not violations: the server prunes them (or keeps them where the
 * CRD preserves unknown fields).
 */
export function schemaViolations(
  value: unknown,
  schema: CrdSchema,
  path: (string | number)[] = [],
): SchemaViolation[] {
  if (value === undefined) return [];
  if (value === null) return schema.nullable ? [] : [typeViolation(path, schema, value)];
  if (schema.type && !hasType(value, schema.type)) return [typeViolation(path, schema, value)];
  if (Array.isArray(value)) {
    const items = schema.items;
    return items ? value.flatMap((item, i) => schemaViolations(item, items, [...path, i])) : [];
  }
  return isObject(value) ? objectViolations(value, schema, path) : [];
}

function objectViolations(
  value: Record<string, unknown>,
  schema: CrdSchema,
  path: (string | number)[],
): SchemaViolation[] {
  const out: SchemaViolation[] = (schema.required ?? [])
    .filter((field) => value[field] === undefined)
    .map((field) => ({ path, message: `${field} is required` }));
  for (const [key, item] of Object.entries(value)) {
    const sub = schema.properties?.[key] ?? schema.additionalProperties;
    if (sub) appendAll(out, schemaViolations(item, sub, [...path, key]));
  }
  return out;
}

function hasType(value: unknown, type: NonNullable<CrdSchema["type"]>): boolean {
  if (type === "object") return isObject(value);
  if (type === "array") return Array.isArray(value);
  if (type === "integer") {
    return typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value));
  }
  return typeof value === type;
}

function typeViolation(
  path: (string | number)[],
  schema: CrdSchema,
  value: unknown,
): SchemaViolation {
  const got = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  return { path, message: `must be of type ${schema.type ?? "any"}, not ${got}` };
}
