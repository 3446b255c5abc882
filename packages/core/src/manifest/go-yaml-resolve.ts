import { goInt, GoNumber } from "./go-value.js";
import type { GoValue } from "./go-value.js";
import { parseGoFloat, parseGoInt, parseGoUint } from "./go-strconv.js";
import { isGoYamlTimestamp } from "./go-time.js";
import { TAG } from "./yaml-node.js";

/**
 * Scalar resolution of go-yaml v2 (`resolve.go`), which is YAML 1.1's: what a scalar's text
 * means when it has no tag or a core tag. The rules, learned from go-yaml and checked against it
 * by test/yaml-diff:
 * - booleans: y, Y, yes, Yes, YES, n, N, no, No, NO, true/True/TRUE, false/False/FALSE,
 *   on/On/ON, off/Off/OFF;
 * - null: "", ~, null, Null, NULL;
 * - .nan/.NaN/.NAN, [+-].inf/.Inf/.INF;
 * - text starting with a digit or sign: a timestamp (yyyy-...), else an integer once every `_`
 *   is removed (Go literal syntax: 0x, 0o, 0b, a leading 0 is octal), first as int64, then
 *   uint64, else a YAML-style decimal float, else `0b`/`-0b` binary;
 * - text starting with `.`: a Go float literal (`.5`);
 * - anything else is a string. Base-60 numbers are strings.
 */
export interface Resolved {
  tag: string;
  /** The Go value; a timestamp keeps its text (go-yaml decodes it so into `interface{}`). */
  value: GoValue;
}

const RESOLVE_MAP: ReadonlyMap<string, [string, GoValue]> = new Map<string, [string, GoValue]>([
  ...["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].map(
    (s): [string, [string, GoValue]] => [s, [TAG.bool, true]],
  ),
  ...["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"].map(
    (s): [string, [string, GoValue]] => [s, [TAG.bool, false]],
  ),
  ...["", "~", "null", "Null", "NULL"].map((s): [string, [string, GoValue]] => [
    s,
    [TAG.null, null],
  ]),
  ...[".nan", ".NaN", ".NAN"].map((s): [string, [string, GoValue]] => [
    s,
    [TAG.float, GoNumber.float64(Number.NaN)],
  ]),
  ...[".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].map((s): [string, [string, GoValue]] => [
    s,
    [TAG.float, GoNumber.float64(Infinity)],
  ]),
  ...["-.inf", "-.Inf", "-.INF"].map((s): [string, [string, GoValue]] => [
    s,
    [TAG.float, GoNumber.float64(-Infinity)],
  ]),
  ["<<", [TAG.merge, "<<"]],
]);

const RESOLVABLE = new Set<string>([
  "",
  TAG.str,
  TAG.bool,
  TAG.int,
  TAG.float,
  TAG.null,
  TAG.timestamp,
]);

/** YAML 1.1 float syntax as go-yaml accepts it after removing underscores. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** The first-character hint of `resolve.go`: which rules can apply at all. */
function hintOf(text: string): "N" | "S" | "D" | "M" | "." | undefined {
  if (text === "") return "N";
  const c = text[0]!;
  if (c === "+" || c === "-") return "S";
  if (c >= "0" && c <= "9") return "D";
  if ("yYnNtTfFoO~".includes(c)) return "M";
  if (c === ".") return ".";
  return undefined;
}

function integer(value: bigint): GoValue {
  return goInt(value);
}

/** Int, uint, float or binary for text starting with a digit or a sign. */
function resolveNumber(text: string, tag: string): [string, GoValue] | undefined {
  if ((tag === "" || tag === TAG.timestamp) && isGoYamlTimestamp(text)) {
    return [TAG.timestamp, text];
  }
  const plain = text.replace(/_/g, "");
  const int = parseGoInt(plain);
  if (int !== undefined) return [TAG.int, integer(int)];
  const uint = parseGoUint(plain);
  if (uint !== undefined) return [TAG.int, GoNumber.uint64(uint)];
  if (YAML_STYLE_FLOAT.test(plain)) {
    const float = parseGoFloat(plain);
    if (float !== undefined) return [TAG.float, GoNumber.float64(float)];
  }
  return resolveBinary(plain);
}

/**
 * The `0b` fallback of `resolve.go` after the base-0 parse failed: `0b` followed by a signed
 * binary number (`0b-101` is -5), or `-0b` followed by binary digits.
 */
function resolveBinary(plain: string): [string, GoValue] | undefined {
  const binary = (digits: string): bigint | undefined =>
    /^[-+]?[01]+$/.test(digits)
      ? (digits[0] === "-" ? -1n : 1n) * BigInt(`0b${digits.replace(/^[-+]/, "")}`)
      : undefined;
  if (plain.startsWith("0b")) {
    const value = binary(plain.slice(2));
    if (value !== undefined && value >= -(2n ** 63n) && value < 2n ** 63n)
      return [TAG.int, integer(value)];
    if (value !== undefined && value >= 0n && value < 2n ** 64n && /^[01]/.test(plain.slice(2))) {
      return [TAG.int, GoNumber.uint64(value)];
    }
  } else if (plain.startsWith("-0b")) {
    const value = binary(`-${plain.slice(3)}`);
    if (value !== undefined && value >= -(2n ** 63n)) return [TAG.int, integer(value)];
  }
  return undefined;
}

function resolveUntyped(tag: string, text: string): [string, GoValue] {
  const hint = hintOf(text);
  if (hint === undefined || tag === TAG.str || tag === TAG.binary) return [TAG.str, text];
  const known = RESOLVE_MAP.get(text);
  if (known) return known;
  if (hint === ".") {
    const float = parseGoFloat(text);
    if (float !== undefined) return [TAG.float, GoNumber.float64(float)];
  } else if (hint === "D" || hint === "S") {
    const number = resolveNumber(text, tag);
    if (number) return number;
  }
  return [TAG.str, text];
}

/** A decimal integer without leading zeros or underscores that a JavaScript number holds exactly. */
const SMALL_DECIMAL = /^[-+]?(?:0|[1-9][0-9]{0,14})$/;

/**
 * The value of an untagged plain scalar when it is one of the two common shapes, else undefined
 * (then {@link resolveScalar} decides): text no rule can apply to is itself, and a small decimal
 * integer is its number, as `resolveUntyped` would give them, without the intermediate tuple and
 * object. A document of a hundred thousand keys or numbers then allocates nothing here per scalar.
 */
export function resolvePlainQuick(text: string): GoValue | undefined {
  if (hintOf(text) === undefined) return text;
  // `-0` is Go's int 0: adding +0 turns JavaScript's -0 into it.
  return SMALL_DECIMAL.test(text) ? Number(text) + 0 : undefined;
}

/** Short form of a tag for messages (`!!int`), as go-yaml's `shortTag`. */
export function shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice("tag:yaml.org,2002:".length)}` : tag;
}

/** Raised when an explicitly tagged scalar cannot have its tag (`!!int abc`). */
export class ResolveError extends Error {}

/**
 * go-yaml's `resolve(tag, text)`: the tag and value of a scalar. A tag go-yaml cannot resolve
 * (custom tags, `!`, `!!binary`, `!!map`...) keeps the text as it is; an explicit core tag the
 * text does not fit fails as `cannot decode !!str \`\u2026\` as a !!int` (a `!!float` accepts an
 * integer and turns it into a float).
 */
export function resolveScalar(tag: string, text: string): Resolved {
  if (!RESOLVABLE.has(tag)) return { tag, value: text };
  const [rtag, value] = resolveUntyped(tag, text);
  if (tag === "" || tag === rtag || tag === TAG.str) return { tag: rtag, value };
  if (tag === TAG.float && typeof value === "number") {
    return { tag: TAG.float, value: GoNumber.float64(value) };
  }
  if (tag === TAG.float && value instanceof GoNumber && value.kind === "int") {
    return { tag: TAG.float, value: GoNumber.float64(Number(value.integer)) };
  }
  // Go quotes the text (`cannot decode !!str \`hunter2\` as a !!int`): Signet does not.
  throw new ResolveError(`cannot decode ${shortTag(rtag)} \`\u2026\` as a ${shortTag(tag)}`);
}
