import { describe, expect, it } from "vitest";

import { LineSplitter, ListSplitter, RawJson, topLevelFields } from "./json-stream.js";

/** Feeds `text` in chunks of `size` bytes (as Buffers, so multi-byte characters get split). */
function feed(push: (b: Buffer) => void, text: string, size: number): void {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) push(bytes.subarray(i, i + size));
}

const LIST = {
  kind: "SealedSecretList",
  apiVersion: "bitnami.com/v1alpha1",
  metadata: { resourceVersion: "42", continue: "abc" },
  items: [
    {
      metadata: { name: "a" },
      spec: { encryptedData: { x: "brace } and [ in a string", y: 'a "quote" and \\\\' } },
    },
    { metadata: { name: "ü-ñ" }, spec: { items: [1, [2, { items: [] }]], 'k"}': "é" } },
    { metadata: { name: "c" } },
  ],
};

describe("ListSplitter", () => {
  it.each([1, 2, 3, 7, 64, 100_000])(
    "hands out each item and keeps the envelope, in chunks of %i bytes",
    (size) => {
      const got: unknown[] = [];
      const splitter = new ListSplitter((item) => got.push(JSON.parse(item.toString())));
      feed((b) => splitter.push(b), JSON.stringify(LIST, null, size % 2 ? 0 : 1), size);
      expect(got).toEqual(LIST.items);
      expect(splitter.end()).toEqual({ ...LIST, items: [] });
    },
  );

  it("reads a list whose items come before its metadata, and an empty list", () => {
    const got: unknown[] = [];
    const splitter = new ListSplitter((item) => got.push(JSON.parse(item.toString())));
    feed((b) => splitter.push(b), '{"items":[{"n":1}],"metadata":{"resourceVersion":"7"}}', 5);
    expect(got).toEqual([{ n: 1 }]);
    expect(splitter.end()).toEqual({ items: [], metadata: { resourceVersion: "7" } });
    const empty = new ListSplitter(() => undefined);
    empty.push(Buffer.from('{"metadata":{},"items":[]}'));
    expect(empty.end()).toEqual({ metadata: {}, items: [] });
  });

  it("refuses a truncated answer", () => {
    const splitter = new ListSplitter(() => undefined);
    splitter.push(Buffer.from('{"items":[{"n":1}'));
    expect(() => splitter.end()).toThrow("truncated list answer");
  });

  it("holds only the item being read, not the items before it", () => {
    const big = "x".repeat(100_000);
    const splitter = new ListSplitter(() => undefined);
    const text = JSON.stringify({
      metadata: {},
      items: Array.from({ length: 20 }, () => ({ big })),
    });
    feed((b) => splitter.push(b), text, 4096);
    expect(JSON.stringify(splitter.end()).length).toBeLessThan(100);
  });
});

describe("LineSplitter", () => {
  it.each([1, 3, 1000])(
    "splits lines across chunks of %i bytes, multi-byte characters intact",
    (size) => {
      const lines: string[] = [];
      const splitter = new LineSplitter((l) => lines.push(l.toString()));
      feed((b) => splitter.push(b), 'één\n{"a":1}\n\nlast-without-newline', size);
      expect(lines).toEqual(["één", '{"a":1}', ""]);
    },
  );
});

describe("top-level fields of raw JSON", () => {
  const text = JSON.stringify({
    apiVersion: "v1",
    metadata: { name: "x", annotations: { "a}b": 'c"{' } },
    data: { big: "y".repeat(1000) },
    n: -1.5e3,
    t: true,
    z: null,
    list: [1, [2], { x: "]" }],
  });

  it.each<[string[], Record<string, unknown>]>([
    [["metadata"], { metadata: { name: "x", annotations: { "a}b": 'c"{' } } }],
    [["n", "t", "z"], { n: -1500, t: true, z: null }],
    [["list", "absent"], { list: [1, [2], { x: "]" }] }],
  ])("parses only %j", (names, expected) => {
    expect(new RawJson(Buffer.from(text)).fields(names)).toEqual(expected);
  });

  it("leaves the other fields unparsed and parses the whole on demand", () => {
    const raw = new RawJson(Buffer.from(`  ${text}  `));
    expect(raw.size).toBe(text.length + 4);
    expect(raw.whole()).toEqual(JSON.parse(text));
    expect(topLevelFields(Buffer.from(text), new Set(["data"])).get("data")?.length).toBe(1010);
  });

  it.each(["[1]", '{"a" 1}', '{"a":"x', "{", '{"a":{"b":1}'])("refuses %j", (bad) => {
    expect(() => topLevelFields(Buffer.from(bad), new Set(["a"]))).toThrow(/malformed JSON/);
  });
});
