import picomatch from "picomatch";
import { parse } from "yaml";

import { UsageError } from "../../exit.js";
import { isObject } from "../manifests.js";
import type { Severity } from "./model.js";
import { CONFIG_LOCKED_RULES, RULE_IDS } from "./rules.js";

/**
 * What a reason (config `ignore[].reason`, the lint-ignore annotation's) must be: at least two
 * words and 10 letters or digits, so `.` or `x` do not pass for one.
 */
export function reasonProblem(reason: string): string | undefined {
  const words = reason
    .trim()
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
  const letters = reason.replace(/[^\p{L}\p{N}]/gu, "").length;
  return words.length >= 2 && letters >= 10
    ? undefined
    : "a reason must say why, in at least two words and 10 letters";
}

/** The config file `signet lint` reads from the directory it runs in, unless --config names one. */
export const CONFIG_FILE = ".signet-lint.yaml";

/** One `ignore:` entry: paths (globs) where some rules (or all) are not reported, and why. */
export interface PathIgnore {
  path: string;
  rules?: readonly string[];
  reason: string;
}

/** What `.signet-lint.yaml` says (every field optional). */
export interface LintConfig {
  /** Per rule: `off`, or the severity to report it with. */
  rules: Readonly<Record<string, Severity | "off">>;
  ignore: readonly PathIgnore[];
  /** Allowed certificates (paths relative to the directory lint runs in, or URLs). */
  certificates: readonly string[];
  certExpiryDays?: number;
  /** The `expiring-soon` window in days (`--expiry-warning-days` wins when given). */
  expiryWarningDays?: number;
  /** kustomize/Argo CD/Flux supply namespaces: `missing-namespace` says nothing. */
  namespaceFromLayout: boolean;
}

export const EMPTY_CONFIG: LintConfig = {
  rules: {},
  ignore: [],
  certificates: [],
  namespaceFromLayout: false,
};

/** A config file that cannot be used: a usage error (exit 2), naming the file and the field. */
export class LintConfigError extends UsageError {}

type Fail = (message: string) => never;

/** Reads a config text (pure); every mistake is refused, since a typo would silently lint less. */
export function parseLintConfig(path: string, text: string): LintConfig {
  const fail: Fail = (message) => {
    throw new LintConfigError(`${path}: ${message}`);
  };
  let doc: unknown;
  try {
    doc = parse(text) ?? {};
  } catch (err) {
    return fail((err as Error).message.split("\n")[0]!);
  }
  if (!isObject(doc)) return fail("must be a map");
  const known = [
    "rules",
    "ignore",
    "certificates",
    "certExpiryDays",
    "expiryWarningDays",
    "namespaceFromLayout",
  ];
  for (const key of Object.keys(doc)) if (!known.includes(key)) fail(`unknown field ${key}`);
  const days = expiryDays(doc.certExpiryDays, "certExpiryDays", fail);
  const warningDays = expiryDays(doc.expiryWarningDays, "expiryWarningDays", fail);
  return {
    rules: ruleLevels(doc.rules ?? {}, fail),
    ignore: listOf(doc.ignore, "ignore", fail).map((e, i) => pathIgnore(e, `ignore[${i}]`, fail)),
    certificates: listOf(doc.certificates, "certificates", fail).map((c) =>
      typeof c === "string" ? c : fail("certificates must be a list of paths or URLs"),
    ),
    ...(days !== undefined && { certExpiryDays: days }),
    ...(warningDays !== undefined && { expiryWarningDays: warningDays }),
    namespaceFromLayout: flagOf(doc.namespaceFromLayout, fail),
  };
}

function ruleLevels(rules: unknown, fail: Fail): Record<string, Severity | "off"> {
  if (!isObject(rules)) return fail("rules must be a map of rule id to off, error or warning");
  const out: Record<string, Severity | "off"> = {};
  for (const [id, level] of Object.entries(rules)) {
    if (!RULE_IDS.has(id)) fail(`rules: unknown rule ${id}`);
    if (CONFIG_LOCKED_RULES.has(id) && level !== "error") {
      fail(`rules.${id}: cannot be changed by the config (see docs/lint.md)`);
    }
    if (level !== "off" && level !== "error" && level !== "warning") {
      fail(`rules.${id}: must be off, error or warning`);
    }
    out[id] = level;
  }
  return out;
}

function listOf(value: unknown, field: string, fail: Fail): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : fail(`${field} must be a list`);
}

function expiryDays(value: unknown, field: string, fail: Fail): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  return fail(`${field} must be a whole number of days`);
}

function flagOf(value: unknown, fail: Fail): boolean {
  if (value === undefined) return false;
  return typeof value === "boolean" ? value : fail("namespaceFromLayout must be true or false");
}

function pathIgnore(entry: unknown, where: string, fail: Fail): PathIgnore {
  if (!isObject(entry)) return fail(`${where} must be a map with path, reason and rules`);
  const { path, reason, rules } = entry;
  if (typeof path !== "string" || path === "") return fail(`${where}.path must be a glob`);
  if (typeof reason !== "string" || reason.trim() === "") {
    return fail(`${where}.reason is required: say why these findings do not matter`);
  }
  const weak = reasonProblem(reason);
  if (weak) return fail(`${where}.reason: ${weak}`);
  if (rules === undefined) return { path, reason };
  const ids = listOf(rules, `${where}.rules`, fail).map(String);
  for (const id of ids) if (!RULE_IDS.has(id)) fail(`${where}.rules: unknown rule ${id}`);
  for (const id of ids) {
    if (CONFIG_LOCKED_RULES.has(id)) fail(`${where}.rules: ${id} cannot be ignored by path`);
  }
  return { path, reason, rules: ids };
}

/**
 * The path ignore that covers `file` for `rule` (a path as walked; a leading `./` does not
 * count), if any. The config-locked rules are never covered, whatever the glob.
 */
export function pathIgnored(
  ignores: readonly PathIgnore[],
  file: string,
  rule: string,
): PathIgnore | undefined {
  if (CONFIG_LOCKED_RULES.has(rule)) return undefined;
  const clean = file.replace(/^\.\//, "");
  return ignores.find(
    (i) =>
      (i.rules === undefined || i.rules.includes(rule)) &&
      picomatch(i.path.replace(/^\.\//, ""), { dot: true })(clean),
  );
}
