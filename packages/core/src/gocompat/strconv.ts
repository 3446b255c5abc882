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

/** ParseUint's base for base 0: `0b`, `0o`, `0x` (with a digit after) or a leading `0`. */
function basePrefix(s: string): { base: bigint; digits: string } {
  if (s[0] !== "0") return { base: 10n, digits: s };
  const prefix = s.length >= 3 ? s[1]!.toLowerCase() : "";
  const base = { b: 2n, o: 8n, x: 16n }[prefix];
  return base === undefined ? { base: 8n, digits: s.slice(1) } : { base, digits: s.slice(2) };
}

/** A digit's value in any base up to 36, or undefined. */
function digitValue(c: number): number | undefined {
  const lower = c | 0x20;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (lower >= 0x61 && lower <= 0x7a) return lower - 0x61 + 10;
  return undefined;
}

/** strconv.ParseUint(s, 0, 64) as a bigint, or whether it failed on syntax or range. */
function parseUint0(s: string): bigint | "syntax" | "range" {
  if (s === "") return "syntax";
  const { base, digits } = basePrefix(s);
  const cutoff = MAX_UINT64 / base + 1n;
  let n = 0n;
  let underscores = false;
  for (let i = 0; i < digits.length; i++) {
    if (digits[i] === "_") {
      underscores = true;
      continue;
    }
    const d = digitValue(digits.charCodeAt(i));
    if (d === undefined || BigInt(d) >= base) return "syntax";
    // Go checks overflow as it goes: a later bad digit still reports the range.
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

/** readFloat's state while it reads digits. */
class FloatReader {
  i = 0;
  underscores = false;
  mantissa = 0n;
  trunc = false;
  nd = 0;
  ndMant = 0;
  dp = 0;
  readonly s: string;
  readonly base: bigint;
  readonly maxMantDigits: number;

  constructor(s: string, i: number, hex: boolean) {
    this.s = s;
    this.i = i;
    this.base = hex ? 16n : 10n;
    this.maxMantDigits = hex ? 16 : 19;
  }

  /** A digit of the mantissa; leading zeros only move the decimal point. */
  digit(value: number, zero: boolean): void {
    if (zero && this.nd === 0) {
      this.dp--;
      return;
    }
    this.nd++;
    if (this.ndMant < this.maxMantDigits) {
      this.mantissa = this.mantissa * this.base + BigInt(value);
      this.ndMant++;
    } else if (!zero) this.trunc = true;
  }

  /** `[digits][.digits]` with `_` anywhere; false when there was no digit. */
  mantissaPart(): boolean {
    let sawdot = false;
    let sawdigits = false;
    for (; this.i < this.s.length; this.i++) {
      const c = this.s[this.i]!;
      const hexDigit = this.base === 16n && /^[a-fA-F]$/.test(c);
      if (c === "_") this.underscores = true;
      else if (c === "." && !sawdot) {
        sawdot = true;
        this.dp = this.nd;
      } else if ((c >= "0" && c <= "9") || hexDigit) {
        sawdigits = true;
        this.digit(parseInt(c, 16), c === "0");
      } else break;
    }
    if (!sawdot) this.dp = this.nd;
    return sawdigits;
  }

  /**
   * `e±digits` (`p±digits` for hex, where it is required), capped as Go caps it; undefined when
   * malformed.
   */
  exponentPart(): number | undefined {
    const s = this.s;
    const hex = this.base === 16n;
    if (s[this.i]?.toLowerCase() !== (hex ? "p" : "e")) return hex ? undefined : 0;
    this.i++;
    const sign = s[this.i] === "-" ? -1 : 1;
    if (s[this.i] === "+" || s[this.i] === "-") this.i++;
    if (!/^[0-9]$/.test(s[this.i] ?? "")) return undefined;
    return this.exponentDigits() * sign;
  }

  /** The exponent's digits and `_`s; Go stops adding digits once it reaches 10000. */
  exponentDigits(): number {
    let e = 0;
    for (; /^[0-9_]$/.test(this.s[this.i] ?? ""); this.i++) {
      if (this.s[this.i] === "_") this.underscores = true;
      else if (e < 10000) e = e * 10 + Number(this.s[this.i]);
    }
    return e;
  }
}

/** strconv's readFloat over the whole text (ParseFloat refuses a trailing rest). */
function readFloat(s: string): FloatSyntax | undefined {
  const neg = s[0] === "-";
  const start = s[0] === "+" || s[0] === "-" ? 1 : 0;
  const hex = /^0[xX][^]/.test(s.slice(start));
  const r = new FloatReader(s, start + (hex ? 2 : 0), hex);
  if (!r.mantissaPart()) return undefined;
  const e = r.exponentPart();
  if (e === undefined || r.i !== s.length) return undefined;
  if (r.underscores && !underscoreOK(s)) return undefined;
  const scale = hex ? 4 : 1;
  const exp = r.mantissa !== 0n ? (r.dp - r.ndMant) * scale + e : 0;
  return { neg, hex, mantissa: r.mantissa, exp, trunc: r.trunc };
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
  if (mantissa >> MANT_BITS === 0n)
    return { value: sign * Number(mantissa) * 2 ** -1074, range: false };
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
