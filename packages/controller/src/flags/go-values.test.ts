import { describe, expect, it } from "vitest";

import {
  parseGoBool,
  parseGoDuration,
  parseGoFloat,
  parseGoInt,
  parseRfc1123z,
} from "./go-values.js";

describe("Go value syntaxes", () => {
  it.each<[string, boolean | undefined]>([
    ["1", true],
    ["t", true],
    ["TRUE", true],
    ["True", true],
    ["0", false],
    ["F", false],
    ["false", false],
    ["yes", undefined],
    ["tRUE", undefined],
    ["", undefined],
  ])("parses the bool %j as %j", (text, value) => {
    expect(parseGoBool(text)).toBe(value);
  });

  it.each<[string, number | undefined]>([
    ["4096", 4096],
    ["-3", -3],
    ["+7", 7],
    ["0x10", 16],
    ["010", 8],
    ["0b101", 5],
    ["0o17", 15],
    ["1_000", 1000],
    ["0", 0],
    ["4.5", undefined],
    ["abc", undefined],
    ["", undefined],
    ["99999999999999999999", undefined],
  ])("parses the int %j as %j", (text, value) => {
    expect(parseGoInt(text)).toBe(value);
  });

  it.each<[string, number | undefined]>([
    ["5", 5],
    ["-1.5", -1.5],
    ["1e3", 1000],
    [".5", 0.5],
    ["Inf", Infinity],
    ["x", undefined],
  ])("parses the float %j as %j", (text, value) => {
    expect(parseGoFloat(text)).toBe(value);
  });

  it.each<[string, number | undefined]>([
    ["720h", 720 * 3_600_000],
    ["87600h0m0s", 87_600 * 3_600_000],
    ["1h30m", 5_400_000],
    ["1.5s", 1500],
    ["100ms", 100],
    ["-2m", -120_000],
    ["0", 0],
    ["1d", undefined],
    ["10", undefined],
    ["", undefined],
    ["h", undefined],
  ])("parses the duration %j as %j ms", (text, value) => {
    expect(parseGoDuration(text)).toBe(value);
  });

  it.each<[string, string | undefined]>([
    ["Mon, 02 Jan 2006 15:04:05 -0700", "2006-01-02T22:04:05.000Z"],
    ["Sun, 22 Nov 2026 06:00:00 +0000", "2026-11-22T06:00:00.000Z"],
    ["Sun, 22 Nov 2026 06:00:00 +0130", "2026-11-22T04:30:00.000Z"],
    ["2026-11-22T06:00:00Z", undefined],
    ["Mon, 02 Jan 2006 15:04:05 MST", undefined],
    ["Xyz, 02 Jan 2006 15:04:05 -0700", undefined],
  ])("parses the RFC1123Z time %j", (text, iso) => {
    expect(parseRfc1123z(text)?.toISOString()).toBe(iso);
  });
});
