import type { SignetErrorCode } from "../errors.js";
import { builtins } from "./builtins.js";
import { fromBytes, toBytes } from "./bytes.js";
import { execute, Meter } from "./exec.js";
import type { Budget } from "./exec.js";
import { TemplateFault } from "./failure.js";
import type { FuncDef, FuncMap } from "./funcs.js";
import type { TreeSet } from "./ast.js";
import { checkOpacity } from "./opacity-check.js";
import { chargeParse, checkParseTime } from "./parse-cost.js";
import { parseTemplate, ParseError } from "./parse.js";
import { sprigFuncs } from "./sprig/index.js";
import { timeFromDate } from "./time.js";
import { GoMap } from "./value.js";
import type { GoValue } from "./value.js";

/**
 * Secret templates (`spec.template.data`): Go text/template + sprig v3.3.0 semantics in a sandboxed
 * engine (docs/reconcile.md#templates; the leak rule of SECURITY.md). See README.md in this folder
 * for the function list, refusals and budgets, and docs/templates.md for the rule that sealed
 * values are opaque to template control flow.
 */

/** Limits for rendering the templates of one object. */
export interface TemplateBudget {
  maxOutputBytes: number;
  maxSteps: number;
  maxDepth: number;
  maxMillis: number;
}

/** Whether sealed data may decide control flow, and how failures name their template. */
export interface OpacityOptions {
  /**
   * Let values decide control flow (`if .x`, `eq`, `default`, regex matches, partial functions):
   * Go's full semantics, at the price of a decryption oracle for whoever may write templates
   * (docs/templates.md). Default false: such templates fail with ERR_TEMPLATE_DATA_DEPENDENT
   * before anything runs, and sealed values are charged at public size bounds.
   */
  allowDataDependent?: boolean;
  /**
   * Failures meant for status, events and logs: messages and keys name no template (they say
   * {@link ANONYMOUS_TEMPLATE}), identical failures are merged, and with `allowDataDependent`
   * every execution failure becomes one fixed message (its details could describe a value).
   */
  anonymous?: boolean;
}

/** Injected clock, optional randomness and budget overrides. */
export interface RenderOptions extends OpacityOptions {
  now: () => Date;
  random?: (n: number) => Uint8Array;
  budget?: Partial<TemplateBudget>;
}

/** The name anonymous failures give every template. */
export const ANONYMOUS_TEMPLATE = "spec.template.data";

/** The one message of anonymous execution failures when data-dependent templates are allowed. */
export const WITHHELD_EXECUTION_MESSAGE =
  "template: spec.template.data: execution failed (details withheld: data-dependent templates are allowed, so they could describe a value)";

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

/** `name` is what the message calls the template (the key, or ANONYMOUS_TEMPLATE). */
function failureOf(key: string, err: unknown, name = key): TemplateFailure {
  if (err instanceof ParseError) {
    return {
      key,
      code: "ERR_TEMPLATE_PARSE",
      message: `template: ${name}:${err.line}: ${err.message}`,
    };
  }
  if (err instanceof TemplateFault) {
    const message = err.message.startsWith("template: ")
      ? err.message
      : `template: ${name}: ${err.message}`;
    return { key, code: err.code, message };
  }
  if (err instanceof RangeError) {
    return {
      key,
      code: "ERR_TEMPLATE_BUDGET",
      message: `template: ${name}: resource limit reached`,
    };
  }
  return { key, code: "ERR_TEMPLATE_EXEC", message: `template: ${name}: internal error` };
}

/** Parses an entry and, unless data-dependent templates are allowed, checks its opacity. */
function prepare(
  key: string,
  source: string,
  funcs: FuncMap,
  options: OpacityOptions & { name: string },
): TreeSet {
  const trees = parseTemplate(key, source, (name) => funcs.has(name));
  if (options.allowDataDependent !== true) checkOpacity(trees, key, options.name);
  return trees;
}

/**
 * Checks every entry without executing it (for linting): parse failures and, unless
 * data-dependent templates are allowed, refusals of sealed data deciding control flow.
 */
export function checkTemplates(
  templates: Readonly<Record<string, string>>,
  options: OpacityOptions = {},
): TemplateFailure[] {
  const funcs = templateFuncs();
  const failures: TemplateFailure[] = [];
  for (const key of Object.keys(templates).sort()) {
    const name = options.anonymous === true ? ANONYMOUS_TEMPLATE : key;
    try {
      prepare(key, templates[key] ?? "", funcs, { ...options, name });
    } catch (err) {
      failures.push(failureOf(key, err, name));
    }
  }
  return anonymize(failures, options);
}

/** Failures for status, events and logs (see OpacityOptions.anonymous). */
function anonymize(failures: TemplateFailure[], options: OpacityOptions): TemplateFailure[] {
  if (options.anonymous !== true || failures.length === 0) return failures;
  const published = new Map<string, TemplateFailure>();
  const add = (f: TemplateFailure): void => {
    if (!published.has(f.message)) published.set(f.message, { ...f, key: ANONYMOUS_TEMPLATE });
  };
  const decided = (f: TemplateFailure): boolean =>
    f.code === "ERR_TEMPLATE_PARSE" || f.code === "ERR_TEMPLATE_DATA_DEPENDENT";
  for (const f of failures.filter(decided)) add(f);
  if (options.allowDataDependent === true && failures.some((f) => !decided(f))) {
    add({
      key: ANONYMOUS_TEMPLATE,
      code: "ERR_TEMPLATE_EXEC",
      message: WITHHELD_EXECUTION_MESSAGE,
    });
  } else {
    for (const f of failures.filter((x) => !decided(x))) add(f);
  }
  return [...published.values()];
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
  // The Secret holds the values no template replaces too: they count against the output budget
  // (the API server's limit is on the whole Secret), so its size refusal cannot be reached
  // through a rendered size that depends on a value.
  for (const key of Object.keys(values)) {
    if (!Object.hasOwn(templates, key)) meter.outBytes += values[key]?.length ?? 0;
  }
  const data: Record<string, Uint8Array> = {};
  const failures: TemplateFailure[] = [];
  const opaque = options.allowDataDependent !== true;
  for (const key of Object.keys(templates).sort()) {
    const name = options.anonymous === true ? ANONYMOUS_TEMPLATE : key;
    try {
      const source = templates[key] ?? "";
      chargeParse(source, meter, budget);
      const trees = prepare(key, source, funcs, { ...options, name });
      checkParseTime(meter, budget, clock());
      const out = execute(
        { meter, name: key, displayName: name, trees, funcs, budget, clock, context, opaque },
        dot,
      );
      // defineProperty: a key named "__proto__" must become data, not the record's prototype.
      Object.defineProperty(data, key, {
        value: new Uint8Array(toBytes(out)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } catch (err) {
      failures.push(failureOf(key, err, name));
    }
  }
  return { data, failures: anonymize(failures, options) };
}
