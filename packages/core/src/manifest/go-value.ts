/**
 * Values as Go holds them after go-yaml v2 decodes YAML into `interface{}`: strings, booleans,
 * nil, the three number types it produces (`int`, `uint64` for integers above int64, `float64`),
 * `[]interface{}` and `map[interface{}]interface{}`. The number type matters: sigs.k8s.io/yaml
 * prints them differently when a string is expected (`FormatFloat(f, 'g', -1, 32)` for floats),
 * and `1`, `1.0` and `"1"` are three different map keys in Go. A Go `int` that a JavaScript
 * number holds exactly is that number (a list of a hundred thousand small integers then costs
 * no object per item); every other number is a {@link GoNumber}.
 */
export type GoValue = null | boolean | string | number | GoNumber | GoValue[] | GoMap;

/** A Go `int`: a JavaScript number when it holds the value exactly, else a {@link GoNumber}. */
export function goInt(value: bigint): number | GoNumber {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : GoNumber.int(value);
}

/**
 * An `int`, `uint64` or `float64`. An integer that a JavaScript number holds exactly keeps no
 * bigint (a list of a hundred thousand small numbers then costs one object per item, not two).
 */
export class GoNumber {
  readonly kind: "int" | "uint64" | "float64";
  readonly float: number;
  /** The integer when `float` does not hold it exactly. */
  private readonly big: bigint | undefined;

  private constructor(kind: "int" | "uint64" | "float64", float: number, big?: bigint) {
    this.kind = kind;
    this.float = float;
    this.big = big;
  }

  /** The integer value (0n for a float64). */
  get integer(): bigint {
    if (this.big !== undefined) return this.big;
    return this.kind === "float64" ? 0n : BigInt(this.float);
  }

  /** The integer's decimal text (for a float64, "0"). */
  integerText(): string {
    if (this.big !== undefined) return String(this.big);
    return this.kind === "float64" ? "0" : String(this.float);
  }

  static int(value: bigint): GoNumber {
    return GoNumber.integral("int", value);
  }

  static uint64(value: bigint): GoNumber {
    return GoNumber.integral("uint64", value);
  }

  static float64(value: number): GoNumber {
    return new GoNumber("float64", value);
  }

  private static integral(kind: "int" | "uint64", value: bigint): GoNumber {
    const float = Number(value);
    return new GoNumber(kind, float, Number.isSafeInteger(float) ? undefined : value);
  }
}

/**
 * A `map[interface{}]interface{}`: entries keyed by Go's key identity (type and value), in the
 * order their keys were first set. A string key is its own identity; any other key is held by a
 * token per identity (a map of a hundred thousand string keys then costs no extra string and no
 * extra object per key).
 */
export class GoMap {
  /** Made on the first entry: a document of many empty maps then holds no `Map` for each. */
  private values: Map<string | KeyToken, GoValue> | undefined;
  private tokens: Map<string, KeyToken> | undefined;

  set(key: GoValue, value: GoValue): void {
    this.values ??= new Map();
    if (typeof key === "string") {
      this.values.set(key, value);
      return;
    }
    const id = keyIdentity(key);
    this.tokens ??= new Map();
    let token = this.tokens.get(id);
    if (token) token.key = key;
    else this.tokens.set(id, (token = new KeyToken(key)));
    this.values.set(token, value);
  }

  /** Every key is a string (two keys then never mean the same JSON key). */
  get stringKeys(): boolean {
    return this.tokens === undefined;
  }

  get size(): number {
    return this.values?.size ?? 0;
  }

  /** Calls `use` for each entry in order; the key is the last one set for its identity. */
  forEach(use: (key: GoValue, value: GoValue) => void): void {
    // Map#forEach, not for-of: no [key, value] array per entry (76,000 of them for a large map).
    this.values?.forEach((value, id) => use(typeof id === "string" ? id : id.key, value));
  }
}

/** A non-string key of a {@link GoMap}: one per identity; the last key set for it. */
class KeyToken {
  key: GoValue;

  constructor(key: GoValue) {
    this.key = key;
  }
}

/** Identity of a map key as Go compares interface values: dynamic type plus value. */
export function keyIdentity(key: GoValue): string {
  if (key === null) return "nil";
  if (typeof key === "string") return `s:${key}`;
  if (typeof key === "boolean") return `b:${key}`;
  if (typeof key === "number") return `i:${key}`;
  if (key instanceof GoNumber) {
    if (key.kind === "float64") return `f:${Object.is(key.float, -0) ? "0" : String(key.float)}`;
    return `${key.kind === "int" ? "i" : "u"}:${key.integerText()}`;
  }
  // Maps and slices are refused as keys before they get here (go-yaml: "invalid map key").
  return `?:${Array.isArray(key) ? "slice" : "map"}`;
}
