/**
 * Go's strconv.ParseFloat(s, 64): the Go literal syntax (decimal, hexadecimal with a `p`
 * exponent, `_` between digits), `inf`/`infinity`/`nan` in any case (a sign only before inf),
 * correctly rounded to the nearest double, ties to even. Overflow is a range error (Go returns
 * ±Inf with ErrRange; sprig's float64 then gives 0). Behaviour learnt from
 * `internal/strconv/atof.go` (readFloat, special, atofHex) and its test tables.
 */

/** The result: a value, or why there is none. */
export type ParsedFloat = { value: number } | { error: "syntax" | "range"; value: number };

function special(s: string): number | null {
  const lower = s.toLowerCase();
  const body = lower.replace(/^[+-]/, "");
  if (body === "inf" || body === "infinity") return lower.startsWith("-") ? -Infinity : Infinity;
  if (lower === "nan") return NaN;
  return null;
}

/** Underscores only between digits, or between a base prefix and a digit (underscoreOK). */
function underscoresOk(s: string): boolean {
  let body = s.replace(/^[+-]/, "");
  let saw = "^";
  let hex = false;
  if (/^0[bBoOxX]/.test(body)) {
    hex = /^0[xX]/.test(body);
    body = body.slice(2);
    saw = "0";
  }
  for (const c of body) {
    if (/[0-9]/.test(c) || (hex && /[a-fA-F]/.test(c))) {
      saw = "0";
    } else if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
    } else {
      if (saw === "_") return false;
      saw = "!";
    }
  }
  return saw !== "_";
}

const DECIMAL = /^[+-]?(?=[0-9_]*\.?[0-9_]*\d)[0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9_]*\d[0-9_]*)?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9_]*\d[0-9_]*)$/;

/** strconv.ParseFloat(s, 64). */
export function parseFloat64(s: string): ParsedFloat {
  const sp = special(s);
  if (sp !== null) return { value: sp };
  if (s.includes("_") && !underscoresOk(s)) return { error: "syntax", value: 0 };
  if (/^[+-]?0[xX]/.test(s)) return parseHex(s);
  if (!DECIMAL.test(s) || /[eE][+-]?_|_[eE]/.test(s)) return { error: "syntax", value: 0 };
  const v = Number(s.replace(/_/g, ""));
  if (!Number.isFinite(v)) return { error: "range", value: v };
  return { value: v };
}

function parseHex(s: string): ParsedFloat {
  const m = HEX.exec(s);
  if (m === null) return { error: "syntax", value: 0 };
  const int = (m[2] ?? "").replace(/_/g, "");
  const frac = (m[3] ?? "").replace(/_/g, "");
  if (int === "" && frac === "") return { error: "syntax", value: 0 };
  const neg = m[1] === "-";
  const mantissa = BigInt(`0x${int}${frac}`);
  const exp = Number((m[4] ?? "0").replace(/_/g, "")) - 4 * frac.length;
  const v = roundBinary(mantissa, exp);
  const signed = neg ? -v : v;
  return Number.isFinite(v) ? { value: signed } : { error: "range", value: signed };
}

/** m * 2^e rounded to the nearest double (ties to even), Infinity when it overflows. */
export function roundBinary(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const length = m.toString(2).length;
  const top = length - 1 + e; // exponent of the leading bit
  if (top > 1023 + 1) return Infinity;
  // Significant bits available: 53 for normal numbers, fewer below 2^-1022.
  const bits = top >= -1022 ? 53 : 53 - (-1022 - top);
  if (bits <= 0) {
    // Below half the smallest subnormal: 0; exactly half rounds to even (0); above: 2^-1074.
    const halfUlp = bits === 0 && (m & ((1n << BigInt(length - 1)) - 1n)) !== 0n;
    return halfUlp ? 2 ** -1074 : 0;
  }
  const shift = length - bits;
  let q = m;
  let k = e;
  if (shift > 0) {
    q = m >> BigInt(shift);
    const rem = m & ((1n << BigInt(shift)) - 1n);
    const half = 1n << BigInt(shift - 1);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    k = e + shift;
  }
  return scale(Number(q), k);
}

/** x * 2^k without intermediate overflow or underflow (x has at most 53 bits). */
function scale(x: number, k: number): number {
  let v = x;
  let n = k;
  while (n > 1000) {
    v *= 2 ** 1000;
    n -= 1000;
  }
  while (n < -1000) {
    v *= 2 ** -1000;
    n += 1000;
  }
  return v * 2 ** n;
}
