import { decodeRune, encodeRune, runes } from "../bytes.js";
import { isTitle, toTitle } from "../unicode.js";
import { budgetFault } from "../failure.js";
import { quote as goQuote, sprintf } from "../fmt.js";
import { fn } from "../funcs.js";
import type { CallContext, FuncDef } from "../funcs.js";
import { GoMap, GoSlice, goInt } from "../value.js";
import type { GoValue, GoInt } from "../value.js";
import { strslice, strval } from "./cast.js";
import {
  isLowerRune,
  isSpaceRune,
  isUpperRune,
  mapRunes,
  splitGo,
  title,
  toLowerRune,
  toUpperRune,
  trimCutset,
  trimSpace,
} from "./text.js";

/**
 * sprig v3.3.0 string functions (`strings.go`, goutils, `strings` package wrappers).
 */

const S = (v: GoValue | undefined): string => v as string;
const I = (v: GoValue | undefined): number => Number((v as GoInt).v);

function checkSize(n: number, ctx: CallContext): void {
  if (n > ctx.maxBytes) throw budgetFault("string exceeds the output budget");
  ctx.charge(n / 256);
}

function repeat(count: number, s: string, ctx: CallContext): string {
  if (count < 0) throw new Error("negative Repeat count");
  checkSize(count * s.length, ctx);
  return s.repeat(count);
}

function abbreviateFull(str: string, offsetIn: number, maxWidth: number): string {
  if (str === "") return "";
  if (maxWidth < 4) return "";
  if (str.length <= maxWidth) return str;
  let offset = Math.min(offsetIn, str.length);
  if (str.length - offset < maxWidth - 3) offset = str.length - (maxWidth - 3);
  if (offset <= 4) return `${str.slice(0, maxWidth - 3)}...`;
  if (maxWidth < 7) return "";
  if (offset + maxWidth - 3 < str.length) {
    return `...${abbreviateFull(str.slice(offset), 0, maxWidth - 3)}`;
  }
  return `...${str.slice(str.length - (maxWidth - 3))}`;
}

function trunc(c: number, s: string): string {
  if (c < 0 && s.length + c > 0) return s.slice(s.length + c);
  if (c >= 0 && s.length > c) return s.slice(0, c);
  return s;
}

function substr(start: number, end: number, s: string): string {
  if (start < 0) return goSlice(s, 0, end);
  if (end < 0 || end > s.length) return goSlice(s, start, s.length);
  return goSlice(s, start, end);
}

/** Go's s[lo:hi] with its panics. */
function goSlice(s: string, lo: number, hi: number): string {
  if (lo < 0 || hi > s.length || lo > hi) throw new Error("slice bounds out of range");
  return s.slice(lo, hi);
}

function byteRunes(s: string, keep: (b: number) => boolean): string {
  let out = "";
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const b = s.charCodeAt(i);
    if (keep(b)) {
      out += encodeRune(b);
      count++;
    }
  }
  return count === s.length ? s : out;
}

function initials(s: string): string {
  let out = "";
  let gap = true;
  for (let i = 0; i < s.length; i++) {
    const b = s.charCodeAt(i);
    if (isSpaceRune(b)) gap = true;
    else if (gap) {
      out += encodeRune(b);
      gap = false;
    }
  }
  return out;
}

/**
 * goutils' SwapCase: upper and title case to lower; lower case to upper, or to title case at
 * the start of the string and after white space (so `ǆ` there becomes `ǅ`).
 */
function swapCase(s: string): string {
  let whitespace = true;
  return mapRunes(s, (r) => {
    if (isUpperRune(r) || isTitle(r)) {
      whitespace = false;
      return toLowerRune(r);
    }
    if (isLowerRune(r)) {
      const out = whitespace ? toTitle(r) : toUpperRune(r);
      whitespace = false;
      return out;
    }
    whitespace = isSpaceRune(r);
    return r;
  });
}

function untitle(s: string): string {
  let first = true;
  return mapRunes(s, (r) => {
    if (isSpaceRune(r)) {
      first = true;
      return r;
    }
    if (first) {
      first = false;
      return toLowerRune(r);
    }
    return r;
  });
}

function wrapCustom(str: string, lenIn: number, nl: string, wrapLong: boolean): string {
  if (str === "") return "";
  const newLine = nl === "" ? "\n" : nl;
  const len = Math.max(lenIn, 1);
  let offset = 0;
  let out = "";
  while (str.length - offset > len) {
    if (str[offset] === " ") {
      offset++;
      continue;
    }
    const space = str.slice(offset, len + offset + 1).lastIndexOf(" ") + offset;
    if (space >= offset) {
      out += str.slice(offset, space) + newLine;
      offset = space + 1;
    } else if (wrapLong) {
      out += str.slice(offset, offset + len) + newLine;
      offset += len;
    } else {
      const idx = str.indexOf(" ", len + offset);
      if (idx < 0) {
        out += str.slice(offset);
        offset = str.length;
      } else {
        out += str.slice(offset, idx) + newLine;
        offset = idx + 1;
      }
    }
  }
  return out + str.slice(offset);
}

function quoteAll(args: GoValue[]): string {
  return args
    .filter((a) => a !== null)
    .map((a) => goQuote(strval(a)))
    .join(" ");
}

function squoteAll(args: GoValue[], ctx: CallContext): string {
  return args
    .filter((a) => a !== null)
    .map((a) => sprintf("'%v'", [a], ctx.maxBytes))
    .join(" ");
}

function cat(args: GoValue[], ctx: CallContext): string {
  const v = args.filter((a) => a !== null);
  const f = "%v ".repeat(v.length).trim();
  return sprintf(f, v, ctx.maxBytes);
}

function indent(n: number, s: string, ctx: CallContext): string {
  if (n < 0) throw new Error("negative Repeat count");
  const lines = s.split("\n").length;
  checkSize(n * lines + s.length, ctx);
  const pad = " ".repeat(n);
  return pad + s.split("\n").join(`\n${pad}`);
}

function splitMap(parts: string[]): GoMap {
  const m = new Map<string, GoValue>();
  parts.forEach((p, i) => m.set(`_${i}`, p));
  return new GoMap(m, "string");
}

function atoi(s: string): GoValue {
  if (!/^[+-]?[0-9]+$/.test(s)) return goInt(0);
  const v = BigInt(s);
  if (v >= 1n << 63n || v < -(1n << 63n)) return goInt(v < 0n ? -(1n << 63n) : (1n << 63n) - 1n);
  return goInt(v);
}

const byteOrder = (a: GoValue, b: GoValue): number => {
  const [x, y] = [a as string, b as string];
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * sprig's sortAlpha: strslice then sort.Strings. strslice hands a `[]string` back as is, so Go
 * sorts the caller's slice in place (a variable holding it, and slices sharing its array, see
 * the order afterwards); any other list is copied first.
 */
function sortAlpha(v: GoValue): GoValue {
  if (!(v instanceof GoSlice)) return new GoSlice([strval(v)], "string");
  if (v.elem === "string") {
    v.sortInPlace(byteOrder);
    return v;
  }
  return new GoSlice([...(strslice(v).items as string[])].sort(byteOrder), "string");
}

/** The string functions of the sprig map. */
export function stringFuncs(): [string, FuncDef][] {
  return [
    ["hello", fn([], () => "Hello!")],
    [
      "abbrev",
      fn(["int", "string"], ([w, s]) => (I(w) < 4 ? S(s) : abbreviateFull(S(s), 0, I(w)))),
    ],
    [
      "abbrevboth",
      fn(["int", "int", "string"], ([l, r, s]) =>
        I(r) < 4 || (I(l) > 0 && I(r) < 7) ? S(s) : abbreviateFull(S(s), I(l), I(r)),
      ),
    ],
    ["trunc", fn(["int", "string"], ([c, s]) => trunc(I(c), S(s)))],
    ["trim", fn(["string"], ([s]) => trimSpace(S(s)))],
    ["upper", fn(["string"], ([s]) => mapRunes(S(s), toUpperRune, true))],
    ["lower", fn(["string"], ([s]) => mapRunes(S(s), toLowerRune, true))],
    ["title", fn(["string"], ([s]) => title(S(s)))],
    ["untitle", fn(["string"], ([s]) => untitle(S(s)))],
    ["substr", fn(["int", "int", "string"], ([a, b, s]) => substr(I(a), I(b), S(s)))],
    ["repeat", fn(["int", "string"], ([c, s], ctx) => repeat(I(c), S(s), ctx))],
    ["trimall", fn(["string", "string"], ([a, b]) => trimCutset(S(b), S(a)))],
    ["trimAll", fn(["string", "string"], ([a, b]) => trimCutset(S(b), S(a)))],
    [
      "trimSuffix",
      fn(["string", "string"], ([a, b]) =>
        S(b).endsWith(S(a)) ? S(b).slice(0, S(b).length - S(a).length) : S(b),
      ),
    ],
    [
      "trimPrefix",
      fn(["string", "string"], ([a, b]) =>
        S(b).startsWith(S(a)) ? S(b).slice(S(a).length) : S(b),
      ),
    ],
    ["nospace", fn(["string"], ([s]) => byteRunes(S(s), (b) => !isSpaceRune(b)))],
    ["initials", fn(["string"], ([s]) => initials(S(s)))],
    ["swapcase", fn(["string"], ([s]) => swapCase(S(s)))],
    ["wrap", fn(["int", "string"], ([l, s]) => wrapCustom(S(s), I(l), "", false))],
    [
      "wrapWith",
      fn(["int", "string", "string"], ([l, sep, s]) => wrapCustom(S(s), I(l), S(sep), true)),
    ],
    ["contains", fn(["string", "string"], ([a, b]) => S(b).includes(S(a)))],
    ["hasPrefix", fn(["string", "string"], ([a, b]) => S(b).startsWith(S(a)))],
    ["hasSuffix", fn(["string", "string"], ([a, b]) => S(b).endsWith(S(a)))],
    ["quote", fn([], quoteAll, "any")],
    ["squote", fn([], squoteAll, "any")],
    ["cat", fn([], cat, "any")],
    ["indent", fn(["int", "string"], ([n, s], ctx) => indent(I(n), S(s), ctx))],
    ["nindent", fn(["int", "string"], ([n, s], ctx) => `\n${indent(I(n), S(s), ctx)}`)],
    [
      "replace",
      fn(["string", "string", "string"], ([o, n, s], ctx) => replaceAll(S(s), S(o), S(n), ctx)),
    ],
    [
      "plural",
      fn(["string", "string", "int"], ([one, many, c]) => (I(c) === 1 ? S(one) : S(many))),
    ],
    ["toString", fn(["any"], ([v = null]) => strval(v))],
    ["atoi", fn(["string"], ([s]) => atoi(S(s)))],
    ["split", fn(["string", "string"], ([sep, s]) => splitMap(splitGo(S(s), S(sep))))],
    [
      "splitList",
      fn(["string", "string"], ([sep, s]) => new GoSlice(splitGo(S(s), S(sep)), "string")),
    ],
    [
      "splitn",
      fn(["string", "int", "string"], ([sep, n, s]) => splitMap(splitGo(S(s), S(sep), I(n)))),
    ],
    ["toStrings", fn(["any"], ([v = null]) => strslice(v))],
    [
      "join",
      fn(["string", "any"], ([sep, v = null], ctx) =>
        joinChecked(strslice(v).items as string[], S(sep), ctx),
      ),
    ],
    ["sortAlpha", fn(["any"], ([v = null]) => sortAlpha(v))],
  ];
}

function joinChecked(items: string[], sep: string, ctx: CallContext): string {
  const n = items.reduce((a, s) => a + s.length, 0) + sep.length * Math.max(items.length - 1, 0);
  checkSize(n, ctx);
  return items.join(sep);
}

function replaceAll(s: string, old: string, rep: string, ctx: CallContext): string {
  if (old === "") {
    const rs = runes(s).length;
    checkSize(s.length + rep.length * (rs + 1), ctx);
    let out = rep;
    for (let i = 0; i < s.length;) {
      const [, n] = decodeRune(s, i);
      out += s.slice(i, i + n) + rep;
      i += n;
    }
    return out;
  }
  const count = s.split(old).length - 1;
  checkSize(s.length + count * Math.max(rep.length - old.length, 0), ctx);
  return s.split(old).join(rep);
}
