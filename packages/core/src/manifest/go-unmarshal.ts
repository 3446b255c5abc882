import { decodeGoBase64 } from "./go-base64.js";
import { parseDecimalInt } from "./go-strconv.js";
import { parseGoTime, RFC3339 } from "./go-time.js";
import type { GoField, GoType } from "./go-types.js";
import { jsonKind, JsonNumber, JsonObject, marshalJson } from "./json-tree.js";
import type { JsonValue } from "./json-tree.js";

/**
 * Fills typed values from JSON trees with the rules of Go's encoding/json (`decode.go`), as
 * Kubernetes decodes manifests: unknown keys ignored; struct fields matched exactly first, then
 * case-insensitively (`METADATA` fills `metadata`; sigs.k8s.io/json, which the API machinery's
 * own decoder uses, matches exactly only); a value of the wrong JSON kind leaves its target as it
 * was and records the first such error (`json: cannot unmarshal number into Go struct field
 * Secret.data of type []uint8`) while decoding goes on; `null` clears maps, slices and pointers
 * and leaves everything else alone; a duplicate key decodes again into what is there (maps gain
 * entries, structs merge); `[]byte` takes standard base64; errors from `UnmarshalJSON` methods
 * (metav1.Time) stop decoding at once.
 *
 * Values come out as plain data: structs as objects holding only their non-zero fields (so an
 * object with no keys is Go's zero value), maps as prototype-less objects, `[]byte` as
 * Uint8Array, int64 as bigint, metav1.Time as UTC RFC 3339 text, FieldsV1 and RawExtension as
 * {@link RawJson}.
 */

/** Raw JSON kept by `UnmarshalJSON` methods that store their input (FieldsV1, RawExtension). */
export class RawJson {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  toJSON(): unknown {
    return JSON.parse(this.text) as unknown;
  }
}

/** The zero time, as a `*metav1.Time` allocated but never set reads. */
const ZERO_TIME = "0001-01-01T00:00:00Z";

export type TypedObject = Record<string, unknown>;

export interface UnmarshalOptions {
  /** sigs.k8s.io/json (the API machinery's decoder) matches field names exactly. */
  caseSensitive?: boolean;
}

/** The outcome of one decode: the first error encoding/json would return, if any. */
export interface UnmarshalResult {
  error?: string;
}

interface Context {
  structName: string;
  path: string[];
  options: UnmarshalOptions;
  state: { saved?: string };
}

class Abort extends Error {}

/** Where a decoded value goes: a struct field, a map entry being built, a slice element. */
interface Slot {
  get(): unknown;
  set(value: unknown): void;
  /** Struct fields hold non-zero values only: setting a zero value removes the field. */
  field: boolean;
}

/** How Go prints a type in errors; a pointer is reported as what it points to (`indirect`). */
function typeString(type: GoType): string {
  if (type.kind === "pointer") return typeString(type.elem);
  return type.kind === "struct" ? type.typeName : type.name;
}

/** encoding/json's `UnmarshalTypeError` text; `what` is the JSON kind, or `number 1.5`. */
function typeError(what: string, type: GoType, ctx: Context): string {
  if (ctx.path.length === 0)
    return `json: cannot unmarshal ${what} into Go value of type ${typeString(type)}`;
  return `json: cannot unmarshal ${what} into Go struct field ${ctx.structName}.${ctx.path.join(".")} of type ${typeString(type)}`;
}

function save(ctx: Context, message: string): void {
  ctx.state.saved ??= message;
}

/** Decodes `value` into a fresh or existing top-level value of `type`, mutating it in place. */
export function unmarshalInto(
  type: GoType,
  target: TypedObject,
  value: JsonValue,
  options: UnmarshalOptions = {},
): UnmarshalResult {
  const state: { saved?: string } = {};
  const ctx: Context = { structName: "", path: [], options, state };
  const slot: Slot = { get: () => target, set: () => undefined, field: false };
  try {
    decode(type, slot, value, ctx);
  } catch (err) {
    if (err instanceof Abort) return { error: err.message };
    throw err;
  } finally {
    if (type.kind === "struct") prune(type, target);
  }
  return state.saved === undefined ? {} : { error: state.saved };
}

function isZero(value: unknown): boolean {
  return value === undefined || value === "" || value === 0n || value === false;
}

function store(slot: Slot, value: unknown): void {
  slot.set(slot.field && isZero(value) ? undefined : value);
}

function decode(type: GoType, slot: Slot, value: JsonValue, ctx: Context): void {
  if (value === null) return decodeNull(type, slot);
  switch (type.kind) {
    case "pointer":
      return decodePointer(type, slot, value, ctx);
    case "unmarshaler":
      return decodeUnmarshaler(type, slot, value, ctx);
    case "struct":
    case "map":
    case "slice":
      return decodeComposite(type, slot, value, ctx);
    case "bytes":
      return decodeBytes(type, slot, value, ctx);
    case "string":
    case "bool":
    case "int64":
    case "uint8":
      return decodeScalar(type, slot, value, ctx);
  }
}

/** A struct or map takes an object, a slice an array; any other JSON is a type error. */
function decodeComposite(
  type: GoType & { kind: "struct" | "map" | "slice" },
  slot: Slot,
  value: JsonValue,
  ctx: Context,
): void {
  if (type.kind === "slice") {
    return Array.isArray(value) ? decodeSlice(type, slot, value, ctx) : mismatch(type, value, ctx);
  }
  if (!(value instanceof JsonObject)) return mismatch(type, value, ctx);
  return type.kind === "struct"
    ? decodeStruct(type, slot, value, ctx)
    : decodeMap(type, slot, value, ctx);
}

function mismatch(type: GoType, value: JsonValue, ctx: Context): void {
  save(ctx, typeError(jsonKind(value), type, ctx));
}

/** `null` clears maps, slices and pointers; metav1.Time and the lenient map take it themselves. */
function decodeNull(type: GoType, slot: Slot): void {
  const clears =
    type.kind === "map" ||
    type.kind === "slice" ||
    type.kind === "pointer" ||
    type.kind === "bytes";
  const custom =
    type.kind === "unmarshaler" &&
    type.unmarshaler !== "fieldsV1" &&
    type.unmarshaler !== "rawExtension";
  if (!clears && !custom) return;
  const zero = type.kind === "unmarshaler" && type.unmarshaler === "time" ? ZERO_TIME : null;
  slot.set(slot.field ? undefined : zero);
}

/** The zero value of `type` as this decoder represents it (a new pointer target, a map element). */
export function zeroOf(type: GoType): unknown {
  switch (type.kind) {
    case "struct":
      return {};
    case "string":
      return "";
    case "bool":
      return false;
    case "int64":
      return 0n;
    case "uint8":
      return 0;
    case "unmarshaler":
      return zeroUnmarshaler(type);
    case "map":
    case "slice":
    case "pointer":
    case "bytes":
      return null;
  }
}

function zeroUnmarshaler(type: GoType & { kind: "unmarshaler" }): unknown {
  if (type.unmarshaler === "time") return ZERO_TIME;
  return type.unmarshaler === "encryptedData" ? null : new RawJson("");
}

/** A pointer is allocated before its target is decoded, so even a failed decode leaves it set. */
function decodePointer(
  type: GoType & { kind: "pointer" },
  slot: Slot,
  value: JsonValue,
  ctx: Context,
): void {
  let current = slot.get();
  if (current === undefined || current === null) {
    current = zeroOf(type.elem);
    slot.set(current);
  }
  const inner: Slot = {
    get: () => slot.get(),
    set: (v) => slot.set(v ?? zeroOf(type.elem)),
    field: false,
  };
  decode(type.elem, inner, value, ctx);
}

function decodeScalar(type: GoType, slot: Slot, value: JsonValue, ctx: Context): void {
  if (type.kind === "string" && typeof value === "string") return store(slot, value);
  if (type.kind === "bool" && typeof value === "boolean") return store(slot, value);
  if ((type.kind === "int64" || type.kind === "uint8") && value instanceof JsonNumber) {
    const n = parseDecimalInt(value.text, type.kind === "int64");
    if (n === undefined || (type.kind === "uint8" && n > 255n)) {
      return save(ctx, typeError(`number ${value.text}`, type, ctx));
    }
    return store(slot, type.kind === "uint8" ? Number(n) : n);
  }
  mismatch(type, value, ctx);
}

function decodeBytes(type: GoType, slot: Slot, value: JsonValue, ctx: Context): void {
  if (typeof value === "string") {
    const bytes = decodeGoBase64(value);
    if (bytes instanceof Uint8Array) return slot.set(bytes);
    return save(ctx, `illegal base64 data at input byte ${bytes.illegalAt}`);
  }
  if (Array.isArray(value)) {
    const current = slot.get();
    const out = current instanceof Uint8Array ? Array.from(current) : [];
    decodeArrayInto({ kind: "uint8", name: "uint8" }, out, value, ctx);
    return slot.set(Uint8Array.from(out));
  }
  mismatch(type, value, ctx);
}

function decodeArrayInto(elem: GoType, out: unknown[], value: JsonValue[], ctx: Context): void {
  value.forEach((item, i) => {
    if (i >= out.length) out.push(zeroOf(elem));
    const slot: Slot = {
      get: () => out[i],
      set: (v) => (out[i] = v ?? zeroOf(elem)),
      field: false,
    };
    decode(elem, slot, item, ctx);
  });
  out.length = value.length;
}

/** Slices decode in place: elements beyond the old length are new, earlier ones are reused. */
function decodeSlice(
  type: GoType & { kind: "slice" },
  slot: Slot,
  value: JsonValue[],
  ctx: Context,
): void {
  const current = slot.get();
  const out = Array.isArray(current) ? current : [];
  if (value.length > 0) slot.set(out);
  decodeArrayInto(type.elem, out, value, ctx);
  if (value.length === 0) slot.set([]);
}

function decodeMap(
  type: GoType & { kind: "map" },
  slot: Slot,
  value: JsonObject,
  ctx: Context,
): void {
  let map = slot.get() as TypedObject | null | undefined;
  if (map === undefined || map === null) {
    map = Object.create(null) as TypedObject;
    slot.set(map);
  }
  const target = map;
  // One slot for every element (decode uses a slot only while it runs): a map of 88,000 items
  // then makes no slot and no two closures per item.
  let element: unknown;
  const elementSlot: Slot = { get: () => element, set: (v) => (element = v), field: false };
  const entries = value.entries;
  for (let i = 0; i < entries.length; i++) {
    const [key, item] = entries[i]!;
    element = zeroOf(type.elem);
    decode(type.elem, elementSlot, item, ctx);
    target[key] = element;
  }
}

/** encoding/json's folding of a key for case-insensitive matching (ASCII, ſ and the Kelvin sign). */
function foldKey(key: string): string {
  return key.replace(/[a-z\u017f\u212a]/g, (c) =>
    c === "\u017f" ? "S" : c === "\u212a" ? "K" : c.toUpperCase(),
  );
}

/** The field a key fills: an exact match first, then (unless case-sensitive) a folded one. */
export function findField(
  fields: readonly GoField[],
  key: string,
  caseSensitive = false,
): GoField | undefined {
  // Loops, not find/filter with closures: this runs for every key of every struct decoded (a
  // stream of 60,000 small documents).
  for (let i = 0; i < fields.length; i++) if (fields[i]!.json === key) return fields[i];
  if (caseSensitive) return undefined;
  // Folding keeps the length (ſ and K are one UTF-16 unit each, as S and K): only fields of the
  // key's length can match, and most keys (a document of 100,000 unknown keys) meet none.
  let folded: string | undefined;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field.json.length !== key.length) continue;
    folded ??= foldKey(key);
    if (foldKey(field.json) === folded) return field;
  }
  return undefined;
}

function decodeStruct(
  type: GoType & { kind: "struct" },
  slot: Slot,
  value: JsonObject,
  ctx: Context,
): void {
  let object = slot.get() as TypedObject | undefined;
  if (object === undefined || object === null) {
    object = {};
    slot.set(object);
  }
  const target = object;
  const entries = value.entries;
  for (let i = 0; i < entries.length; i++) {
    const [key, item] = entries[i]!;
    const field = findField(type.fields, key, ctx.options.caseSensitive);
    if (!field) continue;
    const path = field.embedded
      ? [...ctx.path, field.embedded.name, field.json]
      : [...ctx.path, field.json];
    const fieldCtx: Context = { ...ctx, structName: type.name, path };
    const fieldSlot: Slot = {
      get: () => target[field.json],
      set: (v) => {
        if (v === undefined) delete target[field.json];
        else target[field.json] = v;
      },
      field: true,
    };
    decode(field.type, fieldSlot, item, fieldCtx);
  }
}

/** Drops struct fields that ended up as empty structs: Go's zero value of a struct field. */
export function prune(type: GoType & { kind: "struct" }, object: TypedObject): void {
  const fields = type.fields;
  for (let i = 0; i < fields.length; i++) pruneField(fields[i]!.type, object, fields[i]!.json);
}

function pruneField(type: GoType, object: TypedObject, name: string): void {
  const value = object[name];
  if (!value || typeof value !== "object") return;
  if (type.kind === "struct") {
    prune(type, value as TypedObject);
    if (Object.keys(value).length === 0) delete object[name];
  } else if (type.kind === "pointer" && type.elem.kind === "struct") {
    prune(type.elem, value as TypedObject);
  } else if (type.kind === "slice" && type.elem.kind === "struct" && Array.isArray(value)) {
    const elem = type.elem;
    value.forEach((item) => prune(elem, item as TypedObject));
  }
}

function rawText(value: JsonValue): string {
  return value instanceof JsonObject && value.raw !== undefined ? value.raw : marshalJson(value);
}

function decodeUnmarshaler(
  type: GoType & { kind: "unmarshaler" },
  slot: Slot,
  value: JsonValue,
  ctx: Context,
): void {
  switch (type.unmarshaler) {
    case "time":
      return decodeTime(slot, value, ctx);
    case "fieldsV1":
    case "rawExtension":
      return slot.set(new RawJson(rawText(value)));
    case "encryptedData":
      return slot.set(lenientStringMap(value));
  }
}

/** `metav1.Time.UnmarshalJSON`: a JSON string in RFC 3339; anything else stops the decode. */
function decodeTime(slot: Slot, value: JsonValue, ctx: Context): void {
  if (typeof value !== "string") {
    throw new Abort(typeError(jsonKind(value), { kind: "string", name: "string" }, ctx));
  }
  const parsed = parseGoTime(RFC3339, value);
  if (!parsed.ok) throw new Abort(parsed.error);
  slot.set(parsed.utc);
}

/**
 * sealed-secrets' `SealedSecretEncryptedData.UnmarshalJSON`: decode a map[string]string and
 * ignore errors, so a bad value can never stop the controller (non-strings become "").
 */
function lenientStringMap(value: JsonValue): TypedObject {
  const map = Object.create(null) as TypedObject;
  if (!(value instanceof JsonObject)) return map;
  for (const [key, item] of value.entries) map[key] = typeof item === "string" ? item : "";
  return map;
}
