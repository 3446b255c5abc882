import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { startKeyRenewal } from "./renewal.js";
import type { KeyRenewal, RenewalPorts } from "./renewal.js";

const HOUR = 3_600_000;
const START = new Date("2026-06-01T00:00:00Z");

/** A fake key store: generating a key records "now" as the latest key time. */
function fakeKeys(latest?: Date): RenewalPorts & { generated: Date[]; errors: unknown[] } {
  const generated: Date[] = [];
  const errors: unknown[] = [];
  return {
    generated,
    errors,
    now: () => new Date(),
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    latestKeyTime: () => generated.at(-1) ?? latest,
    generateKey: () => {
      generated.push(new Date());
      return Promise.resolve();
    },
    onError: (err) => errors.push(err),
  };
}

let renewal: KeyRenewal | undefined;

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});

afterEach(() => {
  renewal?.stop();
  renewal = undefined;
  vi.useRealTimers();
});

describe("key renewal", () => {
  it("with period 0 creates the initial key, and the trigger creates another", async () => {
    const keys = fakeKeys();
    renewal = await startKeyRenewal({ periodMs: 0, cutoff: undefined }, keys);
    expect(keys.generated).toHaveLength(1);
    await renewal.trigger();
    expect(keys.generated).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1000 * HOUR);
    expect(keys.generated).toHaveLength(2);
  });

  it("with a short period (100 ms) creates keys by timer", async () => {
    const keys = fakeKeys();
    renewal = await startKeyRenewal({ periodMs: 100, cutoff: undefined }, keys);
    await vi.advanceTimersByTimeAsync(350);
    expect(keys.generated).toHaveLength(4);
  });

  it.each<[string, number]>([
    ["period 0", 0],
    ["a period not yet due", 720 * HOUR],
  ])("with an existing key and %s creates no key at startup", async (_, periodMs) => {
    const keys = fakeKeys(new Date(START.getTime() - HOUR));
    renewal = await startKeyRenewal({ periodMs, cutoff: undefined }, keys);
    expect(keys.generated).toHaveLength(0);
  });

  it("with an existing key near the end of its period creates a new key within about a second", async () => {
    const keys = fakeKeys(new Date(START.getTime() - 720 * HOUR + 900));
    renewal = await startKeyRenewal({ periodMs: 720 * HOUR, cutoff: undefined }, keys);
    expect(keys.generated).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(keys.generated).toHaveLength(1);
  });

  it("with a key older than its period creates a new key right away", async () => {
    const keys = fakeKeys(new Date(START.getTime() - 2000 * HOUR));
    renewal = await startKeyRenewal({ periodMs: 720 * HOUR, cutoff: undefined }, keys);
    await vi.advanceTimersByTimeAsync(0);
    expect(keys.generated).toHaveLength(1);
  });

  it("with a cutoff of now and a key made an hour ago creates a key immediately", async () => {
    const keys = fakeKeys(new Date(START.getTime() - HOUR));
    renewal = await startKeyRenewal({ periodMs: 0, cutoff: START }, keys);
    expect(keys.generated).toHaveLength(1);
  });

  it("with a cutoff older than the latest key creates nothing (#640)", async () => {
    const keys = fakeKeys(new Date(START.getTime() - HOUR));
    renewal = await startKeyRenewal(
      { periodMs: 0, cutoff: new Date(START.getTime() - 2 * HOUR) },
      keys,
    );
    expect(keys.generated).toHaveLength(0);
  });

  it("waits a 30-day period in chunks Node's timers accept, and renews on time", async () => {
    const keys = fakeKeys(START);
    renewal = await startKeyRenewal({ periodMs: 720 * HOUR, cutoff: undefined }, keys);
    await vi.advanceTimersByTimeAsync(720 * HOUR - 1000);
    expect(keys.generated).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(keys.generated.map((d) => d.toISOString())).toEqual(["2026-07-01T00:00:00.000Z"]);
  });

  it("does not move the timer when triggered", async () => {
    const keys = fakeKeys(START);
    renewal = await startKeyRenewal({ periodMs: 1000, cutoff: undefined }, keys);
    await vi.advanceTimersByTimeAsync(500);
    await renewal.trigger();
    await vi.advanceTimersByTimeAsync(500);
    expect(keys.generated.map((d) => d.getTime() - START.getTime())).toEqual([500, 1000]);
  });

  it("reports timer failures and keeps renewing", async () => {
    const keys = fakeKeys(START);
    let calls = 0;
    keys.generateKey = () =>
      ++calls === 1 ? Promise.reject(new Error("api down")) : Promise.resolve();
    renewal = await startKeyRenewal({ periodMs: 100, cutoff: undefined }, keys);
    await vi.advanceTimersByTimeAsync(200);
    expect(calls).toBe(2);
    expect(keys.errors).toEqual([new Error("api down")]);
  });

  it("retries a failed renewal with backoff (5 s, 10 s, ...) until it succeeds, then keeps the period", async () => {
    const keys = fakeKeys(START);
    let calls = 0;
    keys.generateKey = () => {
      calls++;
      if (calls <= 3) return Promise.reject(new Error("api down"));
      keys.generated.push(new Date());
      return Promise.resolve();
    };
    renewal = await startKeyRenewal({ periodMs: 24 * HOUR, cutoff: undefined }, keys);
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(5_000 + 10_000 + 20_000);
    expect(calls).toBe(4);
    expect(keys.errors).toHaveLength(3);
    expect(keys.generated.map((d) => d.getTime() - START.getTime())).toEqual([24 * HOUR + 35_000]);
    await vi.advanceTimersByTimeAsync(24 * HOUR - 35_000 - 1);
    expect(calls).toBe(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(5);
  });

  it("stops retrying a failed renewal when stopped", async () => {
    const keys = fakeKeys(START);
    let calls = 0;
    keys.generateKey = () => (calls++, Promise.reject(new Error("api down")));
    renewal = await startKeyRenewal({ periodMs: 24 * HOUR, cutoff: undefined }, keys);
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    renewal.stop();
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(calls).toBe(1);
  });

  it("rejects when the startup key cannot be generated", async () => {
    const keys = fakeKeys();
    keys.generateKey = () => Promise.reject(new Error("forbidden"));
    await expect(startKeyRenewal({ periodMs: 0, cutoff: undefined }, keys)).rejects.toThrow(
      "forbidden",
    );
  });

  it("never runs two generations at once", async () => {
    const keys = fakeKeys(START);
    let running = 0;
    let overlap = false;
    keys.generateKey = async () => {
      overlap ||= running > 0;
      running++;
      await new Promise((r) => setTimeout(r, 50));
      running--;
    };
    renewal = await startKeyRenewal({ periodMs: 0, cutoff: undefined }, keys);
    const both = Promise.all([renewal.trigger(), renewal.trigger()]);
    await vi.advanceTimersByTimeAsync(200);
    await both;
    expect(overlap).toBe(false);
  });

  it("stops renewing when stopped", async () => {
    const keys = fakeKeys(START);
    renewal = await startKeyRenewal({ periodMs: 100, cutoff: undefined }, keys);
    renewal.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(keys.generated).toHaveLength(0);
  });
});
