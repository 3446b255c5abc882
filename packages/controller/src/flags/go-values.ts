/**
 * Go's value syntaxes as the reference's pflag flags accept them (strconv.ParseBool,
 * strconv.ParseInt with base 0, strconv.ParseFloat, time.ParseDuration, the RFC1123Z layout).
 * Each parser returns undefined for text Go would reject, so callers decide whether that is an
 * error (command line) or silently ignored (SEALED_SECRETS_* environment, as the reference's
 * `pflagenv.SetFlagsFromEnv` does).
 */

const TRUE_WORDS = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE_WORDS = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** Go `strconv.ParseBool`. */
export function parseGoBool(text: string): boolean | undefined {
  if (TRUE_WORDS.has(text)) return true;
  if (FALSE_WORDS.has(text)) return false;
  return undefined;
}

const INT_FORMS: readonly [RegExp, number][] = [
  [/^0[xX](_?[0-9a-fA-F])+$/, 16],
  [/^0[bB](_?[01])+$/, 2],
  [/^0[oO](_?[0-7])+$/, 8],
  [/^0(_?[0-7])+$/, 8],
  [/^[1-9](_?[0-9])*$|^0$/, 10],
];

/** Go `strconv.ParseInt(text, 0, 64)` limited to safe integers: sign, 0x/0b/0o/0 prefixes, `_`. */
export function parseGoInt(text: string): number | undefined {
  const sign = text.startsWith("-") ? -1 : 1;
  const body = /^[+-]/.test(text) ? text.slice(1) : text;
  for (const [form, radix] of INT_FORMS) {
    if (!form.test(body)) continue;
    const digits = body.replace(/_/g, "").replace(/^0[xXbBoO]?/, "") || "0";
    const value = sign * parseInt(digits, radix);
    return Number.isSafeInteger(value) ? value : undefined;
  }
  return undefined;
}

/** Go `strconv.ParseFloat` for decimal and exponent forms, `Inf` and `NaN`. */
export function parseGoFloat(text: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[+-]?(\d(_?\d)*(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d+)?$/.test(text))
    return undefined;
  return Number(text.replace(/_/g, ""));
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** Go `time.ParseDuration` in milliseconds: `720h`, `1h30m`, `1.5s`, `-2m`; `0` alone is unitless. */
export function parseGoDuration(text: string): number | undefined {
  const sign = text.startsWith("-") ? -1 : 1;
  const body = /^[+-]/.test(text) ? text.slice(1) : text;
  if (body === "0") return 0;
  if (body === "") return undefined;
  const part = /(\d+\.?\d*|\.\d+)([a-zµμ]+)/y;
  let total = 0;
  let at = 0;
  while (at < body.length) {
    part.lastIndex = at;
    const match = part.exec(body);
    const unit = match ? DURATION_UNITS_MS[match[2]!] : undefined;
    if (!match || unit === undefined) return undefined;
    total += Number(match[1]) * unit;
    at = part.lastIndex;
  }
  return sign * total;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const RFC1123Z =
  /^([A-Z][a-z]{2}), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/**
 * Go's `time.RFC1123Z` layout, `Mon, 02 Jan 2006 15:04:05 -0700` (what `date -R` prints), as
 * `--key-cutoff-time` is parsed by the reference (`Main`, pkg/controller/main.go).
 */
export function parseRfc1123z(text: string): Date | undefined {
  const m = RFC1123Z.exec(text);
  if (!m || !DAYS.includes(m[1]!)) return undefined;
  const month = MONTHS.indexOf(m[3]!);
  const [day, year, hour, minute, second] = [m[2], m[4], m[5], m[6], m[7]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetMinutes = (m[8] === "-" ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
  const utc = Date.UTC(year, month, day, hour, minute, second) - offsetMinutes * 60_000;
  const date = new Date(utc);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
