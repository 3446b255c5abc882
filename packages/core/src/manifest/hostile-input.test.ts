import { Parser } from "yaml";
import { describe, expect, it, vi } from "vitest";

import { SECRET_TYPE } from "./go-types.js";
import { SignetError } from "../errors.js";
import {
  decodeSealedSecretObject,
  decodeSecrets,
  ManifestReadError,
  readManifest,
} from "./index.js";
import { readObjects } from "./stream.js";
import { parseFastYaml } from "./yaml-fast.js";
import { parseYaml, YamlSyntaxError } from "./yaml-parse.js";
import { SEPARATOR_ERROR, YamlDocumentReader } from "./yaml-reader.js";

/**
 * The hostile inputs of BENCHMARKS.md's "Bad input budget" (bench/bad-input.ts builds the same)
 * that once cost the CLI over 100 MiB: each must be refused with the error it always had, and
 * without the work that made it expensive. Time and memory are measured by the benchmark; these
 * tests bound the work by what is built (events, parser runs, byte views), never by the clock.
 */
const MiB = 1024 * 1024;
const HEAD = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: ns\n";
const EMPTY_DOCUMENTS = Buffer.from("---\n".repeat(MiB / 4 - 1));
const BAD_UTF8_AFTER_COMMENTS = Buffer.concat([
  Buffer.from(`${HEAD}${"# c\n".repeat(MiB / 4 - 100)}stringData:\n  a: `),
  Buffer.from([0xff, 0x0a]),
]);
const UNCLOSED_QUOTE = Buffer.from(`${HEAD}stringData:\n  a: "${"z".repeat(MiB - 200)}\n`);

/** `text` decodes to its Secret (stringData `a: b`) without the full YAML parser running. */
function expectReadFast(text: string): void {
  const parse = vi.spyOn(Parser.prototype, "parse");
  const [secret] = decodeSecrets(Buffer.from(text), "stdin");
  expect(secret!.stringData).toEqual({ a: "b" });
  expect(parse).not.toHaveBeenCalled();
  parse.mockRestore();
}

function refusal(input: Uint8Array): string {
  try {
    decodeSecrets(input, "stdin");
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestReadError);
    return (err as ManifestReadError).message;
  }
  throw new Error("the input was not refused");
}

describe("hostile inputs of the bad input budget", () => {
  it("reads a megabyte of `---` lines as empty documents, keeping one shared event for them", () => {
    expect(decodeSecrets(EMPTY_DOCUMENTS, "stdin")).toEqual([]);
    const { events } = readObjects(EMPTY_DOCUMENTS, SECRET_TYPE);
    expect(events).toHaveLength(131_072);
    expect(new Set(events).size).toBe(1);
    expect(events[0]).toEqual({ value: {}, empty: true });
  });

  it("keeps each empty document's span when the documents are read for editing", () => {
    const docs = readManifest("---\n---\n---\n---\n", "stdin");
    expect(docs.map((d) => [d.start, d.end, d.line])).toEqual([
      [0, 4, 1],
      [8, 12, 3],
    ]);
  });

  it("refuses invalid UTF-8 after a megabyte of comments with go-yaml's reader error, without the full parser", () => {
    const parse = vi.spyOn(Parser.prototype, "parse");
    expect(refusal(BAD_UTF8_AFTER_COMMENTS)).toBe(
      "stdin: document 1, line 1: error converting YAML to JSON: yaml: invalid leading UTF-8 octet",
    );
    expect(parse).not.toHaveBeenCalled();
  });

  it("refuses a megabyte of unclosed double quote with the full parser's error, without running it", () => {
    const parse = vi.spyOn(Parser.prototype, "parse");
    expect(refusal(UNCLOSED_QUOTE)).toBe(
      'stdin: document 1, line 1: error converting YAML to JSON: yaml: line 8: Missing closing "quote',
    );
    expect(parse).not.toHaveBeenCalled();
  });

  it("still runs the full parser for invalid UTF-8 in a document outside the fast subset", () => {
    const parse = vi.spyOn(Parser.prototype, "parse");
    const input = Buffer.concat([
      Buffer.from(`${HEAD}items:\n- a\n# c\n  b: `),
      Buffer.from([0xff]),
    ]);
    expect(refusal(input)).toBe(
      "stdin: document 1, line 1: error converting YAML to JSON: yaml: invalid leading UTF-8 octet",
    );
    expect(parse).toHaveBeenCalled();
  });
});

describe("an unclosed double quote on a document's last line", () => {
  // Each text is in the fast reader's subset up to its last line; the shortcut must say exactly
  // what the full reader says (message and offset).
  it.each([
    ['a: "x', "one line without a line break"],
    ['a: "x\n', "one line"],
    ['---\na: "x y # z: w\n', "after an opening `---`"],
    ['a: b\nc:\n  d: e\n  f: "g\n', "nested, after other keys"],
    ['# c\n\na: b\n\n# d\nk: "\n', "after comments and blank lines, empty value"],
    ["a: b\nc: \"it's\n", "holding a single quote"],
  ])("%j fails as in the full reader (%s)", (text) => {
    const fast = parseFastYaml(text);
    expect(fast).toHaveProperty("unclosedQuote");
    let full: YamlSyntaxError | undefined;
    try {
      parseYaml(text);
    } catch (err) {
      full = err as YamlSyntaxError;
    }
    expect(full).toBeInstanceOf(YamlSyntaxError);
    const { message, offset } = (fast as { unclosedQuote: { message: string; offset: number } })
      .unclosedQuote;
    expect({ message, offset }).toEqual({ message: full!.message, offset: full!.offset });
    expect(full!.yaml12).toBe(true);
  });

  it.each([
    ['a: "x\nb: c\n', "a line follows"],
    ['a: "x\\ty\n', "an escape"],
    ['a: "x\n\n', "a blank line follows"],
    ["a: 'x\n", "a single quote"],
    ['a:\n- "x\n', "a sequence"],
  ])("%j is left to the full reader (%s)", (text) => {
    expect(parseFastYaml(text)).toBeUndefined();
  });
});

describe("the document splitter", () => {
  function documents(text: string): string[] {
    const reader = new YamlDocumentReader(Buffer.from(text), 0);
    const out: string[] = [];
    for (let r = reader.read(); r.kind === "document"; r = reader.read()) {
      out.push(Buffer.from(r.bytes).toString());
    }
    return out;
  }

  it.each([
    ["a\nb\n", ["a\nb\n"]],
    ["a\r\nb\r\n", ["a\nb\n"]],
    ["a\nb", ["a\nb\n"]],
    ["a\r\n\r\nb\n", ["a\n\nb\n"]],
    ["a\r\rb\n", ["a\r\rb\n"]],
    ["---\n---\n", ["---\n"]],
    ["a\n--- # c\nb\r\n---\n", ["a\n", "b\n"]],
    ["a\n---\u00a0\nb\n", ["a\n", "b\n"]],
  ])("splits %j into %j", (text, expected) => {
    expect(documents(text)).toEqual(expected);
  });

  it("reports a separator followed by text as Go does, without repeating the text", () => {
    const reader = new YamlDocumentReader(Buffer.from("a\n--- {password: hunter2} \nb\n"), 0);
    const read = reader.read();
    expect(read).toEqual({ kind: "error", message: SEPARATOR_ERROR });
    expect(JSON.stringify(read)).not.toContain("hunter2");
  });

  it("builds a document of many LF-ended lines from one range of the input", () => {
    // A plain byte array: a Node.js Buffer has a `subarray` of its own.
    const input = new Uint8Array(Buffer.from(`a: b\n${"# c\n".repeat(10_000)}d: e`));
    const subarray = vi.spyOn(Uint8Array.prototype, "subarray");
    const read = new YamlDocumentReader(input, 0).read();
    const views = subarray.mock.calls.length;
    subarray.mockRestore();
    expect(read.kind === "document" && Buffer.from(read.bytes).toString()).toBe(
      `${Buffer.from(input).toString()}\n`,
    );
    expect(views).toBeLessThanOrEqual(2);
  });
});

describe("an apiVersion named like a member of every JavaScript object", () => {
  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "%s is an unknown version, as any other",
    (version) => {
      expect(() => decodeSealedSecretObject(`apiVersion: ${version}\nkind: Foo\n`, "f")).toThrow(
        new SignetError(
          "ERR_INVALID_INPUT",
          `no kind "Foo" is registered for version "${version}" in scheme "pkg/runtime/scheme.go:111"`,
        ),
      );
    },
  );
});

describe("keys named like members of every JavaScript object", () => {
  it("stay own keys of the model's maps, and a null []byte reads as empty", () => {
    const [secret] = decodeSecrets(
      `${HEAD}stringData: {__proto__: a, constructor: b}\ndata: {__proto__: YQ==, k: null}\n`,
      "f",
    );
    expect(Object.getPrototypeOf(secret!.stringData)).toBe(Object.prototype);
    expect(Object.entries(secret!.stringData!)).toEqual([
      ["__proto__", "a"],
      ["constructor", "b"],
    ]);
    expect(Object.getPrototypeOf(secret!.data)).toBe(Object.prototype);
    expect(Object.entries(secret!.data!)).toEqual([
      ["__proto__", "YQ=="],
      ["k", ""],
    ]);
  });
});

describe("a large but ordinary document (kubeseal seals each)", () => {
  const ITEMS = 260_000; // past what V8 accepts as spread call arguments
  it.each([
    ["a block list", `${HEAD}stringData:\n  a: b\nextra:\n${"- a\n".repeat(ITEMS)}`],
    ["a flow list", `${HEAD}stringData:\n  a: b\nextra: [${"a,".repeat(ITEMS)}a]\n`],
    [
      "a flow mapping",
      `${HEAD}stringData:\n  a: b\nextra: {${Array.from({ length: 100_000 }, (_, i) => `k${i}: 1`).join(", ")}}\n`,
    ],
    [
      "a JSON array",
      `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"ns"},"stringData":{"a":"b"},"extra":[${"1,".repeat(ITEMS)}1]}`,
    ],
  ])("is read when it holds %s of 100,000 to 260,000 items under a field Go ignores", (_, text) => {
    const [secret] = decodeSecrets(Buffer.from(text), "stdin");
    expect(secret!.stringData).toEqual({ a: "b" });
  });

  it("has its repeated keys found beside a block list of 260,000 items", async () => {
    const { findDuplicateKey } = await import("./duplicate-keys.js");
    const { parseDocument } = await import("yaml");
    const doc = parseDocument(`list:\n${"- a\n".repeat(ITEMS)}k: 1\nk: 2\n`, { uniqueKeys: false });
    expect(findDuplicateKey(doc)?.key).toBe("k");
  });
});

describe("a large document under a field Go ignores, read without the full parser or a JSON tree", () => {
  const LIST = `${HEAD}stringData:\n  a: b\nextra:\n${"- a\n".repeat(262_000)}`;
  const ANCHORS = `${HEAD}stringData:\n  a: b\nextra:\n${Array.from({ length: 100_000 }, (_, i) => `- &a${i} x\n`).join("")}`;
  const ITEM_MAPS = `${HEAD}stringData:\n  a: b\nextra:\n${"- k: v\n  j: *x\n".repeat(19_990)}`;
  const MAP = `${HEAD}stringData:\n  a: b\nextra:\n${Array.from({ length: 80_000 }, (_, i) => `  k${i}: v\n`).join("")}`;

  it.each([
    ["a block list of 262,000 items", LIST],
    ["100,000 anchored items", ANCHORS],
    ["19,990 one-line mappings in a list, with aliases", `x: &x y\n${ITEM_MAPS}`],
    ["a map of 80,000 keys", MAP],
  ])("reads %s with the fast reader", (_, text) => expectReadFast(text));

  it("keeps null in place of a YAML value no field takes", async () => {
    const { goYamlValue } = await import("./yaml-chunk.js");
    const { toJson } = await import("./sigs-yaml.js");
    const { JsonObject } = await import("./json-tree.js");
    const read = goYamlValue(Buffer.from(MAP));
    const json = toJson("value" in read ? read.value! : null, SECRET_TYPE, {});
    expect(json).toBeInstanceOf(JsonObject);
    expect(new Map((json as InstanceType<typeof JsonObject>).entries).get("extra")).toBeNull();
  });

  it("keeps null in place of a JSON member no field takes, and the rest as read", async () => {
    const { GoJsonStream } = await import("./go-json-scan.js");
    const text = `{"kind":"Secret","extra":[${"1,".repeat(1000)}{"a":[1]}],"data":{"a":"Yg=="}}`;
    const read = new GoJsonStream(Buffer.from(text), 0, (key) => key !== "extra").next();
    expect(read.kind === "value" && read.value).toEqual({
      entries: [
        ["kind", "Secret"],
        ["extra", null],
        ["data", { entries: [["a", "Yg=="]], raw: '{"a":"Yg=="}' }],
      ],
      raw: text,
    });
  });

  // The untyped reader converts every value whole: what it refuses, the typed one must too.
  it.each([
    ["a NaN", "extra:\n  b: [1, .nan]\n"],
    ["the first of two infinities in key order", "extra:\n  z: .inf\n  b: {c: -.inf}\n"],
    ["two keys meaning the same", "extra:\n- {1: a, '1': b}\n"],
    ["a key of no JSON form", "extra:\n  ? [a]\n  : b\n"],
    ["a null key", "extra:\n  ~: b\n"],
    ["a key beyond int64", "extra:\n  18446744073709551615: b\n"],
    [
      "an alias bomb",
      `extra: &a [x, x, x, x, x, x, x, x, x]\n${"bcdefgh"
        .split("")
        .map((c, i) => `${c}: &${c} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(", ")}]`)
        .join("\n")}\n`,
    ],
  ])("refuses %s under a field Go ignores as the untyped reader does", (_, extra) => {
    const text = `${HEAD}stringData:\n  a: b\n${extra}`;
    let untyped: unknown;
    try {
      readManifest(text, "stdin");
    } catch (err) {
      untyped = (err as ManifestReadError).detail;
    }
    expect(untyped).toBeDefined();
    let typed: unknown;
    try {
      decodeSecrets(text, "stdin");
    } catch (err) {
      typed = (err as ManifestReadError).detail;
    }
    expect(typed).toBe(untyped);
  });

  it("refuses a JSON syntax error inside a member no field takes", () => {
    expect(refusal(Buffer.from(`{"kind":"Secret","extra":[1,[2,}]}`))).toMatch(
      /invalid character '}' looking for beginning of value/,
    );
  });
});

describe("tag-like text inside scalars (content to go-yaml, not a tag)", () => {
  it.each([
    ["a double-quoted password", 'a: "{!Passw0rd}"', { a: "{!Passw0rd}" }],
    ["a single-quoted value", "a: '[!abc]'", { a: "[!abc]" }],
    ["a quoted value with a space after the brace", 'a: "{ !a}"', { a: "{ !a}" }],
    ["a plain key signet writes unquoted", "a{!t: x", { "a{!t": "x" }],
  ])("reads %s beside a flow collection", (_, line, want) => {
    const text = `${HEAD}  labels: {}\nstringData:\n  ${line}\n`;
    expect(decodeSecrets(Buffer.from(text), "stdin")[0]!.stringData).toEqual(want);
  });

  it("still refuses a real tag that the two readers end differently", () => {
    expect(() => decodeSecrets(Buffer.from(`${HEAD}stringData: [!t,x]\n`), "stdin")).toThrow(
      /read differently by YAML 1.1 and YAML 1.2 parsers/,
    );
  });

  // A password written unquoted with `,`, `[` or `]` is a tag to libyaml and a syntax error to
  // the YAML 1.2 reader: the refusal names the cause (the tag), not the YAML 1.2 reader's token.
  it.each(["!Secr3t,x", "!Secr3t]", "![Secr3t", "!Secr3t] y"])(
    "refuses the block value %s as a tag read differently, without its text",
    (value) => {
      const text = `${HEAD}stringData:\n  a: ${value}\n  b: c\n`;
      expect(() => decodeSecrets(Buffer.from(text), "stdin")).toThrow(
        /^(?!.*Secr3t).*a tag directly followed by ',', '\[' or '\]' is read differently/s,
      );
    },
  );

  it.each(["!Secr3t}", "!Secr3t{x"])(
    "fails on the block value %s with libyaml's error",
    (value) => {
      const text = `${HEAD}stringData:\n  a: ${value}\n`;
      expect(() => decodeSecrets(Buffer.from(text), "stdin")).toThrow(
        /^(?!.*Secr3t).*line 7: did not find expected whitespace or line break$/s,
      );
    },
  );
});

describe("nesting the reader's stack cannot hold", () => {
  it("is refused as too deep, never with the runtime's stack-overflow text", () => {
    const levels = 1_000;
    const seq = Array.from({ length: levels }, (_, i) => `${"  ".repeat(i)}-\n`).join("");
    const text = `${HEAD}stringData:\n  a: b\nx:\n${seq}${"  ".repeat(levels)}a\n`;
    const message = refusal(Buffer.from(text));
    expect(message).toMatch(/nesting deeper than/);
    expect(message).not.toMatch(/call stack/);
  });
});

describe("a large document in flow style or outside the fast subset, read or refused within bounds", () => {
  const FLOW_LIST = `${HEAD}stringData:\n  a: b\nextra: [${"1,".repeat(500_000)}1]\n`;
  const ROOT_FLOW = `{apiVersion: v1, kind: Secret, metadata: {name: s, namespace: ns}, stringData: {a: b}, extra: [${"*x, ".repeat(200_000)}*x]}\n`;
  const LIST_BESIDE_FLOW = `${HEAD}stringData: {a: b}\nextra:\n${"- a\n".repeat(200_000)}`;
  const flowMaps = (n: number): string =>
    `${HEAD}stringData:\n  a: b\nextra:\n${"- {a: b}\n".repeat(n)}`;
  const tagged = (n: number): string =>
    `${HEAD}stringData:\n  a: b\nextra:\n${"- !!str a\n".repeat(n)}`;

  it.each([
    ["a flow list of 500,001 numbers", FLOW_LIST],
    [
      "200,001 aliases in a root flow mapping (anchor defined before it)",
      `# x\n${ROOT_FLOW}`.replace("extra: [", "x: &x v, extra: ["),
    ],
    ["a block list of 200,000 items beside a flow mapping", LIST_BESIDE_FLOW],
    ["19,990 flow mappings in a list (under the collection limit)", flowMaps(19_990)],
  ])("reads %s with the fast reader", (_, text) => expectReadFast(text));

  it("reads a block scalar of 40,000 lines, and refuses one of 60,000 (the line bound)", () => {
    const block = (lines: number): string =>
      `${HEAD}stringData:\n  a: b\n  k: |\n${"    x\n".repeat(lines)}`;
    const [secret] = decodeSecrets(Buffer.from(block(40_000)), "stdin");
    expect(secret!.stringData!["k"]).toHaveLength(80_000);
    expect(refusal(Buffer.from(block(60_000)))).toMatch(/or 50,000 lines/);
  });

  it("reads a document outside the fast subset under 25,000 tokens with the full reader", () => {
    const [secret] = decodeSecrets(Buffer.from(tagged(3_000)), "stdin");
    expect(secret!.stringData).toEqual({ a: "b" });
  });

  it.each([
    ["20,001 flow mappings in a list", flowMaps(20_001), /more than 20,000 mappings and sequences/],
    [
      "20,001 block mappings in a list",
      `${HEAD}stringData:\n  a: b\nextra:\n${"- k: v\n".repeat(20_001)}`,
      /more than 20,000 mappings/,
    ],
    [
      "a flow map aliased 20,000 times (go-yaml's alias budget allows it)",
      `${HEAD}stringData:\n  a: b\nextra: [&m {k: v}${", *m".repeat(20_000)}]\n`,
      /aliases expand to more than 20,000 mappings and sequences/,
    ],
    [
      "a list of 10,000 tagged items (outside the fast subset)",
      tagged(10_000),
      /more than 25,000 YAML tokens/,
    ],
  ])("refuses %s before building it, naming the limit", (_, text, message) => {
    const parse = vi.spyOn(Parser.prototype, "parse");
    expect(refusal(Buffer.from(text))).toMatch(message);
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
  });
});

describe("a stream of many documents", () => {
  it("stops at the first document that fails, though kubeseal would skip it and read on", () => {
    const read = vi.spyOn(YamlDocumentReader.prototype, "read");
    const message = refusal(Buffer.from("---\n-\n".repeat(100_000)));
    expect(message).toMatch(/^stdin: document 1, line 1: .*cannot unmarshal array/);
    expect(read.mock.calls.length).toBeLessThan(5);
    read.mockRestore();
  });
});
