import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import type { SealedSecret } from "@signet/core";

import type { EventReason, EventType, ObjectEvent } from "../ports/events.js";
import type { Logger } from "../ports/logger.js";
import { ownNamespace } from "./kubeconfig.js";
import { KubeApiError } from "./rest.js";
import type { KubeRest, RestRequest } from "./rest.js";
import { FencedError } from "../leader/fence.js";
import {
  kubeEventWriter,
  kubeSealedSecretReader,
  kubeSecretStore,
  kubeStatusWriter,
} from "./stores.js";

/** Records requests; answers from a queue of results (errors are thrown). */
function fakeRest(answers: unknown[] = []) {
  const calls: { path: string; req: RestRequest }[] = [];
  const rest: KubeRest = {
    request: <T>(path: string, req: RestRequest = {}) => {
      calls.push({ path, req });
      const next = answers.shift();
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next as T);
    },
    close() {},
  };
  return { rest, calls };
}

const warnings: object[] = [];
const log: Logger = { debug() {}, info() {}, warn: (o) => void warnings.push(o), error() {} };

const ss: SealedSecret = {
  metadata: { name: "app", namespace: "ns", uid: "u1", resourceVersion: "7" },
  spec: { encryptedData: {} },
};

const object = { namespace: "ns", name: "app", uid: "u1", resourceVersion: "7" };
const event = (
  type: EventType,
  reason: EventReason,
  message: string,
  at = new Date(),
): ObjectEvent => ({ object, type, reason, message, at });

const notFound = () => new KubeApiError(404, "NotFound", "not found");

describe("kube event writer", () => {
  it("creates a core/v1 Event from component sealed-secrets, then bumps its count on repeats", async () => {
    const t0 = Date.parse("2026-06-01T00:00:00Z");
    const { rest, calls } = fakeRest([{ metadata: { name: "app.1" } }, {}, {}]);
    const writer = kubeEventWriter(rest, log, { host: "h" });
    const failed = (at: number) =>
      event("Warning", "ErrUnsealFailed", "Failed to unseal: x", new Date(at));
    await writer.write(failed(t0));
    await writer.write(failed(t0 + 1000));
    await writer.write(failed(t0 + 1000));
    expect(calls.map((c) => [c.req.method, c.path])).toEqual([
      ["POST", "/api/v1/namespaces/ns/events"],
      ["PATCH", "/api/v1/namespaces/ns/events/app.1"],
      ["PATCH", "/api/v1/namespaces/ns/events/app.1"],
    ]);
    expect(calls[0]?.req.body).toMatchObject({
      involvedObject: { kind: "SealedSecret", apiVersion: "bitnami.com/v1alpha1", uid: "u1" },
      reason: "ErrUnsealFailed",
      type: "Warning",
      source: { component: "sealed-secrets" },
      firstTimestamp: "2026-06-01T00:00:00.000Z",
      count: 1,
    });
    expect(calls[2]?.req.body).toEqual({ count: 3, lastTimestamp: "2026-06-01T00:00:01.000Z" });
  });

  it("creates a new Event when the old one expired (404), and swallows failures", async () => {
    const { rest, calls } = fakeRest([
      { metadata: { name: "app.1" } },
      notFound(),
      { metadata: { name: "app.2" } },
      new Error("connection reset"),
    ]);
    const writer = kubeEventWriter(rest, log, { host: "h" });
    await writer.write(event("Normal", "Unsealed", "ok"));
    await writer.write(event("Normal", "Unsealed", "ok"));
    await expect(writer.write(event("Normal", "Unsealed", "other"))).resolves.toBeUndefined();
    expect(calls.map((c) => c.req.method)).toEqual(["POST", "PATCH", "POST", "POST"]);
    expect(warnings.at(-1)).toMatchObject({ reason: "Unsealed", err: "connection reset" });
  });
});

describe("kube event writer and the write fence", () => {
  it("waits for the fence before each event, and drops events once leadership ended", async () => {
    const { rest, calls } = fakeRest([{ metadata: { name: "app.1" } }]);
    let release: () => void = () => undefined;
    let ended = false;
    const fence = {
      ready: () =>
        ended
          ? Promise.reject(new FencedError("ended"))
          : new Promise<void>((resolve) => (release = resolve)),
      isFenced: (err: unknown) => err instanceof FencedError,
    };
    const writer = kubeEventWriter(rest, log, { host: "h", fence });
    const first = writer.write(event("Normal", "Unsealed", "ok"));
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([]);
    release();
    await first;
    expect(calls).toHaveLength(1);
    ended = true;
    await writer.write(event("Warning", "ErrUnsealFailed", "no"));
    expect(calls).toHaveLength(1);
  });
});

describe("kube status writer and Secret store", () => {
  it("merge-patches the status subresource and ignores a deleted object", async () => {
    const { rest, calls } = fakeRest([{ metadata: { resourceVersion: "8" } }, notFound()]);
    const writer = kubeStatusWriter(rest);
    expect(await writer.write(ss, { observedGeneration: 2 })).toBe("8");
    expect(await writer.write(ss, { observedGeneration: 2 })).toBeUndefined();
    expect(calls[0]).toEqual({
      path: "/apis/bitnami.com/v1alpha1/namespaces/ns/sealedsecrets/app/status",
      req: {
        method: "PATCH",
        contentType: "application/merge-patch+json",
        body: { status: { observedGeneration: 2 } },
      },
    });
  });

  it("makes the status patch conditional on the resourceVersion it was computed from", async () => {
    const conflict = new KubeApiError(409, "Conflict", "the object has been modified");
    const { rest, calls } = fakeRest([conflict]);
    const writer = kubeStatusWriter(rest);
    await expect(writer.write(ss, { observedGeneration: 2 }, "7")).rejects.toBe(conflict);
    expect(calls[0]?.req.body).toEqual({
      metadata: { resourceVersion: "7" },
      status: { observedGeneration: 2 },
    });
  });

  it("reads a SealedSecret from the API, never a cache (404 = absent)", async () => {
    const { rest, calls } = fakeRest([ss, notFound()]);
    const read = kubeSealedSecretReader(rest);
    expect(await read("ns", "app")).toBe(ss);
    expect(await read("ns", "gone")).toBeUndefined();
    expect(calls.map((c) => [c.req.method ?? "GET", c.path])).toEqual([
      ["GET", "/apis/bitnami.com/v1alpha1/namespaces/ns/sealedsecrets/app"],
      ["GET", "/apis/bitnami.com/v1alpha1/namespaces/ns/sealedsecrets/gone"],
    ]);
  });

  it.each([
    ["uid and resourceVersion", { uid: "u", resourceVersion: "3" }, true],
    ["a uid only", { uid: "u" }, true],
    ["none", undefined, false],
  ])("deletes a Secret with %s as preconditions", async (_, preconditions, sent) => {
    const { rest, calls } = fakeRest([{}]);
    await kubeSecretStore(rest, undefined).delete("ns", "s", preconditions);
    expect(calls[0]?.req).toEqual({
      method: "DELETE",
      ...(sent && { body: { apiVersion: "v1", kind: "DeleteOptions", preconditions } }),
    });
  });

  it("reads from the cache when it has one, else from the API (404 = absent)", async () => {
    const cached = { metadata: { name: "a", namespace: "ns" } };
    const withCache = kubeSecretStore(fakeRest().rest, {
      get: (name, namespace) => (name === "a" && namespace === "ns" ? cached : undefined),
    });
    expect(await withCache.get("ns", "a")).toBe(cached);
    const { rest, calls } = fakeRest([notFound(), {}]);
    const api = kubeSecretStore(rest, undefined);
    expect(await api.get("ns", "a")).toBeUndefined();
    await api.delete("ns", "gone");
    expect(calls.map((c) => c.path)).toEqual([
      "/api/v1/namespaces/ns/secrets/a",
      "/api/v1/namespaces/ns/secrets/gone",
    ]);
  });
});

describe("ownNamespace", () => {
  it("prefers POD_NAMESPACE, then the service-account file (trimmed), then default", () => {
    const dir = mkdtempSync(join(tmpdir(), "signet-ns-"));
    try {
      const file = join(dir, "namespace");
      writeFileSync(file, "kube-system\n");
      expect(ownNamespace({ POD_NAMESPACE: "mine" }, file)).toBe("mine");
      expect(ownNamespace({}, file)).toBe("kube-system");
      expect(ownNamespace({}, join(dir, "missing"))).toBe("default");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
