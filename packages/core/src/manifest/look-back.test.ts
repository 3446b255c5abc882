import { describe, expect, it } from "vitest";

import { explicitKeyBefore, withoutTrailingComments } from "./look-back.js";

/** Texts made of the characters these checks care about, long enough to cross the first window. */
function randomTexts(seed: number, count: number): string[] {
  const parts = [
    "?",
    " ",
    "\n",
    "#",
    "# c\n",
    "a",
    ":",
    "\t",
    "\u00a0",
    " ".repeat(3000),
    "x".repeat(5000),
    "# long comment ".repeat(400),
  ];
  let state = seed;
  const next = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + (next() % 40) }, () => parts[next() % parts.length]).join(""),
  );
}

describe("looking back from a key", () => {
  it("finds an explicit key exactly where the regex /[?]\\s*$/ does", () => {
    for (const text of randomTexts(7, 400)) {
      for (const end of [0, 1, text.length >> 1, text.length]) {
        expect(explicitKeyBefore(text, end)).toBe(/[?]\s*$/.test(text.slice(0, end)));
      }
    }
  });

  it("strips trailing spaces and comment lines exactly as the regex /(\\s|#[^\\n]*\\n)*$/ does", () => {
    for (const text of randomTexts(11, 400)) {
      for (const end of [0, 1, text.length >> 1, text.length]) {
        const want = text.slice(0, end).replace(/(\s|#[^\n]*\n)*$/, "");
        expect(withoutTrailingComments(text, end)).toBe(want);
      }
    }
  });

  it.each([
    ["a comment the first window cuts in two", `? ${"#".repeat(5000)}\n`, "?"],
    ["only comments and spaces", `# a\n${" ".repeat(9000)}\n# b\n`, ""],
    ["a key before 20,000 comment lines", `k?${"# c\n".repeat(20_000)}`, "k?"],
  ])("strips %s", (_, text, kept) => {
    expect(withoutTrailingComments(text, text.length)).toBe(kept);
  });
});
