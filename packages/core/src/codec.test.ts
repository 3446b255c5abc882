import { describe, expect, it } from "vitest";

import {
  decodeDocuments,
  encodeJson,
  encodeYaml,
  isMultiDocument,
  parseOutputFormat,
} from "./codec.js";

describe("decodeDocuments", () => {
  it.each([
    ["two JSON objects separated by a newline", '{"a":1}\n{"b":2}', [{ a: 1 }, { b: 2 }]],
    [
      "concatenated JSON with braces inside strings",
      '{"a":"}{"}{"b":"\\"}"}',
      [{ a: "}{" }, { b: '"}' }],
    ],
    ["two YAML documents", "a: 1\n---\nb: 2\n", [{ a: 1 }, { b: 2 }]],
    ["YAML with empty documents skipped", "---\n---\na: 1\n---\n", [{ a: 1 }]],
    ["an empty stream", "", []],
  ])("reads %s", (_, text, expected) => {
    expect(decodeDocuments(text, "stdin")).toEqual(expected);
  });

  it.each([
    [
      "malformed JSON (Go's JSON error, then YAML fails too)",
      '{"a": ]}',
      "secret.yaml: document 1, line 1: json: offset 7: invalid character ']' looking for beginning of value",
    ],
    [
      "malformed YAML in the second document",
      "a: 1\n---\nb: [\n",
      /^secret\.yaml: document 2, line 3: error converting YAML to JSON: yaml: line 2: /,
    ],
  ])("names the source and document on %s", (_, text, message) => {
    expect(() => decodeDocuments(text, "secret.yaml")).toThrow(
      expect.objectContaining({
        code: "ERR_INVALID_INPUT",
        message: expect.stringMatching(message),
      }),
    );
  });

  it("reads what JSON cannot as YAML, as Go's YAMLOrJSONDecoder does", () => {
    expect(decodeDocuments('{"a": }', "stdin")).toEqual([{ a: null }]);
  });
});

describe("encoders", () => {
  it("escapes <, > and & in JSON as Go does and ends with a newline", () => {
    expect(encodeJson({ a: "<x> & y" })).toBe('{\n  "a": "\\u003cx\\u003e \\u0026 y"\n}\n');
  });

  it("writes YAML with sorted keys, no folding, behind a --- separator", () => {
    const long = "A".repeat(300);
    expect(encodeYaml({ spec: { z: 1, a: long }, kind: "K" })).toBe(
      `---\nkind: K\nspec:\n  a: ${long}\n  z: 1\n`,
    );
  });

  it.each([
    // Sealed values and their base64 punctuation: plain, whatever their length.
    ["AgB+/xZ9=", "AgB+/xZ9="],
    [`Ag${"B/+9".repeat(200)}==`, `Ag${"B/+9".repeat(200)}==`],
    // What the quick check leaves to the full one: quoted where YAML 1.1 reads another type.
    ["123", '"123"'],
    ["1e5", '"1e5"'],
    ["0x1F", '"0x1F"'],
    ["yes", '"yes"'],
    ["+5", '"+5"'],
    ["+abc/=", "+abc/="],
    ["/abc", "/abc"],
    ["a: b", "'a: b'"],
    ["a #b", "'a #b'"],
    ["- a", "'- a'"],
    ["a\u00e9b", "a\u00e9b"],
  ])("writes the string %j in YAML as go-yaml does (%s)", (value, written) => {
    expect(encodeYaml({ v: value })).toBe(`---\nv: ${written}\n`);
  });

  it.each([
    ["", "json"],
    ["JSON", "json"],
    ["Yaml", "yaml"],
  ])("accepts --format %j", (value, format) => {
    expect(parseOutputFormat(value)).toBe(format);
  });

  it("refuses an unknown format in kubeseal's words", () => {
    expect(() => parseOutputFormat("xml")).toThrow("unsupported output format: xml");
  });
});

describe("isMultiDocument", () => {
  it.each([
    ["foo\n---\n", true],
    ["---\nfoo\n---\n", true],
    ["---\nfoo", false],
    ["foo\n  ---\nbar", false],
    ["foo", false],
  ])("%j -> %s", (text, multi) => {
    expect(isMultiDocument(text)).toBe(multi);
  });
});

describe("decodeDocuments on deeply nested flow collections", () => {
  const nested = (n: number, open: string, close: string): string =>
    `${open.repeat(n)}${close.repeat(n)}`;
  it.each([
    ["sequences 256 deep", `a: ${nested(256, "[", "]")}\n`, true],
    ["mappings 256 deep", `a: ${"{a: ".repeat(255)}{}${"}".repeat(255)}\n`, true],
    [
      "brackets inside quoted strings",
      `a: "${"[".repeat(5000)}"\nb: '${"{".repeat(5000)}'\n`,
      true,
    ],
    ["brackets in comments", `# ${"[".repeat(5000)}\na: 1\n`, true],
    ["sequences 257 deep", `a: ${nested(257, "[", "]")}\n`, false],
    ["sequences 100,000 deep (once a process abort)", nested(100_000, "[", "]"), false],
    ["mappings 50,000 deep", `a: ${"{a: ".repeat(50_000)}1${"}".repeat(50_000)}\n`, false],
  ])("reads or refuses %s without running out of stack", (_what, text, reads) => {
    const decode = (): unknown => decodeDocuments(text, "input.yaml");
    if (reads) expect(decode).not.toThrow();
    else expect(decode).toThrow(/input\.yaml: .*nested deeper than 256 levels/);
  });
});
