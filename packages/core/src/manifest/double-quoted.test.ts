import { parseDocument } from "yaml";
import type { Scalar } from "yaml";
import { describe, expect, it } from "vitest";

import {
  hasEscapedBreak,
  hasLineSeparator,
  libyamlDoubleQuoted,
  libyamlSingleQuoted,
  QuotedScalarError,
} from "./double-quoted.js";

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

describe("U+2028 and U+2029 in quoted scalars, line breaks to libyaml (YAML 1.1)", () => {
  it.each([
    ["a separator then go-yaml's indentation", "x\u2028          y", "x\u2028y"],
    ["blanks around a separator", "x \t \u2029 \t y", "x\u2029y"],
    ["separators in a row", "x\u2028\u2029\u2028y", "x\u2028\u2029\u2028y"],
    ["a separator then a line feed", "x\u2028\n    y", "x\u2028\ny"],
    ["a separator then empty lines", "x\u2028\n\n    y", "x\u2028\n\ny"],
    ["a line feed then a separator", "x\n    \u2028  y", "x\u2028y"],
    ["a separator at the start and the end", "\u2028x\u2029", "\u2028x\u2029"],
    ["a quote doubled beside a separator", "it''s\u2028  ok", "it's\u2028ok"],
    ["a backslash (not an escape)", "a\\\u2028 b", "a\\\u2028b"],
  ])("reads %s in a single-quoted scalar", (_, inner, want) => {
    expect(libyamlSingleQuoted(inner)).toBe(want);
  });

  it.each([
    ["a raw separator then indentation", "x\u2029   y", "x\u2029y"],
    ["an escaped separator beside a raw one", "x\\L\u2028  \\P", "x\u2028\u2028\u2029"],
    ["an escaped line feed then a separator", "x\\\n  \u2028 y", "x\u2028y"],
  ])("reads %s in a double-quoted scalar", (_, inner, want) => {
    expect(libyamlDoubleQuoted(inner)).toBe(want);
  });

  it.each([
    ["---", "x\u2028--- y"],
    ["...", "x\u2029...\ty"],
    ["--- at the end of a line", "x\u2028---\n  y"],
  ])("refuses a document indicator %s at the start of a line", (_, inner) => {
    expect(() => libyamlSingleQuoted(inner)).toThrow(QuotedScalarError);
    expect(() => libyamlDoubleQuoted(inner)).toThrow("found unexpected document indicator");
  });

  it("reads dashes after a separator that are no indicator as text", () => {
    expect(libyamlSingleQuoted("x\u2028---y")).toBe("x\u2028---y");
    expect(libyamlSingleQuoted("x\u2028 --- y")).toBe("x\u2028--- y");
  });

  it("agrees with the YAML 1.2 reader on single-quoted scalars without a separator", () => {
    for (const inner of ["a b", "a\n b", "a\n\n\n b", "it''s", " lead ", "a \n \n b", "a\\b"]) {
      expect(hasLineSeparator(inner)).toBe(false);
      const node = parseDocument(`k: '${inner}'`).get("k", true) as Scalar;
      expect(libyamlSingleQuoted(inner)).toBe(node.value);
    }
  });
});
