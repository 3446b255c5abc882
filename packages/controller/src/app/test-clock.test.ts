import { describe, expect, it } from "vitest";

import type { Clock } from "../ports/clock.js";
import { shiftedClock, TEST_CLOCK_ENV, testClockChoice } from "./test-clock.js";

describe("the test-only clock offset", () => {
  it.each([
    ["unset", {}, "--kubeconfig=x", "real"],
    ["set outside a cluster with --kubeconfig", { [TEST_CLOCK_ENV]: "/f" }, "x", "shifted"],
    ["set without --kubeconfig", { [TEST_CLOCK_ENV]: "/f" }, "", "refused"],
    [
      "set inside a cluster, even with --kubeconfig",
      { [TEST_CLOCK_ENV]: "/f", KUBERNETES_SERVICE_HOST: "10.0.0.1" },
      "x",
      "refused",
    ],
  ])("is %s: %s", (_, env, kubeconfig, kind) => {
    expect(testClockChoice(env, kubeconfig).kind).toBe(kind);
  });

  it("shifts the wall clock only, by the file's offset, re-read at most every 100 ms", () => {
    let mono = 0;
    const base: Clock = {
      now: () => new Date("2026-06-01T00:00:00Z"),
      monotonic: () => mono,
      setTimer: () => undefined,
      clearTimer: () => undefined,
      sleep: () => Promise.resolve(),
    };
    let text = "86400000";
    const clock = shiftedClock(base, "/f", () => text);
    expect(clock.now().toISOString()).toBe("2026-06-02T00:00:00.000Z");
    text = "0";
    mono = 50;
    expect(clock.now().toISOString()).toBe("2026-06-02T00:00:00.000Z");
    mono = 150;
    expect(clock.now().toISOString()).toBe("2026-06-01T00:00:00.000Z");
    expect(clock.monotonic()).toBe(150);
    text = "garbage";
    mono = 300;
    expect(clock.now().toISOString()).toBe("2026-06-01T00:00:00.000Z");
  });
});
