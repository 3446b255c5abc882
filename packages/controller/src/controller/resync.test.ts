import { describe, expect, it } from "vitest";

import type { SealedSecret, Secret } from "@signet/core";

import type { Logger } from "../ports/logger.js";
import { PeriodicResync, RESYNC_SLICE } from "./resync.js";
import type { ResyncTarget } from "./resync.js";

const object = (name: string): SealedSecret => ({
  metadata: { namespace: "ns", name, uid: `uid-${name}`, generation: 1 },
  spec: { encryptedData: {} },
});

function harness(names: string[], settled: (name: string) => boolean, cache = true) {
  const queued: string[] = [];
  const seen: [string, Secret | undefined | "unknown"][] = [];
  const logs: { level: string; obj: object; msg: string }[] = [];
  const log: Logger = {
    debug: (obj, msg) => void logs.push({ level: "debug", obj, msg }),
    info: (obj, msg) => void logs.push({ level: "info", obj, msg }),
    warn: (obj, msg) => void logs.push({ level: "warn", obj, msg }),
    error: (obj, msg) => void logs.push({ level: "error", obj, msg }),
  };
  const timers: { fn: () => void; ms: number }[] = [];
  let yields = 0;
  const objects = names.map(object);
  const target: ResyncTarget = {
    sealedSecrets: () => objects,
    secret: (namespace, name) =>
      cache ? (name === "nosecret" ? undefined : { metadata: { namespace, name } }) : "unknown",
    isSettled: (ss, secret) => {
      seen.push([ss.metadata.name ?? "", secret]);
      return settled(ss.metadata.name ?? "");
    },
    enqueue: (key) => void queued.push(key),
  };
  let clock = 0;
  const resync = (periodMs: number) =>
    new PeriodicResync(periodMs, target, {
      log,
      monotonic: () => (clock += 5),
      setTimer: (fn, ms) => {
        const timer = { fn, ms };
        timers.push(timer);
        return timer;
      },
      clearTimer: (h) => {
        const i = timers.indexOf(h as (typeof timers)[number]);
        if (i >= 0) timers.splice(i, 1);
      },
      yieldNow: () => {
        yields++;
        return Promise.resolve();
      },
    });
  return { queued, seen, logs, timers, resync, yields: () => yields };
}

describe("PeriodicResync", () => {
  it("queues exactly the objects not in their last state, checking each against its cached Secret", async () => {
    const h = harness(["a", "b", "nosecret", "c"], (name) => name === "a" || name === "c");
    const pass = await h.resync(60_000).pass();
    expect(h.queued).toEqual(["ns/b", "ns/nosecret"]);
    expect(h.seen).toEqual([
      ["a", { metadata: { namespace: "ns", name: "a" } }],
      ["b", { metadata: { namespace: "ns", name: "b" } }],
      ["nosecret", undefined],
      ["c", { metadata: { namespace: "ns", name: "c" } }],
    ]);
    expect(pass).toEqual({ checked: 4, queued: 2, ms: 5 });
    expect(h.logs).toEqual([
      { level: "info", obj: pass, msg: "resync: queued objects not in their last state" },
    ]);
  });

  it("says the Secret is unknown when no Secret cache covers it", async () => {
    const h = harness(["a"], () => true, false);
    await h.resync(60_000).pass();
    expect(h.seen).toEqual([["a", "unknown"]]);
  });

  it("queues nothing and logs at debug when every object is in its last state", async () => {
    const h = harness(["a", "b"], () => true);
    expect(await h.resync(60_000).pass()).toMatchObject({ checked: 2, queued: 0 });
    expect(h.queued).toEqual([]);
    expect(h.logs.map((l) => l.level)).toEqual(["debug"]);
  });

  it("yields to the event loop between slices of a large cache", async () => {
    const names = Array.from({ length: RESYNC_SLICE * 2 + 1 }, (_, i) => `s${i}`);
    const h = harness(names, () => true);
    await h.resync(60_000).pass();
    expect(h.yields()).toBe(2);
  });

  it("runs one pass per period, each scheduled after the previous one finished", async () => {
    const h = harness(["a"], () => false);
    const resync = h.resync(30_000);
    resync.start();
    expect(h.timers.map((t) => t.ms)).toEqual([30_000]);
    expect(h.queued).toEqual([]);
    h.timers.shift()!.fn();
    await new Promise((r) => setImmediate(r));
    expect(h.queued).toEqual(["ns/a"]);
    expect(h.timers.map((t) => t.ms)).toEqual([30_000]);
    resync.stop();
    expect(h.timers).toEqual([]);
  });

  it.each([
    ["period 0 disables it", 0],
    ["a stopped resync does not start", 30_000],
  ])("%s", (what, period) => {
    const h = harness(["a"], () => false);
    const resync = h.resync(period);
    if (what.includes("stopped")) resync.stop();
    resync.start();
    expect(h.timers).toEqual([]);
  });
});
