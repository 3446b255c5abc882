import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { WorkQueue } from "./work-queue.js";
import type { ProcessResult, WorkQueueOptions } from "./work-queue.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function queue(
  process: (key: string) => Promise<ProcessResult>,
  over: Partial<WorkQueueOptions> = {},
): WorkQueue {
  return new WorkQueue({
    workers: 2,
    process,
    backoff: { baseMs: 100, maxMs: 1000 },
    onError: () => undefined,
    ...over,
  });
}

const tick = (ms = 0): Promise<void> => vi.advanceTimersByTimeAsync(ms).then(() => undefined);

describe("work queue", () => {
  it("holds a key added several times while waiting once", () => {
    const seen: string[] = [];
    const q = queue((k) => (seen.push(k), Promise.resolve("done")), { workers: 0 });
    q.add("a");
    q.add("a");
    expect(q.length).toBe(1);
  });

  it("never processes the same key on two workers, and re-runs a key added while processing", async () => {
    let running = 0;
    let overlap = false;
    let runs = 0;
    const q = queue(async () => {
      overlap ||= running > 0;
      running++;
      runs++;
      await new Promise((r) => setTimeout(r, 10));
      running--;
      return "done";
    });
    q.add("a");
    await tick(1);
    q.add("a");
    q.add("a");
    await tick(50);
    expect([overlap, runs]).toEqual([false, 2]);
  });

  it("is busy while keys wait or run, idle again when they are done, whatever retries are pending", async () => {
    const q = queue(async (k) => {
      await new Promise((r) => setTimeout(r, 10));
      return k === "fails" ? "retry" : "done";
    });
    expect(q.busy()).toBe(false);
    let idle = false;
    q.add("a");
    q.add("fails");
    void q.idle().then(() => (idle = true));
    expect(q.busy()).toBe(true);
    await tick(5);
    expect([q.busy(), idle]).toEqual([true, false]);
    await tick(10);
    expect([q.busy(), idle]).toEqual([false, true]);
  });

  it("runs different keys in parallel up to the worker count", async () => {
    let running = 0;
    let peak = 0;
    const q = queue(
      async () => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 10));
        running--;
        return "done";
      },
      { workers: 3 },
    );
    for (const k of ["a", "b", "c", "d", "e"]) q.add(k);
    await tick(100);
    expect(peak).toBe(3);
  });

  it("retries failures with capped exponential backoff and never gives up", async () => {
    const times: number[] = [];
    const q = queue(() => {
      times.push(Date.now());
      return Promise.resolve("retry");
    });
    const start = Date.now();
    q.add("a");
    await tick(10_000);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.slice(0, 6)).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(times.length).toBeGreaterThan(10);
    expect(times[0]).toBe(start);
  });

  it("treats a thrown error as a retry and reports it", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const q = queue(
      () => (++calls === 1 ? Promise.reject(new Error("boom")) : Promise.resolve("done")),
      { onError: (_k, e) => errors.push(e) },
    );
    q.add("a");
    await tick(100);
    expect([calls, errors]).toEqual([2, [new Error("boom")]]);
  });

  it("resets the backoff after a success", async () => {
    let fail = true;
    const times: number[] = [];
    const q = queue(() => {
      times.push(Date.now());
      return Promise.resolve(fail ? "retry" : "done");
    });
    q.add("a");
    await tick(300);
    fail = false;
    await tick(1000);
    fail = true;
    const before = times.length;
    q.add("a");
    await tick(100);
    expect(times.length - before).toBe(2);
  });

  it("processes an added key at once even while its retry is pending", async () => {
    let calls = 0;
    const q = queue(() => Promise.resolve(++calls === 1 ? "retry" : "done"));
    q.add("a");
    await tick(0);
    q.add("a");
    await tick(0);
    expect(calls).toBe(2);
    await tick(1000);
    expect(calls).toBe(2);
  });

  it("drains in-flight work and drops the rest on shutdown", async () => {
    const done: string[] = [];
    const q = queue(
      async (k) => {
        await new Promise((r) => setTimeout(r, 10));
        done.push(k);
        return "done";
      },
      { workers: 1 },
    );
    q.add("a");
    q.add("b");
    await tick(1);
    const stopped = q.shutdown();
    await tick(20);
    await stopped;
    q.add("c");
    await tick(20);
    expect(done).toEqual(["a"]);
  });
});

describe("work queue fairness across namespaces", () => {
  /** Processes keys until released by hand; records the order they started in. */
  function gated(over: Partial<WorkQueueOptions> = {}) {
    const started: string[] = [];
    const release = new Map<string, () => void>();
    const q = queue(
      (k) =>
        new Promise<ProcessResult>((resolve) => {
          started.push(k);
          release.set(k, () => resolve("done"));
        }),
      over,
    );
    const done = async (k: string): Promise<void> => {
      release.get(k)!();
      await tick(0);
    };
    return { q, started, done };
  }

  it("lets namespaces take turns: a late namespace waits for one key, not for the backlog", async () => {
    const { q, started, done } = gated({ workers: 1 });
    for (let i = 0; i < 100; i++) q.add(`big/o${i}`);
    q.add("small/a");
    q.add("small/b");
    for (const k of ["big/o0", "big/o1", "small/a", "big/o2"]) await done(k);
    expect(started).toEqual(["big/o0", "big/o1", "small/a", "big/o2", "small/b"]);
    expect(q.length).toBe(97);
  });

  it("keeps workers free for other namespaces: one namespace holds at most maxPerTenant", async () => {
    const { q, started, done } = gated({ workers: 4, maxPerTenant: 2 });
    for (let i = 0; i < 10; i++) q.add(`big/o${i}`);
    expect(started).toEqual(["big/o0", "big/o1"]);
    q.add("small/a");
    expect(started.at(-1)).toBe("small/a");
    await done("big/o0");
    expect(started.at(-1)).toBe("big/o2");
    expect(q.has("big/o9")).toBe(true);
    expect(q.has("small/a")).toBe(true);
    await done("small/a");
    expect(q.has("small/a")).toBe(false);
  });
});
