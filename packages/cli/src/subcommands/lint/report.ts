import type { Finding } from "./model.js";
import { ALL_RULES } from "./rules.js";

/** Output formats of `signet lint --format`. */
export const LINT_FORMATS = ["text", "json", "sarif", "github"] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

/** What one lint run found, as every format reports it. */
export interface LintResult {
  files: number;
  objects: number;
  findings: readonly Finding[];
}

/** The report text of `result` in `format` (pure). */
export function formatReport(result: LintResult, format: LintFormat, version: string): string {
  switch (format) {
    case "text":
      return textReport(result);
    case "json":
      return `${JSON.stringify(jsonReport(result), null, 2)}\n`;
    case "sarif":
      return `${JSON.stringify(sarifReport(result, version), null, 2)}\n`;
    case "github":
      return githubReport(result);
  }
}

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;

function totals(findings: readonly Finding[]): { errors: number; warnings: number } {
  const errors = findings.filter((f) => f.severity === "error").length;
  return { errors, warnings: findings.length - errors };
}

/** `file:line: severity: message [rule] (object, field)` per finding, then a summary line. */
function textReport(result: LintResult): string {
  const lines = result.findings.map((f) => {
    const about = [f.object, f.field].filter((x) => x !== undefined).join(", ");
    return `${f.file}:${f.line}: ${f.severity}: ${f.message} [${f.rule}]${about ? ` (${about})` : ""}`;
  });
  const { errors, warnings } = totals(result.findings);
  lines.push(
    `${count(result.files, "file")}, ${count(result.objects, "object")} checked: ${count(errors, "error")}, ${count(warnings, "warning")}`,
  );
  return `${lines.join("\n")}\n`;
}

function jsonReport(result: LintResult) {
  return {
    ...totals(result.findings),
    files: result.files,
    objects: result.objects,
    findings: result.findings,
  };
}

/**
 * GitHub Actions workflow commands (`::error file=F,line=L,title=RULE::MESSAGE`), which the
 * runner turns into annotations on the pull request. Properties and messages are escaped as the
 * runner's toolkit escapes them (`%`, CR, LF; and `:`, `,` in properties).
 */
function githubReport(result: LintResult): string {
  return result.findings
    .map((f) => {
      const props = `file=${prop(f.file)},line=${f.line},title=${prop(`signet lint ${f.rule}`)}`;
      return `::${f.severity} ${props}::${data(`${f.message}${f.object ? ` (${f.object})` : ""}`)}\n`;
    })
    .join("");
}

const data = (s: string): string =>
  s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const prop = (s: string): string => data(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

const SARIF_SCHEMA =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/**
 * A SARIF 2.1.0 log (what GitHub code scanning uploads): one run, the rules as
 * `tool.driver.rules`, each finding a result with its file (a relative URI, as code scanning
 * resolves it against the checkout) and start line.
 */
export function sarifReport(result: LintResult, version: string) {
  const index = new Map(ALL_RULES.map((r, i) => [r.id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "signet lint",
            version,
            rules: ALL_RULES.map((r) => ({
              id: r.id,
              shortDescription: { text: r.description },
              defaultConfiguration: { level: r.severity },
            })),
          },
        },
        results: result.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: index.get(f.rule) ?? -1,
          level: f.severity,
          message: { text: `${f.message}${f.object ? ` (${f.object})` : ""}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: sarifUri(f.file), uriBaseId: "%SRCROOT%" },
                region: { startLine: f.line },
              },
            },
          ],
        })),
      },
    ],
  };
}

/** A path as a relative URI reference: `/` separators, no `./`, each segment percent-encoded. */
export function sarifUri(file: string): string {
  return file
    .replace(/\\/g, "/")
    .replace(/^(\.\/)+/, "")
    .split("/")
    .map(encodeURIComponent)
    .join("/");
}
