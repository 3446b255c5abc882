import { parseDocument } from "yaml";
import type { Scalar } from "yaml";
import { describe, expect, it } from "vitest";

import { hasEscapedBreak, libyamlDoubleQuoted } from "./double-quoted.js";

describe("a double-quoted scalar as libyaml reads it", () => {
  it.each([
    ["an escaped break then one empty line", "z\\\n\n    w", "z\nw"],
    ["an escaped break then two empty lines", "z\\\n\n\n    w", "z\n\nw"],
    ["an escaped break then indentation only", "a\\\n   b", "ab"],
    ["an escaped break with CR LF", "a\\\r\n\r\n b", "a\nb"],
    ["a folded break", "a\n   b", "a b"],
    ["a folded break then an empty line", "a\n\n b", "a\nb"],
    ["spaces before a folded break are dropped", "a   \n b", "a b"],
    ["spaces before the closing quote are kept", "a  ", "a  "],
    [
      "escapes",
      '\\x41\\u00e9\\U0001F600\\t\\n\\\\\\"\\N\\_\\L\\P\\0\\ ',
      'A\u00e9\u{1F600}\t\n\\"\u0085\u00a0\u2028\u2029\0 ',
    ],
    ["an escaped backslash before a break (not an escaped break)", "a\\\\\n b", "a\\ b"],
  ])("reads %s", (_, inner, want) => {
    expect(libyamlDoubleQuoted(inner)).toBe(want);
  });

  it("agrees with the YAML 1.2 reader on every double-quoted scalar without an escaped break", () => {
    const inners = [
      "a b",
      "a\n b",
      "a\n\n\n b",
      " lead",
      "trail ",
      "\\t\\x41",
      "a \n \n b",
      "x\\ty",
    ];
    for (const inner of inners) {
      expect(hasEscapedBreak(inner)).toBe(false);
      const node = parseDocument(`k: "${inner}"`).get("k", true) as Scalar;
      expect(libyamlDoubleQuoted(inner)).toBe(node.value);
    }
  });
});
