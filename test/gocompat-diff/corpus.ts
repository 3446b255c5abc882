import { createHash } from "node:crypto";

/**
 * Generated inputs for the Go-compatibility differential test: structured near-misses around
 * each syntax (signs, prefixes, underscores, units, exponents, overflow boundaries) plus random
 * strings over each syntax's alphabet, from a fixed seed so every run sees the same corpus.
 */

/** Deterministic PRNG (SHA-256 in counter mode). */
export function seeded(seed: string): () => number {
  let counter = 0;
  let pool: Buffer = Buffer.alloc(0);
  return () => {
    if (pool.length < 4) {
      pool = createHash("sha256").update(`${seed}-${counter++}`).digest();
    }
    const v = pool.readUInt32BE(0);
    pool = pool.subarray(4);
    return v / 2 ** 32;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const randomText = (r: Rand, alphabet: readonly string[], max: number): string =>
  Array.from({ length: Math.floor(r() * (max + 1)) }, () => pick(r, alphabet)).join("");

export const BOOL_TEXTS = [
  ...["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"],
  ...["", "yes", "no", "tRUE", "TRue", "fAlse", " true", "true ", "2", "-1", "on", "y"],
];

const INT_FIXED = [
  "0",
  "-0",
  "+0",
  "00",
  "08",
  "0x",
  "0X1f",
  "0b",
  "0b102",
  "0o17",
  "0O8",
  "1_000",
  "_1",
  "1_",
  "1__0",
  "0x_1",
  "0_7",
  "0b_1",
  "+-1",
  "-",
  "+",
  "",
  " 1",
  "1 ",
  "1e3",
  "1.0",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775808",
  "-9223372036854775809",
  "18446744073709551615",
  "18446744073709551616",
  "99999999999999999999x",
  "0x7fffffffffffffff",
  "0x8000000000000000",
  "-0x8000000000000000",
  "0b" + "1".repeat(64),
  "077777777777777777777",
  "0777777777777777777777",
  "9007199254740993",
];

export function intTexts(r: Rand, n: number): string[] {
  const alphabet = [..."0123456789", ..."abcdefxXoObB", "_", "_", "+", "-", "8", "9"];
  const random = Array.from({ length: n }, () => {
    const prefix = pick(r, ["", "", "-", "+", "0", "0x", "0b", "0o", "-0x", "0X"]);
    return prefix + randomText(r, alphabet, 8);
  });
  return [...INT_FIXED, ...random];
}

const FLOAT_FIXED = [
  "0",
  "-0",
  "1",
  "1.",
  ".5",
  ".",
  "-.5e-3",
  "1e",
  "1e+",
  "1e5",
  "1E-5",
  "1e308",
  "1.8e308",
  "1e309",
  "-1e309",
  "4.9e-324",
  "2e-324",
  "1e-400",
  "inf",
  "+Inf",
  "-INF",
  "infinity",
  "-Infinity",
  "infin",
  "nan",
  "NaN",
  "-nan",
  "+NaN",
  "0x1p-2",
  "0x1.8p3",
  "0x.8p1",
  "0xp1",
  "0x1",
  "0x1.fffffffffffffp1023",
  "0x1p1024",
  "0x1p-1074",
  "0x1p-1075",
  "0x1.8p-1074",
  "0x1_0p0",
  "1_000.5",
  "1__0",
  "_1",
  "1_",
  "1e1_0",
  "0x_1p0",
  "12345678901234567890123",
  "0.1234567890123456789012345",
  "123456789012345678901234567890e-20",
  "1e10000",
  "1e-10000",
  "0e99999",
  "00012.5",
  "0x1.000000000000080000000000001p0",
  "0x1.00000000000008p0",
  "0x1.00000000000018p0",
  "2.2250738585072011e-308",
  "",
];

export function floatTexts(r: Rand, n: number): string[] {
  const alphabet = [..."0123456789", ".", "e", "E", "p", "_", "+", "-", "a", "f"];
  const random = Array.from({ length: n }, () => {
    const prefix = pick(r, ["", "", "-", "+", "0x", "-0x", ".", "0"]);
    return prefix + randomText(r, alphabet, 10);
  });
  return [...FLOAT_FIXED, ...random];
}

const UNITS = ["ns", "us", "µs", "μs", "ms", "s", "m", "h", "d", "y", "", "S", "mm", "é", "\u0001"];
const DURATION_FIXED = [
  "0",
  "-0",
  "+0",
  "",
  "-",
  "+",
  "0s",
  "1",
  "10",
  ".s",
  "-.s",
  "1.s",
  ".5h",
  "1h30m",
  "1.5s",
  "720h",
  "87600h0m0s",
  "2562047h47m16.854775807s",
  "2562047h47m16.854775808s",
  "-2562047h47m16.854775808s",
  "-2562047h47m16.854775809s",
  "9223372036854775807ns",
  "9223372036854775808ns",
  "-9223372036854775808ns",
  "18446744073709551616ns",
  "0.0000000001h",
  "1.000000000000000000001h",
  "3.14159265358979323846h",
  "1h-1m",
  "1h 1m",
  " 1h",
  "1H",
  "1e3s",
  "1_000s",
  '5"s',
  "5\\s",
];

export function durationTexts(r: Rand, n: number): string[] {
  const number = (): string => {
    const int = randomText(r, [..."0123456789"], 6);
    const frac = r() < 0.4 ? `.${randomText(r, [..."0123456789"], 5)}` : "";
    return int + frac;
  };
  const random = Array.from({ length: n }, () => {
    const sign = pick(r, ["", "", "", "-", "+"]);
    const parts = Array.from({ length: 1 + Math.floor(r() * 3) }, () => number() + pick(r, UNITS));
    return sign + parts.join("");
  });
  return [...DURATION_FIXED, ...random];
}

const QUOTE_CHARS = [
  ..."abcXYZ 019-_/",
  '"',
  "\\",
  "'",
  "`",
  "\n",
  "\t",
  "\r",
  "\u0000",
  "\u0007",
  "\u001b",
  "\u007f",
  "\u0080",
  "\u00a0",
  "\u00ad",
  "é",
  "ß",
  "µ",
  "μ",
  "€",
  "\u200b",
  "\u2028",
  "\ufeff",
  "\ufffd",
  "中",
  "文",
  "😀",
  "\u{1f3f3}",
  "\u{10ffff}",
  "\u{e0001}",
  "\u0301",
  "\u0378",
  "\ud7ff",
];

export function quoteTexts(r: Rand, n: number): string[] {
  return ["", ...QUOTE_CHARS, ...Array.from({ length: n }, () => randomText(r, QUOTE_CHARS, 12))];
}

/** Words of a command line for the test flag set (see main.go's newFlagSet). */
const ARG_WORDS = [
  "--bool",
  "--bool=false",
  "--bool=maybe",
  "--bool=",
  "-b",
  "-b=false",
  "-b=F",
  "-bs",
  "-bsx",
  "-bbs",
  "-bsfoo",
  "-bl",
  "-bh",
  "-bx",
  "-s",
  "-sfoo",
  "-s=foo",
  "-s=",
  "-s=é",
  "--str",
  "--str=",
  "--str=a=b",
  '--str="q"',
  "-i",
  "-i0x10",
  "--int=0x10",
  "--int",
  "--int=1_0",
  "--int=9223372036854775808",
  "12",
  "-d",
  "-d1h",
  "1h",
  "--dur=1.5h",
  "--dur=10y",
  "--dur",
  "--float=1e309",
  "--float",
  "--float=0x1p-2",
  "2.5",
  "--slice=a,b",
  "--slice=",
  "-l",
  'a,"b,c"',
  '"x"y',
  'a"b',
  '--slice="unterminated',
  "--array=x,y",
  "-a",
  "-ab",
  "--old-dur=2h",
  "--old-dur",
  "--yes=false",
  "--yes",
  "--nope",
  "--nope=1",
  "-x",
  "-é",
  "---x",
  "--=",
  "--=x",
  "--",
  "-",
  "",
  "pos",
  "other",
  "-test.v",
  "-btest.v",
  "--help",
  "-h",
  "--help=false",
  "--scope=cluster-wide",
  "--scope=bad",
  "--scope=",
  "--scope",
  "strict",
  "--Bool",
  "-B",
  "--bool=true",
  "-s",
  "--",
  "-i",
  "--int=-1",
];

const ENV_VARS = [
  ["SEALED_SECRETS_BOOL", ["true", "maybe", "0"]],
  ["SEALED_SECRETS_YES", ["false", "x"]],
  ["SEALED_SECRETS_STR", ["fromenv", ""]],
  ["SEALED_SECRETS_INT", ["9", "big", "0x10"]],
  ["SEALED_SECRETS_FLOAT", ["1.5", "nope"]],
  ["SEALED_SECRETS_DUR", ["1h", "10y"]],
  ["SEALED_SECRETS_OLD_DUR", ["2h", "bad"]],
  ["SEALED_SECRETS_SLICE", ["e1,e2", "", '"bad']],
  ["SEALED_SECRETS_ARRAY", ["e1,e2"]],
  ["SEALED_SECRETS_SCOPE", ["cluster-wide", "bogus"]],
  ["SEALED_SECRETS_S", ["short-is-not-read"]],
  ["SEALED_SECRETS_", ["x"]],
] as const;

export interface ArgvCase {
  argv: string[];
  env: Record<string, string>;
}

export function argvCases(r: Rand, n: number): ArgvCase[] {
  const fixed: ArgvCase[] = ARG_WORDS.map((w) => ({ argv: [w], env: {} }));
  const random = Array.from({ length: n }, () => {
    const argv = Array.from({ length: Math.floor(r() * 6) }, () => pick(r, ARG_WORDS));
    const env: Record<string, string> = {};
    for (const [name, values] of ENV_VARS) if (r() < 0.2) env[name] = pick(r, values);
    return { argv, env };
  });
  return [...fixed, ...random];
}

const RFC1123Z_FIXED = [
  "Mon, 02 Jan 2006 15:04:05 -0700",
  "Sun, 22 Nov 2026 06:00:00 +0000",
  "sun, 22 NOV 2026 06:00:00 +0130",
  "Fri, 22 Nov 2026 06:00:00 +0000",
  "Mon, 2 Jan 2006 15:04:05 -0700",
  "Mon, 02 Jan 2006 5:04:05 -0700",
  "Mon, 02 Jan 2006 24:00:00 -0700",
  "Mon, 02 Jan 2006 23:60:00 -0700",
  "Mon, 02 Jan 2006 23:59:60 -0700",
  "Mon, 29 Feb 2024 00:00:00 +0000",
  "Mon, 29 Feb 2023 00:00:00 +0000",
  "Mon, 30 Feb 2024 00:00:00 +0000",
  "Mon, 31 Apr 2024 00:00:00 +0000",
  "Mon, 00 Jan 2024 00:00:00 +0000",
  "Mon, 02 Jan 0001 00:00:00 +0000",
  "Mon, 02 Jan 0050 00:00:00 +0000",
  "Mon, 02 Jan 9999 23:59:59 -2400",
  "Mon, 02 Jan 2006 15:04:05 +2500",
  "Mon, 02 Jan 2006 15:04:05 +0061",
  "Mon, 02 Jan 2006 15:04:05 +0060",
  "Mon, 02 Jan 2006 15:04:05.123 -0700",
  "Mon, 02 Jan 2006 15:04:05,5 -0700",
  "Mon, 02 Jan 2006 15:04:05.1234567891234 -0700",
  "Mon, 02 Jan 2006 15:04:05. -0700",
  "Mon, 02 Jan 2006 15:04:05 MST",
  "Mon, 02 Jan 2006 15:04:05 -07:00",
  "Mon, 02 Jan 2006 15:04:05 -0700 ",
  "Mon, 02 Jan 06 15:04:05 -0700",
  "Xyz, 02 Jan 2006 15:04:05 -0700",
  "Monday, 02 Jan 2006 15:04:05 -0700",
  "2026-11-22T06:00:00Z",
  "",
  "soon",
  "Mon, 02 Jan 2006",
  "Mon,02 Jan 2006 15:04:05 -0700",
  "Mon, 02 Jan 2006 15:04:05 -070",
  "Mon, 02 Jan 2006 1:4:5 -0700",
];

export function rfc1123zTexts(r: Rand, n: number): string[] {
  const random = Array.from({ length: n }, () => {
    const d = String(Math.floor(r() * 33)).padStart(r() < 0.9 ? 2 : 1, "0");
    const y = String(Math.floor(r() * 10000)).padStart(4, "0");
    const h = String(Math.floor(r() * 26)).padStart(r() < 0.8 ? 2 : 1, "0");
    const m = String(Math.floor(r() * 62)).padStart(2, "0");
    const s = String(Math.floor(r() * 62)).padStart(2, "0");
    const zone = `${pick(r, ["+", "-"])}${String(Math.floor(r() * 26)).padStart(2, "0")}${String(Math.floor(r() * 62)).padStart(2, "0")}`;
    const day = pick(r, ["Mon", "Tue", "wed", "THU", "Fri", "Sat", "Sun", "Foo"]);
    const month = pick(r, [
      "Jan",
      "Feb",
      "mar",
      "APR",
      "May",
      "Jun",
      "Jul",
      "Aug",
      "Sep",
      "Oct",
      "Nov",
      "Dec",
      "Bad",
    ]);
    return `${day}, ${d} ${month} ${y} ${h}:${m}:${s} ${zone}`;
  });
  return [...RFC1123Z_FIXED, ...random];
}
