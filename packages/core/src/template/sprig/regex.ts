import { decodeRune, isValidUtf8, toUtf8 } from "../bytes.js";
import { execFault, refusedFault, TemplateFault } from "../failure.js";
import { fn } from "../funcs.js";
import type { CallContext, FuncDef } from "../funcs.js";
import { GoSlice } from "../value.js";
import type { GoValue, GoInt } from "../value.js";

/**
 * sprig v3.3.0 regular expressions (`regex.go`): RE2 syntax translated to a JS RegExp with the
 * `u` flag, Go's match-iteration and `$name` expansion rules. JS regexps backtrack, so patterns
 * with nested unbounded quantifiers (`(a+)+`), the classic catastrophic case that RE2 runs in
 * linear time, are refused (ERR_TEMPLATE_REFUSED) instead of risking the controller's thread.
 * Compile errors never quote the pattern (it may come from a secret value).
 */

const POSIX: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7f",
  blank: "\\t ",
  cntrl: "\\x00-\\x1f\\x7f",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

interface Translation {
  source: string;
  flags: string;
}

class BadPattern extends Error {}

function hex(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
}

const SIMPLE_ESCAPES: Readonly<Record<string, readonly [string, string]>> = {
  s: ["\\t\\n\\f\\r ", "[\\t\\n\\f\\r ]"],
  S: ["\\S", "[^\\t\\n\\f\\r ]"],
  z: ["(?![\\s\\S])", "(?![\\s\\S])"],
  A: ["(?<![\\s\\S])", "(?<![\\s\\S])"],
};

function quotedLiteral(p: string, i: number): [string, number] {
  const end = p.indexOf("\\E", i + 2);
  const lit = end < 0 ? p.slice(i + 2) : p.slice(i + 2, end);
  const out = [...lit].map((ch) => (/[A-Za-z0-9]/.test(ch) ? ch : escapeLiteral(ch))).join("");
  return [out, end < 0 ? p.length : end + 2];
}

function translateEscape(p: string, i: number, inClass: boolean): [string, number] {
  const c = p[i + 1];
  if (c === undefined) throw new BadPattern("trailing backslash");
  const simple = Object.hasOwn(SIMPLE_ESCAPES, c) ? SIMPLE_ESCAPES[c] : undefined;
  if (simple !== undefined) return [inClass ? simple[0] : simple[1], i + 2];
  if (c === "Q") return quotedLiteral(p, i);
  if ((c === "p" || c === "P") && p[i + 2] !== "{") return [`\\${c}{${p[i + 2] ?? ""}}`, i + 3];
  if (/[dDwWbBpPnrtfvx0-7]/.test(c)) return [`\\${c}`, i + 2];
  if (/[A-Za-z0-9]/.test(c)) throw new BadPattern("invalid escape");
  return [hex(c), i + 2];
}

function escapeLiteral(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x80 ? hex(ch) : ch;
}

function classAtom(p: string, i: number): [string, number] {
  const posix = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(i));
  if (posix !== null) {
    const set = Object.hasOwn(POSIX, posix[2] ?? "") ? POSIX[posix[2] ?? ""] : undefined;
    if (set === undefined || posix[1] === "^") throw new BadPattern("unsupported class");
    return [set, i + posix[0].length];
  }
  if (p[i] === "\\") return translateEscape(p, i, true);
  const ch = String.fromCodePoint(p.codePointAt(i) ?? 0);
  return [/[[\]{}()|/]/.test(ch) ? hex(ch) : ch, i + ch.length];
}

function translateClass(p: string, start: number): [string, number] {
  let out = "[";
  let i = start + 1;
  if (p[i] === "^") {
    out += "^";
    i++;
  }
  if (p[i] === "]") {
    out += "\\]";
    i++;
  }
  while (i < p.length && p[i] !== "]") {
    const [s, next] = classAtom(p, i);
    out += s;
    i = next;
  }
  if (i >= p.length) throw new BadPattern("missing closing ]");
  return [`${out}]`, i + 1];
}

function leadingFlags(p: string): { rest: string; flags: Set<string> } {
  const m = /^\(\?([imsU]+)\)/.exec(p);
  if (m === null) return { rest: p, flags: new Set() };
  return { rest: p.slice(m[0].length), flags: new Set(m[1]) };
}

function translateAtom(p: string, i: number, dotAll: boolean): [string, number] {
  const c = p[i] as string;
  if (c === "\\") return translateEscape(p, i, false);
  if (c === "[") return translateClass(p, i);
  if (c === ".") return [dotAll ? "[\\s\\S]" : "[^\\n]", i + 1];
  if (p.startsWith("(?P<", i)) return ["(?<", i + 4];
  if (p.startsWith("(?", i) && !p.startsWith("(?:", i) && !p.startsWith("(?<", i)) {
    throw new BadPattern("unsupported group flags");
  }
  if (c === "{" || c === "}") return translateBrace(p, i);
  const ch = String.fromCodePoint(p.codePointAt(i) ?? 0);
  return [ch, i + ch.length];
}

/** `{n}`, `{n,}`, `{n,m}` are repeats (at most 1000, as RE2); any other brace is a literal. */
function translateBrace(p: string, i: number): [string, number] {
  const m = p[i] === "{" ? /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i)) : null;
  if (m === null) return [hex(p[i] ?? ""), i + 1];
  if (Number(m[1]) > 1000 || Number(m[3] ?? 0) > 1000) throw new BadPattern("invalid repeat count");
  return [m[0], i + m[0].length];
}

/** Rejects nested unbounded quantifiers, the exponential-backtracking shape. */
interface Frame {
  quantified: boolean;
  start: number;
}

const NON_LITERAL = "\u0001";

/** Top-level alternatives of a group body (its `?:`/`?<name>` prefix removed). */
function alternatives(body: string): string[] {
  const inner = body.replace(/^\?(?::|<[A-Za-z0-9_]+>)/, "");
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const c of inner) {
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (c === "|" && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Alternation under a repeat is safe when every branch starts with a distinct literal. */
function isDeterministic(body: string, ignoreCase: boolean): boolean {
  const alts = alternatives(body);
  if (alts.length < 2) return true;
  const firsts = alts.map((a) => (ignoreCase ? a.toLowerCase() : a)[0] ?? "");
  const literal = firsts.every((f) => f !== "" && f !== NON_LITERAL && !/[.([^$]/.test(f));
  return literal && new Set(firsts).size === firsts.length;
}

function closeGroup(stack: Frame[], src: string, i: number, ignoreCase: boolean): void {
  const frame = stack.pop() ?? { quantified: false, start: 0 };
  const after = src.slice(i + 1, i + 16);
  const unbounded = /^[*+]|^\{\d*,\}/.test(after);
  if (frame.quantified && unbounded) {
    throw refusedFault("regular expression with nested quantifiers");
  }
  if (unbounded && !isDeterministic(src.slice(frame.start + 1, i), ignoreCase)) {
    throw refusedFault("regular expression with a repeated ambiguous alternation");
  }
  const parent = stack[stack.length - 1];
  if (parent !== undefined && (frame.quantified || unbounded || /^[?{]/.test(after))) {
    parent.quantified = true;
  }
}

/**
 * Refuses the shapes that make a backtracking engine exponential: a repeated group that
 * itself repeats (`(a+)+`) or that alternates between branches which can match the same text
 * (`(a|ab)*`). RE2 needs no such rule; this is the price of running on V8's engine.
 */
function checkNesting(src: string, ignoreCase: boolean): void {
  const stack: Frame[] = [{ quantified: false, start: -1 }];
  const stripped = src.replace(/\\./g, NON_LITERAL).replace(/\[(?:[^\]\\]|\\.)*\]/g, NON_LITERAL);
  for (let i = 0; i < stripped.length; i++) {
    const c = stripped[i];
    const top = stack[stack.length - 1];
    if (c === "(") stack.push({ quantified: false, start: i });
    else if (c === ")") closeGroup(stack, stripped, i, ignoreCase);
    else if ((c === "*" || c === "+" || c === "{") && top !== undefined) top.quantified = true;
  }
}

function translate(pattern: string): Translation {
  if (!isValidUtf8(pattern)) throw new BadPattern("invalid UTF-8");
  const { rest, flags } = leadingFlags(toUtf8(pattern));
  if (flags.has("U")) throw refusedFault("ungreedy regular expressions are not supported");
  let out = "";
  for (let i = 0; i < rest.length;) {
    const [s, next] = translateAtom(rest, i, flags.has("s"));
    out += s;
    i = next;
  }
  checkNesting(out, flags.has("i"));
  const jsFlags = `dgu${flags.has("i") ? "i" : ""}${flags.has("m") ? "m" : ""}`;
  return { source: out, flags: jsFlags };
}

/** Compiles an RE2 pattern; throws a value-free fault when it is invalid or refused. */
function compileOnly(pattern: string): { re: RegExp; source: string } {
  let t: Translation;
  try {
    t = translate(pattern);
  } catch (err) {
    if (err instanceof BadPattern) throw execFault("invalid regular expression");
    throw err;
  }
  try {
    return { re: new RegExp(t.source, t.flags), source: t.source };
  } catch {
    throw execFault("invalid regular expression");
  }
}

/**
 * Worst-case work of a backtracking match: about (n+1)^k per start position for k
 * variable-length repeats (`\d+\d+\d+x` takes minutes on 1000 digits in V8), times n start
 * positions unless anchored. It is charged against the step budget before matching, so a
 * costly pattern on a long value fails with ERR_TEMPLATE_BUDGET instead of blocking the thread.
 */
function estimatedCost(source: string, flags: string, n: number): number {
  const stripped = source.replace(/\\./g, "x").replace(/\[(?:[^\]\\]|\\.)*\]/g, "x");
  const repeats = (stripped.match(/[*+]|\{\d*,\d*\}/g) ?? []).length;
  const anchored = !flags.includes("m") && /^(\^|\(\?<!\[\\s\\S\]\))/.test(source);
  return Math.min((n + 1) ** (repeats + (anchored ? 0 : 1)), 1e15);
}

/** Compiles a pattern and charges the worst-case cost of running it over `subject`. */
export function compile(pattern: string, subject: string, ctx: CallContext): RegExp {
  const { re, source } = compileOnly(pattern);
  ctx.charge(estimatedCost(source, re.flags, subject.length) / 1000);
  return re;
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
  names: Record<string, number>;
}

function groupNames(m: RegExpExecArray): Record<string, number> {
  const names: Record<string, number> = {};
  const groups = m.indices?.groups ?? {};
  for (const name of Object.keys(groups)) {
    const span = groups[name];
    if (span === undefined) continue;
    const i = m.indices?.findIndex((x) => x === span) ?? -1;
    if (i > 0) names[name] = i;
  }
  return names;
}

function toMatch(m: RegExpExecArray, sub: Subject): Match {
  const spans = (m.indices ?? []).map((x): [number, number] | undefined =>
    x === undefined ? undefined : [sub.at(x[0]), sub.at(x[1])],
  );
  const whole = spans[0] ?? [0, 0];
  return { index: whole[0], end: whole[1], spans, names: groupNames(m) };
}

/** Go's FindAll iteration: empty matches abutting a previous match are skipped. */
function findAll(re: RegExp, sub: Subject, n: number, ctx: CallContext): Match[] {
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
    out.push(toMatch(m, sub));
    prevEnd = end;
    if (re.lastIndex > s.length) break;
  }
  return out;
}

function spanText(sub: Subject, span: [number, number] | undefined): string {
  return span === undefined ? "" : sub.bytes.slice(span[0], span[1]);
}

/** regexp.Expand over byte strings: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expand(template: string, m: Match, sub: Subject): string {
  return template.replace(
    /\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g,
    (_all, d: string, braced?: string, bare?: string) => {
      if (d === "$") return "$";
      const name = braced ?? bare ?? "";
      const index = /^[0-9]+$/.test(name) ? Number(name) : (m.names[name] ?? -1);
      return spanText(sub, m.spans[index]);
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
  const re = compile(pattern, s, ctx);
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
