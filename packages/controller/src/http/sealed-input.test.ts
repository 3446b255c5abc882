import { describe, expect, it } from "vitest";

import { decodeSealedSecret, fitsIn } from "./sealed-input.js";

const HEAD =
  "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: a, namespace: b}\n";

describe("reading a request body", () => {
  it("decodes one SealedSecret from JSON or YAML and drops non-string values", () => {
    const yaml = `${HEAD}spec:\n  encryptedData: {x: "AAAA", n: 1}\n`;
    expect(decodeSealedSecret(yaml, 1 << 20).spec.encryptedData).toEqual({ x: "AAAA" });
    const json = JSON.stringify({
      apiVersion: "bitnami.com/v1alpha1",
      kind: "SealedSecret",
      metadata: { name: "a" },
      spec: { encryptedData: { x: "AAAA" } },
    });
    expect(decodeSealedSecret(json, 1 << 20).metadata.name).toBe("a");
  });

  it("reads a SealedSecret with a thousand values and a 5,000-line template value", () => {
    const values = Array.from({ length: 1000 }, (_, i) => `    v${i}: AgBy3i4OJSWK+PiTySYZZA==\n`);
    const block = "        a line of a CA bundle\n".repeat(5_000);
    const yaml = `${HEAD}spec:\n  encryptedData:\n${values.join("")}  template:\n    data:\n      ca.crt: |\n${block}`;
    const ss = decodeSealedSecret(yaml, 1 << 22);
    expect(Object.keys(ss.spec.encryptedData)).toHaveLength(1000);
  });

  it("reads tags as Go does: a tag alone is an empty value, an empty first key after a tag is ''", () => {
    const yaml = `${HEAD}spec:\n  encryptedData:\n    !x : AAAA\n    p: !!Secr3t!\n    q: !%C0%80 BBBB\n`;
    expect(decodeSealedSecret(yaml, 1 << 20).spec.encryptedData).toEqual({
      "": "AAAA",
      p: "",
      q: "BBBB",
    });
  });

  it.each([
    ["a tag holding ']'", "p: !Secr3t]"],
    ["a tag before '}'", "p: !Secr3t}"],
    ["a tag with a bad escape", "p: !Secr3t%zz x"],
    ["an undefined tag handle", "p: !Secr3t!x y"],
  ])("refuses %s without repeating the tag's text", (_, line) => {
    const body = `${HEAD}spec:\n  encryptedData:\n    ${line}\n`;
    expect(() => decodeSealedSecret(body, 1 << 20)).toThrow(
      expect.objectContaining({
        code: "ERR_INVALID_INPUT",
        message: expect.not.stringContaining("Secr3t") as unknown,
      }),
    );
  });

  it.each<[string, string, RegExp]>([
    [
      "an alias bomb",
      `${HEAD}spec:\n  encryptedData: {}\n  template:\n    a: &a [x,x,x,x,x,x,x,x]\n    b: &b [*a,*a,*a,*a,*a,*a,*a,*a]\n    c: &c [*b,*b,*b,*b,*b,*b,*b,*b]\n    d: [*c,*c,*c,*c,*c,*c,*c,*c]\n`,
      /^request body is not valid JSON or YAML \(yaml: document contains excessive aliasing\)$/,
    ],
    [
      "a long value repeated through aliases (within go-yaml's alias budget)",
      `${HEAD}spec:\n  encryptedData: {}\n  template:\n    a: &a ${"v".repeat(2_000)}\n    b: [${Array(12).fill("*a").join(",")}]\n`,
      /expands to more than 20000 bytes/,
    ],
    ["two documents", `${HEAD}spec: {}\n---\n${HEAD}spec: {}\n`, /exactly one SealedSecret/],
    ["another kind", "apiVersion: v1\nkind: Secret\nmetadata: {}\n", /unexpected resource type/],
    ["no spec", HEAD, /needs metadata and spec/],
    ["garbage", "{not json", /not valid JSON or YAML/],
    [
      "a flow list of 100,000 items under a field nobody reads",
      `${HEAD}spec:\n  encryptedData: {}\n  x: [${"a,".repeat(100_000)}a]\n`,
      /^request body has more than 50000 YAML tokens/,
    ],
    [
      "a JSON body with an array of 100,000 numbers",
      `{"apiVersion":"bitnami.com/v1alpha1","kind":"SealedSecret","metadata":{},"spec":{"x":[${"1,".repeat(100_000)}1]}}`,
      /^request body has more than 50000 YAML tokens/,
    ],
  ])("refuses %s with ERR_INVALID_INPUT", (_, body, message) => {
    expect(() => decodeSealedSecret(body, 20_000)).toThrow(
      expect.objectContaining({
        code: "ERR_INVALID_INPUT",
        message: expect.stringMatching(message),
      }),
    );
  });
});

describe("the expanded size of a decoded value", () => {
  it.each<[string, unknown, number, boolean]>([
    ["a short string", "abc", 6, true],
    ["a string one byte too long", "abcd", 6, false],
    ["an object", { ab: "cd" }, 2 + 6 + 5, true],
    ["an object one byte too long", { ab: "cd" }, 2 + 6 + 4, false],
    ["numbers and nulls", [1, null, true], 2 + 3 * 5 + 3 * 8, true],
  ])("counts %s", (_, value, limit, fits) => {
    expect(fitsIn(value, limit)).toBe(fits);
  });

  it("counts a shared node at every place it appears, and stops at the limit", () => {
    let node: unknown = "x".repeat(10);
    for (let i = 0; i < 30; i++) node = [node, node];
    // 2^30 copies of the string: far beyond any limit, yet decided after ~limit/13 nodes.
    const started = performance.now();
    expect(fitsIn(node, 1_000_000)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
