import { decodeRune } from "../bytes.js";
import { CATEGORY_ALIASES } from "../unicode-data.js";
import { foldable, foldOrbit, unicodeClass } from "../unicode.js";
import { appendAll } from "../../append.js";
import type { Node } from "./re2-node.js";
import { isDeterministic } from "./re2-runes.js";

/**
 * Go's regexp/syntax parser (the `syntax.Perl` flags sprig's regexp.Compile uses), producing a
 * tree that is then written as an equivalent JS RegExp source for V8 with the `u` flag only:
 * every case folding, class, Unicode group, line anchor and word boundary is spelled out from
 * Go's own tables (unicode-data.ts), so the match does not depend on Node's Unicode version or
 * JS flag semantics. Syntax errors follow Go's (trailing backslash, invalid escapes, missing
 * brackets or parentheses, bad ranges and repeat counts, nested repetition operators, invalid
 * named captures and Perl groups, invalid UTF-8). Behaviour learnt from `regexp/syntax/parse.go`.
 */

const MAX_RUNE = 0x10ffff;

type RepKind = "*" | "+" | "?" | "{}";

const SIMPLE_REPEATS = new Map([
  ["*", { min: 0, max: -1 }],
  ["+", { min: 1, max: -1 }],
  ["?", { min: 0, max: 1 }],
]);

const FLAG_LETTERS = new Set(["i", "m", "s", "U"]);

export type { Node } from "./re2-node.js";

/** A Go regexp syntax error (the message names the kind, never the pattern). */
export class SyntaxError extends Error {}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

// --- character classes ------------------------------------------------------------------------

/** Sorts and merges [lo, hi] pairs (cleanClass). */
function clean(runs: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < runs.length; i += 2) pairs.push([runs[i] ?? 0, runs[i + 1] ?? 0]);
  pairs.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= (out[n - 1] ?? 0) + 1) out[n - 1] = Math.max(out[n - 1] ?? 0, hi);
    else out.push(lo, hi);
  }
  return out;
}

function negate(runs: number[]): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < runs.length; i += 2) {
    const lo = runs[i] ?? 0;
    if (lo > next) out.push(next, lo - 1);
    next = (runs[i + 1] ?? 0) + 1;
  }
  if (next <= MAX_RUNE) out.push(next, MAX_RUNE);
  return out;
}

/** appendFoldedRange: the range plus every rune that folds to one inside it. */
function foldRange(lo: number, hi: number, out: number[]): void {
  out.push(lo, hi);
  const list = foldable();
  let a = 0;
  let b = list.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    if ((list[mid] ?? 0) < lo) a = mid + 1;
    else b = mid;
  }
  for (let k = a; k < list.length && (list[k] ?? 0) <= hi; k++) {
    for (const r of foldOrbit(list[k] ?? 0)) out.push(r, r);
  }
}

function folded(runs: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs.length; i += 2) foldRange(runs[i] ?? 0, runs[i + 1] ?? 0, out);
  return clean(out);
}

const PERL_GROUPS: Readonly<Record<string, readonly number[]>> = {
  d: [0x30, 0x39],
  s: [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20],
  w: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
};

const POSIX_GROUPS: Readonly<Record<string, readonly number[]>> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x00, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: [0x30, 0x39],
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

/** appendGroup: a Perl or POSIX group, folded under (?i), negated when asked. */
function group(runs: readonly number[], negated: boolean, fold: boolean): number[] {
  const base = fold ? folded([...runs]) : clean([...runs]);
  return negated ? negate(base) : base;
}

/** canonicalName: leading capital, then lower case, without `_`, `-` and spaces. */
function canonicalName(name: string): string {
  const letters = name.replace(/[_\- ]/g, "");
  return letters.charAt(0).toUpperCase() + letters.slice(1).toLowerCase();
}

const CANONICAL_ALIASES = new Map(
  Object.entries(CATEGORY_ALIASES).map(([k, v]) => [canonicalName(k), v]),
);

/** unicodeTable: the runs for a `\p{...}` name and whether to invert them. */
function unicodeTable(name: string): { runs: number[]; invert: boolean } | undefined {
  const c = canonicalName(name);
  if (c === "Any") return { runs: [0, MAX_RUNE], invert: false };
  if (c === "Assigned") return { runs: [...(unicodeClass("Cn") ?? [])], invert: true };
  if (c === "Ascii") return { runs: [0, 0x7f], invert: false };
  const direct =
    c === "Lc" ? unicodeClass("LC") : (unicodeClass(c) ?? unicodeClass(scriptName(name, c)));
  if (direct !== undefined) return { runs: [...direct], invert: false };
  const alias = CANONICAL_ALIASES.get(c);
  const t = alias === undefined ? undefined : unicodeClass(alias);
  return t === undefined ? undefined : { runs: [...t], invert: false };
}

/** Go looks scripts up by the canonical name; multi-word script keys keep their underscores. */
function scriptName(raw: string, canonical: string): string {
  return canonical === raw ? raw : canonical;
}

// --- parser -----------------------------------------------------------------------------------

class Parser {
  private readonly s: string;
  private i = 0;
  private caps = 0;
  readonly names: string[] = [""];

  constructor(s: string) {
    this.s = s;
  }

  private fail(what: string): never {
    throw new SyntaxError(what);
  }

  /** The rune at i (invalid UTF-8 is an error, as nextRune). */
  private rune(at = this.i): [number, number] {
    const [r, n] = decodeRune(this.s, at);
    if (r === 0xfffd && n === 1 && this.s.charCodeAt(at) !== 0xfffd) this.fail("invalid UTF-8");
    return [r, n];
  }

  parse(): Node {
    const flags: Flags = { i: false, m: false, s: false, U: false };
    const node = this.alternation(flags);
    if (this.i < this.s.length) this.fail("unexpected )");
    return node;
  }

  /** Alternatives up to `)` or the end; (?flags) changes `flags` for the rest of the group. */
  private alternation(flags: Flags): Node {
    const alts: Node[] = [this.concatenation(flags)];
    while (this.s[this.i] === "|") {
      this.i++;
      alts.push(this.concatenation(flags));
    }
    return alts.length === 1 ? (alts[0] as Node) : { op: "alt", subs: alts };
  }

  private concatenation(flags: Flags): Node {
    const items: Node[] = [];
    let lastRepeat = false;
    while (this.i < this.s.length && this.s[this.i] !== "|" && this.s[this.i] !== ")") {
      const repeated = this.repeatOp(flags, items, lastRepeat);
      if (repeated) {
        lastRepeat = true;
        continue;
      }
      lastRepeat = false;
      if (this.s.startsWith("\\Q", this.i)) {
        appendAll(items, this.quoted(flags)); // each rune is its own item (`\Qab\E*` repeats b)
        continue;
      }
      const atom = this.atom(flags);
      if (atom !== undefined) items.push(atom);
    }
    if (items.length === 0) return { op: "empty" };
    return items.length === 1 ? (items[0] as Node) : { op: "concat", subs: items };
  }

  /** The repetition operator at i, if any: its bounds and where it ends. */
  private repeatAt(): { kind: RepKind; min: number; max: number; end: number } | undefined {
    const c = this.s[this.i] ?? "";
    const simple = SIMPLE_REPEATS.get(c);
    if (simple !== undefined) return { kind: c as RepKind, ...simple, end: this.i + 1 };
    return c === "{" ? this.braces() : undefined;
  }

  /** `{n}`, `{n,}`, `{n,m}` at i (parseRepeat); undefined when it is a literal brace. */
  private braces(): { kind: RepKind; min: number; max: number; end: number } | undefined {
    const braces = /\{(\d+)(,(\d*))?\}/y;
    braces.lastIndex = this.i;
    const m = braces.exec(this.s);
    // Leading zeros make it a literal brace too (parseInt refuses them).
    if (m === null || /^0\d/.test(m[1] ?? "") || /^0\d/.test(m[3] ?? "")) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === "" ? -1 : Number(m[3]);
    if (min > 1000 || max > 1000 || (max >= 0 && min > max)) this.fail("invalid repeat count");
    return { kind: "{}", min, max, end: this.i + m[0].length };
  }

  /** A repetition operator applied to the last item; false when there is none here. */
  private repeatOp(flags: Flags, items: Node[], lastRepeat: boolean): boolean {
    const op = this.repeatAt();
    if (op === undefined) return false;
    let { end } = op;
    let greedy = !flags.U;
    if (this.s[end] === "?") {
      greedy = !greedy;
      end++;
    }
    if (lastRepeat) this.fail("invalid nested repetition operator");
    const sub = items.pop();
    if (sub === undefined) this.fail("missing argument to repetition operator");
    const rep: Node = { op: "rep", kind: op.kind, min: op.min, max: op.max, greedy, sub };
    const counted = op.kind === "{}" && (op.min >= 2 || op.max >= 2);
    if (counted && !repeatIsValid(rep, 1000)) this.fail("invalid repeat count");
    if (size(rep) > MAX_SIZE) this.fail("expression too large");
    items.push(rep);
    this.i = end;
    return true;
  }

  private atom(flags: Flags): Node | undefined {
    const c = this.s[this.i];
    if (c === "(") return this.groupAtom(flags);
    if (c === "[") return this.classAtom(flags);
    if (c === "\\") return this.escapeAtom(flags);
    if (c === "^" || c === "$" || c === ".") {
      this.i++;
      if (c === ".") return { op: "class", runs: flags.s ? [0, MAX_RUNE] : [0, 9, 11, MAX_RUNE] };
      if (c === "^") return { op: flags.m ? "bol" : "bot" };
      return { op: flags.m ? "eol" : "eot" };
    }
    const [r, n] = this.rune();
    this.i += n;
    return { op: "lit", r, fold: flags.i };
  }

  private groupAtom(flags: Flags): Node | undefined {
    const rest = this.s.slice(this.i);
    const named = /^\(\?P?<([^>]*)>/.exec(rest);
    if (rest.startsWith("(?") && named === null && !/^\(\?P?</.test(rest)) {
      return this.perlFlags(flags);
    }
    let name = "";
    if (named !== null) {
      name = named[1] ?? "";
      if (!/^[A-Za-z0-9_]+$/.test(name)) this.fail("invalid named capture");
      this.i += named[0].length;
    } else if (rest.startsWith("(?")) {
      this.fail("invalid named capture");
    } else {
      this.i++;
    }
    const index = ++this.caps;
    this.names[index] = name;
    const sub = this.alternation({ ...flags });
    this.close();
    return { op: "cap", sub };
  }

  private close(): void {
    if (this.s[this.i] !== ")") this.fail("missing closing )");
    this.i++;
  }

  /** (?flags), (?flags:re) and (?:re). */
  private perlFlags(flags: Flags): Node | undefined {
    const parsed = this.flagGroup(flags);
    if (parsed === undefined) return this.fail("invalid or unsupported Perl syntax");
    this.i = parsed.end + 1;
    if (this.s[parsed.end] === ")") {
      Object.assign(flags, parsed.flags);
      return undefined;
    }
    const sub = this.alternation(parsed.flags);
    this.close();
    return { op: "group", sub };
  }

  /** The flags of `(?flags)` / `(?flags:` at i and the index of its `)` or `:`. */
  private flagGroup(flags: Flags): { flags: Flags; end: number } | undefined {
    const next: Flags = { ...flags };
    let negated = false;
    let sawFlag = false;
    for (let j = this.i + 2; j < this.s.length; j++) {
      const c = this.s[j] ?? "";
      if (FLAG_LETTERS.has(c)) {
        next[c as keyof Flags] = !negated;
        sawFlag = true;
        continue;
      }
      if (c === "-" && !negated) {
        negated = true;
        sawFlag = false;
        continue;
      }
      // `:` or `)` end the flags, except right after a `-` with no flag since.
      const ends = (c === ":" || c === ")") && !(negated && !sawFlag);
      return ends ? { flags: next, end: j } : undefined;
    }
    return undefined;
  }

  private escapeAtom(flags: Flags): Node {
    const c = this.s[this.i + 1];
    const simple: Readonly<Record<string, Node["op"]>> = {
      A: "bot",
      z: "eot",
      b: "wb",
      B: "nwb",
    };
    if (c !== undefined && Object.hasOwn(simple, c)) {
      this.i += 2;
      return { op: simple[c] } as Node;
    }
    if (c === "C") this.fail("invalid escape sequence");
    const cls = this.classEscape(flags);
    if (cls !== undefined) return { op: "class", runs: cls };
    return { op: "lit", r: this.escape(), fold: flags.i };
  }

  /** \Q...\E: literal runes up to \E or the end. */
  private quoted(flags: Flags): Node[] {
    const end = this.s.indexOf("\\E", this.i + 2);
    const stop = end < 0 ? this.s.length : end;
    const lits: Node[] = [];
    for (let k = this.i + 2; k < stop;) {
      const [r, n] = this.rune(k);
      lits.push({ op: "lit", r, fold: flags.i });
      k += n;
    }
    this.i = end < 0 ? this.s.length : end + 2;
    return lits;
  }

  /** \d \s \w (and negations) or \pX \p{Name} \P... at i; undefined when neither. */
  private classEscape(flags: Flags): number[] | undefined {
    const c = this.s[this.i + 1] ?? "";
    if (/^[dswDSW]$/.test(c)) {
      this.i += 2;
      return group(PERL_GROUPS[c.toLowerCase()] ?? [], c !== c.toLowerCase(), flags.i);
    }
    if (c !== "p" && c !== "P") return undefined;
    const { name, negated } = this.unicodeName(c === "P");
    const t = unicodeTable(name);
    if (t === undefined) this.fail("invalid character class range");
    const runs = flags.i ? folded(t.runs) : clean(t.runs);
    return negated !== t.invert ? negate(runs) : runs;
  }

  /** The name of `\pX`, `\p{Name}` or `\p{^Name}` at i, and whether it is negated. */
  private unicodeName(negatedIn: boolean): { name: string; negated: boolean } {
    let name: string;
    if (this.s[this.i + 2] === "{") {
      const end = this.s.indexOf("}", this.i);
      if (end < 0) this.fail("invalid character class range");
      name = this.s.slice(this.i + 3, end);
      this.i = end + 1;
    } else {
      const [r, n] = this.rune(this.i + 2);
      name = String.fromCodePoint(r);
      this.i += 2 + n;
    }
    return name.startsWith("^")
      ? { name: name.slice(1), negated: !negatedIn }
      : { name, negated: negatedIn };
  }

  /** parseEscape: one escaped rune at i. */
  private escape(): number {
    const c = this.s[this.i + 1];
    if (c === undefined) this.fail("trailing backslash at end of expression");
    const [r, n] = this.rune(this.i + 1);
    const after = this.i + 1 + n;
    if (r < 0x80 && !/[A-Za-z0-9]/.test(c)) {
      this.i = after;
      return r;
    }
    const known: Readonly<Record<string, number>> = {
      a: 7,
      f: 12,
      n: 10,
      r: 13,
      t: 9,
      v: 11,
    };
    if (Object.hasOwn(known, c)) {
      this.i = after;
      return known[c] ?? 0;
    }
    if (/[0-7]/.test(c)) return this.octal(c);
    if (c === "x") return this.hexEscape();
    return this.fail("invalid escape sequence");
  }

  private octal(first: string): number {
    const m = /^[0-7]{1,3}/.exec(this.s.slice(this.i + 1));
    const digits = m?.[0] ?? first;
    // A single non-zero digit would be a backreference, which Go does not support.
    if (first !== "0" && digits.length === 1) this.fail("invalid escape sequence");
    this.i += 1 + digits.length;
    return parseInt(digits, 8);
  }

  private hexEscape(): number {
    const rest = this.s.slice(this.i + 2);
    const braced = /^\{([0-9A-Fa-f]+)\}/.exec(rest);
    if (braced !== null) {
      const v = parseInt(braced[1] ?? "", 16);
      if (v > MAX_RUNE) this.fail("invalid escape sequence");
      this.i += 2 + braced[0].length;
      return v;
    }
    const two = /^[0-9A-Fa-f]{2}/.exec(rest);
    if (two === null) this.fail("invalid escape sequence");
    this.i += 4;
    return parseInt(two[0], 16);
  }

  /** parseClass: [...] with ranges, escapes, Perl, POSIX and Unicode groups. */
  private classAtom(flags: Flags): Node {
    this.i++;
    let negated = false;
    if (this.s[this.i] === "^") {
      negated = true;
      this.i++;
    }
    const runs: number[] = [];
    let first = true;
    while (first || this.s[this.i] !== "]") {
      if (this.i >= this.s.length) this.fail("missing closing ]");
      first = false;
      if (this.classGroup(flags, runs)) continue;
      const lo = this.classChar();
      let hi = lo;
      if (this.s[this.i] === "-" && this.i + 1 < this.s.length && this.s[this.i + 1] !== "]") {
        this.i++;
        hi = this.classChar();
        if (hi < lo) this.fail("invalid character class range");
      }
      if (flags.i) foldRange(lo, hi, runs);
      else runs.push(lo, hi);
    }
    this.i++;
    const cleaned = clean(runs);
    return { op: "class", runs: negated ? negate(cleaned) : cleaned };
  }

  /** [:alpha:], [:^alpha:], \d, \p{...} inside a class; false when none is here. */
  private classGroup(flags: Flags, runs: number[]): boolean {
    if (this.s.startsWith("[:", this.i) && this.i + 2 < this.s.length) {
      const end = this.s.indexOf(":]", this.i + 2);
      if (end >= 0) {
        // parseNamedClass: everything up to the first ":]" names the class.
        const name = this.s.slice(this.i + 2, end);
        const negated = name.startsWith("^");
        const key = negated ? name.slice(1) : name;
        const g = Object.hasOwn(POSIX_GROUPS, key) ? POSIX_GROUPS[key] : undefined;
        if (g === undefined) this.fail("invalid character class range");
        runs.push(...group(g, negated, flags.i));
        this.i = end + 2;
        return true;
      }
    }
    if (this.s[this.i] !== "\\") return false;
    const cls = this.classEscape(flags);
    if (cls === undefined) return false;
    runs.push(...cls);
    return true;
  }

  private classChar(): number {
    if (this.i >= this.s.length) this.fail("missing closing ]");
    if (this.s[this.i] === "\\") return this.escape();
    const [r, n] = this.rune();
    this.i += n;
    return r;
  }
}

// --- limits (repeatIsValid, calcSize) ---------------------------------------------------------

const MAX_SIZE = (128 << 20) / 40;

function subsOf(n: Node): Node[] {
  if (n.op === "concat" || n.op === "alt") return n.subs;
  if (n.op === "cap" || n.op === "group" || n.op === "rep") return [n.sub];
  return [];
}

function repeatIsValid(re: Node, limit: number): boolean {
  let n = limit;
  if (re.op === "rep" && re.kind === "{}") {
    let m = re.max;
    if (m === 0) return true;
    if (m < 0) m = re.min;
    if (m > n) return false;
    if (m > 0) n = Math.floor(n / m);
  }
  return subsOf(re).every((s) => repeatIsValid(s, n));
}

function size(re: Node): number {
  if (re.op === "cap") return Math.max(1, 2 + size(re.sub));
  if (re.op === "concat")
    return Math.max(
      1,
      re.subs.reduce((a, x) => a + size(x), 0),
    );
  if (re.op === "alt") {
    return Math.max(1, re.subs.reduce((a, x) => a + size(x), 0) + re.subs.length - 1);
  }
  if (re.op === "rep") return Math.max(1, repeatSize(re));
  return 1;
}

function repeatSize(re: Extract<Node, { op: "rep" }>): number {
  const sub = size(re.sub);
  if (re.kind === "*") return 2 + sub;
  if (re.kind !== "{}") return 1 + sub;
  if (re.max === -1) return re.min === 0 ? 2 + sub : 1 + re.min * sub;
  return re.max * sub + (re.max - re.min);
}

/** Parses a Go regexp (Perl flags); the capture names by index (index 0 is the match). */
export function parseRe2(pattern: string): { node: Node; names: string[] } {
  const p = new Parser(pattern);
  const node = p.parse();
  if (height(node) > 1000) throw new SyntaxError("expression nests too deeply");
  return { node, names: p.names };
}

function height(n: Node): number {
  return 1 + Math.max(0, ...subsOf(n).map(height));
}

// --- JS emission ------------------------------------------------------------------------------

const esc = (r: number): string => `\\u{${r.toString(16)}}`;

function classSource(runs: readonly number[]): string {
  let out = "[";
  for (let i = 0; i < runs.length; i += 2) {
    const lo = runs[i] ?? 0;
    const hi = runs[i + 1] ?? 0;
    out += lo === hi ? esc(lo) : `${esc(lo)}-${esc(hi)}`;
  }
  return `${out}]`;
}

const WORD = "[0-9A-Za-z_]";
const EMPTY_WIDTH: Readonly<Record<string, string>> = {
  bot: "^",
  eot: "$",
  bol: "(?<![^\\n])",
  eol: "(?![^\\n])",
  wb: `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`,
  nwb: `(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))`,
  empty: "(?:)",
};

/** The JS source (for the `u` flag) matching what `node` matches in Go. */
export function toJs(node: Node): string {
  if (node.op === "lit") {
    return node.fold ? classSource(clean(foldOrbit(node.r).flatMap((r) => [r, r]))) : esc(node.r);
  }
  if (node.op === "class") return classSource(node.runs);
  if (node.op === "cap") return `(${toJs(node.sub)})`;
  if (node.op === "group") return `(?:${toJs(node.sub)})`;
  if (node.op === "concat") return node.subs.map(toJs).join("");
  if (node.op === "alt") return `(?:${node.subs.map(toJs).join("|")})`;
  if (node.op === "rep") {
    return `(?:${toJs(node.sub)})${quantifier(node)}${node.greedy ? "" : "?"}`;
  }
  return EMPTY_WIDTH[node.op] ?? "(?:)";
}

function quantifier(n: Extract<Node, { op: "rep" }>): string {
  if (n.kind !== "{}") return n.kind;
  if (n.max === n.min) return `{${n.min}}`;
  return n.max < 0 ? `{${n.min},}` : `{${n.min},${n.max}}`;
}

// --- backtracking safety ----------------------------------------------------------------------

const isVariable = (n: Node): boolean => n.op === "rep" && n.min !== n.max;

function containsVariable(n: Node): boolean {
  return subsOf(n).some((s) => isVariable(s) || containsVariable(s));
}

/** The alternation a repeat iterates over, through groups and captures. */
function repeatedAlternation(n: Node): Node[] | undefined {
  if (n.op === "cap" || n.op === "group") return repeatedAlternation(n.sub);
  return n.op === "alt" ? n.subs : undefined;
}

/**
 * Refuses the shapes that make V8's backtracking exponential (RE2 runs everything in linear
 * time; this is the price of running on V8): a variable repetition that contains another
 * (`(a+)+`, `(\w+\s?)*`), or one over alternatives that do not start with distinct literal
 * runes (`(a|ab)*`, `(\s|-)+`). Returns the reason, or undefined when the pattern is safe.
 */
export function backtrackingHazard(node: Node): string | undefined {
  if (isVariable(node) && node.op === "rep") {
    if (containsVariable(node.sub)) return "regular expression with nested quantifiers";
    const alts = repeatedAlternation(node.sub);
    if (alts !== undefined && !isDeterministic(alts)) {
      return "regular expression with a repeated ambiguous alternation";
    }
  }
  for (const s of subsOf(node)) {
    const hazard = backtrackingHazard(s);
    if (hazard !== undefined) return hazard;
  }
  return undefined;
}

/** True when the match can only start at the beginning of the text. */
export function isAnchored(node: Node): boolean {
  if (node.op === "bot") return true;
  if (node.op === "concat") return node.subs[0] !== undefined && isAnchored(node.subs[0]);
  if (node.op === "cap" || node.op === "group") return isAnchored(node.sub);
  return false;
}
