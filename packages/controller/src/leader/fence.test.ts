import { describe, expect, it } from "vitest";

import { FencedError, LeaseFence, UNFENCED } from "./fence.js";
import type { FenceState } from "./fence.js";

const TIMINGS = { renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

function fenceAt(start = 1_000) {
  const clock = { now: start };
  const fence = new LeaseFence(TIMINGS, () => clock.now);
  return { fence, clock };
}

/** Settles `p` within the current microtask queue, or says it is still pending. */
async function settled(p: Promise<void>): Promise<"resolved" | "rejected" | "pending"> {
  const state = p.then(
    () => "resolved" as const,
    () => "rejected" as const,
  );
  return Promise.race([state, new Promise<"pending">((r) => setImmediate(() => r("pending")))]);
}

describe("LeaseFence", () => {
  it.each<[string, number | undefined, number, FenceState]>([
    ["refuses writes before the first renewal", undefined, 0, "waiting"],
    ["allows writes and new work right after a renewal", 0, 0, "open"],
    ["still open one retry period before the deadline", 0, 7_999, "open"],
    ["overdue with less than one retry period left", 0, 8_000, "overdue"],
    ["overdue until the renew deadline", 0, 9_999, "overdue"],
    ["closed at the renew deadline", 0, 10_000, "closed"],
  ])("%s", (_, renewedAfter, elapsed, expected) => {
    const { fence, clock } = fenceAt();
    if (renewedAfter !== undefined) fence.renewed(clock.now + renewedAfter);
    clock.now += elapsed;
    expect(fence.state()).toBe(expected);
    const allowed = expected === "open" || expected === "overdue";
    if (allowed) expect(() => fence.check()).not.toThrow();
    else expect(() => fence.check()).toThrow(FencedError);
  });

  it("refuses with a typed error the reconciler recognises, naming the reason but no secret", () => {
    const { fence, clock } = fenceAt();
    fence.renewed(clock.now);
    clock.now += 10_000;
    let caught: unknown;
    try {
      fence.check();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(FencedError);
    expect(caught).toMatchObject({ code: "ERR_NOT_LEADER", message: /renew deadline/ });
    expect(fence.isFenced(caught)).toBe(true);
    expect(fence.isFenced(new Error("other"))).toBe(false);
  });

  it("measures the deadline from the start of the renewal attempt and never moves it back", () => {
    const { fence, clock } = fenceAt();
    fence.renewed(clock.now + 5_000);
    fence.renewed(clock.now + 1_000); // a slower, older attempt answering late
    clock.now += 14_999;
    expect(fence.state()).toBe("overdue");
    expect(fence.remainingMs()).toBe(1);
    clock.now += 1;
    expect(fence.state()).toBe("closed");
    expect(fence.remainingMs()).toBe(0);
  });

  it("lets new work start at once while open, holds it while overdue and releases it on renewal", async () => {
    const { fence, clock } = fenceAt();
    fence.renewed(clock.now);
    expect(await settled(fence.ready())).toBe("resolved");
    clock.now += 9_000;
    const waiting = fence.ready();
    expect(await settled(waiting)).toBe("pending");
    fence.renewed(clock.now - 100);
    expect(await settled(waiting)).toBe("resolved");
  });

  it("holds new work while closed, and refuses it for good once leadership ended", async () => {
    const { fence, clock } = fenceAt();
    fence.renewed(clock.now);
    clock.now += 12_000;
    const waiting = fence.ready();
    expect(await settled(waiting)).toBe("pending");
    fence.end();
    expect(await settled(waiting)).toBe("rejected");
    await expect(waiting).rejects.toBeInstanceOf(FencedError);
    await expect(fence.ready()).rejects.toThrow(/leadership ended/);
    fence.renewed(clock.now);
    expect(fence.state()).toBe("ended");
    expect(() => fence.check()).toThrow(/leadership ended/);
  });

  it("reports when workers start waiting and when a renewal lets them go", async () => {
    const clock = { now: 0 };
    const changes: string[] = [];
    const fence = new LeaseFence(
      TIMINGS,
      () => clock.now,
      (c, s) => void changes.push(`${c}:${s}`),
    );
    fence.renewed(0);
    clock.now = 9_000;
    const first = fence.ready();
    const second = fence.ready();
    fence.renewed(8_500);
    await Promise.all([first, second]);
    fence.renewed(8_600); // nobody waiting: nothing to report
    expect(changes).toEqual(["paused:overdue", "resumed:open"]);
  });

  it("a slow renewal that leaves the fence overdue still releases the waiting workers once", async () => {
    const { fence, clock } = fenceAt();
    fence.renewed(clock.now);
    clock.now += 12_000;
    const waiting = fence.ready();
    expect(fence.waiting).toBe(1);
    fence.renewed(clock.now - 9_000); // took 9 s: writable for 1 s more, overdue
    expect(fence.state()).toBe("overdue");
    expect(await settled(waiting)).toBe("resolved");
    expect(await settled(fence.ready())).toBe("pending"); // new work waits for the next one
  });

  it("a renewal that leaves the fence closed releases no waiter", async () => {
    const { fence, clock } = fenceAt();
    fence.renewed(clock.now);
    clock.now += 12_000;
    const waiting = fence.ready();
    fence.renewed(clock.now - 11_000); // an attempt older than the deadline: still closed
    expect(await settled(waiting)).toBe("pending");
    fence.end();
    await expect(waiting).rejects.toBeInstanceOf(FencedError);
  });

  it.each([
    ["client-go's defaults", { renewDeadlineMs: 10_000, retryPeriodMs: 2_000 }, 8_000],
    ["a short deadline", { renewDeadlineMs: 2_000, retryPeriodMs: 500 }, 1_500],
    ["retries close to the deadline", { renewDeadlineMs: 2_500, retryPeriodMs: 2_000 }, 2_500],
    ["frequent retries", { renewDeadlineMs: 10_000, retryPeriodMs: 100 }, 9_900],
  ])("with %s, the renewal is overdue (or the fence closed) at %i ms", (_, timings, overdueAt) => {
    const clock = { now: 0 };
    const fence = new LeaseFence(timings, () => clock.now);
    fence.renewed(0);
    clock.now = overdueAt - 1;
    expect(fence.state()).toBe("open");
    clock.now = overdueAt;
    expect(fence.state()).toBe(overdueAt === timings.renewDeadlineMs ? "closed" : "overdue");
  });
});

describe("UNFENCED", () => {
  it("always allows writes and work (no leader election)", async () => {
    expect(() => UNFENCED.check()).not.toThrow();
    await expect(UNFENCED.ready()).resolves.toBeUndefined();
    expect(Object.isFrozen(UNFENCED)).toBe(true);
  });
});
