import { GoMap, GoSlice } from "./value.js";
import type { GoValue } from "./value.js";

/**
 * How every function of the map treats sealed data (docs/templates.md, "The rule: sealed values
 * are opaque to template control flow"). A value that comes from decrypted data is *sealed*; by default a template may pass
 * sealed values only to **total** functions, in the parameters listed here, so that whether a
 * render fails, and how much it costs, never depends on what a value holds:
 *
 * - `total`: never fails because of what a sealed argument holds, and the size of its result is
 *   bounded by the `size` rule from the argument sizes (a sealed value's own length is public:
 *   the ciphertext shows it). The result is sealed (or `shape`/`public`, see {@link Opacity}).
 * - `partial`: may fail, or change the type or shape of its result, depending on the content of
 *   an argument: with a sealed argument its success would answer a question about the value.
 * - `control`: decides something from its arguments (truth, equality, order, a choice, a count, a
 *   pattern match, membership, a mutation the check cannot follow): with a sealed argument the
 *   decision would be a branch on the value.
 *
 * The static check (opacity-check.ts) refuses a sealed argument to a partial or control function,
 * or in a parameter of a total function not listed in `sealedParams`, before anything runs. The
 * evaluator (exec.ts) charges sealed values at their `size` bound, not their real size, so budgets
 * cannot be used as an oracle either.
 */

/** The three classes. */
export type FunctionClass = "total" | "partial" | "control";

/** Upper bound of a result's printed size from the bounds of its arguments (bytes). */
export type SizeRule = (bounds: readonly number[], args: readonly GoValue[]) => number;

/** Which parameters (0-based argument positions) a rule applies to. */
export type ParamSelector = "all" | readonly number[] | ((i: number) => boolean);

/**
 * What a sealed result is: `sealed` (default), `shape` (a list or dict whose length, keys and
 * nesting are public, with sealed elements, like the data map itself), `public` (types, keys),
 * or `publicOnContainer` (public when the argument is a container of public shape: `len`).
 */
export type ResultTaint = "sealed" | "shape" | "public" | "publicOnContainer";

/** One row of the table. */
export interface Opacity {
  readonly class: FunctionClass;
  readonly reason: string;
  /** Total functions: the parameters that may receive sealed data (default: all). */
  readonly sealedParams?: ParamSelector;
  /** Parameters whose sealed argument must be a container of public shape, not a sealed value. */
  readonly shapeParams?: ParamSelector;
  readonly result?: ResultTaint;
  /** Total functions: the size bound of the result. */
  readonly size?: SizeRule;
}

/** Printed size bound of any number (`-9223372036854775808`, `-2.2250738585072014e-308`). */
export const NUMBER_BOUND = 24;

const sum = (b: readonly number[]): number => b.reduce((a, x) => a + x, 0);
const scaled =
  (factor: number, perArg = 0, plus = 0): SizeRule =>
  (b) =>
    factor * sum(b) + perArg * b.length + plus;
const fixed =
  (n: number): SizeRule =>
  () =>
    n;
const arg =
  (i: number, factor = 1, plus = 0): SizeRule =>
  (b) =>
    factor * (b[i] ?? 0) + plus;
const int = (v: GoValue | undefined): number =>
  v !== null && typeof v === "object" && "v" in v ? Math.max(0, Number(v.v)) : 0;
const strLen = (v: GoValue | undefined): number => (typeof v === "string" ? v.length : 0);

/** Nesting depth of lists and maps (a public property: shapes of sealed containers are public). */
function depthOf(v: GoValue): number {
  if (v instanceof GoSlice) return 1 + Math.max(0, ...v.items.map(depthOf));
  if (v instanceof GoMap) return 1 + Math.max(0, ...[...v.m.values()].map(depthOf));
  return 0;
}

/** json.Marshal: at most 6 bytes per byte (`\u0000`, `\ufffd`) plus quotes and separators. */
const jsonSize: SizeRule = (b) => 8 * (b[0] ?? 0) + 2;
/** json.MarshalIndent: a line per node (nodes <= bound + 1) indented by its depth. */
const prettyJsonSize: SizeRule = (b, a) =>
  8 * (b[0] ?? 0) + 2 + ((b[0] ?? 0) + 1) * (2 * depthOf(a[0] ?? null) + 6);

/**
 * fmt.Sprintf: each verb prints at most its width (or precision) plus 10 bytes per byte of its
 * operand (`% #x` is 5, `%q` of an invalid byte 4) plus a `%!v(type=...)` wrapper; `*` widths
 * are refused with sealed operands (checked by the caller: the count would come from data).
 */
export function printfBound(format: string, bounds: readonly number[]): number {
  const verbs = (format.match(/%/g) ?? []).length;
  let width = 0;
  for (const digits of format.match(/\d+/g) ?? []) width = Math.max(width, Number(digits));
  const operands = sum(bounds);
  return format.length + verbs * (width + 10 * operands + 32) + operands + 32 * bounds.length;
}

/** A printf format with a `*` width or a precision: refused with sealed operands. */
export function printfPicks(format: string): string | undefined {
  if (/%[-+# 0]*(\[\d+\])?\*/.test(format)) return "a '*' width or precision";
  if (/%[-+# 0]*(\[\d+\])?(\d+|\*)?(\[\d+\])?\./.test(format)) return "a precision";
  return undefined;
}

const printfSize: SizeRule = (b, a) =>
  printfBound(typeof a[0] === "string" ? a[0] : "", b.slice(1));

const TOTAL = "total" as const;
const PARTIAL = "partial" as const;
const CONTROL = "control" as const;

type Row = readonly [names: readonly string[], row: Opacity];

const ROWS: readonly Row[] = [
  // --- control flow and decisions -------------------------------------------------------------
  [
    ["and", "or"],
    { class: CONTROL, reason: "short-circuits on the truth of an argument (a branch)" },
  ],
  [
    ["not", "empty", "all", "any"],
    { class: CONTROL, reason: "answers whether an argument is empty or false" },
  ],
  [
    ["eq", "ne", "lt", "le", "gt", "ge", "deepEqual"],
    { class: CONTROL, reason: "compares its arguments" },
  ],
  [
    ["max", "min", "biggest", "maxf", "minf"],
    { class: CONTROL, reason: "chooses an argument by comparing them" },
  ],
  [
    ["default", "coalesce", "ternary", "dig"],
    { class: CONTROL, reason: "chooses its result by whether an argument is empty or true" },
  ],
  [
    ["fail"],
    {
      class: CONTROL,
      reason: "fails by design: with sealed data it could only run under a branch",
    },
  ],
  [["plural"], { class: CONTROL, reason: "chooses between two strings by a count" }],
  [
    ["contains", "hasPrefix", "hasSuffix", "has", "mustHas"],
    { class: CONTROL, reason: "answers whether the value contains a string the template chose" },
  ],
  [
    ["replace", "trimAll", "trimall", "trimPrefix", "trimSuffix"],
    {
      class: CONTROL,
      reason:
        "rewrites the value where it matches a string the template chose: the result answers whether it matched",
    },
  ],
  [
    ["split", "splitList", "splitn"],
    { class: CONTROL, reason: "the number of parts depends on where a separator occurs" },
  ],
  [
    [
      "regexMatch",
      "mustRegexMatch",
      "regexFind",
      "mustRegexFind",
      "regexFindAll",
      "mustRegexFindAll",
      "regexReplaceAll",
      "mustRegexReplaceAll",
      "regexReplaceAllLiteral",
      "mustRegexReplaceAllLiteral",
      "regexSplit",
      "mustRegexSplit",
    ],
    { class: CONTROL, reason: "matches a pattern the template chose (a comparison)" },
  ],
  [
    ["uniq", "mustUniq", "without", "mustWithout", "compact", "mustCompact", "sortAlpha"],
    { class: CONTROL, reason: "keeps, drops or orders elements by comparing them" },
  ],
  [
    ["until", "untilStep", "seq"],
    {
      class: CONTROL,
      reason: "its arguments are counts: the result's length would come from data",
    },
  ],
  [
    ["randAlphaNum", "randAlpha", "randNumeric", "randAscii", "randBytes", "randInt"],
    { class: CONTROL, reason: "its arguments are counts or bounds" },
  ],
  [
    ["set", "unset", "merge", "mustMerge", "mergeOverwrite", "mustMergeOverwrite"],
    {
      class: CONTROL,
      reason: "changes a dict in place: sealed data written there would escape the check",
    },
  ],
  [
    ["add", "add1", "sub", "mul"],
    {
      class: CONTROL,
      reason:
        "compares the value with a template constant: the sign (or 64-bit wrap) of the result says which is larger",
    },
  ],
  [
    ["trunc", "abbrev", "abbrevboth", "initials", "wrap", "wrapWith"],
    {
      class: CONTROL,
      reason:
        "picks characters by position: text validated downstream (a dockerconfigjson Secret must be JSON) would then test single characters",
    },
  ],
  [
    [
      "date",
      "dateInZone",
      "date_in_zone",
      "htmlDate",
      "htmlDateInZone",
      "duration",
      "durationRound",
      "ago",
    ],
    {
      class: CONTROL,
      reason:
        "turns a number into words chosen by comparisons (AM/PM, weekday, year, units of a duration)",
    },
  ],
  [
    ["dateModify", "date_modify"],
    { class: CONTROL, reason: "keeps the date unchanged when the duration does not parse" },
  ],
  [
    ["toDate"],
    {
      class: CONTROL,
      reason:
        "matches the text against a layout, falling back to the zero time when it does not match",
    },
  ],
  // --- partial functions ------------------------------------------------------------------------
  [["div", "mod"], { class: PARTIAL, reason: "fails on a zero divisor" }],
  [
    ["add1f", "addf", "subf", "mulf", "divf"],
    { class: PARTIAL, reason: "fails on NaN, infinite operands or a zero divisor" },
  ],
  [["substr"], { class: PARTIAL, reason: "fails when its bounds exceed the value's length" }],
  [
    ["fromJson", "mustFromJson"],
    {
      class: PARTIAL,
      reason: "the type and shape of its result (or its failure) come from the text",
    },
  ],
  [
    ["mustToJson", "mustToPrettyJson", "toRawJson", "mustToRawJson"],
    { class: PARTIAL, reason: "fails on NaN or infinite numbers" },
  ],
  [
    [
      "semver",
      "semverCompare",
      "urlParse",
      "urlJoin",
      "mustToDate",
      "mustDateModify",
      "must_date_modify",
    ],
    { class: PARTIAL, reason: "fails when the text does not parse" },
  ],
  [["decryptAES"], { class: PARTIAL, reason: "fails on malformed ciphertext or padding" }],
  [
    ["call"],
    { class: PARTIAL, reason: "fails unless its argument is a function (templates have none)" },
  ],
  [
    [
      "bcrypt",
      "htpasswd",
      "derivePassword",
      "genPrivateKey",
      "genCA",
      "genCAWithKey",
      "genSelfSignedCert",
      "genSelfSignedCertWithKey",
      "genSignedCert",
      "genSignedCertWithKey",
      "buildCustomCert",
    ],
    { class: PARTIAL, reason: "refused by Signet in every mode (never runs)" },
  ],
  // --- total functions ---------------------------------------------------------------------------
  [
    ["print", "cat", "toString"],
    { class: TOTAL, reason: "prints its arguments", size: scaled(1, 1) },
  ],
  [["println"], { class: TOTAL, reason: "prints its arguments", size: scaled(1, 1, 1) }],
  [
    ["printf"],
    {
      class: TOTAL,
      reason:
        "prints its operands (the format and its widths must be public; a precision, which would pick characters, is refused)",
      sealedParams: (i) => i > 0,
      size: printfSize,
    },
  ],
  [
    ["html", "js", "urlquery"],
    { class: TOTAL, reason: "escapes a fixed set of characters", size: scaled(6, 66) },
  ],
  [["quote"], { class: TOTAL, reason: "quotes with Go escapes (fixed set)", size: scaled(4, 3) }],
  [["squote"], { class: TOTAL, reason: "quotes without escaping", size: scaled(1, 3) }],
  [
    ["upper", "lower", "title", "untitle", "swapcase"],
    {
      class: TOTAL,
      reason: "maps letters through fixed case tables (invalid bytes become U+FFFD)",
      size: scaled(3),
    },
  ],
  [
    ["snakecase", "kebabcase", "camelcase"],
    { class: TOTAL, reason: "splits words at fixed character classes", size: scaled(6) },
  ],
  [
    ["trim", "nospace", "shuffle"],
    {
      class: TOTAL,
      reason: "removes characters of a fixed class, or reorders them",
      size: scaled(3),
    },
  ],
  [
    ["repeat"],
    {
      class: TOTAL,
      reason: "repeats the value a public number of times",
      sealedParams: [1],
      size: (b, a) => int(a[0]) * (b[1] ?? 0),
    },
  ],
  [
    ["indent"],
    {
      class: TOTAL,
      reason: "indents every line by a public width",
      sealedParams: [1],
      size: (b, a) => (int(a[0]) + 1) * ((b[1] ?? 0) + 1),
    },
  ],
  [
    ["nindent"],
    {
      class: TOTAL,
      reason: "indents every line by a public width",
      sealedParams: [1],
      size: (b, a) => (int(a[0]) + 1) * ((b[1] ?? 0) + 1) + 1,
    },
  ],
  [
    ["join"],
    {
      class: TOTAL,
      reason: "joins the elements with a public separator",
      sealedParams: [1],
      size: (b, a) => (b[1] ?? 0) * (1 + strLen(a[0])) + strLen(a[0]),
    },
  ],
  [["toStrings"], { class: TOTAL, reason: "prints each element", size: scaled(1, 0, 2) }],
  [
    ["b64enc", "b32enc", "regexQuoteMeta"],
    { class: TOTAL, reason: "encodes every byte", size: scaled(2, 0, 8) },
  ],
  [
    ["b64dec", "b32dec"],
    {
      class: TOTAL,
      reason: "decodes, or returns Go's error text (sprig never fails here)",
      size: (b) => Math.max(b[0] ?? 0, 64),
    },
  ],
  [["sha1sum"], { class: TOTAL, reason: "a fixed-size digest", size: fixed(40) }],
  [["sha256sum"], { class: TOTAL, reason: "a fixed-size digest", size: fixed(64) }],
  [["sha512sum"], { class: TOTAL, reason: "a fixed-size digest", size: fixed(128) }],
  [["adler32sum"], { class: TOTAL, reason: "a fixed-size checksum", size: fixed(10) }],
  [
    ["encryptAES"],
    {
      class: TOTAL,
      reason: "encrypts with a random IV: any key and text work",
      size: (b) => 2 * (b[1] ?? 0) + 64,
    },
  ],
  [
    ["toJson"],
    { class: TOTAL, reason: "encodes JSON (empty on an unencodable number)", size: jsonSize },
  ],
  [
    ["toPrettyJson"],
    {
      class: TOTAL,
      reason: "encodes indented JSON (empty on an unencodable number)",
      size: prettyJsonSize,
    },
  ],
  [
    ["atoi", "int", "int64", "float64", "toDecimal", "ceil", "floor"],
    {
      class: TOTAL,
      reason: "converts to a number (zero when the text does not parse)",
      size: fixed(NUMBER_BOUND),
    },
  ],
  [
    ["round"],
    {
      class: TOTAL,
      reason: "rounds a number at a public precision",
      sealedParams: [0],
      size: fixed(NUMBER_BOUND),
    },
  ],
  [
    ["len"],
    {
      class: TOTAL,
      reason: "a length (public for containers of public shape, sealed for a sealed string)",
      result: "publicOnContainer",
      size: fixed(NUMBER_BOUND),
    },
  ],
  [
    ["typeOf", "kindOf", "keys"],
    {
      class: TOTAL,
      reason: "answers with types or keys, which are public (dicts with sealed keys are refused)",
      result: "public",
      size: fixed(0),
    },
  ],
  [
    ["typeIs", "typeIsLike", "kindIs"],
    {
      class: TOTAL,
      reason: "compares a value's type, which is public, with a public name",
      sealedParams: [1],
      result: "public",
      size: fixed(0),
    },
  ],
  [
    ["hasKey"],
    {
      class: TOTAL,
      reason: "looks a public key up in a dict, whose keys are public",
      sealedParams: [0],
      result: "public",
      size: fixed(0),
    },
  ],
  [
    ["base", "dir", "clean", "ext", "osBase", "osDir", "osClean", "osExt"],
    { class: TOTAL, reason: "path syntax on a fixed separator", size: scaled(1, 0, 1) },
  ],
  [["isAbs", "osIsAbs"], { class: TOTAL, reason: "a fixed first byte check", size: fixed(5) }],
  [["unixEpoch"], { class: TOTAL, reason: "a time's Unix seconds", size: fixed(NUMBER_BOUND) }],
  [["now", "uuidv4", "hello"], { class: TOTAL, reason: "takes no arguments", size: fixed(80) }],
  // --- containers ---------------------------------------------------------------------------------
  [
    ["list", "tuple"],
    {
      class: TOTAL,
      reason: "builds a list of public length",
      result: "shape",
      size: scaled(1, 1, 2),
    },
  ],
  [
    ["dict"],
    {
      class: TOTAL,
      reason: "builds a dict: its keys must be public (equal sealed keys would merge entries)",
      sealedParams: (i) => i % 2 === 1,
      result: "shape",
      size: scaled(1, 2, 5),
    },
  ],
  [
    ["append", "push", "mustAppend", "mustPush", "prepend", "mustPrepend"],
    {
      class: TOTAL,
      reason: "adds one element to a list of public length",
      shapeParams: [0],
      result: "shape",
      size: scaled(1, 1, 2),
    },
  ],
  [
    ["concat"],
    {
      class: TOTAL,
      reason: "concatenates lists of public length",
      shapeParams: "all",
      result: "shape",
      size: scaled(1, 1, 2),
    },
  ],
  [
    [
      "rest",
      "mustRest",
      "initial",
      "mustInitial",
      "reverse",
      "mustReverse",
      "values",
      "deepCopy",
      "mustDeepCopy",
    ],
    {
      class: TOTAL,
      reason: "rearranges a container of public shape by position",
      shapeParams: [0],
      result: "shape",
      size: arg(0, 1, 2),
    },
  ],
  [
    ["chunk", "mustChunk"],
    {
      class: TOTAL,
      reason: "cuts a list of public length into public sizes",
      sealedParams: [1],
      shapeParams: [1],
      result: "shape",
      size: arg(1, 3, 2),
    },
  ],
  [
    ["pick", "omit"],
    {
      class: TOTAL,
      reason: "selects public keys of a dict of public shape",
      sealedParams: [0],
      shapeParams: [0],
      result: "shape",
      size: arg(0, 1, 2),
    },
  ],
  [
    ["pluck"],
    {
      class: TOTAL,
      reason: "collects a public key from dicts of public shape",
      sealedParams: (i) => i > 0,
      shapeParams: (i) => i > 0,
      result: "shape",
      size: scaled(1, 1, 2),
    },
  ],
  [
    ["first", "mustFirst", "last", "mustLast"],
    {
      class: TOTAL,
      reason: "an element at a public position of a list of public length",
      shapeParams: [0],
      size: arg(0, 1, 16),
    },
  ],
  [
    ["get"],
    {
      class: TOTAL,
      reason: "the element at a public key of a dict of public shape",
      sealedParams: [0],
      shapeParams: [0],
      size: arg(0, 1, 16),
    },
  ],
  [
    ["index"],
    {
      class: TOTAL,
      reason:
        "the element at public keys of a container of public shape (indexing by a sealed value, or into a sealed string, is refused)",
      sealedParams: [0],
      shapeParams: [0],
      size: arg(0, 1, 16),
    },
  ],
  [
    ["slice", "mustSlice"],
    {
      class: TOTAL,
      reason:
        "a public range of a list of public length (slicing by a sealed value, or a sealed string, is refused)",
      sealedParams: [0],
      shapeParams: [0],
      result: "shape",
      size: arg(0),
    },
  ],
];

/** The classification of every function of the map (built-ins and sprig), by name. */
export const FUNCTION_OPACITY: ReadonlyMap<string, Opacity> = new Map(
  ROWS.flatMap(([names, row]) => names.map((name): [string, Opacity] => [name, row])),
);

/** True when parameter `i` matches the selector. */
export function selects(
  selector: ParamSelector | undefined,
  i: number,
  fallback: boolean,
): boolean {
  if (selector === undefined) return fallback;
  if (selector === "all") return true;
  if (typeof selector === "function") return selector(i);
  return selector.includes(i);
}
