import { describe, expect, it } from "vitest";

import { WakeUps } from "./wake-ups.js";

/** Timers the test fires by hand. */
function fakeTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  return {
    pending,
    setTimer: (fn: () => void, ms: number) => {
      pending.set(++next, { fn, ms });
      return next;
    },
    clearTimer: (h: unknown) => void pending.delete(h as number),
    fire: () => {
      const all = [...pending.values()];
      pending.clear();
      for (const t of all) t.fn();
    },
  };
}

describe("wake-ups", () => {
  it("queue a key once after its delay, a later wake-up replacing the earlier", () => {
    const timers = fakeTimers();
    const queued: string[] = [];
    const w = new WakeUps({ ...timers, enqueue: (k) => void queued.push(k) });
    w.at("ns/a", 5_000);
    w.at("ns/a", 1_000);
    w.at("ns/b", 2_000);
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([1_000, 2_000]);
    timers.fire();
    expect(queued).toEqual(["ns/a", "ns/b"]);
    expect(w.size).toBe(0);
  });

  it("are dropped by cancel and by stop, and none is armed after stop", () => {
    const timers = fakeTimers();
    const queued: string[] = [];
    const w = new WakeUps({ ...timers, enqueue: (k) => void queued.push(k) });
    w.at("ns/a", 1_000);
    w.at("ns/b", 1_000);
    w.cancel("ns/a");
    w.stop();
    w.at("ns/c", 1_000);
    timers.fire();
    expect(queued).toEqual([]);
    expect(timers.pending.size).toBe(0);
  });
});
