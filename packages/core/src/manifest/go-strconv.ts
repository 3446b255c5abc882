/**
 * The parts of Go's `strconv` that decide how Kubernetes' Go tools read and print YAML numbers:
 * `ParseInt(s, 0, 64)` / `ParseUint(s, 0, 64)` (base prefixes, octal by leading zero),
 * `ParseFloat(s, 64)` (Go float-literal syntax, ±Inf on overflow reported as an error) and
 * `FormatFloat(f, 'g', -1, 32|64)`.
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Digits of `base` with Go's optional `_` separators (only between digits, after a prefix). */
function digitsOf(body: string, base: number, prefixed: boolean): bigint | undefined {
  const valid =
    base === 16
      ? /^[0-9a-fA-F_]+$/
      : base === 8
        ? /^[0-7_]+$/
        : base === 2
          ? /^[01_]+$/
          : /^[0-9_]+$/;
  if (body === "" || !valid.test(body)) return undefined;
  if (body.includes("_")) {
    // Go's underscoreOK: an underscore follows a digit or the base prefix and precedes a digit.
    const start = prefixed ? "_?" : "";
    const pattern = new RegExp(`^${start}[^_]+(_[^_]+)*$`);
    if (!pattern.test(body)) return undefined;
  }
  const clean = body.replace(/_/g, "");
  const prefix = base === 16 ? "0x" : base === 8 ? "0o" : base === 2 ? "0b" : "";
  return BigInt(prefix + clean);
}

/** The magnitude of an unsigned Go integer literal with base detection (`ParseUint(s, 0, 64)`). */
function parseMagnitude(s: string): bigint | undefined {
  if (s.length >= 2 && s[0] === "0") {
    const p = s[1]!.toLowerCase();
    if (p === "x") return digitsOf(s.slice(2), 16, true);
    if (p === "o") return digitsOf(s.slice(2), 8, true);
    if (p === "b") return digitsOf(s.slice(2), 2, true);
    return digitsOf(s.slice(1), 8, true);
  }
  if (s.includes("_") && !/^[0-9]/.test(s)) return undefined;
  return digitsOf(s, 10, false);
}

/** `strconv.ParseInt(s, 0, 64)`: undefined on a syntax or range error. */
export function parseGoInt(s: string): bigint | undefined {
  let body = s;
  let negative = false;
  if (body[0] === "+" || body[0] === "-") {
    negative = body[0] === "-";
    body = body.slice(1);
  }
  const magnitude = parseMagnitude(body);
  if (magnitude === undefined) return undefined;
  const value = negative ? -magnitude : magnitude;
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

/** `strconv.ParseUint(s, 0, 64)`: no sign allowed. */
export function parseGoUint(s: string): bigint | undefined {
  const magnitude = parseMagnitude(s);
  return magnitude === undefined || magnitude > UINT64_MAX ? undefined : magnitude;
}

/** `strconv.ParseUint(s, 10, 64)` and `ParseInt(s, 10, 64)` as encoding/json uses them. */
export function parseDecimalInt(s: string, signed: boolean): bigint | undefined {
  if (!(signed ? /^[-+]?[0-9]+$/ : /^\+?[0-9]+$/).test(s)) return undefined;
  const value = BigInt(s);
  const [min, max] = signed ? [INT64_MIN, INT64_MAX] : [0n, UINT64_MAX];
  return value < min || value > max ? undefined : value;
}

const DECIMAL_FLOAT =
  /^[-+]?([0-9](_?[0-9])*(\.([0-9](_?[0-9])*)?)?|\.[0-9](_?[0-9])*)([eE][-+]?[0-9](_?[0-9])*)?$/;
const HEX_FLOAT =
  /^[-+]?0[xX](_?[0-9a-fA-F])*(\.([0-9a-fA-F](_?[0-9a-fA-F])*)?)?[pP][-+]?[0-9](_?[0-9])*$/;
const SPECIAL_FLOAT = /^[-+]?(inf|infinity|nan)$/i;

/**
 * `strconv.ParseFloat(s, 64)`: the float64 value, or undefined on a syntax error or when the value
 * overflows to ±Inf (Go returns ErrRange then). Underflow quietly rounds towards zero, as in Go.
 */
export function parseGoFloat(s: string): number | undefined {
  if (SPECIAL_FLOAT.test(s)) {
    const lower = s.toLowerCase();
    if (lower.endsWith("nan")) return lower === "nan" ? Number.NaN : undefined;
    return lower.startsWith("-") ? -Infinity : Infinity;
  }
  let value: number;
  if (DECIMAL_FLOAT.test(s)) value = Number(s.replace(/_/g, ""));
  else if (HEX_FLOAT.test(s)) value = parseHexFloat(s.replace(/_/g, ""));
  else return undefined;
  return Number.isFinite(value) ? value : undefined;
}

function parseHexFloat(s: string): number {
  const match = /^([-+]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([-+]?[0-9]+)$/.exec(s)!;
  const [, sign, whole = "", fraction = "", exponent = "0"] = match;
  const mantissa = BigInt(`0x${whole}${fraction}` === "0x" ? "0" : `0x${whole}${fraction}`);
  const value = Number(mantissa) * 2 ** (Number(exponent) - 4 * fraction.length);
  return sign === "-" ? -value : value;
}

/** Shortest decimal digits and decimal-point position of `f` that read back as the same float. */
function shortestDigits(f: number, bits: 32 | 64): { digits: string; exp: number } {
  let text: string;
  if (bits === 64) {
    text = Math.abs(f).toExponential();
  } else {
    const target = Math.fround(Math.abs(f));
    text = target.toExponential(8);
    for (let p = 1; p <= 9; p++) {
      const candidate = target.toExponential(p - 1);
      if (Math.fround(Number(candidate)) === target) {
        text = candidate;
        break;
      }
    }
  }
  const [mantissa = "0", exponent = "0"] = text.split("e");
  return { digits: mantissa.replace(".", "").replace(/0+$/, "") || "0", exp: Number(exponent) };
}

/**
 * `strconv.FormatFloat(f, 'g', -1, bits)`: `NaN`, `+Inf`, `-Inf`, else the shortest digits, in
 * `%e` form (`1e+06`, `1.5e-07`) when the decimal exponent is below -4 or 6 and more (Go decides
 * with precision 6 when formatting the shortest digits).
 */
export function formatGoFloat(f: number, bits: 32 | 64): string {
  if (Number.isNaN(f)) return "NaN";
  const value = bits === 32 ? Math.fround(f) : f;
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  const sign = value < 0 || Object.is(value, -0) ? "-" : "";
  if (value === 0) return `${sign}0`;
  const { digits, exp } = shortestDigits(value, bits);
  if (exp < -4 || exp >= 6) {
    return `${sign}${expForm(digits, exp)}`;
  }
  return `${sign}${fixedForm(digits, exp)}`;
}

function expForm(digits: string, exp: number): string {
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const magnitude = String(Math.abs(exp)).padStart(2, "0");
  return `${mantissa}e${exp < 0 ? "-" : "+"}${magnitude}`;
}

function fixedForm(digits: string, exp: number): string {
  if (exp < 0) return `0.${"0".repeat(-exp - 1)}${digits}`;
  if (exp + 1 >= digits.length) return digits + "0".repeat(exp + 1 - digits.length);
  return `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/**
 * encoding/json's float64 text: shortest digits, `%e` below 1e-6 and from 1e21 with `e-7` rather
 * than `e-07`. JavaScript's own number formatting follows the same rules, except for -0.
 */
export function formatJsonFloat(f: number): string {
  return Object.is(f, -0) ? "-0" : String(f);
}
