import { formatGoFloat, formatJsonFloat } from "./go-strconv.js";
import type { GoType } from "./go-types.js";
import { findField, zeroOf } from "./go-unmarshal.js";
import type { TypedObject } from "./go-unmarshal.js";
import { goStringBytes, hasByteMarkers, withoutByteMarkers } from "./go-utf8.js";
import { GoMap, GoNumber } from "./go-value.js";
import type { GoValue } from "./go-value.js";
import { goJsonString, JsonNumber, JsonObject } from "./json-tree.js";
import type { JsonValue } from "./json-tree.js";

/**
 * sigs.k8s.io/yaml v1.6.0's step from go-yaml values to JSON (`convertToJSONableObject`, then
 * `json.Marshal`): map keys become strings (`1` → "1", `1.5` → "1.5", `true` → "true", a null
 * key is an error); when the Go field a value is headed for is a string (found through the
 * target type: struct fields by JSON name, exactly or case-insensitively, map elements, slice
 * elements), a number or boolean becomes its text (`FormatFloat(f, 'g', -1, 32)` for floats, so
 * `1.10` is "1.1"); below a type with its own `UnmarshalJSON` (metav1.Time) nothing is coerced;
 * NaN and infinities that stay numbers cannot be written as JSON. Object keys come out sorted, as
 * `json.Marshal` writes a map.
 */
export class ConversionError extends Error {
  /** An unsupported map key: Go's outcome depends on its random map order (see checkKeys). */
  readonly mapKey: boolean;

  constructor(message: string, mapKey = false) {
    super(message);
    this.mapKey = mapKey;
  }
}

export function keyString(key: GoValue): string {
  if (typeof key === "string") return key;
  if (typeof key === "boolean" || typeof key === "number") return String(key);
  if (key instanceof GoNumber) {
    // A uint64 key (an integer beyond int64) is not among the types sigs.k8s.io/yaml converts.
    if (key.kind === "uint64") {
      throw new ConversionError(
        `unsupported map key of type: uint64, key: 0x${key.integer.toString(16)}`,
        true,
      );
    }
    if (key.kind !== "float64") return key.integerText();
    const text = formatGoFloat(key.float, 32);
    return text === "+Inf" ? ".inf" : text === "-Inf" ? "-.inf" : text === "NaN" ? ".nan" : text;
  }
  throw new ConversionError("unsupported map key of type: %!s(<nil>), key: <nil>", true);
}

/**
 * Compares strings by their UTF-8 bytes (code points), as Go sorts map keys; a `!!binary` key's
 * bytes that are not UTF-8 (see goBinaryToString) compare as those bytes.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x < 0xe000;
    const ys = y >= 0xd800 && y < 0xe000;
    // Only where the strings first differ can a byte that is not UTF-8 decide (a lone
    // surrogate stands for one): then compare the bytes. Sorting a large map stays cheap.
    if ((xs && hasByteMarkers(a)) || (ys && hasByteMarkers(b)))
      return compareBytes(goStringBytes(a), goStringBytes(b));
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Where a value is headed in the target type, with pointers and Unmarshaler types resolved. */
function resolveTarget(target: GoType | undefined): GoType | undefined {
  const t = pointee(target);
  return t?.kind === "unmarshaler" ? undefined : t;
}

/** The type behind any number of pointers. */
function pointee(target: GoType | undefined): GoType | undefined {
  let t = target;
  while (t?.kind === "pointer") t = t.elem;
  return t;
}

/**
 * The type a key's value is headed for. sigs.k8s.io/yaml looks at the outermost struct field
 * only (`f.index[0]`): for a field promoted from an embedded struct (TypeMeta's `kind`) that is
 * the embedded struct, so its scalars are not coerced to strings.
 */
function elementTarget(target: GoType | undefined, key: string): GoType | undefined {
  if (target?.kind === "struct") {
    const field = findField(target.fields, key);
    return field?.embedded ?? field?.type;
  }
  if (target?.kind === "map") return target.elem;
  return undefined;
}

/** A number's JSON text; NaN and infinities keep Go's name and are refused by {@link marshalCheck}. */
function numberJson(n: number | GoNumber): JsonValue {
  if (typeof n === "number") return new JsonNumber(String(n));
  if (n.kind !== "float64") return new JsonNumber(n.integerText());
  if (!Number.isFinite(n.float)) return new JsonNumber(formatGoFloat(n.float, 64));
  return new JsonNumber(formatJsonFloat(n.float));
}

/** The numbers json.Marshal refuses, as {@link numberJson} names them. */
const UNSUPPORTED_NUMBER = /^[-+]?(NaN|Inf)$/;

/**
 * `json.Marshal`'s refusal of NaN and infinities, met in its (sorted) order; it runs after the
 * whole conversion, so a bad key anywhere is reported first, as in Go.
 */
export function marshalCheck(value: JsonValue): void {
  if (value instanceof JsonNumber) {
    if (UNSUPPORTED_NUMBER.test(value.text))
      throw new ConversionError(`json: unsupported value: ${value.text}`);
  } else if (Array.isArray(value)) {
    value.forEach(marshalCheck);
  } else if (value instanceof JsonObject) {
    for (const [, item] of value.entries) marshalCheck(item);
  }
}

function scalarText(value: GoValue): string | undefined {
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  if (value instanceof GoNumber) {
    return value.kind === "float64" ? formatGoFloat(value.float, 32) : value.integerText();
  }
  return undefined;
}

/**
 * What sigs.k8s.io/yaml's look-up of the target does to the object being decoded: walking to a
 * struct field it allocates a nil pointer field (`indirect`), so `immutable:` or `status:` set a
 * pointer even when the JSON decode later fails. Only fields reached through struct fields from
 * the decoded object itself are touched (map and slice elements are looked up on scratch values).
 * Returns the object the key's value is headed into, if any.
 */
function allocate(
  target: GoType | undefined,
  key: string,
  holder: TypedObject | undefined,
): TypedObject | undefined {
  if (!holder || target?.kind !== "struct") return undefined;
  const field = findField(target.fields, key);
  if (!field || field.embedded !== undefined) return undefined;
  const type = field.type;
  if (type.kind === "pointer") {
    if (holder[field.json] === undefined || holder[field.json] === null)
      holder[field.json] = zeroOf(type.elem);
    return type.elem.kind === "struct" ? (holder[field.json] as TypedObject) : undefined;
  }
  if (type.kind === "struct") return (holder[field.json] ??= {}) as TypedObject;
  return undefined;
}

/**
 * Converts a go-yaml value to the JSON sigs.k8s.io/yaml marshals, coercing scalars headed for
 * string fields of `target` (undefined: no target, as `YAMLToJSON`). `holder` is the object
 * being decoded into, which the look-up may change (see {@link allocate}).
 */
export function toJson(value: GoValue, target?: GoType, holder?: TypedObject): JsonValue {
  if (holder) checkKeys(value);
  return convert(value, target, holder);
}

/**
 * Fails on a key sigs.k8s.io/yaml cannot convert before anything is converted. Go meets such a
 * key at a random point of its map iteration (so what it did to the object before failing
 * varies from run to run); Signet fails before touching the object, always.
 */
function checkKeys(value: GoValue): void {
  if (Array.isArray(value)) return value.forEach(checkKeys);
  if (!(value instanceof GoMap)) return;
  value.forEach((key, item) => {
    keyString(key);
    checkKeys(item);
  });
}

function convert(
  value: GoValue,
  target?: GoType,
  holder?: TypedObject,
  keepsBytes = false,
): JsonValue {
  if (value instanceof GoMap) {
    if (keepsRawJson(target)) return rawObject(value);
    return convertMap(value, target, holder, keepsBytes);
  }
  // Below FieldsV1 and RawExtension the JSON text is kept as json.Marshal wrote it, bytes that
  // are not UTF-8 included (written as \ufffd escapes, see goBinaryToString).
  const raw = keepsBytes || keepsRawJson(target);
  const t = resolveTarget(target);
  if (Array.isArray(value)) {
    const elem = elementOf(t);
    return value.map((item) => convert(item, elem, undefined, raw));
  }
  return convertScalar(value, t, raw);
}

function convertScalar(
  value: Exclude<GoValue, GoMap | GoValue[]>,
  t: GoType | undefined,
  raw: boolean,
): JsonValue {
  if (t?.kind === "string") {
    const text = scalarText(value);
    if (text !== undefined) return text;
  }
  if (typeof value === "string") return raw ? value : withoutByteMarkers(value);
  return typeof value === "number" || value instanceof GoNumber ? numberJson(value) : value;
}

/** The type a list's items are headed for: a slice's element, a byte of `[]byte`. */
function elementOf(t: GoType | undefined): GoType | undefined {
  if (t?.kind === "slice") return t.elem;
  return t?.kind === "bytes" ? { kind: "uint8", name: "uint8" } : undefined;
}

function convertMap(
  value: GoMap,
  target: GoType | undefined,
  holder: TypedObject | undefined,
  keepsBytes: boolean,
): JsonValue {
  const t = resolveTarget(target);
  const entries: [string, JsonValue][] = [];
  value.forEach((key, item) => {
    const name = keyString(key);
    const unknown = t?.kind === "struct" && findField(t.fields, name) === undefined;
    entries.push([
      name,
      unknown
        ? checked(item)
        : convert(item, elementTarget(t, name), allocate(t, name, holder), keepsBytes),
    ]);
  });
  // json.Marshal sorts by the keys' bytes; json.Unmarshal then reads bytes that are not UTF-8
  // as U+FFFD.
  entries.sort(([a], [b]) => compareCodePoints(a, b));
  if (!keepsBytes) for (const entry of entries) entry[0] = withoutByteMarkers(entry[0]);
  return new JsonObject(dedupe(entries));
}

/** FieldsV1 and RawExtension: their `UnmarshalJSON` keeps the bytes it is given, as they are. */
function keepsRawJson(target: GoType | undefined): boolean {
  const t = pointee(target);
  return (
    t?.kind === "unmarshaler" && (t.unmarshaler === "fieldsV1" || t.unmarshaler === "rawExtension")
  );
}

/** The first NaN or infinity met in json.Marshal's order, if any. */
interface Unsupported {
  first?: JsonNumber;
}

/**
 * A map headed for FieldsV1 or RawExtension as the JSON text json.Marshal writes for it, held as
 * a {@link JsonObject}'s raw text: no JSON tree is built for what the typed decode only copies
 * (a managedFields entry of a hundred thousand numbers, each item of a List). Failures come as
 * from {@link convert}: keys in document order, collisions once a map is sorted; a NaN or
 * infinity is returned in place of the text, for {@link marshalCheck} to meet in its order.
 */
function rawObject(value: GoMap): JsonValue {
  const unsupported: Unsupported = {};
  const text = rawText(value, unsupported);
  return unsupported.first ?? new JsonObject([], text);
}

function rawText(value: GoValue, unsupported: Unsupported): string {
  if (value instanceof GoMap) return rawMapText(value, unsupported);
  if (Array.isArray(value)) {
    // A list of Go ints is its decimal text (V8 joins numbers without a string per item).
    if (value.every((item) => typeof item === "number")) return `[${value.join(",")}]`;
    const items = value.map((item) => rawText(item, unsupported));
    return `[${items.join(",")}]`;
  }
  if (typeof value === "number") return String(value);
  if (value instanceof GoNumber) {
    const number = numberJson(value) as JsonNumber;
    if (UNSUPPORTED_NUMBER.test(number.text)) unsupported.first ??= number;
    return number.text;
  }
  if (value === null) return "null";
  return typeof value === "boolean" ? String(value) : goJsonString(value);
}

/** Parallel arrays and an index sort: a map of 76,000 keys costs no object per entry. */
function rawMapText(value: GoMap, unsupported: Unsupported): string {
  const names: string[] = [];
  // A Go int stays a number until the final join (no string per entry).
  const texts: (string | number)[] = [];
  const inner: Unsupported = {};
  let firstByName: Map<string, JsonNumber> | undefined;
  value.forEach((key, item) => {
    const name = keyString(key);
    inner.first = undefined;
    names.push(name);
    texts.push(typeof item === "number" ? item : rawText(item, inner));
    if (inner.first) (firstByName ??= new Map()).set(name, inner.first);
  });
  const order = names.map((_, i) => i).sort((a, b) => compareCodePoints(names[a]!, names[b]!));
  const parts: (string | number)[] = ["{"];
  for (let i = 0; i < order.length; i++) {
    const name = names[order[i]!]!;
    if (i > 0 && names[order[i - 1]!] === name) throw new KeyCollision(name);
    parts.push(i > 0 ? "," : "", goJsonString(name), ":", texts[order[i]!]!);
  }
  parts.push("}");
  if (firstByName) {
    for (const index of order) {
      const first = firstByName.get(names[index]!);
      if (first) {
        unsupported.first ??= first;
        break;
      }
    }
  }
  return parts.join("");
}

/**
 * What stays of a value headed for no field (encoding/json skips a key the struct does not
 * have): the conversion's failures, met in the same order, and nothing else. Its keys are
 * checked for collisions, and its first NaN or infinity (in `json.Marshal`'s order) is kept so
 * that {@link marshalCheck} still refuses it; otherwise null. A list or map of a few hundred
 * thousand items headed nowhere then costs no JSON tree.
 */
function checked(value: GoValue): JsonValue {
  if (value instanceof GoMap && value.stringKeys) {
    // Distinct strings stay distinct keys: only a failure below can come, the first in key order.
    let first: [string, JsonValue] | undefined;
    value.forEach((key, item) => {
      const kept = checked(item);
      if (kept !== null && (!first || compareCodePoints(key as string, first[0]) < 0))
        first = [key as string, kept];
    });
    return first ? first[1] : null;
  }
  if (value instanceof GoMap) {
    const entries: [string, JsonValue][] = [];
    value.forEach((key, item) => {
      entries.push([keyString(key), checked(item)]);
    });
    entries.sort(([a], [b]) => compareCodePoints(a, b));
    dedupe(entries);
    return firstKept(entries.map(([, item]) => item));
  }
  if (Array.isArray(value)) {
    let first: JsonValue = null;
    for (const item of value) {
      const kept = checked(item);
      first ??= kept;
    }
    return first;
  }
  if (value instanceof GoNumber && value.kind === "float64" && !Number.isFinite(value.float))
    return numberJson(value);
  return null;
}

function firstKept(items: JsonValue[]): JsonValue {
  for (const item of items) if (item !== null) return item;
  return null;
}

/**
 * Two different keys that become the same string (`1` and `1.0`, `true` and "true") collapse
 * into one JSON key; Go keeps whichever its random map order visits last, so the document has
 * no fixed meaning. Signet refuses it.
 */
function dedupe(entries: [string, JsonValue][]): [string, JsonValue][] {
  for (let i = 1; i < entries.length; i++) {
    if (entries[i - 1]![0] === entries[i]![0]) throw new KeyCollision(entries[i]![0]);
  }
  return entries;
}

/** Keys that mean the same once converted (see {@link dedupe}); a refusal, not a Go error. */
export class KeyCollision extends Error {
  constructor(key: string) {
    super(
      `two keys of a map both mean ${JSON.stringify(key)} (Go would keep one of them at random)`,
    );
  }
}
