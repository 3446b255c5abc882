/**
 * JSON values as Go's encoding/json sees them before it fills a typed value: objects keep every
 * key in order (duplicates included, the last one wins field by field), numbers keep their text
 * (`1.0` into an int64 is an error, `1e3` into a string field is a type error, not "1000").
 */
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

/** A number literal, exactly as written. */
export class JsonNumber {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}

/** An object: its members in order, and (for objects read from JSON text) its source text. */
export class JsonObject {
  readonly entries: [string, JsonValue][];
  readonly raw?: string;

  constructor(entries: [string, JsonValue][], raw?: string) {
    this.entries = entries;
    this.raw = raw;
  }
}

/** The kind word encoding/json puts in a type error (`cannot unmarshal number into ...`). */
export function jsonKind(
  value: JsonValue,
): "null" | "bool" | "string" | "number" | "array" | "object" {
  if (value === null) return "null";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "string") return "string";
  if (value instanceof JsonNumber) return "number";
  return Array.isArray(value) ? "array" : "object";
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

// Control characters U+0000 to U+001F, as a range built from char codes.
const CONTROLS = `${String.fromCharCode(0)}-${String.fromCharCode(0x1f)}`;
// With the `u` flag the class matches a lone surrogate (an invalid byte of a `!!binary` string,
// see goBinaryToString) and never half of a pair.
const BYTE_MARKERS = "\\udc80-\\udcff";
const NEEDS_ESCAPE_HTML = new RegExp(`[${CONTROLS}"\\\\<>&\u2028\u2029${BYTE_MARKERS}]`, "gu");
const NEEDS_ESCAPE = new RegExp(`[${CONTROLS}"\\\\\u2028\u2029${BYTE_MARKERS}]`, "gu");

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  // encoding/json writes each byte that is not UTF-8 as \ufffd.
  if (code >= 0xdc80 && code <= 0xdcff) return "\\ufffd";
  return SHORT_ESCAPES[c] ?? `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * A string literal as Go's encoder writes it (`appendString`): `\b \f \n \r \t \" \\` short,
 * other control characters and U+2028/U+2029 as `\u` escapes, `<`, `>`, `&` escaped too
 * unless HTML escaping is off, and a byte that is not UTF-8 as `\ufffd`.
 */
export function goJsonString(s: string, escapeHtml = true): string {
  return `"${s.replace(escapeHtml ? NEEDS_ESCAPE_HTML : NEEDS_ESCAPE, escapeChar)}"`;
}

/** Text written as is by marshalJson (brackets, separators, keys). */
class Literal {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}

const COMMA = new Literal(",");
const CLOSE_ARRAY = new Literal("]");
const CLOSE_OBJECT = new Literal("}");

/**
 * Compact JSON as Go's `json.Marshal` writes a decoded tree (keys in the order held). Iterative:
 * encoding/json accepts 10,000 levels of nesting, more than a recursive walk's stack allows.
 */
export function marshalJson(value: JsonValue): string {
  const out: string[] = [];
  const stack: (JsonValue | Literal)[] = [value];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item instanceof Literal) out.push(item.text);
    else if (Array.isArray(item)) openArray(item, out, stack);
    else if (item instanceof JsonObject) openObject(item, out, stack);
    else out.push(scalarJson(item));
  }
  return out.join("");
}

function scalarJson(value: null | boolean | string | JsonNumber): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "string") return goJsonString(value);
  return value.text;
}

/** Writes `[` and schedules the items, separators and `]` (the stack pops them in order). */
function openArray(items: JsonValue[], out: string[], stack: (JsonValue | Literal)[]): void {
  out.push("[");
  stack.push(CLOSE_ARRAY);
  for (let i = items.length - 1; i >= 0; i--) {
    stack.push(items[i]!);
    if (i > 0) stack.push(COMMA);
  }
}

function openObject(object: JsonObject, out: string[], stack: (JsonValue | Literal)[]): void {
  out.push("{");
  stack.push(CLOSE_OBJECT);
  for (let i = object.entries.length - 1; i >= 0; i--) {
    const [k, member] = object.entries[i]!;
    stack.push(member, new Literal(`${goJsonString(k)}:`));
    if (i > 0) stack.push(COMMA);
  }
}
