import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { LeaderElector, LeaseConflictError } from "./elector.js";
import type { ElectorClock, LeasePort } from "./elector.js";
import type { LeaseRecord, ObservedLease } from "./lease.js";

const TIMINGS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** One Lease as the API server keeps it: resourceVersion checked on every write. */
class FakeLeaseServer {
  record: LeaseRecord | undefined;
  rv = 0;
  writes: { by: string; record: LeaseRecord }[] = [];

  port(client: string, state: { down: boolean; slowMs?: number }): LeasePort {
    const answer = async <T>(fn: () => T): Promise<T> => {
      await Promise.resolve();
      if (state.slowMs) await new Promise((r) => setTimeout(r, state.slowMs));
      if (state.down) throw new Error("connection refused");
      return fn();
    };
    const stored = (): ObservedLease => ({
      record: { ...this.record! },
      resourceVersion: `${this.rv}`,
    });
    const write = (record: LeaseRecord): ObservedLease => {
      this.record = { ...record };
      this.rv += 1;
      this.writes.push({ by: client, record: { ...record } });
      return stored();
    };
    return {
      get: () => answer(() => (this.record ? stored() : undefined)),
      create: (record) =>
        answer(() => {
          if (this.record) throw new LeaseConflictError("exists");
          return write(record);
        }),
      update: (record, resourceVersion) =>
        answer(() => {
          if (resourceVersion !== `${this.rv}`) throw new LeaseConflictError("stale");
          return write(record);
        }),
    };
  }
}

const clock: ElectorClock = {
  now: () => Date.now(),
  monotonic: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
    }),
  random: () => 0.5,
};

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined };

function contender(server: FakeLeaseServer, id: string, electorClock = clock) {
  const state = {
    down: false,
    slowMs: 0,
    started: 0,
    stopped: 0,
    stoppedAt: 0,
    renewed: [] as number[],
  };
  const elector = new LeaderElector(id, TIMINGS, {
    lease: server.port(id, state),
    clock: electorClock,
    log: quiet,
    onStartedLeading: () => void (state.started += 1),
    onStoppedLeading: () => {
      state.stopped += 1;
      state.stoppedAt = Date.now();
    },
    onRenewed: (at) => void state.renewed.push(at),
  });
  return { elector, state };
}

const advance = (ms: number): Promise<void> =>
  vi.advanceTimersByTimeAsync(ms).then(() => undefined);

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse("2026-06-01T00:00:00Z") });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("LeaderElector", () => {
  it("one of two contenders creates the Lease; the other waits while it is renewed", async () => {
    const server = new FakeLeaseServer();
    const a = contender(server, "a");
    const b = contender(server, "b");
    a.elector.start();
    b.elector.start();
    await advance(60_000);
    const leaders = [a, b].filter((c) => c.elector.leading);
    expect(leaders).toHaveLength(1);
    expect(leaders[0]!.state.started).toBe(1);
    expect(server.record?.holderIdentity).toBe(leaders[0]!.elector.identity);
    expect(new Set(server.writes.map((w) => w.by))).toEqual(
      new Set([leaders[0]!.elector.identity]),
    );
    // Renewed every retry period: ~30 renewals in a minute.
    expect(server.writes.length).toBeGreaterThanOrEqual(25);
    expect(server.record?.leaseTransitions).toBe(0);
    await Promise.all([a.elector.stop(), b.elector.stop()]);
  });

  it("a leader that cannot renew gives up at the renew deadline; the other takes over after the lease duration", async () => {
    const server = new FakeLeaseServer();
    const a = contender(server, "a");
    a.elector.start();
    await advance(100);
    expect(a.elector.leading).toBe(true);
    const b = contender(server, "b");
    b.elector.start();
    await advance(4_000);
    a.state.down = true;
    const cut = Date.now();
    await advance(TIMINGS.renewDeadlineMs + 1);
    expect(a.state.stopped).toBe(1);
    expect(a.elector.leading).toBe(false);
    expect(b.elector.leading).toBe(false);
    // b saw the last renewal at most one jittered retry (≤ 4.4 s) after it was written.
    await advance(TIMINGS.leaseDurationMs - TIMINGS.renewDeadlineMs + 4_400);
    expect(b.elector.leading).toBe(true);
    expect(b.state.started).toBe(1);
    expect(Date.now() - cut).toBeLessThanOrEqual(TIMINGS.leaseDurationMs + 4_400 + 1);
    expect(server.record).toMatchObject({ holderIdentity: "b", leaseTransitions: 1 });
    // a never writes again, even when the API comes back.
    a.state.down = false;
    const writes = server.writes.length;
    await advance(20_000);
    expect(server.writes.slice(writes).every((w) => w.by === "b")).toBe(true);
    await b.elector.stop();
  });

  it("reports the start of every successful attempt, so the fence can count from it", async () => {
    const server = new FakeLeaseServer();
    const a = contender(server, "a");
    const t0 = Date.now();
    a.elector.start();
    await advance(5_000);
    expect(a.state.renewed[0]).toBe(t0);
    expect(a.state.renewed.length).toBeGreaterThanOrEqual(3);
    // Each renewal starts one retry period after the previous one ended.
    expect(a.state.renewed.slice(1).every((t, i) => t - a.state.renewed[i]! >= 2_000)).toBe(true);
    await a.elector.stop();
  });

  it.each([
    ["fail at once", 0],
    ["take most of the time left before failing", 1_500],
    ["hang until the deadline", 60_000],
  ])(
    "gives up exactly at the renew deadline when renewals %s (never sleeps past it)",
    async (_, slowMs) => {
      const server = new FakeLeaseServer();
      const a = contender(server, "a");
      a.elector.start();
      await advance(100);
      expect(a.elector.leading).toBe(true);
      await advance(3_000);
      const last = a.state.renewed.at(-1)!;
      a.state.down = true;
      a.state.slowMs = slowMs;
      await advance(TIMINGS.renewDeadlineMs + 5_000);
      expect(a.state.stopped).toBe(1);
      expect(a.state.stoppedAt - last).toBe(TIMINGS.renewDeadlineMs);
      await a.elector.stop();
    },
  );

  it("keeps the Lease while the wall clock is stepped forward by an hour", async () => {
    const offset = { ms: 0 };
    const stepped: ElectorClock = { ...clock, now: () => Date.now() + offset.ms };
    const server = new FakeLeaseServer();
    const a = contender(server, "a", stepped);
    const b = contender(server, "b", stepped);
    a.elector.start();
    await advance(100);
    b.elector.start();
    await advance(3_000);
    offset.ms = 3_600_000;
    await advance(20_000);
    expect(a.elector.leading).toBe(true);
    expect(b.elector.leading).toBe(false);
    expect(a.state.stopped).toBe(0);
    await Promise.all([a.elector.stop(), b.elector.stop()]);
  });

  it("loses leadership at once when it finds the Lease held by someone else", async () => {
    const server = new FakeLeaseServer();
    const a = contender(server, "a");
    a.elector.start();
    await advance(100);
    server.record = { ...server.record!, holderIdentity: "intruder" };
    server.rv += 1;
    await advance(2_100);
    expect(a.state.stopped).toBe(1);
    expect(server.record.holderIdentity).toBe("intruder");
  });

  it("stop() releases the Lease, so the follower takes over within a jittered retry period", async () => {
    const server = new FakeLeaseServer();
    const a = contender(server, "a");
    const b = contender(server, "b");
    a.elector.start();
    await advance(100);
    b.elector.start();
    await advance(5_000);
    await a.elector.stop();
    expect(a.state.stopped).toBe(0);
    expect(server.record?.holderIdentity).toBe("");
    await advance(2 * 2_000 * 2.2);
    expect(b.elector.leading).toBe(true);
    expect(server.record).toMatchObject({ holderIdentity: "b", leaseTransitions: 1 });
    await b.elector.stop();
  });

  it("stop() before acquiring writes nothing", async () => {
    const server = new FakeLeaseServer();
    const a = contender(server, "a");
    a.state.down = true;
    a.elector.start();
    await advance(3_000);
    await a.elector.stop();
    expect(server.writes).toEqual([]);
    expect(a.state).toMatchObject({ started: 0, stopped: 0 });
  });
});
