import { describe, expect, it } from "vitest";

import { backtrackingPaths } from "./re2-cost.js";
import { parseRe2 } from "./re2.js";

const paths = (pattern: string, n: number): number => backtrackingPaths(parseRe2(pattern).node, n);

describe("the backtracking paths a pattern can take from one start", () => {
  it.each([
    ["repeats of disjoint sets in sequence", "a+b+c+d+"],
    ["the same through groups and captures", "(?:a+b+)(c+d+)"],
    ["a repeat before a literal it cannot match", "x*y"],
    ["a repeat before an alternation it cannot start", "[0-9]+(?:a|b)"],
  ])("grow linearly with the subject for %s (%s)", (_, pattern) => {
    expect(paths(pattern, 1000)).toBeLessThanOrEqual(4 * 1001);
  });

  it.each([
    ["repeats of overlapping sets", "\\d*\\d*x"],
    ["a repeat before an element that may be empty", "a+b?a+"],
    ["a repeat before an assertion, then another", "a+\\ba+"],
    ["a case-folded repeat before the other case", "(?i)a+A+"],
    ["a repeat before an alternation one branch of which overlaps", "[a-z]+(?:1|x)[a-z]+"],
  ])("multiply for %s (%s)", (_, pattern) => {
    expect(paths(pattern, 1000)).toBeGreaterThan(1000 * 1000);
  });
});
