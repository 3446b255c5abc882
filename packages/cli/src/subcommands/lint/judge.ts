import type { LintConfig } from "./config.js";
import { pathIgnored } from "./config.js";
import type { Finding, Hit, LintContext, LintObject, Severity } from "./model.js";
import { FILE_RULES, OBJECT_RULES, RULE_IDS } from "./rules.js";
import { annotationsOf } from "./rules-sealed.js";

/** The annotation that silences rules for one object: `rule-id[,rule-id] reason...`. */
export const IGNORE_ANNOTATION = "signet.dev/lint-ignore";

/** What an object's ignore annotation asks for, and what is wrong with it. */
interface AnnotationIgnore {
  rules: ReadonlySet<string>;
  problems: string[];
}

/**
 * Reads `signet.dev/lint-ignore` (pure). The reason is required: an ignore that says nothing
 * about why ignores nothing and is itself reported; unknown rule ids are reported too (a typo
 * would otherwise hide nothing and look like it did).
 */
export function parseIgnoreAnnotation(value: unknown): AnnotationIgnore {
  if (value === undefined) return { rules: new Set(), problems: [] };
  const text = typeof value === "string" ? value.trim() : "";
  const match = /^([\w-]+(?:\s*,\s*[\w-]+)*)(?:\s+(.*))?$/s.exec(text);
  if (!match) {
    return {
      rules: new Set(),
      problems: [`${IGNORE_ANNOTATION} must be "rule-id[,rule-id] reason"`],
    };
  }
  const ids = match[1]!.split(",").map((id) => id.trim());
  const unknown = ids.filter((id) => !RULE_IDS.has(id));
  const problems = unknown.map((id) => `${IGNORE_ANNOTATION}: unknown rule ${id}`);
  if ((match[2] ?? "").trim() === "") {
    problems.push(
      `${IGNORE_ANNOTATION}: ${ids.join(",")} is ignored without a reason (add one after the rule ids); the rules still apply`,
    );
    return { rules: new Set(), problems };
  }
  return { rules: new Set(ids.filter((id) => RULE_IDS.has(id))), problems };
}

/**
 * Every finding about one object (pure): each rule's hits, with the config's severities, its
 * path ignores and the object's own ignore annotation applied.
 */
export function judgeObject(o: LintObject, context: LintContext, config: LintConfig): Finding[] {
  const ignore = parseIgnoreAnnotation(annotationsOf(o)[IGNORE_ANNOTATION]);
  const findings: Finding[] = ignore.problems.map((message) =>
    found(o, FILE_RULES.badIgnore.id, FILE_RULES.badIgnore.severity, {
      field: ["metadata", "annotations", IGNORE_ANNOTATION],
      message,
    }),
  );
  for (const rule of OBJECT_RULES) {
    if (ignore.rules.has(rule.id)) continue;
    for (const hit of rule.check(o, context)) {
      findings.push(found(o, rule.id, hit.severity ?? rule.severity, hit));
    }
  }
  return findings.flatMap((f) => configured(f, config));
}

/** A finding about a whole file (it could not be read), with the config applied. */
export function fileFinding(
  rule: { id: string; severity: Severity },
  where: { file: string; line: number },
  message: string,
  config: LintConfig,
): Finding[] {
  return configured({ rule: rule.id, severity: rule.severity, ...where, message }, config);
}

/** The config's view of a finding: dropped (rule off, path ignored) or with its severity. */
function configured(finding: Finding, config: LintConfig): Finding[] {
  const level = config.rules[finding.rule];
  if (level === "off" || pathIgnored(config.ignore, finding.file, finding.rule)) return [];
  return [level ? { ...finding, severity: level } : finding];
}

function found(o: LintObject, rule: string, severity: Severity, hit: Hit): Finding {
  return {
    rule,
    severity,
    file: o.file,
    line: hit.field ? o.lineOf(hit.field) : o.line,
    ...(hit.field && hit.field.length > 0 && { field: hit.field.join(".") }),
    object: o.label,
    message: hit.message,
  };
}
