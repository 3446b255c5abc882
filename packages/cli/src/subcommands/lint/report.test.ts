import { readFileSync } from "node:fs";

import Ajv from "ajv";
import { describe, expect, it } from "vitest";

import type { Finding } from "./model.js";
import { formatReport, sarifUri } from "./report.js";
import { ALL_RULES } from "./rules.js";

const FINDINGS: Finding[] = [
  {
    rule: "plaintext-secret",
    severity: "error",
    file: "./apps/db, prod/secret.yaml",
    line: 14,
    field: "stringData",
    object: "Secret apps/db",
    message: "plaintext Secret: stringData holds 1 value(s)",
  },
  {
    rule: "missing-hint",
    severity: "warning",
    file: "apps/sealed.json",
    line: 3,
    object: "SealedSecret apps/x",
    message: "no hint: 100% unknown\nsecond line",
  },
];
const RESULT = { files: 2, objects: 2, findings: FINDINGS };

/** The SARIF 2.1.0 schema (provenance: test/fixtures/sarif/README.md), compiled with ajv 6. */
function sarifValidator() {
  const read = (url: URL): object => JSON.parse(readFileSync(url, "utf8")) as object;
  const schema = read(
    new URL("../../../../../test/fixtures/sarif/sarif-2.1.0-rtm.5.json", import.meta.url),
  );
  const ajv = new Ajv({ schemaId: "auto", allErrors: true });
  ajv.addMetaSchema(read(new URL(import.meta.resolve("ajv/lib/refs/json-schema-draft-04.json"))));
  return ajv.compile(schema);
}

describe("signet lint --format sarif", () => {
  const validate = sarifValidator();

  it.each([
    ["with findings", RESULT],
    ["without findings", { files: 1, objects: 0, findings: [] }],
  ])("is a valid SARIF 2.1.0 log %s", (_, result) => {
    const log: unknown = JSON.parse(formatReport(result, "sarif", "1.2.3"));
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  });

  it("mismatch: the schema refuses a log whose result has no message", () => {
    const log = JSON.parse(formatReport(RESULT, "sarif", "1.2.3")) as {
      runs: { results: Record<string, unknown>[] }[];
    };
    delete log.runs[0]!.results[0]!.message;
    expect(validate(log)).toBe(false);
  });

  it("names every rule and places each result at a relative URI and start line", () => {
    const log = JSON.parse(formatReport(RESULT, "sarif", "1.2.3")) as {
      runs: {
        tool: { driver: { rules: { id: string }[]; version: string } };
        results: { ruleId: string; ruleIndex: number; level: string; locations: unknown[] }[];
      }[];
    };
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(ALL_RULES.map((r) => r.id));
    expect(run.tool.driver.version).toBe("1.2.3");
    expect(run.results[0]).toMatchObject({
      ruleId: "plaintext-secret",
      level: "error",
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "apps/db%2C%20prod/secret.yaml" },
            region: { startLine: 14 },
          },
        },
      ],
    });
    const rule = run.tool.driver.rules[run.results[1]!.ruleIndex]!;
    expect(rule.id).toBe("missing-hint");
  });

  it.each([
    ["./a/b.yaml", "a/b.yaml"],
    ["a\\b c.yaml", "a/b%20c.yaml"],
    ["x#y.json", "x%23y.json"],
  ])("turns the path %s into the relative URI %s", (path, uri) => {
    expect(sarifUri(path)).toBe(uri);
  });
});

describe("signet lint --format github and json", () => {
  it("writes one workflow command per finding, escaped as the runner expects", () => {
    expect(formatReport(RESULT, "github", "1")).toBe(
      "::error file=./apps/db%2C prod/secret.yaml,line=14,title=signet lint plaintext-secret::plaintext Secret: stringData holds 1 value(s) (Secret apps/db)\n" +
        "::warning file=apps/sealed.json,line=3,title=signet lint missing-hint::no hint: 100%25 unknown%0Asecond line (SealedSecret apps/x)\n",
    );
  });

  it("writes the findings and their counts as JSON", () => {
    expect(JSON.parse(formatReport(RESULT, "json", "1"))).toEqual({
      errors: 1,
      warnings: 1,
      files: 2,
      objects: 2,
      findings: FINDINGS,
    });
  });
});
