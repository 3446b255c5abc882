import { decodeRune, fromUtf8, toUtf8 } from "../bytes.js";
import { execFault } from "../failure.js";
import { fn } from "../funcs.js";
import type { FuncDef } from "../funcs.js";
import { formatTime } from "../time.js";
import { GoMap, GoSlice, GoStruct, GoTime, sortedKeys } from "../value.js";
import type { GoValue, GoInt } from "../value.js";
import { formatFloat } from "../float.js";

/**
 * encoding/json as sprig's toJson, toPrettyJson, toRawJson and fromJson use it.
 */

const SHORT_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x22, '\\"'],
  [0x5c, "\\\\"],
  [0x0a, "\\n"],
  [0x0d, "\\r"],
  [0x09, "\\t"],
  [0x08, "\\b"],
  [0x0c, "\\f"],
]);

function escapeRune(r: number, html: boolean): string | null {
  const short = SHORT_ESCAPES.get(r);
  if (short !== undefined) return short;
  if (r < 0x20 || (html && (r === 0x3c || r === 0x3e || r === 0x26))) {
    return `\\u00${r.toString(16).padStart(2, "0")}`;
  }
  if (r === 0x2028 || r === 0x2029) return `\\u${r.toString(16)}`;
  return null;
}

/** JSON string literal of a byte string, as encoding/json writes it. */
export function jsonString(s: string, html: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length;) {
    const [r, n] = decodeRune(s, i);
    const esc = escapeRune(r, html);
    if (esc !== null) out += esc;
    else if (r === 0xfffd && n === 1) out += "\\ufffd";
    else out += s.slice(i, i + n);
    i += n;
  }
  return `${out}"`;
}

function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw execFault("json: unsupported value");
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return formatFloat(f, "e", -1).replace(/e([+-])0(\d)$/, "e$1$2");
  }
  return formatFloat(f, "f", -1);
}

interface Style {
  html: boolean;
  indent: string;
}

function encodeSlice(v: GoSlice, style: Style, depth: number): string {
  if (v.elem === "uint8") {
    const bytes = Buffer.from(v.items.map((b) => Number((b as GoInt).v)));
    return `"${bytes.toString("base64")}"`;
  }
  if (v.items.length === 0) return "[]";
  const parts = v.items.map((x) => encode(x, style, depth + 1));
  return wrap("[]", parts, style, depth);
}

function encodeMap(v: GoMap, style: Style, depth: number): string {
  const keys = sortedKeys(v);
  if (keys.length === 0) return "{}";
  const sep = style.indent === "" ? ":" : ": ";
  const parts = keys.map(
    (k) => `${jsonString(k, style.html)}${sep}${encode(v.m.get(k) ?? null, style, depth + 1)}`,
  );
  return wrap("{}", parts, style, depth);
}

function wrap(brackets: string, parts: string[], style: Style, depth: number): string {
  const open = brackets[0] ?? "";
  const close = brackets[1] ?? "";
  if (style.indent === "") return open + parts.join(",") + close;
  const inner = `\n${style.indent.repeat(depth + 1)}`;
  return `${open}${inner}${parts.join(`,${inner}`)}\n${style.indent.repeat(depth)}${close}`;
}

function encodeScalar(v: string | number | boolean | GoInt, style: Style): string {
  if (typeof v === "string") return jsonString(v, style.html);
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number") return jsonFloat(v);
  return v.v.toString();
}

function encode(v: GoValue, style: Style, depth: number): string {
  if (depth > 1000) throw execFault("json: nesting too deep");
  if (v === null) return "null";
  if ((v instanceof GoSlice || v instanceof GoMap) && v.isNil) return "null";
  if (v instanceof GoSlice) return encodeSlice(v, style, depth);
  if (v instanceof GoMap) return encodeMap(v, style, depth);
  if (v instanceof GoTime) return `"${formatTime(v, "2006-01-02T15:04:05.999999999Z07:00")}"`;
  if (v instanceof GoStruct) return jsonString(v.str(), style.html);
  return encodeScalar(v, style);
}

/** json.Marshal / MarshalIndent(v, "", "  ") / an Encoder without HTML escaping. */
export function toJson(v: GoValue, pretty: boolean, html = true): string {
  return encode(v, { html, indent: pretty ? "  " : "" }, 0);
}

/**
 * A parsed JSON value as Go's json.Unmarshal into interface{} builds it. A number out of
 * float64's range is Go's UnmarshalTypeError: the decoder leaves that element nil, carries on,
 * and reports the error at the end (`ranged.error`).
 */
function fromJs(v: unknown, ranged: { error: boolean }): GoValue {
  if (v === null) return null;
  if (typeof v === "string") return fromUtf8(v);
  if (typeof v === "number" && !Number.isFinite(v)) {
    ranged.error = true;
    return null;
  }
  if (typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return new GoSlice(v.map((x) => fromJs(x, ranged)));
  const m = new Map<string, GoValue>();
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    m.set(fromUtf8(k), fromJs(x, ranged));
  }
  return new GoMap(m);
}

/**
 * json.Unmarshal into interface{}: the value, and whether Unmarshal failed after decoding (a
 * number out of range; sprig's fromJson keeps the value, mustFromJson fails). Invalid JSON
 * throws (message without the input).
 */
function unmarshal(s: string): { value: GoValue; rangeError: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(toUtf8(s));
  } catch {
    throw execFault("invalid JSON input");
  }
  const ranged = { error: false };
  const value = fromJs(parsed, ranged);
  return { value, rangeError: ranged.error };
}

/** sprig's mustFromJson: json.Unmarshal into interface{}, failing on any error. */
export function fromJson(s: string): GoValue {
  const { value, rangeError } = unmarshal(s);
  if (rangeError) throw execFault("json: number out of range");
  return value;
}

function lenient(f: () => GoValue, fallback: GoValue): GoValue {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/** JSON functions of the sprig map. */
export function jsonFuncs(): [string, FuncDef][] {
  return [
    // sprig's fromJson: what Unmarshal decoded, whatever error it reported.
    ["fromJson", fn(["string"], ([s]) => lenient(() => unmarshal(s as string).value, null))],
    ["mustFromJson", fn(["string"], ([s]) => fromJson(s as string))],
    ["toJson", fn(["any"], ([v = null]) => lenient(() => toJson(v, false), ""))],
    ["mustToJson", fn(["any"], ([v = null]) => toJson(v, false))],
    ["toPrettyJson", fn(["any"], ([v = null]) => lenient(() => toJson(v, true), ""))],
    ["mustToPrettyJson", fn(["any"], ([v = null]) => toJson(v, true))],
    ["toRawJson", fn(["any"], ([v = null]) => toJson(v, false, false))],
    ["mustToRawJson", fn(["any"], ([v = null]) => toJson(v, false, false))],
  ];
}
