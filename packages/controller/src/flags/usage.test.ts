import { describe, expect, it } from "vitest";

import { controllerFlags } from "../config.js";
import { formatGoDuration, formatUsage } from "./usage.js";

describe("usage text", () => {
  it.each<[number, string]>([
    [720 * 3_600_000, "720h0m0s"],
    [87_600 * 3_600_000, "87600h0m0s"],
    [120_000, "2m0s"],
    [1500, "1.5s"],
    [100, "100ms"],
    [0, "0s"],
    [-5_400_000, "-1h30m0s"],
  ])("formats %d ms as Go does: %s", (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });

  it("lists every flag sorted, with types and non-zero defaults, hiding deprecated ones", () => {
    const text = formatUsage("signet-controller", controllerFlags(2));
    const lines = text.split("\n");
    expect(lines[0]).toBe("Usage of signet-controller:");
    expect(text).toMatch(
      /--key-renew-period duration +New key generation period.*\(default 720h0m0s\)/,
    );
    expect(text).toMatch(
      /--key-prefix string +Prefix used to name keys\. \(default "sealed-secrets-key"\)/,
    );
    expect(text).toMatch(
      /--accept-deprecated-v1-data +Accept deprecated V1 data field\. \(default true\)\n/,
    );
    expect(text).not.toContain("--rotate-period");
    expect(text).toMatch(/--old-gc-behavior +Revert[^\n]*itself\.\n/);
    const names = lines.slice(1, -1).map((l) => /--(\S+)/.exec(l)?.[1]);
    expect(names).toEqual([...names].sort());
  });
});
