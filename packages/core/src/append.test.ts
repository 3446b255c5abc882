import { describe, expect, it } from "vitest";

import { appendAll, maxOf, minOf } from "./append.js";

const LONG = 500_000; // past what V8 accepts as spread arguments

describe("appendAll, maxOf and minOf", () => {
  it("append a list longer than V8 takes as call arguments, in order", () => {
    const target = [-1];
    appendAll(
      target,
      Array.from({ length: LONG }, (_, i) => i),
    );
    expect(target.length).toBe(LONG + 1);
    expect(target.slice(0, 3)).toEqual([-1, 0, 1]);
    expect(target.at(-1)).toBe(LONG - 1);
  });

  it.each([
    ["a long list", Array.from({ length: LONG }, (_, i) => (i * 7919) % LONG), LONG - 1, 0],
    ["one value", [3], 3, 3],
    ["no values", [], -Infinity, Infinity],
    ["negative values", [-5, -2, -9], -2, -9],
  ])("find the largest and smallest of %s", (_, values, max, min) => {
    expect(maxOf(values)).toBe(max);
    expect(minOf(values)).toBe(min);
  });
});
