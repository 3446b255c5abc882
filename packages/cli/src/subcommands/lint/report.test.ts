import { readFileSync } from "node:fs";

import Ajv from "ajv";
import { describe, expect, it } from "vitest";

import type { Finding } from "./model.js";
import { formatReport, sarifFailure, sarifUri } from "./report.js";
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
const SUPPRESSED: Finding[] = [
  {
    ...FINDINGS[0]!,
    file: "apps/fixture.yaml",
    suppressed: { by: "annotation", reason: "dummy value for the e2e fixture" },
  },
];

/** Names an attacker controls: a file, an object and an annotation value. */
const HOSTILE: Finding[] = [
  {
    rule: "plaintext-secret",
    severity: "error",
    file: "c\n::stop-commands::tok\n.yaml",
    line: 1,
    field: "stringData",
    object: "Secret x\n::warning::injected\r\u001b[2J\u202e",
    message: "plaintext Secret",
  },
  { ...FINDINGS[1]!, suppressed: { by: "annotation", reason: "ok ok ok ok\n::error::x" } },
];

describe("signet lint output of hostile names", () => {
  it.each(["text", "json", "sarif", "github"] as const)(
    "--format %s: one line per finding, no line starts a workflow command of the attacker",
    (format) => {
      const out = formatReport({ files: 1, objects: 2, findings: HOSTILE }, format, "1");
      const lines = out.split("\n");
      expect(
        lines.filter((l) => /^\s*::(stop-commands|warning::injected|error::x)/.test(l)),
      ).toEqual([]);
      expect(["\r", "\u001b", "\u202e"].filter((c) => out.includes(c))).toEqual([]);
      if (format === "github") {
        expect(lines.filter((l) => l !== "")).toHaveLength(2);
        for (const l of lines.filter((x) => x !== ""))
          expect(l).toMatch(/^::(error|warning|notice) /);
      }
      if (format === "text") {
        expect(lines[0]).toBe(
          '"c\\n::stop-commands::tok\\n.yaml":1: error: plaintext Secret [plaintext-secret] ("Secret x\\n::warning::injected\\r\\u001b[2J\\u202e", stringData)',
        );
        expect(out).toContain("1 finding suppressed (by config/annotation)");
      }
    },
  );

  it("mismatch: a name without control characters is printed as it is", () => {
    const out = formatReport(RESULT, "text", "1");
    expect(out.split("\n")[0]).toBe(
      "./apps/db, prod/secret.yaml:14: error: plaintext Secret: stringData holds 1 value(s) [plaintext-secret] (Secret apps/db, stringData)",
    );
  });
});

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
    ["with suppressed findings", { ...RESULT, findings: [...FINDINGS, ...SUPPRESSED] }],
  ])("is a valid SARIF 2.1.0 log %s", (_, result) => {
    const log: unknown = JSON.parse(formatReport(result, "sarif", "1.2.3"));
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  });

  it("is a valid SARIF 2.1.0 log for a run that failed (setup error)", () => {
    const log = JSON.parse(sarifFailure("--cert: c.pem: no such file", "1.2.3")) as {
      runs: { invocations: { executionSuccessful: boolean }[] }[];
    };
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0]!.invocations[0]!.executionSuccessful).toBe(false);
  });

  it.each([
    ["annotation", "inSource"],
    ["config", "external"],
  ] as const)("marks a finding suppressed by %s with a SARIF suppression", (by, kind) => {
    const finding = { ...SUPPRESSED[0]!, suppressed: { by, reason: "dummy value for tests" } };
    const log = JSON.parse(
      formatReport({ files: 1, objects: 1, findings: [finding, FINDINGS[1]!] }, "sarif", "1"),
    ) as { runs: { results: { suppressions?: unknown }[] }[] };
    expect(log.runs[0]!.results[0]!.suppressions).toEqual([
      { kind, justification: "dummy value for tests" },
    ]);
    expect(log.runs[0]!.results[1]!.suppressions).toBeUndefined();
  });

  it.each([
    ["/repo/apps/s.yaml", "/repo", "apps/s.yaml"],
    ["/elsewhere/s.yaml", "/repo", "../elsewhere/s.yaml"],
    ["apps/s.yaml", "/repo", "apps/s.yaml"],
  ])("makes the absolute path %s relative to %s: %s", (file, cwd, uri) => {
    expect(sarifUri(file, cwd)).toBe(uri);
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
      suppressed: [],
    });
  });
});
