import { describe, expect, it } from "vitest";

import { encodeYaml } from "./codec.js";
import { compareGoYamlKeys, goYamlLessByRunes } from "./yaml-order.js";

describe("Go's YAML key order", () => {
  it.each([
    ["a_b", "aB"],
    ["key2", "key10"],
    ["~", "a"],
    ["a", "b"],
    ["B", "a"],
    ["a", "ab"],
    ["x09", "x10"],
    [".dockerconfigjson", "ca.crt"],
    ["tls.crt", "tls.key"],
  ])("puts %j before %j", (first, second) => {
    expect(compareGoYamlKeys(first, second)).toBeLessThan(0);
    expect(compareGoYamlKeys(second, first)).toBeGreaterThan(0);
  });

  it("orders ASCII keys on character codes exactly as rune by rune (20,000 generated pairs)", () => {
    // A seeded generator: digit runs (leading zeros, 14 to 20 digits), letters, punctuation.
    let state = 12345;
    const next = (n: number): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    const pieces = [
      "0",
      "00",
      "1",
      "9",
      "07",
      "12345678901234",
      "123456789012345678901",
      "a",
      "B",
      "z",
      "_",
      ".",
      "-",
      "~",
      " ",
    ];
    const key = (): string =>
      Array.from({ length: next(5) }, () => pieces[next(pieces.length)]).join("");
    let differing = 0;
    for (let n = 0; n < 20_000; n++) {
      const [a, b] = [key(), key()];
      const expected = a === b ? 0 : goYamlLessByRunes(a, b) ? -1 : 1;
      if (compareGoYamlKeys(a, b) !== expected) differing++;
    }
    expect(differing).toBe(0);
  });

  it("sorts YAML output keys that way", () => {
    expect(encodeYaml({ key10: "1", aB: "2", key2: "3", a_b: "4" })).toBe(
      '---\na_b: "4"\naB: "2"\nkey2: "3"\nkey10: "1"\n',
    );
  });
});

describe("YAML output read back by Go (YAML 1.1)", () => {
  it.each([
    "y",
    "Y",
    "yes",
    "on",
    "off",
    "no",
    "N",
    "~",
    "null",
    "2024-05-06",
    "2024-05-06T07:08:09Z",
    "0x1F",
    "012",
    "1:20",
    "true",
  ])("quotes the string %j as key and value", (text) => {
    const out = encodeYaml({ [text]: text });
    expect(out).toMatch(/^---\n["'].*["']: ["'].*["']\n$/);
  });

  it.each(["plain", "AgBy3i4OJSWK+PiTySYZZA==", "a b", ".", "1.e"])(
    "leaves %j unquoted",
    (text) => {
      expect(encodeYaml({ k: text })).toBe(`---\nk: ${text}\n`);
    },
  );
});
