import { decodeRune, toUtf8 } from "../bytes.js";
import { execFault, refusedFault, TemplateFault } from "../failure.js";
import { fn } from "../funcs.js";
import type { CallContext, FuncDef } from "../funcs.js";
import { GoSlice } from "../value.js";
import { backtrackingPaths, emitCost, minLength, parseCost } from "./re2-cost.js";
import {
  backtrackingHazard,
  isAnchored,
  parseRe2,
  SyntaxError as Re2SyntaxError,
  toJs,
} from "./re2.js";
import type { Node } from "./re2.js";
import type { GoValue, GoInt } from "../value.js";

/**
 * sprig v3.3.0 regular expressions (`regex.go`): Go's RE2 syntax parsed by re2.ts and run as an
 * equivalent V8 RegExp, with Go's match iteration and `$name` expansion rules. V8 backtracks, so
 * the shapes that make it exponential are refused (ERR_TEMPLATE_REFUSED) and polynomial ones are
 * metered; compile errors never quote the pattern (it may come from a secret value).
 */

/** A compiled pattern: the V8 RegExp and Go's capture names by group index. */
interface Compiled {
  re: RegExp;
  names: readonly string[];
  cost: (n: number) => number;
}

/**
 * Compiles an RE2 pattern; throws a value-free fault when it is invalid or refused. Parsing and
 * writing the V8 source are charged (`charge`) before each runs: a short pattern of many
 * Unicode classes expands to megabytes of source.
 */
function compileOnly(pattern: string, charge: (units: number) => void): Compiled {
  charge(parseCost(pattern));
  let parsed: { node: Node; names: string[] };
  try {
    parsed = parseRe2(pattern);
  } catch (err) {
    if (err instanceof Re2SyntaxError) throw execFault("invalid regular expression");
    throw err;
  }
  const hazard = backtrackingHazard(parsed.node);
  if (hazard !== undefined) throw refusedFault(hazard);
  charge(emitCost(parsed.node));
  let re: RegExp;
  try {
    re = new RegExp(toJs(parsed.node), "dgu");
  } catch {
    throw execFault("invalid regular expression");
  }
  const anchored = isAnchored(parsed.node);
  const node = parsed.node;
  const perPath = 1 + Math.floor(minLength(node) / 8);
  return {
    re,
    names: parsed.names,
    cost: (n) => Math.min(1e15, backtrackingPaths(node, n) * (anchored ? 1 : n + 1) * perPath),
  };
}

/**
 * Compiles a pattern and charges the worst-case cost of running it over `subject`: the paths
 * backtracking can take (`backtrackingPaths`: about (n+1)^k for k variable-length repeats in
 * sequence; `\d+\d+\d+x` takes minutes on 1000 digits in V8, `(\d+){12}x` on 30), times n + 1
 * start positions unless anchored, at one step per {@link PATHS_PER_STEP}, so a costly pattern
 * on a long value fails with ERR_TEMPLATE_BUDGET instead of blocking the thread (one call is
 * one step of the render: the time budget is only looked at between steps).
 */
/**
 * Backtracking paths charged as one step. V8 walks about one path per 2 ns on these machines
 * (its bytecode interpreter runs a new pattern first: `\d*\d*x` over 990 digits is 9.7e8
 * paths, 1.8 s measured, 4-6 s under load), so the whole step budget (1e6) bounds one call to
 * about 0.4 s of the worst case. At one step per thousand paths that pattern fit the budget and
 * a tenant could block the controller for seconds per object; fewer paths per step would refuse
 * ordinary work, whose bound is far above its real cost (`\s+` over a 10 KiB certificate:
 * 1e8 paths bounded, a few milliseconds run).
 */
const PATHS_PER_STEP = 200;

export function compile(pattern: string, subject: string, ctx: CallContext): Compiled {
  // Compiled once per render (a pattern's refusal or error is the same every time).
  const c = ctx.memo(`regexp:${pattern}`, () => {
    try {
      return compileOnly(pattern, (units) => ctx.charge(units));
    } catch (err) {
      // Over budget is the render's failure, not the pattern's: it is not kept.
      if (err instanceof TemplateFault && err.code === "ERR_TEMPLATE_BUDGET") throw err;
      return err instanceof Error ? err : new Error("invalid regular expression");
    }
  });
  if (c instanceof Error) throw c;
  ctx.charge(c.cost(subject.length) / PATHS_PER_STEP);
  return c;
}

/** A subject decoded for V8, with the byte offset of every UTF-16 index (Go slices bytes). */
interface Subject {
  text: string;
  bytes: string;
  at: (i: number) => number;
}

function subjectOf(bytes: string): Subject {
  const text = toUtf8(bytes);
  if (text === bytes) return { text, bytes, at: (i) => i };
  const offsets: number[] = [];
  for (let i = 0; i < bytes.length;) {
    const [r, n] = decodeRune(bytes, i);
    offsets.push(i);
    if (r > 0xffff) offsets.push(i);
    i += n;
  }
  offsets.push(bytes.length);
  return { text, bytes, at: (i) => offsets[i] ?? bytes.length };
}

/** A match as byte ranges of the subject: [0] is the whole match, then the groups. */
interface Match {
  index: number;
  end: number;
  spans: ([number, number] | undefined)[];
  /** Capture names by group index (Go allows the same name twice). */
  names: readonly string[];
}

function toMatch(m: RegExpExecArray, sub: Subject, names: readonly string[]): Match {
  const spans = (m.indices ?? []).map((x): [number, number] | undefined =>
    x === undefined ? undefined : [sub.at(x[0]), sub.at(x[1])],
  );
  const whole = spans[0] ?? [0, 0];
  return { index: whole[0], end: whole[1], spans, names };
}

/** Go's FindAll iteration: empty matches abutting a previous match are skipped. */
function findAll(compiled: Compiled, sub: Subject, n: number, ctx: CallContext): Match[] {
  const { re, names } = compiled;
  const s = sub.text;
  const out: Match[] = [];
  re.lastIndex = 0;
  let prevEnd = -1;
  while (n < 0 || out.length < n) {
    const m = re.exec(s);
    if (m === null) break;
    const end = m.index + m[0].length;
    ctx.charge(1);
    if (m[0].length === 0) {
      re.lastIndex = end + ((s.codePointAt(end) ?? 0) > 0xffff ? 2 : 1);
      if (m.index === prevEnd) continue;
    }
    out.push(toMatch(m, sub, names));
    prevEnd = end;
    if (re.lastIndex > s.length) break;
  }
  return out;
}

function spanText(sub: Subject, span: [number, number] | undefined): string {
  return span === undefined ? "" : sub.bytes.slice(span[0], span[1]);
}

/** The group a `$name` means: a number, or the first group of that name that matched. */
function groupIndex(m: Match, name: string): number {
  if (/^[0-9]+$/.test(name)) return Number(name);
  return m.names.findIndex((n, i) => i > 0 && n === name && m.spans[i] !== undefined);
}

/** regexp.Expand over byte strings: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expand(template: string, m: Match, sub: Subject): string {
  return template.replace(
    /\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g,
    (_all, d: string, braced?: string, bare?: string) => {
      if (d === "$") return "$";
      return spanText(sub, m.spans[groupIndex(m, braced ?? bare ?? "")]);
    },
  );
}

function replaceAll(args: GoValue[], literal: boolean, ctx: CallContext): string {
  const [pattern, src, repl] = args as [string, string, string];
  const sub = subjectOf(src);
  const re = compile(pattern, sub.text, ctx);
  let out = "";
  let last = 0;
  for (const m of findAll(re, sub, -1, ctx)) {
    out += src.slice(last, m.index) + (literal ? repl : expand(repl, m, sub));
    last = m.end;
    if (out.length > ctx.maxBytes) throw execFault("replacement too large");
  }
  return out + src.slice(last);
}

function split(pattern: string, src: string, n: number, ctx: CallContext): GoSlice {
  if (n === 0) return new GoSlice([], "string", true); // regexp.Split(s, 0) is nil
  const sub = subjectOf(src);
  const re = compile(pattern, sub.text, ctx);
  if (pattern.length > 0 && src.length === 0) return new GoSlice([""], "string");
  const parts: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of findAll(re, sub, n, ctx)) {
    if (n > 0 && parts.length === n - 1) break;
    end = m.index;
    if (m.end !== 0) parts.push(src.slice(beg, end));
    beg = m.end;
  }
  if (end !== src.length) parts.push(src.slice(beg));
  return new GoSlice(parts, "string");
}

function findAllStrings(pattern: string, src: string, n: number, ctx: CallContext): GoValue {
  const sub = subjectOf(src);
  const ms = findAll(compile(pattern, sub.text, ctx), sub, n, ctx);
  const found = ms.map((m) => spanText(sub, m.spans[0]));
  return new GoSlice(found, "string", found.length === 0);
}

function find(pattern: string, src: string, ctx: CallContext): string {
  const sub = subjectOf(src);
  const [m] = findAll(compile(pattern, sub.text, ctx), sub, 1, ctx);
  return m === undefined ? "" : spanText(sub, m.spans[0]);
}

function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, (c) => `\\${c}`);
}

function strictMatch(pattern: string, src: string, ctx: CallContext): boolean {
  const s = toUtf8(src);
  const { re } = compile(pattern, s, ctx);
  re.lastIndex = 0;
  return re.test(s);
}

/** sprig's regexMatch ignores compile errors (false); refusals and budgets still fail. */
function lenientMatch(pattern: string, src: string, ctx: CallContext): boolean {
  try {
    return strictMatch(pattern, src, ctx);
  } catch (err) {
    if (err instanceof TemplateFault && err.code !== "ERR_TEMPLATE_EXEC") throw err;
    return false;
  }
}

/** Regex functions of the sprig map (the must* variants share the strict behaviour). */
export function regexFuncs(): [string, FuncDef][] {
  const S = (v: GoValue | undefined): string => v as string;
  const I = (v: GoValue | undefined): number => Number((v as GoInt).v);
  const defs: [string, FuncDef][] = [
    [
      "regexFindAll",
      fn(["string", "string", "int"], ([r, s, n], ctx) => findAllStrings(S(r), S(s), I(n), ctx)),
    ],
    ["regexFind", fn(["string", "string"], ([r, s], ctx) => find(S(r), S(s), ctx))],
    [
      "regexReplaceAll",
      fn(["string", "string", "string"], ([r, s, p], ctx) =>
        replaceAll([r, s, p] as GoValue[], false, ctx),
      ),
    ],
    [
      "regexReplaceAllLiteral",
      fn(["string", "string", "string"], ([r, s, p], ctx) =>
        replaceAll([r, s, p] as GoValue[], true, ctx),
      ),
    ],
    [
      "regexSplit",
      fn(["string", "string", "int"], ([r, s, n], ctx) => split(S(r), S(s), I(n), ctx)),
    ],
  ];
  return [
    ["regexMatch", fn(["string", "string"], ([r, s], ctx) => lenientMatch(S(r), S(s), ctx))],
    ["mustRegexMatch", fn(["string", "string"], ([r, s], ctx) => strictMatch(S(r), S(s), ctx))],
    ...defs,
    ...defs.map(([name, def]): [string, FuncDef] => [
      `must${name[0]?.toUpperCase() ?? ""}${name.slice(1)}`,
      def,
    ]),
    ["regexQuoteMeta", fn(["string"], ([s]) => quoteMeta(S(s)))],
  ];
}
