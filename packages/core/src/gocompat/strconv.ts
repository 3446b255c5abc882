import { quote as quoteBytes } from "../template/fmt.js";
import { fromUtf8, toUtf8 } from "../template/bytes.js";

/**
 * Go's strconv parsers and quoting as pflag uses them (strconv.ParseBool, ParseInt(s, 0, 64),
 * ParseFloat(s, 64), Quote). Each parser returns the value or Go's error text, so a caller can
 * build pflag's `invalid argument "x" for "--flag" flag: <error>` or ignore it (environment).
 * Proven against Go itself by test/gocompat-diff.
 */
export type GoParsed<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      error: string;
      /** What Go returns beside the error (0, false, a clamped int, ±Inf): pflag stores it. */
      value?: T;
    };

const ok = <T>(value: T): GoParsed<T> => ({ ok: true, value });

/** strconv.NumError's text: `strconv.ParseInt: parsing "x": invalid syntax`. */
function numError<T>(fn: string, text: string, range: boolean, value: T): GoParsed<T> {
  const why = range ? "value out of range" : "invalid syntax";
  return { ok: false, error: `strconv.${fn}: parsing ${quote(text)}: ${why}`, value };
}

/** Go's strconv.Quote of a (UTF-8) string: `"a\"b\n"`, non-printable runes escaped. */
export function quote(s: string): string {
  return toUtf8(quoteBytes(fromUtf8(s)));
}

/** Go's `%q` of a rune, as pflag prints a shorthand letter: `'x'`, `'\x00'`. */
export function quoteRune(r: number): string {
  const inner = quote(String.fromCodePoint(r)).slice(1, -1);
  if (inner === "'") return "'\\''";
  return `'${inner.replace(/^\\"$/, '"')}'`;
}

const TRUE_WORDS = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE_WORDS = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** strconv.ParseBool. */
export function parseBool(text: string): GoParsed<boolean> {
  if (TRUE_WORDS.has(text)) return ok(true);
  if (FALSE_WORDS.has(text)) return ok(false);
  return numError("ParseBool", text, false, false);
}

/**
 * strconv's underscoreOK: `_` only between digits (or after a base prefix), never at the
 * start or end.
 */
function underscoreOK(text: string): boolean {
  let s = /^[+-]/.test(text) ? text.slice(1) : text;
  let saw = "^";
  let hex = false;
  if (/^0[bBoOxX]/.test(s)) {
    hex = s[1] === "x" || s[1] === "X";
    s = s.slice(2);
    saw = "0";
  }
  for (const c of s) {
    if ((c >= "0" && c <= "9") || (hex && /[a-fA-F]/.test(c))) saw = "0";
    else if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
    } else {
      if (saw === "_") return false;
      saw = "!";
    }
  }
  return saw !== "_";
}

const MAX_UINT64 = (1n << 64n) - 1n;

/** strconv.ParseUint(s, 0, 64) as a bigint, or whether it failed on syntax or range. */
function parseUint0(s: string): bigint | "syntax" | "range" {
  if (s === "") return "syntax";
  let base = 10n;
  let digits = s;
  if (s[0] === "0") {
    const prefix = s.length >= 3 ? s[1]!.toLowerCase() : "";
    base = prefix === "b" ? 2n : prefix === "o" ? 8n : prefix === "x" ? 16n : 8n;
    digits = prefix === "b" || prefix === "o" || prefix === "x" ? s.slice(2) : s.slice(1);
  }
  const cutoff = MAX_UINT64 / base + 1n;
  let n = 0n;
  let underscores = false;
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i);
    const lower = c | 0x20;
    let d: number;
    if (c === 0x5f) {
      underscores = true;
      continue;
    } else if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (lower >= 0x61 && lower <= 0x7a) d = lower - 0x61 + 10;
    else return "syntax";
    if (BigInt(d) >= base) return "syntax";
    if (n >= cutoff) return "range";
    n = n * base + BigInt(d);
    if (n > MAX_UINT64) return "range";
  }
  if (underscores && !underscoreOK(s)) return "syntax";
  return n;
}

/** strconv.ParseInt(text, 0, 64): sign, `0x`/`0o`/`0b`/`0` prefixes, `_` separators. */
export function parseInt64(text: string): GoParsed<bigint> {
  if (text === "") return numError("ParseInt", text, false, 0n);
  const neg = text[0] === "-";
  const body = text[0] === "+" || text[0] === "-" ? text.slice(1) : text;
  const un = parseUint0(body);
  if (un === "syntax") return numError("ParseInt", text, false, 0n);
  const cutoff = 1n << 63n;
  if (un === "range" || (!neg && un >= cutoff) || (neg && un > cutoff)) {
    return numError("ParseInt", text, true, neg ? -cutoff : cutoff - 1n);
  }
  return ok(neg ? -un : un);
}

/** strconv's special(): `inf`, `infinity` (signed, any case) and `nan` (unsigned). */
function special(s: string): number | undefined {
  const m = /^([+-]?)(inf|infinity)$/i.exec(s);
  if (m) return m[1] === "-" ? -Infinity : Infinity;
  return /^nan$/i.test(s) ? NaN : undefined;
}

interface FloatSyntax {
  neg: boolean;
  hex: boolean;
  mantissa: bigint;
  /** Binary (hex) or decimal exponent of the mantissa's last digit, as strconv's readFloat. */
  exp: number;
  trunc: boolean;
}

/** strconv's readFloat over the whole text (ParseFloat refuses a trailing rest). */
function readFloat(s: string): FloatSyntax | undefined {
  let i = 0;
  let neg = false;
  if (s[i] === "+") i++;
  else if (s[i] === "-") {
    i++;
    neg = true;
  }
  let base = 10n;
  let maxMantDigits = 19;
  let expChar = "e";
  let hex = false;
  if (i + 2 < s.length && s[i] === "0" && s[i + 1]!.toLowerCase() === "x") {
    base = 16n;
    maxMantDigits = 16;
    i += 2;
    expChar = "p";
    hex = true;
  }
  let underscores = false;
  let sawdot = false;
  let sawdigits = false;
  let nd = 0;
  let ndMant = 0;
  let dp = 0;
  let mantissa = 0n;
  let trunc = false;
  for (; i < s.length; i++) {
    const c = s[i]!;
    const lower = c.toLowerCase();
    if (c === "_") {
      underscores = true;
    } else if (c === ".") {
      if (sawdot) break;
      sawdot = true;
      dp = nd;
    } else if (c >= "0" && c <= "9") {
      sawdigits = true;
      if (c === "0" && nd === 0) {
        dp--;
        continue;
      }
      nd++;
      if (ndMant < maxMantDigits) {
        mantissa = mantissa * base + BigInt(c.charCodeAt(0) - 0x30);
        ndMant++;
      } else if (c !== "0") trunc = true;
    } else if (hex && lower >= "a" && lower <= "f" && c.length === 1) {
      sawdigits = true;
      nd++;
      if (ndMant < maxMantDigits) {
        mantissa = mantissa * 16n + BigInt(lower.charCodeAt(0) - 0x61 + 10);
        ndMant++;
      } else trunc = true;
    } else break;
  }
  if (!sawdigits) return undefined;
  if (!sawdot) dp = nd;
  if (hex) {
    dp *= 4;
    ndMant *= 4;
  }
  if (i < s.length && s[i]!.toLowerCase() === expChar) {
    i++;
    if (i >= s.length) return undefined;
    let esign = 1;
    if (s[i] === "+") i++;
    else if (s[i] === "-") {
      i++;
      esign = -1;
    }
    if (i >= s.length || s[i]! < "0" || s[i]! > "9") return undefined;
    let e = 0;
    for (; i < s.length && ((s[i]! >= "0" && s[i]! <= "9") || s[i] === "_"); i++) {
      if (s[i] === "_") {
        underscores = true;
        continue;
      }
      if (e < 10000) e = e * 10 + s.charCodeAt(i) - 0x30;
    }
    dp += e * esign;
  } else if (hex) return undefined;
  if (i !== s.length) return undefined;
  if (underscores && !underscoreOK(s)) return undefined;
  return { neg, hex, mantissa, exp: mantissa !== 0n ? dp - ndMant : 0, trunc };
}

const MANT_BITS = 52n;
const BIAS = -1023;
const MAX_EXP = (1 << 11) + BIAS - 2;
const MIN_EXP = BIAS + 1;

/** strconv's atofHex for float64: round to nearest even, sticky bit for dropped digits. */
function atofHex(f: FloatSyntax): { value: number; range: boolean } {
  let mantissa = f.mantissa;
  let exp = f.exp + Number(MANT_BITS);
  while (mantissa !== 0n && mantissa >> (MANT_BITS + 2n) === 0n) {
    mantissa <<= 1n;
    exp--;
  }
  if (f.trunc) mantissa |= 1n;
  while (mantissa >> (1n + MANT_BITS + 2n) !== 0n) {
    mantissa = (mantissa >> 1n) | (mantissa & 1n);
    exp++;
  }
  while (mantissa > 1n && exp < MIN_EXP - 2) {
    mantissa = (mantissa >> 1n) | (mantissa & 1n);
    exp++;
  }
  let round = mantissa & 3n;
  mantissa >>= 2n;
  round |= mantissa & 1n;
  exp += 2;
  if (round === 3n) {
    mantissa++;
    if (mantissa === 1n << (1n + MANT_BITS)) {
      mantissa >>= 1n;
      exp++;
    }
  }
  const sign = f.neg ? -1 : 1;
  if (mantissa >> MANT_BITS === 0n) return { value: sign * Number(mantissa) * 2 ** -1074, range: false };
  if (exp > MAX_EXP) return { value: sign * Infinity, range: true };
  // mantissa has 53 bits; its value is mantissa * 2^(exp - 52).
  const value = Number(mantissa) * 2 ** (exp - Number(MANT_BITS));
  return { value: sign * value, range: false };
}

/** strconv.ParseFloat(text, 64): decimal, hex (`0x1p-2`), `_`, `inf`, `nan`; overflow is an error. */
export function parseFloat64(text: string): GoParsed<number> {
  const sp = special(text);
  if (sp !== undefined) return ok(sp);
  const syntax = readFloat(text);
  if (!syntax) return numError("ParseFloat", text, false, 0);
  if (syntax.hex) {
    const { value, range } = atofHex(syntax);
    return range ? numError("ParseFloat", text, true, value) : ok(value);
  }
  // Decimal text: Number() rounds the whole text correctly, as strconv's fallback path does.
  const value = Number(text.replace(/_/g, ""));
  if (!Number.isFinite(value)) return numError("ParseFloat", text, true, value);
  return ok(value);
}
