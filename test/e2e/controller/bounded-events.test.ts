// Events queued while the controller is busy are written on a graceful shutdown (SIGTERM), and
// drops from a full backlog are a metric (issue 13, "Also"), on the real control plane.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { SealedSecret } from "@signet/core";

import { waitFor } from "../../cluster/api.js";
import { api, createNamespace, deleteNamespace } from "../../cluster/testing.js";
import {
  createKeySecret,
  deleteSealedSecrets,
  events,
  seal,
  startLocalController,
  testKey,
} from "./support.js";

const COUNT = 300;
let ns: string;

beforeAll(async () => {
  ns = await createNamespace("events-flush");
});

afterAll(async () => {
  if (ns) {
    await deleteSealedSecrets([ns]);
    await deleteNamespace(ns);
  }
});

async function syncedNames(): Promise<string[]> {
  const res = await api(`/apis/bitnami.com/v1alpha1/namespaces/${ns}/sealedsecrets`);
  return (res.json as { items: SealedSecret[] }).items
    .filter((ss) => ss.status?.conditions?.some((c) => c.type === "Synced" && c.status === "True"))
    .map((ss) => ss.metadata.name ?? "");
}

async function unsealedEvents(): Promise<Set<string>> {
  const all = await events(ns);
  return new Set(all.filter((e) => e.reason === "Unsealed").map((e) => e.involvedObject.name));
}

describe("events on shutdown", () => {
  it("writes the events still queued when SIGTERM arrives, and exposes the dropped-events metric", async () => {
    const key = await testKey();
    await createKeySecret(ns, key);
    // A cold start of many objects keeps the work queue busy, so their events are held back.
    for (let i = 0; i < COUNT; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, COUNT - i) }, (_, j) =>
          api(`/apis/bitnami.com/v1alpha1/namespaces/${ns}/sealedsecrets`, {
            method: "POST",
            body: seal(key, { namespace: ns, name: `s-${i + j}`, data: { a: `${i + j}` } }),
          }),
        ),
      );
    }
    const ctl = await startLocalController(ns, ["--all-namespaces=false", "--log-level=INFO"]);
    let syncedAtStop: string[];
    let writtenAtStop: Set<string>;
    try {
      const metrics = await (await fetch(ctl.metricsUrl)).text();
      expect(metrics).toMatch(/^signet_events_dropped_total 0$/m);
      syncedAtStop = await waitFor(
        "some objects Synced",
        async () => {
          const names = await syncedNames();
          return names.length >= 20 ? names : undefined;
        },
        60_000,
        100,
      );
      writtenAtStop = await unsealedEvents();
    } finally {
      await ctl.proc.stop(30_000);
    }
    // Events were still queued when the signal came...
    expect(writtenAtStop.size).toBeLessThan(syncedAtStop.length);
    // ...and every object unsealed by then has its Unsealed event now.
    const written = await unsealedEvents();
    const missing = syncedAtStop.filter((name) => !written.has(name));
    expect(missing).toEqual([]);
    expect(ctl.log()).not.toContain("events not written before shutdown");
    expect(await ctl.proc.exited).toBe(0);
  });
});
