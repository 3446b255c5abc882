import { describe, expect, it } from "vitest";

import { decodeSecrets } from "./index.js";
import { parseFastYaml } from "./yaml-fast.js";

/**
 * The fast reader's subset, sentence by sentence. That it yields exactly the full reader's nodes
 * is proven on random texts (test/yaml-diff/fast-reader.test.ts), and that both mean what Go
 * means by the differential test against Go (test/yaml-diff); these pin what it takes and what
 * it leaves to the full reader.
 */
const HEAD = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: ns\n";

describe("the fast YAML reader", () => {
  it.each([
    ["a flow mapping value", `k: {a: b, "c": 'd'}\n`],
    ["a flow sequence over several lines, trailing comma", "k: [\n  a,\n  b,\n]\n"],
    ["nested flow collections", "k: {a: [1, {b: c}], d: []}\n"],
    ["a JSON-style key before its value", 'k: {"a":b, "c":"d"}\n'],
    ["an anchored flow collection and its alias", "a: &x [1, 2]\nb: *x\n"],
    ["aliases inside a flow sequence", "a: &x v\nb: [*x, *x]\n"],
    ["a root flow mapping", "{a: b, c: [d]}\n# end\n"],
    ["quoted keys in a block mapping", `"a b": c\n'd: e': f\n`],
    ["one-line escapes in double quotes", 'k: "\\x41\\u00e9\\t\\"\\\\"\n'],
    ["a doubled single quote", "k: 'it''s'\n"],
    ["empty sequence items", "k:\n-\n- a\n-\n"],
    ["flow lines indented less than their key (libyaml has no rule there)", "a:\n  k: [x,\ny]\n"],
    // Emoji went to the full reader, whose double-quoted scanner adds one character at a time:
    // a 1 MB value of them allocated 1.3 GB and peaked at 113 MiB.
    ["characters beyond U+FFFF, plain and quoted", 'k: "\u{1F600}\u{1D11E}"\nl: \u{1F004}x\n'],
  ])("reads %s", (_, text) => {
    expect(parseFastYaml(text)).not.toBeUndefined();
  });

  it.each([
    ["a comment inside a flow collection", "k: [a, # c\n b]\n"],
    ["a multi-line plain scalar in a flow collection", "k: [a\n b]\n"],
    ["a `key: value` pair inside a flow sequence", "k: [a: b]\n"],
    ["a plain `a:b` in a flow mapping (YAML 1.1 and 1.2 split it differently)", "k: {a:b}\n"],
    ["a key without a value", "k: {a, b: c}\n"],
    ["an empty value", "k: {a: , b: c}\n"],
    ["a tag", "k: [!!str 1]\n"],
    ["a document marker inside a flow collection", "k: [a,\n--- b]\n"],
    ["an alias of the collection being read", "k: &x [*x]\n"],
    ["text after a flow collection", "k: [a] b\n"],
    ["an empty item given content by a deeper line", "k:\n-\n  a: b\n"],
    ["an escape YAML 1.1 does not have", 'k: "\\/"\n'],
    // A lone surrogate marks a byte that is not UTF-8 (go-utf8.ts).
    ["a lone surrogate (a byte that is not UTF-8)", 'k: "a\ud83db"\n'],
    ["a lone low surrogate", "k: a\ude00\n"],
  ])("leaves %s to the full reader", (_, text) => {
    expect(parseFastYaml(text)).toBeUndefined();
  });

  it("seals a Secret whose flow mappings are indented as Go reads them", () => {
    const text = `${HEAD}  annotations: {\n  a: b,\n  c: "d"\n  }\nstringData: {k: v,\nx: 'y'}\n`;
    const [secret] = decodeSecrets(Buffer.from(text), "stdin");
    expect(secret!.metadata?.annotations).toEqual({ a: "b", c: "d" });
    expect(secret!.stringData).toEqual({ k: "v", x: "y" });
  });
});
