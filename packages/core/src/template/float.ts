/**
 * Go's strconv.FormatFloat for 'e', 'f' and 'g' (shortest and fixed precision). Shortest digits
 * come from JS (both are shortest round-trip); fixed precision rounds the exact binary value
 * half-to-even like Go, using bigint arithmetic.
 */

interface Digits {
  /** Decimal digits without leading zeros; "" for zero. */
  d: string;
  /** Position of the decimal point relative to the first digit. */
  dp: number;
}

function shortestDigits(x: number): Digits {
  if (x === 0) return { d: "", dp: 0 };
  const [mant = "0", exp = "0"] = x.toExponential().split("e");
  const d = mant.replace(".", "").replace(/0+$/, "");
  return { d, dp: Number(exp) + 1 };
}

/** Exact decimal expansion of a finite non-negative double. */
function exactDigits(x: number): Digits {
  if (x === 0) return { d: "", dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const e = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp = e - 1075;
  if (e === 0) exp = -1074;
  else mant |= 1n << 52n;
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  const trimmed = digits.replace(/0+$/, "");
  return { d: trimmed, dp };
}

/** Rounds to n digits (half to even on exact ties), trimming trailing zeros. */
function roundDigits(digs: Digits, n: number): Digits {
  if (n < 0) return { d: "", dp: digs.dp };
  if (digs.d.length <= n) return digs;
  const next = digs.d.charCodeAt(n) - 48;
  const rest = digs.d.slice(n + 1);
  const prevOdd = n > 0 && (digs.d.charCodeAt(n - 1) - 48) % 2 === 1;
  const up = next > 5 || (next === 5 && (/[1-9]/.test(rest) || prevOdd));
  let head = digs.d.slice(0, n);
  if (!up) return { d: head.replace(/0+$/, ""), dp: digs.dp };
  let dp = digs.dp;
  const inc = (BigInt(head === "" ? "0" : head) + 1n).toString();
  if (head === "" || inc.length > head.length) {
    dp++;
    head = inc.slice(0, Math.max(n, 1));
  } else {
    head = inc.padStart(head.length, "0");
  }
  return { d: head.replace(/0+$/, ""), dp };
}

function digitAt(digs: Digits, i: number): string {
  return digs.d[i] ?? "0";
}

function fmtE(digs: Digits, prec: number, e: "e" | "E"): string {
  let s = digs.d === "" ? "0" : digitAt(digs, 0);
  if (prec > 0) {
    s += ".";
    for (let i = 1; i <= prec; i++) s += digitAt(digs, i);
  }
  const exp = digs.d === "" ? 0 : digs.dp - 1;
  const abs = Math.abs(exp);
  return `${s}${e}${exp < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
}

function fmtF(digs: Digits, prec: number): string {
  let s = "";
  if (digs.dp > 0) {
    for (let i = 0; i < digs.dp; i++) s += digitAt(digs, i);
  } else {
    s = "0";
  }
  if (prec > 0) {
    s += ".";
    for (let i = 1; i <= prec; i++) {
      const j = digs.dp + i - 1;
      s += j < 0 ? "0" : digitAt(digs, j);
    }
  }
  return s;
}

function fmtG(digs: Digits, precIn: number, shortest: boolean, upper: boolean): string {
  let prec = precIn;
  let eprec = prec;
  const nd = digs.d.length;
  if (eprec > nd && nd >= digs.dp) eprec = nd;
  if (shortest) eprec = 6;
  const exp = digs.dp - 1;
  if (nd > 0 && (exp < -4 || exp >= eprec)) {
    if (prec > nd) prec = nd;
    return fmtE(digs, prec - 1, upper ? "E" : "e");
  }
  if (prec > digs.dp) prec = nd;
  return fmtF(digs, Math.max(prec - digs.dp, 0));
}

/** Formats |x| (finite) like strconv.FormatFloat(x, fmt, prec, 64) without the sign. */
export function formatAbs(x: number, fmt: "e" | "E" | "f" | "g" | "G", prec: number): string {
  const shortest = prec < 0;
  if (shortest) {
    const digs = shortestDigits(x);
    if (fmt === "e" || fmt === "E") return fmtE(digs, Math.max(digs.d.length - 1, 0), fmt);
    if (fmt === "f") return fmtF(digs, Math.max(digs.d.length - digs.dp, 0));
    return fmtG(digs, digs.d.length, true, fmt === "G");
  }
  const exact = exactDigits(x);
  if (fmt === "e" || fmt === "E") return fmtE(roundDigits(exact, prec + 1), prec, fmt);
  if (fmt === "f") return fmtF(roundDigits(exact, exact.dp + prec), prec);
  const p = prec === 0 ? 1 : prec;
  return fmtG(roundDigits(exact, p), p, false, fmt === "G");
}

/** strconv.FormatFloat(x, fmt, prec, 64) including sign, Inf and NaN. */
export function formatFloat(x: number, fmt: "e" | "E" | "f" | "g" | "G", prec: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "+Inf" : "-Inf";
  const neg = x < 0 || Object.is(x, -0);
  return (neg ? "-" : "") + formatAbs(Math.abs(x), fmt, prec);
}
