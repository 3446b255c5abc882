import { describe, expect, it } from "vitest";

import { SECRET_TYPE } from "./go-types.js";
import { unmarshalInto } from "./go-unmarshal.js";
import type { RawJson, TypedObject } from "./go-unmarshal.js";
import { GoNumber } from "./go-value.js";
import type { JsonObject, JsonValue } from "./json-tree.js";
import { yamlChunkToJson } from "./yaml-chunk.js";

const HEAD = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  managedFields:\n";

/** The FieldsV1 text a Secret's first managedFields entry is decoded with, or the read's error. */
function fieldsV1Of(fieldsV1: string): string {
  const secret: TypedObject = {};
  const input = Buffer.from(`${HEAD}  - fieldsV1: ${fieldsV1}\n`);
  const converted = yamlChunkToJson(input, SECRET_TYPE, secret);
  if (!converted.ok) return `error: ${converted.error}`;
  const { error } = unmarshalInto(SECRET_TYPE, secret, converted.json);
  if (error !== undefined) return `error: ${error}`;
  const [entry] = (secret.metadata as { managedFields: { fieldsV1?: RawJson }[] }).managedFields;
  return entry!.fieldsV1?.text ?? "nil";
}

describe("a map headed for FieldsV1 is kept as the JSON text json.Marshal writes for it", () => {
  it.each([
    ["keys sorted by their bytes, compact", "{b: 1, a: 2, B: 3}", '{"B":3,"a":2,"b":1}'],
    [
      "numbers, booleans, nulls and strings as Go writes them (HTML characters escaped)",
      '{a: [1.5, 1e3, 0x10, true, ~, "x<&>"]}',
      '{"a":[1.5,1000,16,true,null,"x\\u003c\\u0026\\u003e"]}',
    ],
    [
      "integers beyond 2^53 keep every digit",
      "{a: 9223372036854775807, b: 18446744073709551615, c: -9007199254740993}",
      '{"a":9223372036854775807,"b":18446744073709551615,"c":-9007199254740993}',
    ],
    [
      "non-string keys become their text",
      "{1: a, true: b, 1.5: c}",
      '{"1":"a","1.5":"c","true":"b"}',
    ],
    ["nested maps sorted at every level", "{z: {b: 1, a: 2}, a: {}}", '{"a":{},"z":{"a":2,"b":1}}'],
    ["the f: form kubectl writes", '{"f:data": {"f:a": {}}}', '{"f:data":{"f:a":{}}}'],
  ])("%s", (_name, input, want) => {
    expect(fieldsV1Of(input)).toBe(want);
  });

  it.each([
    [
      "a NaN anywhere fails the marshal",
      "{a: [1, .nan]}",
      "error: error converting YAML to JSON: json: unsupported value: NaN",
    ],
    [
      "the first unsupported number in json.Marshal's (sorted) order is the one named",
      "{b: .nan, a: {y: 1, x: -.inf}}",
      "error: error converting YAML to JSON: json: unsupported value: -Inf",
    ],
  ])("%s", (_name, input, want) => {
    expect(fieldsV1Of(input)).toBe(want);
  });

  it("refuses two keys that mean the same once converted, as for any other map", () => {
    expect(fieldsV1Of('{1: a, "1": b}')).toMatch(/two keys of a map both mean "1"/);
  });

  it("builds no JSON tree for it: a hundred thousand numbers cost their text only", () => {
    const numbers = Array.from({ length: 100_000 }, (_, i) => i).join(",");
    const input = Buffer.from(`${HEAD}  - fieldsV1: {f: [${numbers}]}\n`);
    const converted = yamlChunkToJson(input, SECRET_TYPE, {});
    expect(converted.ok).toBe(true);
    const member = (object: JsonValue, key: string): JsonValue =>
      (object as JsonObject).entries.find(([k]) => k === key)![1];
    const entry = (
      member(
        member(converted.ok ? converted.json : null, "metadata"),
        "managedFields",
      ) as JsonValue[]
    )[0]!;
    const fieldsV1 = member(entry, "fieldsV1") as JsonObject;
    expect(fieldsV1.entries).toEqual([]);
    expect(fieldsV1.raw).toBe(`{"f":[${numbers}]}`);
  });

  it("leaves the pointer nil for a FieldsV1 given null", () => {
    expect(fieldsV1Of("null")).toBe("nil");
  });
});

describe("a Go integer keeps its exact value whether or not a JavaScript number holds it", () => {
  it.each([
    ["zero", GoNumber.int(0n), "0"],
    ["the largest safe integer", GoNumber.int(2n ** 53n - 1n), "9007199254740991"],
    ["one past it", GoNumber.int(2n ** 53n + 1n), "9007199254740993"],
    ["the smallest int64", GoNumber.int(-(2n ** 63n)), "-9223372036854775808"],
    ["the largest uint64", GoNumber.uint64(2n ** 64n - 1n), "18446744073709551615"],
    ["a float64 (no integer)", GoNumber.float64(1.5), "0"],
  ])("%s", (_name, number, text) => {
    expect(number.integerText()).toBe(text);
    expect(number.integer).toBe(BigInt(text));
  });
});
