import { describe, expect, it } from "vitest";

import { FairScheduler } from "./fair-scheduler.js";

/** A job that runs until released, recording the order in which jobs started. */
function harness(concurrency: number, apiShare?: number) {
  const scheduler = new FairScheduler<"api" | "reconcile">({
    concurrency,
    classes: { api: apiShare === undefined ? {} : { share: apiShare }, reconcile: {} },
  });
  const started: string[] = [];
  const releases = new Map<string, () => void>();
  const submit = (cls: "api" | "reconcile", tenant: string, id: string): Promise<string> =>
    scheduler.run(cls, tenant, () => {
      started.push(id);
      return new Promise<string>((resolve) => releases.set(id, () => resolve(id)));
    });
  const release = async (id: string): Promise<void> => {
    releases.get(id)!();
    // Let the settled job hand its slot on.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { scheduler, started, submit, release };
}

describe("FairScheduler", () => {
  it("runs at most `concurrency` jobs at once", async () => {
    const h = harness(2);
    const all = ["a", "b", "c", "d"].map((id) => h.submit("reconcile", "ns", id));
    expect(h.started).toEqual(["a", "b"]);
    expect(h.scheduler.waiting("reconcile")).toBe(2);
    await h.release("a");
    expect(h.started).toEqual(["a", "b", "c"]);
    for (const id of ["b", "c", "d"]) await h.release(id);
    await expect(Promise.all(all)).resolves.toEqual(["a", "b", "c", "d"]);
  });

  it("lets namespaces take turns: a late small tenant waits one job, not the big tenant's backlog", async () => {
    const h = harness(1);
    for (let i = 0; i < 50; i++) void h.submit("reconcile", "big", `big-${i}`);
    void h.submit("reconcile", "small", "small-0");
    void h.submit("reconcile", "small", "small-1");
    for (const id of ["big-0", "big-1", "small-0", "big-2"]) await h.release(id);
    // `big` was already waiting for its turn when `small` arrived: one more job, then `small`.
    expect(h.started).toEqual(["big-0", "big-1", "small-0", "big-2", "small-1"]);
  });

  it("shares job starts between waiting classes by weight", async () => {
    const scheduler = new FairScheduler<"api" | "reconcile">({
      concurrency: 1,
      classes: { reconcile: { weight: 3 }, api: { weight: 1 } },
    });
    const started: string[] = [];
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      for (const cls of ["api", "reconcile"] as const) {
        jobs.push(scheduler.run(cls, "t", () => (started.push(cls), Promise.resolve())));
      }
    }
    await Promise.all(jobs);
    // The first 40 starts happen while both classes wait: a quarter go to the API.
    const api = started.slice(0, 40).filter((c) => c === "api").length;
    expect(api).toBeGreaterThanOrEqual(9);
    expect(api).toBeLessThanOrEqual(11);
  });

  it("holds a class to its share of running jobs while another waits", async () => {
    const h = harness(4, 1);
    for (let i = 0; i < 6; i++) void h.submit("api", "client", `api-${i}`);
    for (let i = 0; i < 6; i++) void h.submit("reconcile", "ns", `rec-${i}`);
    // The API class was alone and took every slot; from now on it holds one at most.
    for (const id of ["api-0", "api-1", "api-2", "api-3"]) await h.release(id);
    expect(h.started.slice(4)).toEqual(["rec-0", "rec-1", "rec-2", "api-4"]);
    await h.release("rec-0");
    expect(h.started.at(-1)).toBe("rec-3");
  });

  it("gives API jobs every slot when no reconcile waits", () => {
    const h = harness(3, 1);
    for (let i = 0; i < 3; i++) void h.submit("api", "client", `api-${i}`);
    expect(h.started).toEqual(["api-0", "api-1", "api-2"]);
  });

  it("passes a failing job's error to its caller and keeps going", async () => {
    const scheduler = new FairScheduler<"x">({ concurrency: 1, classes: { x: {} } });
    const failing = scheduler.run("x", "t", () => Promise.reject(new Error("boom")));
    const throwing = scheduler.run("x", "t", () => {
      throw new Error("sync boom");
    });
    const fine = scheduler.run("x", "t", () => Promise.resolve(42));
    await expect(failing).rejects.toThrow("boom");
    await expect(throwing).rejects.toThrow("sync boom");
    await expect(fine).resolves.toBe(42);
    expect(scheduler.active).toBe(0);
  });

  it.each([0, -1, Number.NaN])("refuses a concurrency of %d", (concurrency) => {
    expect(() => new FairScheduler({ concurrency, classes: { x: {} } })).toThrow(TypeError);
  });
});
