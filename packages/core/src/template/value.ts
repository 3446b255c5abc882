/**
 * Runtime values of the template engine, modelled on the Go types that text/template and sprig
 * produce (reflect kinds drive truthiness, comparison, printing and argument checks).
 *
 * - Go `string` is a JS string holding one byte per UTF-16 code unit (a "byte string"), so `len`,
 *   slicing and base64 are byte-exact even for values that are not UTF-8.
 * - Go `float64` is a JS number; every integer type is a {@link GoInt} (a bigint and its Go type).
 * - Slices, maps, times and structs are classes. `null` is Go's nil (and the invalid value).
 *
 * Nothing here walks JS properties: maps are `Map`s and structs expose an explicit allowlist.
 */

/** Go integer type names the engine distinguishes (argument checks and `%T` depend on them). */
export type IntType = "int" | "int64" | "int32" | "uint8" | "uint" | "uint64";

/** A Go integer of a given type; `v` is kept within the type's range. */
export class GoInt {
  readonly type: IntType;
  readonly v: bigint;

  constructor(type: IntType, v: bigint) {
    this.type = type;
    this.v = v;
  }
}

/** A Go slice; `elem` is the element type name (`interface {}`, `string`, `uint8`...). */
export class GoSlice {
  readonly elem: string;
  /** A typed nil slice: prints `[]` but encodes to JSON `null`. */
  readonly isNil: boolean;
  /**
   * The backing array and this slice's window on it: as in Go, `slice $l 1` shares `$l`'s
   * array, so sorting one in place (sprig's sortAlpha of a `[]string`) shows through the other.
   */
  private readonly arr: GoValue[];
  private readonly off: number;
  private readonly n: number;

  /** `view`: this slice's window on `items` (all of it when absent). */
  constructor(
    items: GoValue[],
    elem = "interface {}",
    isNil = false,
    view: { off: number; n: number } = { off: 0, n: items.length },
  ) {
    this.arr = items;
    this.elem = elem;
    this.isNil = isNil;
    this.off = view.off;
    this.n = view.n;
  }

  /** The elements (the backing array itself when the slice spans all of it; do not mutate). */
  get items(): GoValue[] {
    return this.off === 0 && this.n === this.arr.length
      ? this.arr
      : this.arr.slice(this.off, this.off + this.n);
  }

  /** Go's `s[lo:hi]`: a slice of the same array. */
  window(lo: number, hi: number): GoSlice {
    return new GoSlice(this.arr, this.elem, this.isNil, { off: this.off + lo, n: hi - lo });
  }

  /** Sorts the elements in place, in the backing array every slice of it sees. */
  sortInPlace(compare: (a: GoValue, b: GoValue) => number): void {
    const sorted = this.items.slice().sort(compare);
    sorted.forEach((v, i) => (this.arr[this.off + i] = v));
  }
}

/** A Go `map[string]T`; `elem` is the value type name. Iteration order is sorted by key. */
export class GoMap {
  readonly elem: string;
  readonly m: Map<string, GoValue>;
  /** A typed nil map: prints `map[]` but encodes to JSON `null`; writes into it fail. */
  readonly isNil: boolean;

  constructor(m: Map<string, GoValue> = new Map(), elem = "interface {}", isNil = false) {
    this.m = m;
    this.elem = elem;
    this.isNil = isNil;
  }
}

/** A Go `time.Time`: Unix nanoseconds plus a fixed zone (name and offset in seconds). */
export class GoTime {
  readonly ns: bigint;
  readonly zone: string;
  readonly offset: number;

  constructor(ns: bigint, zone = "UTC", offset = 0) {
    this.ns = ns;
    this.zone = zone;
    this.offset = offset;
  }
}

/** A Go struct pointer with an explicit allowlist of zero-argument methods or fields. */
export class GoStruct {
  readonly type: string;
  readonly fields: ReadonlyMap<string, () => GoValue>;
  readonly str: () => string;

  constructor(type: string, fields: ReadonlyMap<string, () => GoValue>, str: () => string) {
    this.type = type;
    this.fields = fields;
    this.str = str;
  }
}

/** Any value the template engine handles. */
export type GoValue =
  string | number | boolean | null | GoInt | GoSlice | GoMap | GoTime | GoStruct;

/** Go `int` from a JS number or bigint. */
export function goInt(v: number | bigint): GoInt {
  return new GoInt("int", BigInt.asIntN(64, BigInt(v)));
}

/** Go `int64` from a JS number or bigint (wraps like Go). */
export function goInt64(v: number | bigint): GoInt {
  return new GoInt("int64", BigInt.asIntN(64, BigInt(v)));
}

/** The Go type name of a value, as `%T` and sprig's `typeOf` print it. */
export function typeName(v: GoValue): string {
  if (v === null) return "<nil>";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "float64";
  if (typeof v === "boolean") return "bool";
  if (v instanceof GoInt) return v.type;
  if (v instanceof GoSlice) return `[]${v.elem}`;
  if (v instanceof GoMap) return `map[string]${v.elem}`;
  if (v instanceof GoTime) return "time.Time";
  return v.type;
}

/** The Go reflect kind of a value, as sprig's `kindOf` prints it. */
export function kindName(v: GoValue): string {
  if (v === null) return "invalid";
  if (v instanceof GoSlice) return "slice";
  if (v instanceof GoMap) return "map";
  if (v instanceof GoTime) return "struct";
  if (v instanceof GoStruct) return "ptr";
  return typeName(v);
}

/** Go text/template truth: false, 0, nil and empty strings, slices and maps are false. */
export function isTrue(v: GoValue): boolean {
  if (v === null) return false;
  if (typeof v === "string") return v.length > 0;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "boolean") return v;
  if (v instanceof GoInt) return v.v !== 0n;
  if (v instanceof GoSlice) return v.items.length > 0;
  if (v instanceof GoMap) return v.m.size > 0;
  return true;
}

/** Map keys in Go's sorted order (byte-wise, which is code-unit order on byte strings). */
export function sortedKeys(m: GoMap): string[] {
  return [...m.m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** True for unsigned integer kinds. */
export function isUnsigned(t: IntType): boolean {
  return t === "uint8" || t === "uint" || t === "uint64";
}
