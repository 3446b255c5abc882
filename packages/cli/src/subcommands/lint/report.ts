import { isAbsolute, relative } from "node:path";

import type { Finding } from "./model.js";
import { printable } from "./printable.js";
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
export function formatReport(
  result: LintResult,
  format: LintFormat,
  version: string,
  cwd = process.cwd(),
): string {
  // Suppressed findings are listed (in every format), never counted.
  switch (format) {
    case "text":
      return textReport(result);
    case "json":
      return json(jsonReport(result));
    case "sarif":
      return json(sarifReport(result, version, cwd));
    case "github":
      return githubReport(result);
  }
}

/** JSON text with the characters JSON.stringify leaves raw (separators, bidi) escaped too. */
const json = (value: unknown): string =>
  `${JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  )}\n`;

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;

const active = (findings: readonly Finding[]): Finding[] => findings.filter((f) => !f.suppressed);
const suppressed = (findings: readonly Finding[]): Finding[] =>
  findings.filter((f) => f.suppressed);

function totals(findings: readonly Finding[]): { errors: number; warnings: number } {
  const counted = active(findings);
  const errors = counted.filter((f) => f.severity === "error").length;
  return { errors, warnings: counted.length - errors };
}

/** A finding's text with every name and value made printable (one finding, one line). */
function describe(f: Finding): string {
  const about = [f.object, f.field]
    .filter((x) => x !== undefined)
    .map(printable)
    .join(", ");
  return `${printable(f.message)} [${f.rule}]${about ? ` (${about})` : ""}`;
}

/**
 * `file:line: severity: message [rule] (object, field)` per finding, the suppressed ones as
 * `file:line: suppressed severity (by config|annotation: reason): ...`, then summary lines.
 */
function textReport(result: LintResult): string {
  const lines = active(result.findings).map(
    (f) => `${linePath(f.file)}:${f.line}: ${f.severity}: ${describe(f)}`,
  );
  const hidden = suppressed(result.findings);
  for (const f of hidden) {
    const by = `${f.suppressed!.by}: ${printable(f.suppressed!.reason)}`;
    lines.push(
      `${linePath(f.file)}:${f.line}: suppressed ${f.severity} (by ${by}): ${describe(f)}`,
    );
  }
  const { errors, warnings } = totals(result.findings);
  lines.push(
    `${count(result.files, "file")}, ${count(result.objects, "object")} checked: ${count(errors, "error")}, ${count(warnings, "warning")}`,
  );
  if (hidden.length > 0) {
    lines.push(`${count(hidden.length, "finding")} suppressed (by config/annotation)`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * A file name at the start of a text line: a name starting with `:` (`::error title=x::a.yaml`)
 * is printed as `./NAME`, so no line can be read as a GitHub Actions workflow command.
 */
export function linePath(file: string): string {
  const shown = printable(file);
  return shown.startsWith(":") ? `./${shown}` : shown;
}

function jsonReport(result: LintResult) {
  return {
    ...totals(result.findings),
    files: result.files,
    objects: result.objects,
    findings: active(result.findings),
    suppressed: suppressed(result.findings),
  };
}

/**
 * GitHub Actions workflow commands (`::error file=F,line=L,title=RULE::MESSAGE`), which the
 * runner turns into annotations on the pull request. Properties and messages are escaped as the
 * runner's toolkit escapes them (`%`, CR, LF; and `:`, `,` in properties).
 */
function githubReport(result: LintResult): string {
  const lines = result.findings.map((f) => {
    const title = f.suppressed ? `signet lint ${f.rule} (suppressed)` : `signet lint ${f.rule}`;
    const props = `file=${prop(f.file)},line=${f.line},title=${prop(title)}`;
    const why = f.suppressed ? ` [suppressed by ${f.suppressed.by}: ${f.suppressed.reason}]` : "";
    const level = f.suppressed ? "notice" : f.severity;
    return `::${level} ${props}::${data(`${f.message}${f.object ? ` (${f.object})` : ""}${why}`)}\n`;
  });
  return lines.join("");
}

/** Also every other unprintable character escaped: nothing can end the command's line. */
const data = (s: string): string =>
  printable(s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A")).replace(
    /^"(.*)"$/s,
    "$1",
  );
const prop = (s: string): string => data(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

const SARIF_SCHEMA =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/**
 * A SARIF 2.1.0 log (what GitHub code scanning uploads): one run, the rules as
 * `tool.driver.rules`, each finding a result with its file (a relative URI, as code scanning
 * resolves it against the checkout) and start line.
 */
export function sarifReport(result: LintResult, version: string, cwd = process.cwd()) {
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
                artifactLocation: { uri: sarifUri(f.file, cwd), uriBaseId: "%SRCROOT%" },
                region: { startLine: f.line },
              },
            },
          ],
          ...(f.suppressed && {
            suppressions: [
              {
                kind: f.suppressed.by === "annotation" ? "inSource" : "external",
                justification: f.suppressed.reason,
              },
            ],
          }),
        })),
      },
    ],
  };
}

/**
 * A SARIF log for a run that failed before any file was checked (a usage or setup error): valid,
 * with the error as a tool execution notification and `executionSuccessful: false`.
 */
export function sarifFailure(message: string, version: string): string {
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "signet lint", version } },
        invocations: [
          {
            executionSuccessful: false,
            toolExecutionNotifications: [{ level: "error", message: { text: message } }],
          },
        ],
        results: [],
      },
    ],
  };
  return json(log);
}

/**
 * A path as a relative URI reference: `/` separators, no `./`, each segment percent-encoded; an
 * absolute path is made relative to `cwd` (where lint runs: the checkout in CI).
 */
export function sarifUri(file: string, cwd = process.cwd()): string {
  const rel = isAbsolute(file) ? relative(cwd, file) : file;
  return rel
    .replace(/\\/g, "/")
    .replace(/^(\.\/)+/, "")
    .split("/")
    .map(encodeURIComponent)
    .join("/");
}
