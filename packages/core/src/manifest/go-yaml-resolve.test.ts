import { describe, expect, it } from "vitest";

import { GoNumber } from "./go-value.js";
import { resolvePlainQuick, resolveScalar } from "./go-yaml-resolve.js";

/** What the full resolution gives an untagged plain scalar (go-yaml's `resolve("", text)`). */
const full = (text: string): unknown => resolveScalar("", text).value;

describe("the quick resolution of a plain scalar", () => {
  it.each([
    ["k12", "k12"],
    ["hello world", "hello world"],
    ["0", 0],
    ["-0", 0],
    ["+7", 7],
    ["-42", -42],
    ["123456789012345", 123456789012345],
    ["-999999999999999", -999999999999999],
  ])("reads %j as the full resolution does", (text, value) => {
    expect(resolvePlainQuick(text)).toStrictEqual(value);
    expect(Object.is(resolvePlainQuick(text), full(text))).toBe(true);
  });

  it.each([
    // Octal, hexadecimal, underscores, floats, 16 digits, timestamps, booleans, nulls, base 60.
    "012",
    "0x1F",
    "1_000",
    "1.5",
    "1e3",
    "1234567890123456",
    "2024-05-06",
    "y",
    "on",
    "~",
    "",
    ".5",
    "-",
    "+",
    "190:20:30",
    "0b101",
  ])("leaves %j to the full resolution", (text) => {
    expect(resolvePlainQuick(text)).toBeUndefined();
  });

  it("agrees with the full resolution on every text it answers (40,000 generated)", () => {
    let state = 7;
    const next = (n: number): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    const pieces = ["0", "1", "9", "-", "+", "_", ".", "e", "x", "a", "y", "~", ":", " "];
    let answered = 0;
    const differing: string[] = [];
    for (let n = 0; n < 40_000; n++) {
      const text = Array.from({ length: 1 + next(17) }, () => pieces[next(pieces.length)]).join("");
      const quick = resolvePlainQuick(text);
      if (quick === undefined) continue;
      answered++;
      const value = full(text);
      const same = value instanceof GoNumber ? false : Object.is(quick, value);
      if (!same) differing.push(text);
    }
    expect(answered).toBeGreaterThan(10_000);
    expect(differing).toEqual([]);
  });
});
