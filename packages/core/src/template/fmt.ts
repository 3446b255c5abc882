import { decodeRune, encodeRune, fromUtf8, isValidUtf8, runes } from "./bytes.js";
import { budgetFault } from "./failure.js";
import { formatFloat } from "./float.js";
import { isPrint } from "./unicode.js";
import { LONG_MONTHS, timeParts, timeString } from "./time.js";
import {
  GoInt,
  GoMap,
  GoSlice,
  GoStruct,
  GoTime,
  isUnsigned,
  sortedKeys,
  typeName,
} from "./value.js";
import type { GoValue } from "./value.js";

/**
 * Go's fmt package as text/template and sprig use it: Sprint, Sprintln and Sprintf with the
 * verbs, flags, widths and precisions of `fmt/print.go` and `fmt/format.go`, over byte strings.
 * Widths and precisions above `limit` are refused as a budget failure before any allocation.
 */

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  /** `%#v` (Go syntax) and `%+v`: fmt moves # and + there when the verb is v. */
  sharpV: boolean;
  plusV: boolean;
  space: boolean;
  zero: boolean;
  wid: number | null;
  prec: number | null;
  verb: string;
}

const PLAIN: Spec = {
  minus: false,
  plus: false,
  sharp: false,
  sharpV: false,
  plusV: false,
  space: false,
  zero: false,
  wid: null,
  prec: null,
  verb: "v",
};

function runeCount(bs: string): number {
  let n = 0;
  for (let i = 0; i < bs.length;) {
    i += decodeRune(bs, i)[1];
    n++;
  }
  return n;
}

/** Pads a byte string to the spec width (counted in runes), left or right. */
function pad(s: string, spec: Spec, zeroOk = true): string {
  if (spec.wid === null) return s;
  const n = spec.wid - runeCount(s);
  if (n <= 0) return s;
  if (spec.minus) return s + " ".repeat(n);
  const fill = spec.zero && zeroOk ? "0" : " ";
  return fill.repeat(n) + s;
}

/** Pads a signed number, zero padding after the sign. */
function padNumber(sign: string, digits: string, spec: Spec): string {
  if (spec.zero && !spec.minus && spec.wid !== null) {
    const n = spec.wid - sign.length - digits.length;
    return sign + (n > 0 ? "0".repeat(n) : "") + digits;
  }
  return pad(sign + digits, spec);
}

/** fmt's badVerb: the value printed with `%v` under the same width, precision and flags. */
function badVerb(v: GoValue, spec: Spec, inner: Formatter): string {
  const verb = encodeRune(spec.verb.codePointAt(0) ?? 0x3f);
  if (v === null) return `%!${verb}(<nil>)`;
  // fmt prints the operand with %v under the same flags (a + or # stays, it is not %+v or %#v).
  return `%!${verb}(${typeName(v)}=${inner(v, { ...spec, verb: "v" })})`;
}

function signOf(neg: boolean, spec: Spec): string {
  if (neg) return "-";
  if (spec.plus) return "+";
  return spec.space ? " " : "";
}

const INT_BASES: Readonly<Record<string, number>> = {
  d: 10,
  v: 10,
  b: 2,
  o: 8,
  O: 8,
  x: 16,
  X: 16,
};

/**
 * fmt's fmtInteger: the digits, zero-padded to the precision (or, with the 0 flag and no
 * precision, to the width less the sign), then the # or %O prefix and the sign, then padded with
 * spaces. So `%#08x` of 255 is `0x000000ff`, and a zero precision prints nothing for 0, not even
 * a sign or prefix.
 */
function fmtInteger(n: GoInt, spec: Spec): string | null {
  const verb = spec.verb;
  if (verb === "c") return pad(encodeRune(Number(n.v)), spec);
  if (verb === "q") return pad(quoteRune(Number(n.v), spec.plus), spec);
  if (verb === "U") return pad(unicodeFormat(n.v, spec), spec, false);
  const base = Object.hasOwn(INT_BASES, verb) ? INT_BASES[verb] : undefined;
  if (base === undefined) return null;
  const neg = n.v < 0n;
  const abs = neg ? -n.v : n.v;
  if (spec.prec === 0 && abs === 0n) return " ".repeat(spec.wid ?? 0);
  let digits = abs.toString(base);
  if (verb === "X") digits = digits.toUpperCase();
  digits = integerPrefix(digits.padStart(integerPrecision(neg, spec), "0"), base, spec);
  return pad(signOf(neg, spec) + digits, spec, false);
}

/** Digits the integer is zero-padded to: the precision, or with the 0 flag the width less the sign. */
function integerPrecision(neg: boolean, spec: Spec): number {
  if (spec.prec !== null) return spec.prec;
  if (spec.zero && !spec.minus && spec.wid !== null) {
    return spec.wid - (neg || spec.plus || spec.space ? 1 : 0);
  }
  return 0;
}

/** The # prefix (0b, 0, 0x or 0X) and %O's 0o, before the sign is added. */
function integerPrefix(digits: string, base: number, spec: Spec): string {
  let out = digits;
  if (spec.sharp) {
    if (base === 2) out = `0b${out}`;
    else if (base === 8 && !out.startsWith("0")) out = `0${out}`;
    else if (base === 16) out = (spec.verb === "X" ? "0X" : "0x") + out;
  }
  return spec.verb === "O" ? `0o${out}` : out;
}

/** fmt's fmtUnicode: `U+` and at least 4 (or the precision) hex digits of the value as a uint64. */
function unicodeFormat(value: bigint, spec: Spec): string {
  const v = BigInt.asUintN(64, value);
  const hex = v
    .toString(16)
    .toUpperCase()
    .padStart(Math.max(4, spec.prec ?? 0), "0");
  if (spec.sharp && v <= 0x10ffffn && isPrintRune(Number(v))) {
    return `U+${hex} '${encodeRune(Number(v))}'`;
  }
  return `U+${hex}`;
}

const FLOAT_VERBS = new Set(["v", "b", "e", "E", "f", "F", "g", "G", "x", "X"]);

const FLOAT_VERB_MAP: Readonly<Record<string, string>> = { v: "g", F: "f" };

function floatDigits(x: number, spec: Spec): string {
  const verb = FLOAT_VERB_MAP[spec.verb] ?? spec.verb;
  const prec = spec.prec ?? (verb === "g" || verb === "G" ? -1 : 6);
  if (verb === "b") return binaryFloat(x);
  const num =
    verb === "x" || verb === "X"
      ? hexFloat(x, verb === "X", spec.prec ?? -1)
      : formatFloat(x, verb as "e" | "E" | "f" | "g" | "G", prec);
  return spec.sharp ? sharpFloat(num, verb, spec.prec ?? -1) : num;
}

/** Sign of Inf and NaN as fmt prints them: +Inf keeps its plus, NaN only with + or space. */
function specialSign(body: string, neg: boolean, spec: Spec): string {
  if (neg) return "-";
  if (spec.plus) return "+";
  if (spec.space) return " ";
  return body === "Inf" ? "+" : "";
}

function fmtFloatValue(x: number, spec: Spec): string | null {
  if (!FLOAT_VERBS.has(spec.verb)) return null;
  const num = floatDigits(x, spec);
  const neg = num.startsWith("-");
  const body = neg || num.startsWith("+") ? num.slice(1) : num;
  if (body === "Inf" || body === "NaN")
    return pad(specialSign(body, neg, spec) + body, { ...spec, zero: false });
  return padNumber(signOf(neg, spec), body, spec);
}

/** Sign, significand (with its implicit bit) and binary exponent of a finite double. */
function floatParts(x: number): { neg: boolean; mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (biased === 0) return { neg, mant, exp: -1022 };
  mant |= 1n << 52n;
  return { neg, mant, exp: biased - 1023 };
}

/** strconv.FormatFloat(x, 'b', -1, 64): decimal significand, `p`, binary exponent. */
function binaryFloat(x: number): string {
  if (!Number.isFinite(x)) return formatFloat(x, "g", -1);
  const { neg, mant, exp } = floatParts(x);
  const e = exp - 52;
  return `${neg ? "-" : ""}${mant}p${e >= 0 ? "+" : ""}${e}`;
}

/** The significand as 61-bit fixed point (leading 1 at bit 60) and its binary exponent. */
function hexParts(x: number): { neg: boolean; mant: bigint; exp: number } {
  const parts = floatParts(x);
  let { mant, exp } = parts;
  if (mant === 0n) exp = 0;
  mant <<= 8n;
  while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
    mant <<= 1n;
    exp--;
  }
  return { neg: parts.neg, mant, exp };
}

/** Rounds the significand to `prec` hex digits, half to even (may carry into the exponent). */
function roundHex(mant: bigint, exp: number, prec: number): { mant: bigint; exp: number } {
  if (prec < 0 || prec >= 15) return { mant, exp };
  const shift = BigInt(60 - prec * 4);
  const extra = mant & ((1n << shift) - 1n);
  let kept = mant >> shift;
  const half = 1n << (shift - 1n);
  if (extra > half || (extra === half && (kept & 1n) === 1n)) kept += 1n;
  const rounded = kept << shift;
  return (rounded & (1n << 61n)) !== 0n
    ? { mant: rounded >> 1n, exp: exp + 1 }
    : { mant: rounded, exp };
}

/** The hex digits after the point: all significant ones, or exactly `prec`. */
function hexFraction(mant: bigint, prec: number): string {
  const mask = (1n << 64n) - 1n;
  let rest = (mant << 4n) & mask;
  let frac = "";
  for (let i = 0; prec < 0 ? rest !== 0n : i < prec; i++) {
    frac += Number((rest >> 60n) & 15n).toString(16);
    rest = (rest << 4n) & mask;
  }
  return frac;
}

/**
 * strconv.FormatFloat(x, 'x', prec, 64): `0x1.hhhp±dd`, the significand rounded to `prec` hex
 * digits (half to even) when 0 <= prec < 15, else all of them (or `prec`, zero-padded).
 */
function hexFloat(x: number, upper: boolean, prec: number): string {
  if (!Number.isFinite(x)) return formatFloat(x, "g", -1);
  const parts = hexParts(x);
  const { mant, exp } = roundHex(parts.mant, parts.exp, prec);
  const frac = hexFraction(mant, prec);
  const abs = Math.abs(exp);
  const digits = abs < 10 ? `0${abs}` : String(abs);
  const out = `0x${(mant >> 60n) & 1n}${frac === "" ? "" : `.${frac}`}p${exp < 0 ? "-" : "+"}${digits}`;
  return (parts.neg ? "-" : "") + (upper ? out.toUpperCase() : out);
}

/**
 * fmt's `#` flag on floats (fmtFloat): keep a decimal point and, for %v, %g, %G and %x, pad with
 * zeros to the precision (6 when none) counting the digits from the first non-zero one. Like
 * fmt, a hex number's `x` counts as a digit and an `e` inside a hex significand is a digit.
 */
function sharpFloat(num: string, verb: string, precIn: number): string {
  if (/^[+-]?(Inf|NaN)$/.test(num)) return num;
  const sign = /^[+-]/.test(num) ? (num[0] ?? "") : "";
  const hex = verb === "x" || verb === "X";
  const all = num.slice(sign.length);
  const tailAt = all.search(hex ? /[pP]/ : /[eEpP]/);
  let body = tailAt < 0 ? all : all.slice(0, tailAt);
  const tail = tailAt < 0 ? "" : all.slice(tailAt);
  let digits = ["v", "g", "G", "x"].includes(verb) ? (precIn === -1 ? 6 : precIn) : 0;
  digits -= significantCount(body);
  if (!body.includes(".")) {
    if (body === "0") digits--;
    body += ".";
  }
  return sign + body + "0".repeat(Math.max(0, digits)) + tail;
}

/** Characters from the first non-zero one on, the point excepted (as fmt counts them). */
function significantCount(body: string): number {
  const start = body.search(/[^0.]/);
  return start < 0 ? 0 : body.slice(start).replace(".", "").length;
}

function fmtString(s: string, spec: Spec): string | null {
  switch (spec.verb) {
    case "v":
    case "s":
      return pad(truncateRunes(s, spec.prec), spec);
    case "q":
      return pad(quoteString(truncateRunes(s, spec.prec), spec), spec);
    case "x":
    case "X":
      return pad(hexBytes(truncateBytes(s, spec.prec), spec), spec);
    default:
      return null;
  }
}

function quoteString(s: string, spec: Spec): string {
  return spec.sharp && canBackquote(s) ? `\`${s}\`` : quote(s, spec.plus);
}

function truncateRunes(s: string, prec: number | null): string {
  if (prec === null) return s;
  let i = 0;
  for (let n = 0; n < prec && i < s.length; n++) i += decodeRune(s, i)[1];
  return s.slice(0, i);
}

function truncateBytes(s: string, prec: number | null): string {
  return prec === null ? s : s.slice(0, prec);
}

function hexBytes(s: string, spec: Spec): string {
  const upper = spec.verb === "X";
  const prefix = upper ? "0X" : "0x";
  let out = "";
  for (let i = 0; i < s.length; i++) {
    if (spec.space && i > 0) out += " ";
    if (spec.sharp && (spec.space || i === 0)) out += prefix;
    const h = s.charCodeAt(i).toString(16).padStart(2, "0");
    out += upper ? h.toUpperCase() : h;
  }
  return out;
}

function canBackquote(s: string): boolean {
  if (!isValidUtf8(s)) return false;
  for (const r of runes(s)) {
    if (r === 0x60 || r === 0xfeff || (r < 0x20 && r !== 0x09) || r === 0x7f) return false;
  }
  return true;
}

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space. */
export function isPrintRune(r: number): boolean {
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return false;
  return isPrint(r);
}

const QUOTE_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x07, "\\a"],
  [0x08, "\\b"],
  [0x0c, "\\f"],
  [0x0a, "\\n"],
  [0x0d, "\\r"],
  [0x09, "\\t"],
  [0x0b, "\\v"],
  [0x5c, "\\\\"],
]);

function escapeRune(r: number, q: number, asciiOnly: boolean): string {
  if (r === q) return `\\${String.fromCharCode(q)}`;
  const esc = QUOTE_ESCAPES.get(r);
  if (esc !== undefined) return esc;
  if (r < 0x80 ? r >= 0x20 && r < 0x7f : !asciiOnly && isPrintRune(r)) return encodeRune(r);
  if (r < 0x20 || r === 0x7f) return `\\x${r.toString(16).padStart(2, "0")}`;
  if (r < 0x10000) return `\\u${r.toString(16).padStart(4, "0")}`;
  return `\\U${r.toString(16).padStart(8, "0")}`;
}

/** Go's strconv.Quote (or QuoteToASCII) on a byte string. */
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (let i = 0; i < s.length;) {
    const [r, n] = decodeRune(s, i);
    if (r === 0xfffd && n === 1) {
      out += `\\x${s.charCodeAt(i).toString(16).padStart(2, "0")}`;
    } else {
      out += escapeRune(r, 0x22, asciiOnly);
    }
    i += n;
  }
  return `${out}"`;
}

function quoteRune(r: number, asciiOnly: boolean): string {
  const valid = r >= 0 && r <= 0x10ffff && !(r >= 0xd800 && r <= 0xdfff);
  return `'${escapeRune(valid ? r : 0xfffd, 0x27, asciiOnly)}'`;
}

type Formatter = (v: GoValue, spec: Spec) => string;

/** A nil element of a slice or map prints `<nil>` whatever the verb. */
function element(v: GoValue, spec: Spec, fmt: Formatter): string {
  return v === null ? pad("<nil>", spec) : fmt(v, spec);
}

function fmtSlice(v: GoSlice, spec: Spec, fmt: Formatter): string | null {
  if (v.elem === "uint8" && "sxXq".includes(spec.verb)) {
    const s = v.items.map((b) => String.fromCharCode(Number((b as GoInt).v))).join("");
    return fmtString(s, spec);
  }
  const parts = v.items.map((item) => element(item, spec, fmt));
  return `[${parts.join(" ")}]`;
}

function fmtMap(v: GoMap, spec: Spec, fmt: Formatter): string {
  const parts = sortedKeys(v).map(
    (k) => `${fmt(k, spec)}:${element(v.m.get(k) ?? null, spec, fmt)}`,
  );
  return `map[${parts.join(" ")}]`;
}

const STRINGER_VERBS = new Set(["v", "s", "x", "X", "q"]);

function fmtStringer(v: GoTime | GoStruct, spec: Spec): string | null {
  if (!STRINGER_VERBS.has(spec.verb)) return null;
  const s = v instanceof GoTime ? timeString(v) : v.str();
  return fmtString(s, spec.verb === "v" ? { ...spec, verb: "s" } : spec);
}

function fmtScalar(v: GoValue, spec: Spec): string | null {
  if (typeof v === "string") return fmtString(v, spec);
  if (typeof v === "number") return fmtFloatValue(v, spec);
  if (typeof v === "boolean") {
    return spec.verb === "v" || spec.verb === "t" ? pad(String(v), spec) : null;
  }
  if (v instanceof GoInt) {
    if (v.type === "uint8" && spec.verb === "v") return fmtInteger(v, { ...spec, verb: "d" });
    return fmtInteger(v, spec);
  }
  return null;
}

/** Formats one operand under a verb, as fmt's printArg does. */
function formatOne(v: GoValue, spec: Spec): string {
  if (spec.verb === "T") return pad(fromUtf8(typeName(v)), spec);
  if (spec.verb === "v" && spec.sharpV) return pad(goSyntax(v, true), spec);
  if (v === null) return spec.verb === "v" ? pad("<nil>", spec) : badVerb(v, spec, formatOne);
  let out: string | null;
  if (v instanceof GoSlice) out = fmtSlice(v, spec, formatOne);
  else if (v instanceof GoMap) out = fmtMap(v, spec, formatOne);
  else if (v instanceof GoTime || v instanceof GoStruct) out = fmtStringer(v, spec);
  else out = fmtScalar(v, spec);
  return out ?? badVerb(v, spec, formatOne);
}

function goSyntaxInt(v: GoInt): string {
  return isUnsigned(v.type) ? `0x${v.v.toString(16)}` : v.v.toString();
}

function goSyntaxTime(t: GoTime): string {
  const p = timeParts(t);
  const loc = t.zone === "UTC" && t.offset === 0 ? "time.UTC" : `time.Location(${quote(t.zone)})`;
  return `time.Date(${p.year}, time.${LONG_MONTHS[p.month - 1] ?? ""}, ${p.day}, ${p.hour}, ${p.minute}, ${p.second}, ${p.nanos}, ${loc})`;
}

function goSyntaxStruct(v: GoStruct): string {
  if (v.type !== "*semver.Version") return v.str();
  const f = (name: string): GoValue => v.fields.get(name)?.() ?? null;
  const n = (name: string): string => {
    const x = f(name);
    return x instanceof GoInt ? `0x${x.v.toString(16)}` : "0x0";
  };
  const s = (name: string): string => {
    const x = f(name);
    return quote(typeof x === "string" ? x : "");
  };
  return `&semver.Version{major:${n("Major")}, minor:${n("Minor")}, patch:${n("Patch")}, pre:${s("Prerelease")}, metadata:${s("Metadata")}, original:${s("Original")}}`;
}

/** Go-syntax representation, as `%#v` prints it. */
function goSyntaxCollection(v: GoSlice | GoMap): string {
  if (v.isNil) return `${typeName(v)}(nil)`;
  if (v instanceof GoSlice) {
    return `[]${v.elem}{${v.items.map((x) => goSyntax(x, false)).join(", ")}}`;
  }
  const parts = sortedKeys(v).map((k) => `${quote(k)}:${goSyntax(v.m.get(k) ?? null, false)}`);
  return `map[string]${v.elem}{${parts.join(", ")}}`;
}

function goSyntax(v: GoValue, top: boolean): string {
  if (v === null) return top ? "<nil>" : "interface {}(nil)";
  if (typeof v === "string") return quote(v);
  if (typeof v === "number") return formatOne(v, PLAIN);
  if (typeof v === "boolean") return String(v);
  if (v instanceof GoInt) return goSyntaxInt(v);
  if (v instanceof GoSlice || v instanceof GoMap) return goSyntaxCollection(v);
  if (v instanceof GoTime) return goSyntaxTime(v);
  return goSyntaxStruct(v);
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly GoValue[]): string {
  let out = "";
  args.forEach((a, i) => {
    const prev = i > 0 ? args[i - 1] : undefined;
    if (i > 0 && typeof a !== "string" && typeof prev !== "string") out += " ";
    out += formatOne(a, PLAIN);
  });
  return out;
}

/** fmt.Sprintln: spaces between all operands and a trailing newline. */
export function sprintln(args: readonly GoValue[]): string {
  return `${args.map((a) => formatOne(a, PLAIN)).join(" ")}\n`;
}

/** Formats a single value as `%v` would (also used for template output). */
export function formatValue(v: GoValue): string {
  return formatOne(v, PLAIN);
}

interface Cursor {
  format: string;
  i: number;
  arg: number;
  args: readonly GoValue[];
  limit: number;
  /** An explicit argument index was seen (no EXTRA report). */
  reordered: boolean;
  /** fmt's goodArgNum for the verb being parsed. */
  good: boolean;
}

function parseFlags(c: Cursor, spec: Spec): void {
  for (; c.i < c.format.length; c.i++) {
    const ch = c.format[c.i];
    if (ch === "-") spec.minus = true;
    else if (ch === "+") spec.plus = true;
    else if (ch === "#") spec.sharp = true;
    else if (ch === " ") spec.space = true;
    else if (ch === "0") spec.zero = true;
    else return;
  }
}

/**
 * fmt's parsenum over `format[start:end]`: the decimal number there and where it ends; a number
 * that grows past 1e6 before its last digit gives no number and ends at `end` ("crazy long").
 */
function parsenum(format: string, start: number, end: number): [number | null, number] {
  let n = 0;
  let seen = false;
  let i = start;
  for (; i < end && format.charCodeAt(i) >= 0x30 && format.charCodeAt(i) <= 0x39; i++) {
    if (n > 1e6) return [null, end];
    n = n * 10 + format.charCodeAt(i) - 0x30;
    seen = true;
  }
  return [seen ? n : null, i];
}

/** A width or precision in the format; over the output budget is refused before allocating. */
function formatNumber(c: Cursor): number | null {
  const [n, next] = parsenum(c.format, c.i, c.format.length);
  c.i = next;
  if (n !== null && n > c.limit) {
    throw budgetFault("printf width or precision exceeds the output budget");
  }
  return n;
}

/**
 * fmt's argNumber: an explicit `[n]` at the cursor selects argument n (one-based). Returns
 * whether an index was read; an index out of range, or brackets that hold no number, make the
 * verb print `%!v(BADINDEX)` (goodArgNum) and are skipped up to their `]`.
 */
function argNumber(c: Cursor): boolean {
  if (c.format[c.i] !== "[") return false;
  c.reordered = true;
  const close = c.format.indexOf("]", c.i + 1);
  let width = 1;
  let ok = false;
  let index = -1;
  if (c.format.length - c.i >= 3 && close >= 0) {
    width = close - c.i + 1;
    const [n, next] = parsenum(c.format, c.i + 1, close);
    ok = n !== null && next === close;
    if (ok) index = (n ?? 0) - 1;
  }
  c.i += width;
  if (ok && index >= 0 && index < c.args.length) {
    c.arg = index;
    return true;
  }
  c.good = false;
  return ok;
}

/** fmt's intFromArg: a `*` width or precision; null when the operand is not a small int. */
function intFromArg(c: Cursor): number | null {
  if (c.arg >= c.args.length) return null;
  const a = c.args[c.arg];
  c.arg++;
  if (!(a instanceof GoInt) || a.v > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  if (a.v < -BigInt(Number.MAX_SAFE_INTEGER)) return null;
  const n = Number(a.v);
  if (Math.abs(n) > 1e6) return null; // fmt's tooLarge
  if (Math.abs(n) > c.limit) {
    throw budgetFault("printf width or precision exceeds the output budget");
  }
  return n;
}

/** The width: `*` from the operands, or digits (after an index, digits make the verb bad). */
function parseWidth(c: Cursor, spec: Spec, afterIndex: boolean): { out: string; after: boolean } {
  if (c.format[c.i] !== "*") {
    spec.wid = formatNumber(c);
    if (afterIndex && spec.wid !== null) c.good = false; // "%[3]2d"
    return { out: "", after: afterIndex };
  }
  c.i++;
  const n = intFromArg(c);
  if (n === null) return { out: "%!(BADWIDTH)", after: false };
  spec.wid = Math.abs(n);
  if (n < 0) spec.minus = true;
  return { out: "", after: false };
}

/** The precision after a '.' (only when something follows it): `*`, an index, or digits. */
function parsePrecision(
  c: Cursor,
  spec: Spec,
  afterIndex: boolean,
): { out: string; after: boolean } {
  if (c.format[c.i] !== "." || c.i + 1 >= c.format.length) return { out: "", after: afterIndex };
  c.i++;
  if (afterIndex) c.good = false; // "%[3].2d"
  const after = argNumber(c);
  if (c.format[c.i] !== "*") {
    spec.prec = formatNumber(c) ?? 0;
    return { out: "", after };
  }
  c.i++;
  const n = intFromArg(c);
  if (n === null || n < 0) return { out: "%!(BADPREC)", after: false };
  spec.prec = n;
  return { out: "", after: false };
}

/** One verb after a '%', as fmt's doPrintf reads it: flags, index, width, precision, index. */
function oneVerb(c: Cursor): string {
  c.good = true;
  const spec: Spec = { ...PLAIN };
  parseFlags(c, spec);
  const width = parseWidth(c, spec, argNumber(c));
  const precision = parsePrecision(c, spec, width.after);
  if (!precision.after) argNumber(c);
  const bad = width.out + precision.out;
  if (c.i >= c.format.length) return `${bad}%!(NOVERB)`;
  const [r, n] = decodeRune(c.format, c.i);
  c.i += n;
  spec.verb = String.fromCodePoint(r);
  if (spec.minus) spec.zero = false;
  if (spec.verb === "%") return `${bad}%`;
  if (!c.good) return `${bad}%!${encodeRune(r)}(BADINDEX)`;
  if (c.arg >= c.args.length) return `${bad}%!${encodeRune(r)}(MISSING)`;
  const arg = c.args[c.arg] ?? null;
  c.arg++;
  return bad + formatOperand(arg, spec);
}

/** One operand under its parsed verb. */
function formatOperand(arg: GoValue, spec: Spec): string {
  // fmt moves # and + to %#v and %+v; %w falls through to v there and then, outside Errorf,
  // prints as a bad verb.
  if (spec.verb === "v" || spec.verb === "w") {
    spec.sharpV = spec.sharp;
    spec.sharp = false;
    spec.plusV = spec.plus;
    spec.plus = false;
  }
  // %w outside Errorf: fmt's handleMethods prints any operand that is not a basic type as a bad
  // verb whole ([]byte goes element by element, as for any other unknown verb).
  const whole = spec.verb === "w" && !(arg instanceof GoSlice && arg.elem === "uint8");
  return whole ? badVerb(arg, spec, formatOne) : formatOne(arg, spec);
}

/** fmt.Sprintf over byte strings; `limit` caps widths and precisions. */
export function sprintf(format: string, args: readonly GoValue[], limit: number): string {
  const c: Cursor = { format, i: 0, arg: 0, args, limit, reordered: false, good: true };
  let out = "";
  while (c.i < format.length) {
    const pct = format.indexOf("%", c.i);
    if (pct < 0) {
      out += format.slice(c.i);
      break;
    }
    out += format.slice(c.i, pct);
    c.i = pct + 1;
    out += oneVerb(c);
    if (out.length > limit) throw budgetFault("printf output exceeds the output budget");
  }
  if (!c.reordered && c.arg < args.length) {
    const extra = args
      .slice(c.arg)
      .map((a) => (a === null ? "<nil>" : `${typeName(a)}=${formatValue(a)}`));
    out += `%!(EXTRA ${extra.join(", ")})`;
  }
  return out;
}
