import type { SignetErrorCode } from "../errors.js";
import { builtins } from "./builtins.js";
import { fromBytes, toBytes } from "./bytes.js";
import { execute, Meter } from "./exec.js";
import type { Budget } from "./exec.js";
import { TemplateFault } from "./failure.js";
import type { FuncDef, FuncMap } from "./funcs.js";
import { parseTemplate, ParseError } from "./parse.js";
import { sprigFuncs } from "./sprig/index.js";
import { timeFromDate } from "./time.js";
import { GoMap } from "./value.js";
import type { GoValue } from "./value.js";

/**
 * Secret templates (`spec.template.data`): Go text/template + sprig v3.3.0 semantics in a sandboxed
 * engine (docs/reconcile.md#templates; the leak rule of SECURITY.md). See README.md in this folder
 * for the function list, refusals and budgets.
 */

/** Limits for rendering the templates of one object. */
export interface TemplateBudget {
  maxOutputBytes: number;
  maxSteps: number;
  maxDepth: number;
  maxMillis: number;
}

/** Injected clock, optional randomness and budget overrides. */
export interface RenderOptions {
  now: () => Date;
  random?: (n: number) => Uint8Array;
  budget?: Partial<TemplateBudget>;
}

/** One template that failed; `message` never quotes a value. */
export interface TemplateFailure {
  key: string;
  code: SignetErrorCode;
  message: string;
}

/** Budget applied when the caller gives none (1 MiB matches the Secret size limit). */
export const DEFAULT_TEMPLATE_BUDGET: Readonly<TemplateBudget> = Object.freeze({
  maxOutputBytes: 1024 * 1024,
  maxSteps: 1_000_000,
  maxDepth: 100,
  maxMillis: 1000,
});

/** The function map of the reference controller: Go built-ins plus sprig (minus env & co). */
function templateFuncs(): FuncMap {
  const map = new Map<string, FuncDef>(builtins());
  for (const [name, def] of sprigFuncs()) map.set(name, def);
  return map;
}

/** Names of every function a template may call (sorted), for docs, linting and tests. */
export function templateFunctionNames(): string[] {
  return [...templateFuncs().keys()].sort();
}

function failureOf(key: string, err: unknown): TemplateFailure {
  if (err instanceof ParseError) {
    return {
      key,
      code: "ERR_TEMPLATE_PARSE",
      message: `template: ${key}:${err.line}: ${err.message}`,
    };
  }
  if (err instanceof TemplateFault) {
    const message = err.message.startsWith("template: ")
      ? err.message
      : `template: ${key}: ${err.message}`;
    return { key, code: err.code, message };
  }
  if (err instanceof RangeError) {
    return {
      key,
      code: "ERR_TEMPLATE_BUDGET",
      message: `template: ${key}: resource limit reached`,
    };
  }
  return { key, code: "ERR_TEMPLATE_EXEC", message: `template: ${key}: internal error` };
}

/** Parses every entry without executing it (for linting): the parse failures, by key. */
export function checkTemplates(templates: Readonly<Record<string, string>>): TemplateFailure[] {
  const funcs = templateFuncs();
  const failures: TemplateFailure[] = [];
  for (const key of Object.keys(templates).sort()) {
    try {
      parseTemplate(key, templates[key] ?? "", (name) => funcs.has(name));
    } catch (err) {
      failures.push(failureOf(key, err));
    }
  }
  return failures;
}

/** Renders every spec.template.data entry over the decrypted values (Go map[string]string semantics: keys -> value bytes). */
export function renderTemplates(
  templates: Readonly<Record<string, string>>,
  values: Readonly<Record<string, Uint8Array>>,
  options: RenderOptions,
): { data: Record<string, Uint8Array>; failures: TemplateFailure[] } {
  const budget: Budget = { ...DEFAULT_TEMPLATE_BUDGET, ...options.budget };
  const funcs = templateFuncs();
  const clock = (): number => options.now().getTime();
  const meter = new Meter(clock());
  const context = { now: timeFromDate(options.now()), random: options.random };
  const m = new Map<string, GoValue>();
  for (const key of Object.keys(values).sort()) m.set(key, fromBytes(values[key] as Uint8Array));
  const dot = new GoMap(m, "string");
  const data: Record<string, Uint8Array> = {};
  const failures: TemplateFailure[] = [];
  for (const key of Object.keys(templates).sort()) {
    try {
      const trees = parseTemplate(key, templates[key] ?? "", (name) => funcs.has(name));
      const out = execute({ meter, name: key, trees, funcs, budget, clock, context }, dot);
      // defineProperty: a key named "__proto__" must become data, not the record's prototype.
      Object.defineProperty(data, key, {
        value: new Uint8Array(toBytes(out)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } catch (err) {
      failures.push(failureOf(key, err));
    }
  }
  return { data, failures };
}
