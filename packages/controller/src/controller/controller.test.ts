import { describe, expect, it, vi } from "vitest";

import { MANAGED_ANNOTATION, PATCH_ANNOTATION } from "@signet/core";
import type { SealedSecret, Secret } from "@signet/core";

import { RawJson } from "../kube/json-stream.js";
import { summarizeSealedSecret } from "./cached.js";
import { SealedSecretsController } from "./controller.js";
import type { ControllerOptions, KeyProcessor } from "./controller.js";
import type { CacheInformer, InformerHandlers, WatchSpec } from "../ports/informers.js";
import type { Logger } from "../ports/logger.js";
import type { ReconcileResult } from "./reconciler.js";

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

interface FakeInformer {
  spec: WatchSpec;
  handlers: InformerHandlers<unknown>;
  objects: Map<string, unknown>;
}

/** Informers whose caches and events the test drives by hand. */
function fakeInformers() {
  const made: FakeInformer[] = [];
  const factory = <T, C = T>(
    spec: WatchSpec,
    handlers: InformerHandlers<T, C>,
  ): CacheInformer<C> => {
    const fake: FakeInformer = {
      spec,
      handlers: handlers as unknown as InformerHandlers<unknown>,
      objects: new Map(),
    };
    made.push(fake);
    return {
      start: () => Promise.resolve(),
      synced: true,
      get: (name, ns) => fake.objects.get(`${ns}/${name}`) as C | undefined,
      list: () => [...fake.objects.values()] as C[],
      stop: () => Promise.resolve(),
    };
  };
  const find = (path: RegExp): FakeInformer => {
    const f = made.find((m) => path.test(m.spec.path));
    if (!f) throw new Error(`no informer for ${String(path)}`);
    return f;
  };
  /** Passes `obj` through the informer's transform, caches it and calls the handler. */
  const emit = (path: RegExp, verb: "add" | "update" | "delete", obj: SealedSecret | Secret) => {
    const f = find(path);
    const k = `${obj.metadata?.namespace}/${obj.metadata?.name}`;
    const raw = new RawJson(Buffer.from(JSON.stringify(obj)));
    const cached = f.handlers.decode ? f.handlers.decode(raw) : obj;
    if (verb === "delete") f.objects.delete(k);
    else f.objects.set(k, cached);
    f.handlers[verb]?.(cached);
  };
  return { factory, made, emit };
}

let versions = 0;
const ss = (name: string, generation = 1, uid = `uid-${name}`): SealedSecret => ({
  metadata: { name, namespace: "ns", generation, uid, resourceVersion: String(++versions) },
  spec: { encryptedData: { [`${name}-item`]: "AAAA" } },
});

const secret = (name: string, meta: Partial<Secret["metadata"]> = {}): Secret => ({
  metadata: { name, namespace: "ns", resourceVersion: "1", ...meta },
});

const owned = (name: string): Secret =>
  secret(name, {
    ownerReferences: [
      {
        apiVersion: "bitnami.com/v1alpha1",
        kind: "SealedSecret",
        name,
        uid: `uid-${name}`,
        controller: true,
      },
    ],
  });

async function started(
  options: Partial<ControllerOptions> = {},
  results: Record<string, ReconcileResult> = {},
) {
  const informers = fakeInformers();
  const forgetConditions = vi.fn();
  /** What the API server holds (read when the body cache does not have an object). */
  const api = { sealed: new Map<string, SealedSecret>(), secrets: new Map<string, Secret>() };
  const fetched: string[] = [];
  const controller = new SealedSecretsController(
    {
      namespaces: undefined,
      labelSelector: "",
      skipRecreate: false,
      workers: 2,
      backoff: { baseMs: 1, maxMs: 1 },
      bodyCacheBytes: 1 << 20,
      ...options,
    },
    {
      informers: informers.factory,
      log: silent,
      forgetConditions,
      fetchSealedSecret: (ns, name) => {
        fetched.push(`sealedsecret ${ns}/${name}`);
        return Promise.resolve(api.sealed.get(`${ns}/${name}`));
      },
      fetchSecret: (ns, name) => {
        fetched.push(`secret ${ns}/${name}`);
        return Promise.resolve(api.secrets.get(`${ns}/${name}`));
      },
    },
  );
  const seen: string[] = [];
  /** What each reconcile found as its whole object and (through the cache port) its Secret. */
  const loaded: [string, SealedSecret | undefined, Secret | undefined][] = [];
  const processor: KeyProcessor = {
    reconcile: (key) => {
      seen.push(key);
      const [ns = "", name = ""] = key.split("/");
      loaded.push([
        key,
        controller.sealedSecret(ns, name),
        controller.secretCache()?.get(name, ns),
      ]);
      return Promise.resolve(results[key] ?? "done");
    },
    isOwnWrite: (s) => s.metadata?.resourceVersion === "own",
  };
  const SS = /sealedsecrets$/;
  const SECRETS = /\/secrets$/;
  // Objects listed before the caches synced are reconciled once the workers start.
  informers.emit(SS, "add", ss("early"));
  await controller.start(processor);
  const settle = async () => {
    await controller.idle();
    const out = [...seen];
    seen.length = 0;
    return out;
  };
  return { controller, informers, settle, forgetConditions, SS, SECRETS, api, fetched, loaded };
}

describe("SealedSecretsController", () => {
  it("watches all namespaces with one SealedSecret and one Secret informer by default", async () => {
    const { informers } = await started();
    expect(informers.made.map((m) => m.spec.path)).toEqual([
      "/apis/bitnami.com/v1alpha1/sealedsecrets",
      "/api/v1/secrets",
    ]);
  });

  it("caches a summary of each SealedSecret, and reconciles the whole object the informer saw", async () => {
    const { informers, controller, settle, SS, fetched, loaded } = await started();
    await settle();
    const a = { ...ss("a"), metadata: { ...ss("a").metadata, annotations: { x: "y" } } };
    informers.emit(SS, "add", a);
    expect(controller.summary("ns", "a")).toEqual(summarizeSealedSecret(a));
    expect(controller.summary("ns", "a")).not.toHaveProperty("spec");
    await settle();
    expect(loaded.at(-1)).toEqual(["ns/a", a, undefined]);
    expect(fetched).toEqual([]);
    // Outside its reconcile, no whole object is held for it.
    expect(controller.sealedSecret("ns", "a")).toBeUndefined();
    expect(controller.bodyCacheStats()).toMatchObject({ hits: 2, bytes: 0 });
    // A status write (same generation) is not reconciled: its body is not even parsed.
    informers.emit(SS, "update", { ...a, status: { observedGeneration: 1 } });
    expect(controller.bodyCacheStats().bytes).toBe(0);
    expect(await settle()).toEqual([]);
  });

  it("reads objects the body cache could not keep from the API server", async () => {
    const { informers, settle, SS, api, fetched, loaded } = await started({ bodyCacheBytes: 10 });
    await settle();
    const a = ss("a");
    api.sealed.set("ns/a", a);
    informers.emit(SS, "add", a);
    await settle();
    expect(fetched).toContain("sealedsecret ns/a");
    expect(loaded.at(-1)).toEqual(["ns/a", a, undefined]);
  });

  it("reconciles an object that vanished meanwhile as gone", async () => {
    const { informers, settle, SS, fetched, loaded } = await started({ bodyCacheBytes: 10 });
    await settle();
    informers.emit(SS, "add", ss("a"));
    await settle();
    expect(fetched).toContain("sealedsecret ns/a");
    expect(loaded.at(-1)).toEqual(["ns/a", undefined, undefined]);
  });

  it("reads the live Secret before a reconcile when its cached copy lacks large data", async () => {
    const { informers, settle, SS, SECRETS, api, fetched, loaded } = await started();
    await settle();
    const big = { ...owned("a"), data: { v: "x".repeat(64 * 1024) } };
    informers.emit(SECRETS, "add", big);
    api.secrets.set("ns/a", big);
    informers.emit(SS, "add", ss("a"));
    await settle();
    expect(fetched).toEqual(["secret ns/a"]);
    expect(loaded.at(-1)?.[2]).toBe(big);
    const small = { ...owned("b"), data: { v: "eA==" } };
    informers.emit(SECRETS, "add", small);
    informers.emit(SS, "add", ss("b"));
    await settle();
    expect(fetched).toEqual(["secret ns/a"]);
    expect(loaded.at(-1)?.[2]).toMatchObject({ data: { v: "eA==" } });
  });

  it("watches the listed namespaces with the label selector, without Secrets under --skip-recreate", async () => {
    const { informers, controller } = await started({
      namespaces: ["a", "b"],
      labelSelector: "team=x",
      skipRecreate: true,
    });
    expect(informers.made.map((m) => [m.spec.path, m.spec.labelSelector])).toEqual([
      ["/apis/bitnami.com/v1alpha1/namespaces/a/sealedsecrets", "team=x"],
      ["/apis/bitnami.com/v1alpha1/namespaces/b/sealedsecrets", "team=x"],
    ]);
    expect(controller.secretCache()).toBeUndefined();
  });

  it("reconciles objects listed before sync, additions, and updates only when the generation moved", async () => {
    const { informers, settle, SS } = await started();
    expect(await settle()).toEqual(["ns/early"]);
    informers.emit(SS, "add", ss("a"));
    expect(await settle()).toEqual(["ns/a"]);
    informers.emit(SS, "update", { ...ss("a"), status: { observedGeneration: 1 } });
    expect(await settle()).toEqual([]);
    informers.emit(SS, "update", ss("a", 2));
    expect(await settle()).toEqual(["ns/a"]);
    // Re-created while the watch was down: same generation, new uid (a relist "update").
    informers.emit(SS, "update", ss("a", 2, "uid-new"));
    expect(await settle()).toEqual(["ns/a"]);
  });

  it("reconciles an update that changes only signet.dev/expires-at, not one that changes another annotation", async () => {
    const { informers, settle, SS } = await started();
    await settle();
    const at = (value: string, other = "x"): SealedSecret => {
      const o = ss("a");
      o.metadata.annotations = { "signet.dev/expires-at": value, "example.com/other": other };
      return o;
    };
    informers.emit(SS, "add", at("2027-01-01T00:00:00Z"));
    expect(await settle()).toEqual(["ns/a"]);
    informers.emit(SS, "update", at("2027-01-01T00:00:00Z", "y"));
    expect(await settle()).toEqual([]);
    informers.emit(SS, "update", at("2028-01-01T00:00:00Z", "y"));
    expect(await settle()).toEqual(["ns/a"]);
  });

  it("drops condition metrics of a deleted SealedSecret and reconciles it once more", async () => {
    const { informers, settle, forgetConditions, SS } = await started();
    await settle();
    const early = ss("early");
    informers.emit(SS, "delete", early);
    expect(forgetConditions).toHaveBeenCalledWith(summarizeSealedSecret(early));
    expect(await settle()).toEqual(["ns/early"]);
  });

  it.each([
    ["owned", owned("a"), true],
    ["managed", secret("a", { annotations: { [MANAGED_ANNOTATION]: "true" } }), true],
    ["patch only", secret("a", { annotations: { [PATCH_ANNOTATION]: "true" } }), false],
    ["foreign", secret("a"), false],
  ])("re-creates a deleted %s Secret: %s", async (_what, deleted, recreated) => {
    const { informers, settle, SS, SECRETS } = await started();
    informers.emit(SS, "add", ss("a"));
    await settle();
    informers.emit(SECRETS, "delete", deleted);
    expect(await settle()).toEqual(recreated ? ["ns/a"] : []);
  });

  it("repairs drift in an owned, managed or patch Secret but ignores its own writes and foreign Secrets", async () => {
    const { informers, settle, SS, SECRETS } = await started();
    informers.emit(SS, "add", ss("a"));
    await settle();
    informers.emit(SECRETS, "update", owned("a"));
    expect(await settle()).toEqual(["ns/a"]);
    informers.emit(SECRETS, "update", {
      ...owned("a"),
      metadata: { ...owned("a").metadata, resourceVersion: "own" },
    });
    informers.emit(SECRETS, "update", secret("a"));
    informers.emit(SECRETS, "update", owned("no-sealed-secret"));
    expect(await settle()).toEqual([]);
  });

  it("re-queues the objects whose last reconcile failed when keys are added", async () => {
    const { controller, informers, settle, SS, SECRETS } = await started({}, { "ns/bad": "wait" });
    informers.emit(SS, "add", ss("bad"));
    informers.emit(SS, "add", ss("good"));
    expect(await settle()).toEqual(["ns/early", "ns/bad", "ns/good"]);
    controller.requeueFailed();
    expect(await settle()).toEqual(["ns/bad"]);
    // The foreign Secret that blocked it is deleted: it is tried at once.
    informers.emit(SECRETS, "delete", secret("bad"));
    expect(await settle()).toEqual(["ns/bad"]);
  });
});
