import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { SealedSecret } from "@signet/core";

import type { ObjectEvent } from "../ports/events.js";
import type { Logger } from "../ports/logger.js";
import { kubeEventWriter } from "../kube/stores.js";
import type { KubeRest, RestRequest } from "../kube/rest.js";
import { DROP_REPORT_MS, EventSender } from "./event-sender.js";
import type { EventSenderOptions } from "./event-sender.js";

const START = new Date("2026-06-01T00:00:00Z");

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(() => {
  vi.useRealTimers();
});

const tick = (ms = 0): Promise<void> => vi.advanceTimersByTimeAsync(ms).then(() => undefined);

/** The reconcile work queue: busy or idle as the test says; counts the idle waits asked for. */
function fakeWork(busy: boolean) {
  const waiters: (() => void)[] = [];
  const work = {
    isBusy: busy,
    idleCalls: 0,
    busy: () => work.isBusy,
    idle: (): Promise<void> => {
      work.idleCalls++;
      return work.isBusy ? new Promise((r) => waiters.push(r)) : Promise.resolve();
    },
    setBusy(value: boolean) {
      work.isBusy = value;
      if (!value) for (const resolve of waiters.splice(0)) resolve();
    },
  };
  return work;
}

/** Records what was written and when; each write takes `writeMs` (Infinity: never ends). */
function fakeWriter(writeMs = 0, fail: (e: ObjectEvent) => boolean = () => false) {
  const written: { message: string; at: number; writtenAt: number }[] = [];
  const started: string[] = [];
  const writer = {
    write: async (e: ObjectEvent): Promise<void> => {
      started.push(e.message);
      if (writeMs === Infinity) return new Promise<void>(() => undefined);
      if (writeMs > 0) await new Promise((r) => setTimeout(r, writeMs));
      if (fail(e)) throw new Error("connection reset");
      written.push({ message: e.message, at: e.at.getTime(), writtenAt: Date.now() });
    },
  };
  return { writer, written, started };
}

function recordingLog() {
  const warnings: { obj: object; msg: string }[] = [];
  const log: Logger = {
    debug() {},
    info() {},
    warn: (obj, msg) => void warnings.push({ obj, msg }),
    error() {},
  };
  return { log, warnings };
}

function sender(
  parts: {
    work: ReturnType<typeof fakeWork>;
    writer: ReturnType<typeof fakeWriter>["writer"];
    log?: Logger;
    onDropped?: () => void;
  },
  options: Partial<EventSenderOptions> = {},
): EventSender {
  return new EventSender(
    {
      writer: parts.writer,
      work: parts.work,
      log: parts.log ?? recordingLog().log,
      now: () => new Date(),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      ...(parts.onDropped && { onDropped: parts.onDropped }),
    },
    { maxDelayMs: 5_000, maxBacklog: 100, ...options },
  );
}

const ss = (name: string): SealedSecret => ({
  metadata: { name, namespace: "ns", uid: `uid-${name}`, resourceVersion: "1" },
  spec: { encryptedData: {} },
});

const record = (s: EventSender, message: string, name = "app"): void =>
  s.record(ss(name), "Normal", "Unsealed", message);

const messages = (w: { message: string }[]): string[] => w.map((e) => e.message);

describe("event sender", () => {
  it("returns from record at once, while the write has not finished", () => {
    const w = fakeWriter(Infinity);
    const s = sender({ work: fakeWork(false), writer: w.writer });
    expect(record(s, "a")).toBeUndefined();
    expect(w.written).toEqual([]);
  });

  it("writes at once when the work queue is idle, stamped with the time it was recorded", async () => {
    const w = fakeWriter();
    const s = sender({ work: fakeWork(false), writer: w.writer });
    record(s, "a");
    await tick();
    expect(w.written).toEqual([{ message: "a", at: START.getTime(), writtenAt: START.getTime() }]);
  });

  it("holds events back while the work queue is busy and writes them, in order, when it goes idle", async () => {
    const work = fakeWork(true);
    const w = fakeWriter();
    const s = sender({ work, writer: w.writer });
    record(s, "a", "one");
    record(s, "b", "two");
    record(s, "c", "one");
    await tick(4_000);
    expect(w.written).toEqual([]);
    work.setBusy(false);
    await tick();
    expect(messages(w.written)).toEqual(["a", "b", "c"]);
    expect(w.written.every((e) => e.writtenAt === START.getTime() + 4_000)).toBe(true);
  });

  it.each([
    ["recorded at 0 ms", 0, [4_999, 5_000]],
    ["recorded at 2,000 ms", 2_000, [6_999, 7_000]],
  ])(
    "writes an event %s at most 5 s later even if the queue never goes idle",
    async (_, recordedAt, [before, due]) => {
      const w = fakeWriter();
      const s = sender({ work: fakeWork(true), writer: w.writer });
      await tick(recordedAt);
      record(s, "a");
      await tick(before! - recordedAt);
      expect(w.written).toEqual([]);
      await tick(due! - before!);
      expect(w.written).toEqual([
        { message: "a", at: START.getTime() + recordedAt, writtenAt: START.getTime() + due! },
      ]);
    },
  );

  it("writes each held event when it falls due, one at a time, in order", async () => {
    const w = fakeWriter(100);
    const s = sender({ work: fakeWork(true), writer: w.writer });
    record(s, "a");
    await tick(1_000);
    record(s, "b");
    await tick(4_000);
    expect(w.started).toEqual(["a"]);
    await tick(1_100);
    expect(w.written.map((e) => [e.message, e.writtenAt - START.getTime()])).toEqual([
      ["a", 5_100],
      ["b", 6_100],
    ]);
  });

  it("asks the work queue for one idle wait at a time, however long it stays busy", async () => {
    const work = fakeWork(true);
    const w = fakeWriter();
    const s = sender({ work, writer: w.writer });
    for (let i = 0; i < 50; i++) {
      record(s, `e${i}`);
      await tick(1_000);
    }
    expect(w.written.length).toBeGreaterThan(40);
    expect(work.idleCalls).toBe(1);
  });

  it("drops the oldest events beyond the backlog bound and warns once per burst, with counts only", async () => {
    const work = fakeWork(true);
    const w = fakeWriter();
    const { log, warnings } = recordingLog();
    let counted = 0;
    const s = sender(
      { work, writer: w.writer, log, onDropped: () => counted++ },
      { maxBacklog: 3 },
    );
    for (const m of ["a", "b", "c", "d", "e"]) record(s, m);
    expect(s.dropped).toBe(2);
    expect(counted).toBe(2);
    work.setBusy(false);
    await tick();
    expect(messages(w.written)).toEqual(["c", "d", "e"]);
    expect(warnings).toEqual([]);
    await tick(DROP_REPORT_MS);
    expect(warnings).toEqual([
      { obj: { dropped: 2, maxBacklog: 3 }, msg: "event backlog full: dropped the oldest events" },
    ]);
    work.setBusy(true);
    for (const m of ["f", "g", "h", "i"]) record(s, m);
    await tick(DROP_REPORT_MS);
    expect(warnings.map((x) => x.obj)).toEqual([
      { dropped: 2, maxBacklog: 3 },
      { dropped: 1, maxBacklog: 3 },
    ]);
    expect(s.dropped).toBe(3);
  });

  it.each([
    ["all of them within a long deadline", 5_000, 0, ["a", "b", "c"]],
    ["what it can within a short one (the write in flight counts as unwritten)", 1_500, 2, ["a"]],
  ])(
    "on close writes the backlog without holding back: %s",
    async (_, deadlineMs, unwritten, written) => {
      const w = fakeWriter(1_000);
      const { log, warnings } = recordingLog();
      const s = sender({ work: fakeWork(true), writer: w.writer, log });
      for (const m of ["a", "b", "c"]) record(s, m);
      const closed = s.close(deadlineMs);
      await tick(deadlineMs);
      expect(await closed).toBe(unwritten);
      expect(messages(w.written)).toEqual(written);
      expect(warnings.filter((x) => x.msg === "events not written before shutdown")).toHaveLength(
        unwritten > 0 ? 1 : 0,
      );
      record(s, "late");
      await tick(10_000);
      expect(w.started).not.toContain("late");
    },
  );

  it("reports drops not yet reported when it closes", async () => {
    const { log, warnings } = recordingLog();
    const s = sender({ work: fakeWork(true), writer: fakeWriter().writer, log }, { maxBacklog: 1 });
    record(s, "a");
    record(s, "b");
    const closed = s.close(1_000);
    await tick(1_000);
    expect(await closed).toBe(0);
    expect(warnings.map((x) => x.obj)).toEqual([{ dropped: 1, maxBacklog: 1 }]);
  });

  it("logs a failed write and goes on with the next event", async () => {
    const w = fakeWriter(0, (e) => e.message === "a");
    const { log, warnings } = recordingLog();
    const s = sender({ work: fakeWork(false), writer: w.writer, log });
    record(s, "a");
    record(s, "b");
    await tick();
    expect(messages(w.written)).toEqual(["b"]);
    expect(warnings).toEqual([
      { obj: { reason: "Unsealed", err: "connection reset" }, msg: "could not record event" },
    ]);
  });

  it("keeps the Event aggregation of the kube writer: a held-back repeat bumps the count with its own time", async () => {
    const calls: { path: string; req: RestRequest }[] = [];
    const answers: unknown[] = [{ metadata: { name: "app.1" } }, {}, {}];
    const rest: KubeRest = {
      request: <T>(path: string, req: RestRequest = {}) => {
        calls.push({ path, req });
        return Promise.resolve(answers.shift() as T);
      },
      close() {},
    };
    const work = fakeWork(true);
    const s = sender({ work, writer: kubeEventWriter(rest, recordingLog().log, { host: "h" }) });
    s.record(ss("app"), "Warning", "ErrUnsealFailed", "Failed to unseal: x");
    await tick(1_000);
    s.record(ss("app"), "Warning", "ErrUnsealFailed", "Failed to unseal: x");
    s.record(ss("app"), "Warning", "ErrUnsealFailed", "Failed to unseal: x");
    work.setBusy(false);
    await tick();
    expect(calls.map((c) => [c.req.method, c.path])).toEqual([
      ["POST", "/api/v1/namespaces/ns/events"],
      ["PATCH", "/api/v1/namespaces/ns/events/app.1"],
      ["PATCH", "/api/v1/namespaces/ns/events/app.1"],
    ]);
    expect(calls[0]?.req.body).toMatchObject({
      involvedObject: { name: "app", namespace: "ns", uid: "uid-app", resourceVersion: "1" },
      firstTimestamp: "2026-06-01T00:00:00.000Z",
    });
    expect(calls[2]?.req.body).toEqual({ count: 3, lastTimestamp: "2026-06-01T00:00:01.000Z" });
  });
});
