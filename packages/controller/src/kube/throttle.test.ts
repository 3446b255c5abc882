import { describe, expect, it } from "vitest";

import { createThrottle } from "./throttle.js";

/** A clock whose sleeps are recorded and advance time instantly. */
function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    advance: (ms: number) => void (now += ms),
    clock: {
      now: () => now,
      sleep: (ms: number) => {
        sleeps.push(Math.round(ms));
        return Promise.resolve();
      },
    },
  };
}

describe("kube client throttle", () => {
  it("lets a burst through, then spaces requests at 1/qps in arrival order", async () => {
    const { clock, sleeps } = fakeClock();
    const t = createThrottle(5, 3, clock);
    for (let i = 0; i < 6; i++) await t.take();
    expect(sleeps).toEqual([200, 400, 600]);
  });

  it("refills over time up to the burst", async () => {
    const { clock, sleeps, advance } = fakeClock();
    const t = createThrottle(10, 2, clock);
    await t.take();
    await t.take();
    advance(10_000);
    await t.take();
    await t.take();
    await t.take();
    expect(sleeps).toEqual([100]);
  });

  it("is off for a negative qps and uses client-go's default of 5 for 0", async () => {
    const off = fakeClock();
    const unlimited = createThrottle(-1, 1, off.clock);
    for (let i = 0; i < 100; i++) await unlimited.take();
    expect(off.sleeps).toEqual([]);
    const dflt = fakeClock();
    const t = createThrottle(0, 1, dflt.clock);
    await t.take();
    await t.take();
    expect(dflt.sleeps).toEqual([200]);
  });
});
