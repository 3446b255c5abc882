import { readFileSync } from "node:fs";

import { parse } from "yaml";
import { describe, expect, it } from "vitest";

import { schemaViolations, SEALED_SECRET_SCHEMA } from "./crd-schema.js";

/** The CRD's schema without the keys lint does not check (descriptions, formats, markers). */
function crdSchema(): unknown {
  const crd = parse(
    readFileSync(new URL("../../../../../crds/sealedsecret-crd.yaml", import.meta.url), "utf8"),
  ) as { spec: { versions: { schema: { openAPIV3Schema: unknown } }[] } };
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node === null || typeof node !== "object") return node;
    return Object.fromEntries(
      Object.entries(node)
        .filter(([k]) => k !== "description" && k !== "format" && !k.startsWith("x-kubernetes-"))
        .map(([k, v]) => [k, strip(v)]),
    );
  };
  return strip(crd.spec.versions[0]!.schema.openAPIV3Schema);
}

describe("the SealedSecret schema lint checks", () => {
  it("is the CRD's schema (crds/sealedsecret-crd.yaml), so the two cannot drift", () => {
    expect(SEALED_SECRET_SCHEMA).toEqual(crdSchema());
  });

  const ok = { spec: { encryptedData: { a: "x" } } };
  it.each([
    ["a minimal object", ok, []],
    ["unknown fields (pruned by the server)", { ...ok, extra: 1 }, []],
    ["no spec", {}, [": spec is required"]],
    ["no encryptedData", { spec: {} }, ["spec: encryptedData is required"]],
    [
      "a number as a sealed value",
      { spec: { encryptedData: { a: 1 } } },
      ["spec.encryptedData.a: must be of type string, not number"],
    ],
    ["null template data (nullable)", { spec: { ...ok.spec, template: { data: null } } }, []],
    [
      "null encryptedData (not nullable)",
      { spec: { encryptedData: null } },
      ["spec.encryptedData: must be of type object, not null"],
    ],
    [
      "a condition without status",
      { ...ok, status: { conditions: [{ type: "Synced" }] } },
      ["status.conditions.0: status is required"],
    ],
  ])("%s", (_, value, expected) => {
    expect(
      schemaViolations(value, SEALED_SECRET_SCHEMA).map((v) => `${v.path.join(".")}: ${v.message}`),
    ).toEqual(expected);
  });
});
