import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Logger } from "../ports/logger.js";
import { LIST_PAGE_SIZE, restartDelay, SupervisedInformer } from "./informer.js";
import type { ListFn, ListWatchLike } from "./informer.js";
import type { KubeObject } from "./list-watch.js";
import { RawJson } from "./json-stream.js";
import type { KubeLister, RestRequest } from "./rest.js";

/**
 * A stand-in for the list-watch: `start` lists (through the supervisor's list function,
 * which goes to the fake REST client) and fills the cache; the test fires watch errors by hand.
 */
class FakeListWatch<T extends KubeObject> implements ListWatchLike<T> {
  starts = 0;
  readonly objects = new Map<string, T>();
  readonly #list: ListFn<T>;
  readonly #cbs: Record<string, ((x: never) => void)[]> = {};

  constructor(list: ListFn<T>) {
    this.#list = list;
  }

  on(verb: string, cb: (x: never) => void): void {
    (this.#cbs[verb] ??= []).push(cb);
  }

  fire(verb: "add" | "update" | "delete" | "error" | "connect", arg: unknown): void {
    for (const cb of this.#cbs[verb] ?? []) cb(arg as never);
  }

  async start(): Promise<void> {
    this.starts++;
    try {
      const list = await this.#list();
      for (const o of list.items) {
        this.objects.set(o.metadata?.name ?? "", o);
        this.fire("add", o);
      }
    } catch (err) {
      this.fire("error", err); // as ListWatch does: report, do not reject
    }
  }

  stops = 0;

  stop(): Promise<void> {
    this.stops++;
    return Promise.resolve();
  }

  get(name: string): T | undefined {
    return this.objects.get(name);
  }

  list(): readonly T[] {
    return [...this.objects.values()];
  }
}

function setup(listResults: (() => Promise<unknown>)[], transform?: (o: KubeObject) => KubeObject) {
  const warnings: object[] = [];
  const errors: object[] = [];
  const log: Logger = {
    debug() {},
    info() {},
    warn: (o) => void warnings.push(o),
    error: (o) => void errors.push(o),
  };
  const requests: Pick<RestRequest, "query" | "timeoutMs">[] = [];
  const rest: KubeLister = {
    list: async (_path, req, onItem) => {
      requests.push(req);
      const answer = (await (listResults.shift() ?? (() => Promise.resolve({ items: [] })))()) as {
        metadata?: { resourceVersion?: string; continue?: string };
        items?: unknown[];
      };
      for (const item of answer.items ?? []) onItem(new RawJson(Buffer.from(JSON.stringify(item))));
      return { metadata: answer.metadata };
    },
  };
  let fake: FakeListWatch<KubeObject> | undefined;
  const added: string[] = [];
  const informer = new SupervisedInformer<KubeObject>(
    { name: "things", path: "/api/v1/things" },
    {
      transform,
      add: (o) => {
        if (o.metadata?.name === "boom") throw new Error("handler bug");
        added.push(o.metadata?.name ?? "");
      },
    },
    {
      rest,
      watch: { watch: () => ({ abort() {} }) },
      log,
      backoff: { initialMs: 100, maxMs: 400 },
      stallMs: 60_000,
      listWatch: <T extends KubeObject>(_spec: unknown, list: ListFn<T>) => {
        const lw = new FakeListWatch<T>(list);
        fake = lw;
        return lw;
      },
    },
  );
  return { informer, fake: () => fake!, warnings, errors, added, requests };
}

const items = (...names: string[]) =>
  Promise.resolve({
    metadata: { resourceVersion: "1" },
    items: names.map((name) => ({ metadata: { name } })),
  });

describe("SupervisedInformer", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("is synced once the first list has filled the cache", async () => {
    const { informer } = setup([() => items("a", "b")]);
    expect(informer.synced).toBe(false);
    await informer.start();
    expect(informer.synced).toBe(true);
    expect(informer.list().map((o) => o.metadata?.name)).toEqual(["a", "b"]);
  });

  it("restarts after any error with capped exponential backoff, and syncs once a list succeeds", async () => {
    const fail = () => Promise.reject(new Error("connection refused"));
    const { informer, fake, warnings } = setup([fail, fail, fail, fail, () => items("a")]);
    let synced = false;
    void informer.start().then(() => (synced = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(fake().starts).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(fake().starts).toBe(2);
    await vi.advanceTimersByTimeAsync(200);
    expect(fake().starts).toBe(3);
    await vi.advanceTimersByTimeAsync(400);
    expect(fake().starts).toBe(4);
    await vi.advanceTimersByTimeAsync(400); // capped
    expect(fake().starts).toBe(5);
    expect(synced).toBe(true);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatchObject({ informer: "things", err: "connection refused" });
  });

  it("restarts a running watch that fails (a non-410 watch error) and stops for good on stop()", async () => {
    const { informer, fake } = setup([() => items("a")]);
    await informer.start();
    const watchError = Object.assign(new Error("Forbidden"), { statusCode: 403 });
    fake().fire("error", watchError);
    await vi.advanceTimersByTimeAsync(100);
    expect(fake().starts).toBe(2);
    fake().fire("error", watchError);
    await informer.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fake().starts).toBe(2);
  });

  it("logs a throwing handler and keeps delivering", async () => {
    const { informer, errors, added } = setup([() => items("boom", "fine")]);
    await informer.start();
    expect(added).toEqual(["fine"]);
    expect(errors[0]).toMatchObject({ informer: "things", verb: "add", err: "handler bug" });
  });

  it("restarts a synced watch that stays silent past the stall limit, not one that reconnects", async () => {
    const { informer, fake, warnings } = setup([() => items("a")]);
    await informer.start();
    // Reconnects (the API server ending watches) and events count as activity.
    for (let i = 0; i < 4; i++) {
      await vi.advanceTimersByTimeAsync(45_000);
      fake().fire(i % 2 ? "connect" : "update", { metadata: { name: "a" } });
    }
    expect(fake().stops).toBe(0);
    let waited = 0;
    while (fake().stops === 0 && waited < 80_000) {
      await vi.advanceTimersByTimeAsync(500);
      waited += 500;
    }
    expect(waited).toBeGreaterThanOrEqual(60_000);
    expect(fake().stops).toBe(1);
    expect(warnings).toEqual([expect.objectContaining({ informer: "things" })]);
    // The aborted watch's error is not a new failure; the watch starts again after a pause.
    fake().fire("error", new Error("aborted"));
    await vi.advanceTimersByTimeAsync(1000);
    expect(fake().starts).toBe(2);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake().starts).toBe(2);
    expect(warnings).toHaveLength(1);
    await informer.stop();
  });

  it("lists in pages, following the continue token, and caches each item transformed", async () => {
    const page = (names: string[], next: string) =>
      Promise.resolve({
        metadata: { resourceVersion: "9", continue: next },
        items: names.map((name) => ({ metadata: { name, managedFields: [{}] } })),
      });
    const { informer, requests } = setup(
      [() => page(["a", "b"], "c1"), () => page(["c"], "")],
      (o) => ({ metadata: { name: `${o.metadata?.name ?? ""}!` } }),
    );
    await informer.start();
    expect(requests.map((r) => r.query)).toEqual([
      { labelSelector: undefined, limit: String(LIST_PAGE_SIZE), continue: undefined },
      { labelSelector: undefined, limit: String(LIST_PAGE_SIZE), continue: "c1" },
    ]);
    expect(informer.list()).toEqual([
      { metadata: { name: "a!" } },
      { metadata: { name: "b!" } },
      { metadata: { name: "c!" } },
    ]);
  });

  it("computes restart delays", () => {
    const b = { initialMs: 500, maxMs: 30_000 };
    expect([0, 1, 2, 6, 100].map((n) => restartDelay(n, b))).toEqual([
      500, 1000, 2000, 30_000, 30_000,
    ]);
  });
});
