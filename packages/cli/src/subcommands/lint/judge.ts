import type { LintConfig } from "./config.js";
import { pathIgnored, reasonProblem } from "./config.js";
import type { Finding, Hit, LintContext, LintObject, Severity } from "./model.js";
import { FILE_RULES, OBJECT_RULES, RULE_IDS } from "./rules.js";
import { annotationsOf } from "./rules-sealed.js";

/** The annotation that silences rules for one object: `rule-id[,rule-id] reason...`. */
export const IGNORE_ANNOTATION = "signet.dev/lint-ignore";

/** What an object's ignore annotation asks for, and what is wrong with it. */
interface AnnotationIgnore {
  rules: ReadonlySet<string>;
  reason: string;
  problems: string[];
}

/**
 * Reads `signet.dev/lint-ignore` (pure). The reason is required: an ignore that says nothing
 * about why ignores nothing and is itself reported; unknown rule ids are reported too (a typo
 * would otherwise hide nothing and look like it did).
 */
export function parseIgnoreAnnotation(value: unknown): AnnotationIgnore {
  if (value === undefined) return { rules: new Set(), reason: "", problems: [] };
  const text = typeof value === "string" ? value.trim() : "";
  const match = /^([\w-]+(?:\s*,\s*[\w-]+)*)(?:\s+(.*))?$/s.exec(text);
  if (!match) {
    return {
      rules: new Set(),
      reason: "",
      problems: [`${IGNORE_ANNOTATION} must be "rule-id[,rule-id] reason"`],
    };
  }
  const ids = match[1]!.split(",").map((id) => id.trim());
  const unknown = ids.filter((id) => !RULE_IDS.has(id));
  const problems = unknown.map(
    (id) => `${IGNORE_ANNOTATION}: unknown rule ${id} (the annotation ignores nothing until fixed)`,
  );
  const reason = (match[2] ?? "").trim();
  if (reason === "") {
    problems.push(
      `${IGNORE_ANNOTATION}: ${ids.join(",")} is ignored without a reason (add one after the rule ids); the rules still apply`,
    );
  } else if (reasonProblem(reason)) {
    problems.push(`${IGNORE_ANNOTATION}: ${reasonProblem(reason)}; the rules still apply`);
  }
  // Any mistake ignores nothing: a typo must not leave the other ids silently working.
  if (problems.length > 0) {
    return { rules: new Set(), reason: "", problems };
  }
  return { rules: new Set(ids), reason, problems };
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
    const silenced = ignore.rules.has(rule.id);
    for (const hit of rule.check(o, context)) {
      const finding = found(o, rule.id, hit.severity ?? rule.severity, hit);
      findings.push(
        silenced
          ? { ...finding, suppressed: { by: "annotation", reason: ignore.reason } }
          : finding,
      );
    }
  }
  return findings.map((f) => configured(f, config));
}

/** A finding about a whole file (it could not be read), with the config applied. */
export function fileFinding(
  rule: { id: string; severity: Severity },
  where: { file: string; line: number },
  message: string,
  config: LintConfig,
): Finding {
  return configured({ rule: rule.id, severity: rule.severity, ...where, message }, config);
}

/**
 * The config's view of a finding: with its severity, and suppressed (still listed) when the
 * rule is off or a path ignore covers it. An annotation's suppression stays the annotation's.
 */
function configured(finding: Finding, config: LintConfig): Finding {
  const level = config.rules[finding.rule];
  const withLevel = level && level !== "off" ? { ...finding, severity: level } : finding;
  if (withLevel.suppressed) return withLevel;
  if (level === "off") {
    return { ...withLevel, suppressed: { by: "config", reason: `rules: ${finding.rule}: off` } };
  }
  const ignored = pathIgnored(config.ignore, finding.file, finding.rule);
  return ignored
    ? {
        ...withLevel,
        suppressed: { by: "config", reason: `ignore ${ignored.path}: ${ignored.reason}` },
      }
    : withLevel;
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
