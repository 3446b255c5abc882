import { beforeAll, describe, expect, it } from "vitest";

import { MANAGED_ANNOTATION } from "@signet/core";
import type { SealedSecret, SealedSecretStatus, Secret } from "@signet/core";

import { b64, sealed, sealingKey } from "../test-support/sealed.js";
import type { TestSealingKey } from "../test-support/sealed.js";
import { EventSender } from "../queue/event-sender.js";
import type { EventRecorder, EventType } from "../ports/events.js";
import type { Logger } from "../ports/logger.js";
import type {
  ApiErrorInfo,
  DeletePreconditions,
  SecretStore,
  WriteFence,
} from "../ports/writes.js";
import type { WorkloadRestarter } from "../ports/workloads.js";
import { FencedError, UNFENCED } from "../leader/fence.js";
import { inThreadDecider } from "./decide-pool.js";
import { MAX_CONFLICT_ATTEMPTS, Reconciler } from "./reconciler.js";
import type { ReconcilerOptions } from "./reconciler.js";

class Conflict extends Error {
  readonly status = 409;
}

const OWNER = {
  apiVersion: "bitnami.com/v1alpha1",
  kind: "SealedSecret",
  name: "mysecret",
  uid: "uid-gone",
  controller: true,
};
const MANAGED = MANAGED_ANNOTATION;

/** An API server's 422 whose message quotes the refused data (Go's JSON errors do). */
class Invalid extends Error {
  readonly status = 422;
}

const errors: ApiErrorInfo = {
  isConflict: (e) => e instanceof Conflict,
  isNotFound: () => false,
  describe: (e) => ({
    status: e instanceof Conflict ? 409 : e instanceof Invalid ? 422 : undefined,
    message: e instanceof Error ? e.message : String(e),
    ...(e instanceof Invalid && {
      reason: "Invalid",
      causes: [{ field: "data[.dockerconfigjson]", reason: "FieldValueInvalid" }],
    }),
  }),
};

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * An in-memory API: Secrets with resourceVersions and a possibly stale cache, the SealedSecret
 * as the API server has it (status writes checked against its resourceVersion), recorded effects.
 */
class FakeApi implements SecretStore {
  readonly live = new Map<string, Secret>();
  readonly cache = new Map<string, Secret>();
  readonly writes: { verb: string; secret: Secret }[] = [];
  readonly events: { type: EventType; reason: string; message: string }[] = [];
  readonly statuses: SealedSecretStatus[] = [];
  readonly statusPreconditions: (string | undefined)[] = [];
  readonly deleted: { key: string; preconditions: DeletePreconditions | undefined }[] = [];
  /** The SealedSecret on the API server; undefined: it does not exist. */
  sealed: SealedSecret | undefined;
  freshReads = 0;
  failNextWrites = 0;
  failNextStatuses = 0;
  /** When set, every create and update is refused with this error. */
  refuseWrites: Error | undefined;
  #rv = 100;

  freshSealedSecret = () => {
    this.freshReads++;
    return Promise.resolve(this.sealed && structuredClone(this.sealed));
  };

  writeStatus = (_ss: SealedSecret, status: SealedSecretStatus, rv?: string) => {
    this.statusPreconditions.push(rv);
    if (this.failNextStatuses-- > 0) return Promise.reject(new Error("connection reset"));
    if (this.sealed && rv !== undefined && rv !== this.sealed.metadata.resourceVersion) {
      return Promise.reject(new Conflict("status: the object has been modified"));
    }
    this.statuses.push(status);
    if (!this.sealed) return Promise.resolve(String(this.#rv++));
    this.sealed = {
      ...this.sealed,
      metadata: { ...this.sealed.metadata, resourceVersion: String(this.#rv++) },
      status,
    };
    return Promise.resolve(this.sealed.metadata.resourceVersion);
  };

  put(secret: Secret, alsoCache = true): Secret {
    const stored = {
      ...secret,
      metadata: { ...secret.metadata, resourceVersion: String(this.#rv++) },
    };
    const key = `${stored.metadata.namespace}/${stored.metadata.name}`;
    this.live.set(key, stored);
    if (alsoCache) this.cache.set(key, stored);
    return stored;
  }

  get(ns: string, name: string) {
    return Promise.resolve(this.cache.get(`${ns}/${name}`));
  }
  getFresh(ns: string, name: string) {
    return Promise.resolve(this.live.get(`${ns}/${name}`));
  }
  create(secret: Secret) {
    this.writes.push({ verb: "create", secret });
    if (this.refuseWrites) return Promise.reject(this.refuseWrites);
    const key = `${secret.metadata?.namespace}/${secret.metadata?.name}`;
    if (this.live.has(key) || this.failNextWrites-- > 0)
      return Promise.reject(new Conflict("exists"));
    return Promise.resolve(this.put(secret));
  }
  update(secret: Secret) {
    this.writes.push({ verb: "update", secret });
    const key = `${secret.metadata?.namespace}/${secret.metadata?.name}`;
    const stale =
      this.live.get(key)?.metadata?.resourceVersion !== secret.metadata?.resourceVersion;
    if (stale || this.failNextWrites-- > 0) return Promise.reject(new Conflict("stale"));
    return Promise.resolve(this.put(secret));
  }
  delete(ns: string, name: string, preconditions?: DeletePreconditions) {
    this.deleted.push({ key: `${ns}/${name}`, preconditions });
    return Promise.resolve();
  }
}

let key: TestSealingKey;
/** A key the reconciler does not hold. */
let other: TestSealingKey;
beforeAll(async () => {
  key = await sealingKey();
  other = await sealingKey();
});

interface SetupOptions {
  options?: Partial<ReconcilerOptions>;
  spy?: (preferred: readonly string[]) => void;
  events?: EventRecorder;
  fence?: WriteFence;
  /** The SealedSecret the cache answers with (default: the one given). */
  cached?: () => SealedSecret | undefined;
  log?: Logger;
  restarter?: WorkloadRestarter;
  errors?: ApiErrorInfo;
  now?: () => Date;
  wake?: { at(key: string, ms: number): void; cancel(key: string): void };
}

function setup(ss: SealedSecret | undefined, extra: SetupOptions = {}) {
  const { options = {}, spy, events, fence = UNFENCED, log = silent } = extra;
  const api = new FakeApi();
  api.sealed = ss && structuredClone(ss);
  const keys = { version: 1, list: [key.key] };
  const decider = inThreadDecider(
    {
      acceptDeprecatedV1Data: true,
      allowPrivilegedSecretTypes: false,
      renderTemplates: false,
      keyGuard: { namespace: "kube-system", keyPrefix: "sealed-secrets-key" },
    },
    { keys: () => keys.list },
    { now: () => new Date("2026-06-01T00:00:00Z") },
  );
  const metrics = {
    requests: 0,
    errors: [] as string[],
    observed: 0,
    decisions: 0,
    expiry: new Map<string, number>(),
  };
  const reconciler = new Reconciler(
    {
      sealedSecret: extra.cached ?? (() => ss),
      freshSealedSecret: api.freshSealedSecret,
      secrets: api,
      status: { write: api.writeStatus },
      events: events ?? {
        record: (_ss, type, reason, message) => void api.events.push({ type, reason, message }),
      },
      errors: extra.errors ?? errors,
      metrics: {
        unsealRequest: () => void metrics.requests++,
        unsealError: (reason) => void metrics.errors.push(reason),
        observeConditions: () => void metrics.observed++,
        observeExpiry: (o, at) => {
          const k = `${o.metadata.namespace}/${o.metadata.name}`;
          if (at === undefined) metrics.expiry.delete(k);
          else metrics.expiry.set(k, at.getTime());
        },
      },
      decider: {
        ...decider,
        decide: (sealedSecret, existing, preferred) => {
          metrics.decisions++;
          spy?.(preferred);
          return decider.decide(sealedSecret, existing, preferred);
        },
      },
      keysVersion: () => keys.version,
      fence,
      now: extra.now ?? (() => new Date("2026-06-01T00:00:00Z")),
      log,
      restarter: extra.restarter,
      wake: extra.wake,
    },
    { updateStatus: true, oldGcBehavior: false, ...options },
  );
  return { api, metrics, reconciler, keys };
}

const KEY = "myns/mysecret";

describe("Reconciler", () => {
  it.each([
    [
      "the key that opened it last, then the seal-time hint",
      "SHA256:recorded",
      "SHA256:hint",
      ["SHA256:recorded", "SHA256:hint"],
    ],
    ["the hint alone before the first sync", undefined, "SHA256:hint", ["SHA256:hint"]],
    ["one entry when both name the same key", "SHA256:same", "SHA256:same", ["SHA256:same"]],
    ["nothing without status or hint", undefined, undefined, []],
  ])("tries %s first", async (_, recorded, hint, expected) => {
    const ss = sealed(key, { data: { password: "hunter2" } });
    if (hint)
      ss.metadata.annotations = { ...ss.metadata.annotations, "signet.dev/sealed-with": hint };
    if (recorded) ss.status = { signet: { keyFingerprint: recorded } };
    const seen: (readonly string[])[] = [];
    const { reconciler } = setup(ss, { spy: (preferred) => seen.push(preferred) });
    await reconciler.reconcile(KEY);
    expect(seen[0]).toEqual(expected);
  });

  it("creates the Secret, records Unsealed and writes Synced status with the opening key", async () => {
    const ss = sealed(key, { data: { password: "hunter2" } });
    const { api, metrics, reconciler } = setup(ss);
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(api.writes.map((w) => w.verb)).toEqual(["create"]);
    expect(api.live.get(KEY)?.data).toEqual({ password: b64("hunter2") });
    expect(api.events).toEqual([
      { type: "Normal", reason: "Unsealed", message: "SealedSecret unsealed successfully" },
    ]);
    expect(api.statuses[0]?.observedGeneration).toBe(1);
    expect(api.statuses[0]?.["signet"]).toEqual({ keyFingerprint: key.key.fingerprint });
    expect(metrics).toMatchObject({ requests: 1, errors: [], observed: 1 });
    expect(reconciler.isOwnWrite(api.live.get(KEY)!)).toBe(true);
  });

  it("writes nothing and records no event on a no-op resync", async () => {
    const ss = sealed(key, { data: { password: "hunter2" } });
    const first = setup(ss);
    await first.reconciler.reconcile(KEY);
    const synced = { ...ss, status: first.api.statuses[0] };
    const { api, reconciler } = setup(synced);
    api.put(first.api.live.get(KEY)!);
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(api.writes).toEqual([]);
    expect(api.events).toEqual([]);
    expect(api.statuses).toEqual([]);
  });

  it("does not rewrite an unchanged status the cache has not seen yet", async () => {
    const ss = sealed(key, { data: { password: "hunter2" } });
    const { api, reconciler } = setup(ss); // the cached object never gets our status
    await reconciler.reconcile(KEY);
    await reconciler.reconcile(KEY);
    expect(api.statuses).toHaveLength(1);
    expect(api.events).toHaveLength(1);
  });

  it("re-reads the Secret from the API and decides again after a stale cache answers 409", async () => {
    const ss = sealed(key, { data: { password: "new" } });
    const { api, reconciler } = setup(ss);
    // The live Secret exists (managed) but the cache has not seen it yet.
    api.put(
      {
        metadata: {
          name: "mysecret",
          namespace: "myns",
          annotations: { [MANAGED_ANNOTATION]: "true" },
        },
      },
      false,
    );
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(api.writes.map((w) => w.verb)).toEqual(["create", "update"]);
    expect(api.live.get(KEY)?.data).toEqual({ password: b64("new") });
  });

  it.each([
    { what: "unsealed", sealer: () => key, result: "done", synced: "True", reason: "Unsealed" },
    {
      what: "failing",
      sealer: () => other,
      result: "wait",
      synced: "False",
      reason: "ErrUnsealFailed",
    },
  ] as const)(
    "finishes a reconcile of an object $what, status written, while its event is never written",
    async ({ sealer, result, synced, reason }) => {
      const started: string[] = [];
      const events = new EventSender(
        {
          writer: { write: (e) => (started.push(e.reason), new Promise<void>(() => undefined)) },
          work: { busy: () => false, idle: () => Promise.resolve() },
          log: silent,
          now: () => new Date(),
          setTimer: (fn, ms) => setTimeout(fn, ms),
          clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
        },
        { maxDelayMs: 5_000, maxBacklog: 10 },
      );
      const ss = sealed(sealer(), { data: { password: "x" } });
      const { api, reconciler } = setup(ss, { events });
      expect(await reconciler.reconcile(KEY)).toBe(result);
      expect(api.statuses[0]?.conditions?.[0]).toMatchObject({ type: "Synced", status: synced });
      await new Promise((r) => setImmediate(r));
      expect(started).toEqual([reason]);
    },
  );

  it("gives up the write after bounded conflicts and retries with backoff", async () => {
    const ss = sealed(key, { data: { password: "x" } });
    const { api, metrics, reconciler } = setup(ss);
    api.failNextWrites = 100;
    expect(await reconciler.reconcile(KEY)).toBe("retry");
    expect(api.writes).toHaveLength(MAX_CONFLICT_ATTEMPTS);
    expect(api.events.map((e) => e.reason)).toEqual(["ErrUpdateFailed"]);
    expect(metrics.errors).toEqual(["update"]);
    expect(api.statuses[0]?.conditions?.[0]).toMatchObject({ type: "Synced", status: "False" });
  });

  it("waits for a change (no timed retry) when no key opens the object, without quoting values", async () => {
    const ss = sealed(other, { data: { password: "hunter2" } });
    const { api, metrics, reconciler } = setup(ss);
    expect(await reconciler.reconcile(KEY)).toBe("wait");
    expect(api.writes).toEqual([]);
    expect(api.events).toEqual([
      expect.objectContaining({ type: "Warning", reason: "ErrUnsealFailed" }),
    ]);
    expect(metrics.errors).toEqual(["unseal"]);
    const text = JSON.stringify([api.events, api.statuses]);
    expect(text).toContain("no key could decrypt secret");
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain(b64("hunter2"));
  });

  it("retries with backoff when a foreign Secret is in the way", async () => {
    const ss = sealed(key, { data: { password: "x" } });
    const { api, metrics, reconciler } = setup(ss);
    api.put({ metadata: { name: "mysecret", namespace: "myns" }, data: { mine: b64("y") } });
    expect(await reconciler.reconcile(KEY)).toBe("retry");
    expect(api.writes).toEqual([]);
    expect(metrics.errors).toEqual(["unmanaged"]);
  });

  it("never lets an API error quoting the refused data reach status, event, log or metric", async () => {
    const ss = sealed(key, { data: { ".dockerconfigjson": "Zebra-hunter2" } });
    const lines: string[] = [];
    const capture = (obj: object, msg: string) => void lines.push(JSON.stringify({ ...obj, msg }));
    const log: Logger = { debug: capture, info: capture, warn: capture, error: capture };
    const { api, metrics, reconciler } = setup(ss, { log });
    api.refuseWrites = new Invalid(
      `Secret "mysecret" is invalid: data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character 'Z' looking for beginning of value`,
    );
    expect(await reconciler.reconcile(KEY)).toBe("wait");
    const emitted = JSON.stringify([api.statuses, api.events, lines, metrics]);
    expect(emitted).not.toMatch(/invalid character|'Z'|Zebra/);
    expect(api.events).toEqual([
      {
        type: "Warning",
        reason: "ErrUpdateFailed",
        message: expect.stringMatching(
          /^Secret "mysecret" is invalid: data\[\.dockerconfigjson\]: Invalid value \(/,
        ),
      },
    ]);
  });

  it("leaves the Secret to garbage collection when the SealedSecret is gone", async () => {
    const gone = setup(undefined);
    gone.api.put({ metadata: { name: "mysecret", namespace: "myns", ownerReferences: [OWNER] } });
    expect(await gone.reconciler.reconcile(KEY)).toBe("done");
    expect(gone.api.deleted).toEqual([]);
  });

  it("with --old-gc-behavior deletes the Secret the SealedSecret produced, exactly the version read", async () => {
    const old = setup(undefined, { options: { oldGcBehavior: true } });
    const stored = old.api.put(
      { metadata: { name: "mysecret", namespace: "myns", uid: "s-1", ownerReferences: [OWNER] } },
      false,
    );
    expect(await old.reconciler.reconcile(KEY)).toBe("done");
    expect(old.api.deleted).toEqual([
      {
        key: KEY,
        preconditions: { uid: "s-1", resourceVersion: stored.metadata?.resourceVersion },
      },
    ]);
    expect(old.api.events).toEqual([]);
  });

  it("with --old-gc-behavior deletes a Secret it produced without owner reference (its marker)", async () => {
    const old = setup(undefined, { options: { oldGcBehavior: true } });
    old.api.put({
      metadata: {
        name: "mysecret",
        namespace: "myns",
        annotations: { "signet.dev/unsealed-from": "u" },
      },
    });
    expect(await old.reconciler.reconcile(KEY)).toBe("done");
    expect(old.api.deleted.map((d) => d.key)).toEqual([KEY]);
  });

  it.each<[string, Secret["metadata"]]>([
    ["an unmanaged Secret", {}],
    ["a sealing key", { labels: { "sealedsecrets.bitnami.com/sealed-secrets-key": "active" } }],
    ["a `managed` Secret never taken over", { annotations: { [MANAGED]: "true" } }],
  ])("with --old-gc-behavior leaves %s of the same name alone", async (_, meta) => {
    const old = setup(undefined, { options: { oldGcBehavior: true } });
    old.api.put({ metadata: { name: "mysecret", namespace: "myns", ...meta } });
    expect(await old.reconciler.reconcile(KEY)).toBe("done");
    expect(old.api.deleted).toEqual([]);
  });

  it("does not write status with --update-status=false but still refreshes condition metrics", async () => {
    const ss = sealed(key, { data: { password: "x" } });
    const { api, metrics, reconciler } = setup(ss, { options: { updateStatus: false } });
    await reconciler.reconcile(KEY);
    expect(api.statuses).toEqual([]);
    expect(metrics.observed).toBe(1);
  });
});

/** A fence whose state the test sets: "open", "closed" (check throws) or "paused" (ready waits). */
function testFence() {
  const state = { mode: "open" as "open" | "closed" | "paused", release: () => undefined as void };
  const fence: WriteFence = {
    check: () => {
      if (state.mode !== "open") throw new FencedError("not the leader");
    },
    ready: () =>
      state.mode === "paused"
        ? new Promise<void>((resolve) => (state.release = resolve))
        : Promise.resolve(),
    isFenced: (err) => err instanceof FencedError,
  };
  return { fence, state };
}

const dataOf = (w: { secret: Secret }) => w.secret.data?.["password"];

describe("Reconciler: status writes that fail", () => {
  it("does not report success while the status is unwritten; the retry writes only the status", async () => {
    const ss = sealed(key, { data: { password: "hunter2" } });
    const { api, metrics, reconciler } = setup(ss, { cached: () => api.sealed });
    api.failNextStatuses = 1;
    expect(await reconciler.reconcile(KEY)).toBe("retry");
    expect(api.writes.map((w) => w.verb)).toEqual(["create"]);
    expect(api.statuses).toEqual([]);
    expect(metrics.errors).toEqual(["status"]);
    expect(api.events.map((e) => e.reason)).toEqual(["Unsealed"]);

    api.cache.set(KEY, api.live.get(KEY)!); // the watch echo of our own write
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(metrics.decisions).toBe(1); // no second unseal: same generation, same Secret
    expect(api.writes).toHaveLength(1);
    expect(api.statuses[0]?.conditions?.[0]).toMatchObject({ type: "Synced", status: "True" });
    expect(api.events).toHaveLength(1); // nothing happened the second time
  });

  it.each([
    ["an object that unsealed", () => key, "done"],
    ["an object no key opens", () => other, "wait"],
  ] as const)("keeps retrying the status of %s until it is written", async (_, sealer, result) => {
    const ss = sealed(sealer(), { data: { password: "x" } });
    const { api, reconciler } = setup(ss, { cached: () => api.sealed });
    api.failNextStatuses = 3;
    for (let i = 0; i < 3; i++) expect(await reconciler.reconcile(KEY)).toBe("retry");
    if (api.live.has(KEY)) api.cache.set(KEY, api.live.get(KEY)!);
    expect(await reconciler.reconcile(KEY)).toBe(result);
    expect(api.statuses).toHaveLength(1);
    expect(await reconciler.reconcile(KEY)).toBe(result);
    expect(api.statuses).toHaveLength(1);
  });

  it("writes status only on the version it was computed from, and computes it again after a conflict", async () => {
    const ss = { ...sealed(key, { data: { password: "x" } }) };
    ss.metadata.resourceVersion = "7";
    const { api, reconciler } = setup(ss);
    // Someone relabelled the object after the cache read it: the server is at a newer version.
    api.sealed = { ...api.sealed!, metadata: { ...api.sealed!.metadata, resourceVersion: "8" } };
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(api.statusPreconditions).toEqual(["7", "8"]);
    expect(api.freshReads).toBe(1);
    expect(api.statuses).toHaveLength(1);
  });

  it("writes no status for a generation it did not reconcile (found on the conflict re-read)", async () => {
    const ss = sealed(key, { data: { password: "x" } });
    ss.metadata.resourceVersion = "7";
    const { api, reconciler } = setup(ss);
    const resealed = sealed(key, { data: { password: "y" }, generation: 2 });
    api.sealed = { ...resealed, metadata: { ...resealed.metadata, resourceVersion: "9" } };
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(api.statuses).toEqual([]);
  });

  it("bases the next status write on its own last write while the cache lags behind it", async () => {
    const ss = sealed(key, { data: { password: "x" } });
    ss.metadata.resourceVersion = "7";
    const { api, reconciler } = setup(ss); // the cache stays at version 7
    api.sealed!.metadata.resourceVersion = "7";
    await reconciler.reconcile(KEY);
    const ours = api.sealed!.metadata.resourceVersion;
    // The Secret is deleted behind our back: re-created, status unchanged (nothing to write).
    api.live.delete(KEY);
    api.cache.delete(KEY);
    await reconciler.reconcile(KEY);
    expect(api.writes.map((w) => w.verb)).toEqual(["create", "create"]);
    expect(api.statusPreconditions).toEqual(["7"]);
    expect(api.sealed!.metadata.resourceVersion).toBe(ours);
  });
});

describe("Reconciler: conflicts", () => {
  it("decides from the SealedSecret re-read from the API after a 409, never from the stale cache", async () => {
    const v1 = sealed(key, { data: { password: "v1" } });
    const v2 = sealed(key, { data: { password: "v2" }, generation: 2 });
    const other = setup(v2); // another replica already unsealed v2
    await other.reconciler.reconcile(KEY);
    // This replica's caches still have v1 and no Secret; the API has v2 and v2's Secret.
    const { api, reconciler } = setup(v1);
    api.sealed = structuredClone(v2);
    api.put(other.api.live.get(KEY)!, false);
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(api.freshReads).toBe(1);
    expect(api.writes.map((w) => [w.verb, dataOf(w)])).toEqual([["create", b64("v1")]]);
    expect(api.live.get(KEY)?.data).toEqual({ password: b64("v2") });
    // Its status describes the generation it decided on.
    expect(api.statuses.at(-1)?.observedGeneration).toBe(2);
  });

  it("ends quietly when the SealedSecret is gone on the re-read", async () => {
    const ss = sealed(key, { data: { password: "x" } });
    const { api, reconciler } = setup(ss);
    api.sealed = undefined;
    api.put({ metadata: { name: "mysecret", namespace: "myns" } }, false);
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(api.writes.map((w) => w.verb)).toEqual(["create"]);
    expect(api.statuses).toEqual([]);
  });
});

describe("Reconciler: fencing", () => {
  it("writes nothing (Secret, status, event) and asks for a retry when the fence refuses", async () => {
    const ss = sealed(key, { data: { password: "x" } });
    const { fence, state } = testFence();
    const { api, metrics, reconciler } = setup(ss, { fence });
    state.mode = "closed";
    expect(await reconciler.reconcile(KEY)).toBe("retry");
    expect(api.writes).toEqual([]);
    expect(api.statuses).toEqual([]);
    expect(api.events).toEqual([]);
    expect(metrics.errors).toEqual([]);
  });

  it("refuses the status write when the fence closes after the Secret write", async () => {
    const ss = sealed(key, { data: { password: "x" } });
    const { fence, state } = testFence();
    const { api, reconciler } = setup(ss, { fence });
    const create = api.create.bind(api);
    api.create = (secret) => {
      state.mode = "closed";
      return create(secret);
    };
    expect(await reconciler.reconcile(KEY)).toBe("retry");
    expect(api.writes).toHaveLength(1);
    expect(api.statuses).toEqual([]);
    expect(api.statusPreconditions).toEqual([]);
  });

  it("refuses the old-gc-behavior delete while fenced", async () => {
    const { fence, state } = testFence();
    const { api, reconciler } = setup(undefined, { fence, options: { oldGcBehavior: true } });
    api.put({ metadata: { name: "mysecret", namespace: "myns", ownerReferences: [OWNER] } });
    state.mode = "closed";
    expect(await reconciler.reconcile(KEY)).toBe("retry");
    expect(api.deleted).toEqual([]);
  });

  it("starts no reconcile while paused, and proceeds once the fence is ready again", async () => {
    const ss = sealed(key, { data: { password: "x" } });
    const { fence, state } = testFence();
    const { api, metrics, reconciler } = setup(ss, { fence });
    state.mode = "paused";
    const running = reconciler.reconcile(KEY);
    await new Promise((r) => setImmediate(r));
    expect(metrics.decisions).toBe(0);
    expect(api.writes).toEqual([]);
    state.mode = "open";
    state.release();
    expect(await running).toBe("done");
    expect(api.writes).toHaveLength(1);
  });

  it("asks for a retry when leadership ended while it waited", async () => {
    const ss = sealed(key, { data: { password: "x" } });
    const fence: WriteFence = {
      ...UNFENCED,
      ready: () => Promise.reject(new FencedError("leadership ended")),
    };
    const { api, reconciler } = setup(ss, { fence });
    expect(await reconciler.reconcile(KEY)).toBe("retry");
    expect(api.writes).toEqual([]);
  });
});

describe("Reconciler: settled objects", () => {
  async function settledObject(sealer = () => key) {
    const ss = sealed(sealer(), { data: { password: "x" } });
    const t = setup(ss, { cached: () => t.api.sealed });
    await t.reconciler.reconcile(KEY);
    if (t.api.live.has(KEY)) t.api.cache.set(KEY, t.api.live.get(KEY)!);
    return t;
  }

  it("a reconcile of an object in its last state costs no unseal and no write", async () => {
    const { api, metrics, reconciler } = await settledObject();
    const before = { decisions: metrics.decisions, statuses: api.statuses.length };
    for (let i = 0; i < 3; i++) expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(metrics.decisions).toBe(before.decisions);
    expect(api.statuses).toHaveLength(before.statuses);
    expect(api.writes).toHaveLength(1);
    expect(metrics.requests).toBe(1); // unseal_requests_total counts unseals, not checks
  });

  type Setup = Awaited<ReturnType<typeof settledObject>>;
  const withMeta = (t: Setup, meta: object) => {
    t.api.sealed = { ...t.api.sealed!, metadata: { ...t.api.sealed!.metadata, ...meta } };
  };
  // [what changed, settled (Secret compared), settled without a Secret cache, change]
  it.each<[string, boolean, boolean, (t: Setup) => void]>([
    ["nothing", true, true, () => undefined],
    ["a new generation", false, false, (t) => withMeta(t, { generation: 2 })],
    ["re-created (new uid)", false, false, (t) => withMeta(t, { uid: "uid-2" })],
    ["its Secret deleted", false, true, (t) => void t.api.cache.delete(KEY)],
    [
      "its Secret's data edited by someone else",
      false,
      true,
      (t) => void t.api.put({ ...t.api.live.get(KEY)!, data: { password: b64("edited") } }),
    ],
    [
      "only its Secret's resourceVersion",
      true,
      true,
      (t) => void t.api.put({ ...t.api.live.get(KEY)! }),
    ],
    ["its status removed", false, false, (t) => void (t.api.sealed!.status = undefined)],
    [
      "its status overwritten by someone else",
      false,
      false,
      (t) => void (t.api.sealed!.status = { ...t.api.sealed!.status, observedGeneration: 0 }),
    ],
  ])("after %s: settled %s, without a Secret cache %s", async (_, expected, unknown, change) => {
    const t = await settledObject();
    change(t);
    const ss = t.api.sealed!;
    expect(t.reconciler.isSettled(ss, t.api.cache.get(KEY))).toBe(expected);
    expect(t.reconciler.isSettled(ss, "unknown")).toBe(unknown);
  });

  it("an object no key opens is settled until the keys change", async () => {
    const t = await settledObject(() => other);
    const ss = t.api.sealed!;
    expect(t.reconciler.isSettled(ss, undefined)).toBe(true);
    t.keys.version = 2;
    expect(t.reconciler.isSettled(ss, undefined)).toBe(false);
    t.keys.list = [other.key, key.key];
    expect(await t.reconciler.reconcile(KEY)).toBe("done");
    expect(t.api.live.get(KEY)?.data).toEqual({ password: b64("x") });
  });

  it("an object retried with backoff is settled for the resync but decided again on every retry", async () => {
    const ss = sealed(key, { data: { password: "x" } });
    const t = setup(ss, { cached: () => t.api.sealed });
    t.api.put({ metadata: { name: "mysecret", namespace: "myns" }, data: { mine: b64("y") } });
    expect(await t.reconciler.reconcile(KEY)).toBe("retry");
    expect(t.reconciler.isSettled(t.api.sealed!, t.api.cache.get(KEY))).toBe(true);
    expect(await t.reconciler.reconcile(KEY)).toBe("retry");
    expect(t.metrics.decisions).toBe(2);
  });

  it("is never settled before its first reconcile", () => {
    const ss = sealed(key, { data: { password: "x" } });
    const { reconciler } = setup(ss);
    expect(reconciler.isSettled(ss, undefined)).toBe(false);
  });

  it("with --old-gc-behavior, keeps the Secret when the API still has the SealedSecret the cache lost", async () => {
    const ss = sealed(key, { data: { password: "x" } });
    const { api, reconciler } = setup(ss, {
      cached: () => undefined,
      options: { oldGcBehavior: true },
    });
    api.put({ metadata: { name: "mysecret", namespace: "myns", ownerReferences: [OWNER] } });
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(api.deleted).toEqual([]);
  });
});

describe("Reconciler: rollout on change", () => {
  class NotFound extends Error {
    readonly status = 404;
  }
  /** Records restarts; targets named in `missing` answer 404. */
  function restarter(missing = new Set<string>()) {
    const restarts: string[] = [];
    const port: WorkloadRestarter = {
      restart: (ns, target, at) => {
        if (missing.has(target.name)) return Promise.reject(new NotFound("not found"));
        restarts.push(`${ns}/${target.kind}/${target.name}@${at}`);
        return Promise.resolve();
      },
    };
    return { port, restarts, missing };
  }
  const notFoundErrors: ApiErrorInfo = {
    ...errors,
    isNotFound: (e) => e instanceof NotFound,
  };

  function annotated(value: string, generation: number, password: string): SealedSecret {
    const ss = sealed(key, { data: { password }, generation });
    ss.metadata.annotations = { ...ss.metadata.annotations, "signet.dev/rollout": value };
    return ss;
  }

  /** A new generation of the SealedSecret on the API server, its status kept. */
  function change(api: FakeApi, next: SealedSecret): void {
    api.sealed = {
      ...next,
      metadata: { ...next.metadata, resourceVersion: api.sealed?.metadata.resourceVersion },
      status: api.sealed?.status,
    };
  }

  const rolloutCondition = (api: FakeApi) =>
    api.sealed?.status?.conditions?.find((c) => c.type === "Rollout");

  it("restarts nothing on creation, once on a changed value, nothing on resync or drift repair", async () => {
    const r = restarter();
    const holder: { api?: FakeApi } = {};
    const ss = annotated("deployment/api, sts/db", 1, "one");
    const { api, reconciler } = setupWith(ss, r.port, holder);
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(r.restarts).toEqual([]);
    expect(rolloutCondition(api)).toBeUndefined();

    change(api, annotated("deployment/api, sts/db", 2, "two"));
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(r.restarts).toEqual([
      "myns/Deployment/api@2026-06-01T00:00:00Z",
      "myns/StatefulSet/db@2026-06-01T00:00:00Z",
    ]);
    expect(rolloutCondition(api)).toMatchObject({ status: "True", reason: "Restarted" });
    expect(api.events.map((e) => e.reason)).toEqual(["Unsealed", "Unsealed", "WorkloadsRestarted"]);

    // Resync / watch echo: nothing to write, nothing restarted.
    expect(await reconciler.reconcile(KEY)).toBe("done");
    // Drift: someone edits the Secret's data; the repair restores the same data.
    const live = api.live.get(KEY);
    api.put({ ...live, data: { password: b64("tampered") } });
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(api.writes.map((w) => w.verb)).toEqual(["create", "update", "update"]);
    expect(r.restarts).toHaveLength(2);
  });

  it("a new controller process restarts nothing for a generation the status already observed", async () => {
    const r = restarter();
    const holder: { api?: FakeApi } = {};
    const first = setupWith(annotated("deployment/api", 1, "one"), r.port, holder);
    await first.reconciler.reconcile(KEY);
    // The process restarts while the Secret drifted: a fresh Reconciler, same API state.
    const live = first.api.live.get(KEY);
    const again = setupWith(first.api.sealed as SealedSecret, r.port, {});
    again.api.sealed = first.api.sealed;
    again.api.put({ ...live, data: { password: b64("tampered") } });
    expect(await again.reconciler.reconcile(KEY)).toBe("done");
    expect(again.api.writes.map((w) => w.verb)).toEqual(["update"]);
    expect(r.restarts).toEqual([]);
  });

  it("reports a missing target, keeps unsealing, and retries it with the same restartedAt", async () => {
    const r = restarter(new Set(["api"]));
    const holder: { api?: FakeApi } = {};
    const ss0 = annotated("deployment/api, deployment/web", 1, "one");
    const { api, reconciler } = setupWith(ss0, r.port, holder);
    await reconciler.reconcile(KEY);
    change(api, annotated("deployment/api, deployment/web", 2, "two"));
    expect(await reconciler.reconcile(KEY)).toBe("retry");
    expect(api.live.get(KEY)?.data?.["password"]).toBe(b64("two"));
    expect(rolloutCondition(api)).toMatchObject({
      status: "False",
      reason: "TargetNotFound",
      message: expect.stringContaining("deployment/api: not found") as unknown,
    });
    expect(api.events.at(-1)).toMatchObject({ type: "Warning", reason: "ErrRolloutFailed" });
    expect(r.restarts).toEqual(["myns/Deployment/web@2026-06-01T00:00:00Z"]);
    // Still missing: no new event for the same failure.
    const eventsBefore = api.events.length;
    expect(await reconciler.reconcile(KEY)).toBe("retry");
    expect(api.events).toHaveLength(eventsBefore);
    // The Deployment appears: only it is restarted, for the same change.
    r.missing.clear();
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(r.restarts).toEqual([
      "myns/Deployment/web@2026-06-01T00:00:00Z",
      "myns/Deployment/api@2026-06-01T00:00:00Z",
    ]);
    expect(rolloutCondition(api)).toMatchObject({ status: "True", reason: "Restarted" });
  });

  it("refuses targets when the feature is off, and still unseals", async () => {
    const holder: { api?: FakeApi } = {};
    const { api, reconciler } = setupWith(annotated("deployment/api", 1, "one"), undefined, holder);
    expect(await reconciler.reconcile(KEY)).toBe("done");
    change(api, annotated("deployment/api", 2, "two"));
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(api.live.get(KEY)?.data?.["password"]).toBe(b64("two"));
    expect(rolloutCondition(api)).toMatchObject({ status: "False", reason: "RolloutDisabled" });
  });

  it("shows a malformed annotation in status without blocking the Secret", async () => {
    const r = restarter();
    const holder: { api?: FakeApi } = {};
    const { api, reconciler } = setupWith(annotated("pods/api", 1, "one"), r.port, holder);
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(api.live.get(KEY)).toBeDefined();
    expect(rolloutCondition(api)).toMatchObject({ status: "False", reason: "KindNotAllowed" });
    expect(JSON.stringify(api.sealed?.status)).not.toContain("one");
  });

  it("a replica deposed between the Secret write and the restart restarts nothing; the next leader's retry does, once", async () => {
    const r = restarter();
    let checks = 0;
    let allowed = Infinity;
    const fence: WriteFence = {
      check: () => {
        if (++checks > allowed) throw new FencedError("not the leader");
      },
      ready: () => Promise.resolve(),
      isFenced: (e) => e instanceof FencedError,
    };
    const holder: { api?: FakeApi } = {};
    const ss = annotated("deployment/api", 1, "one");
    const { api, reconciler } = setupWith(ss, r.port, holder, fence);
    await reconciler.reconcile(KEY);
    change(api, annotated("deployment/api", 2, "two"));
    allowed = checks + 1; // the Secret update passes, the restart is fenced
    expect(await reconciler.reconcile(KEY)).toBe("retry");
    expect(api.live.get(KEY)?.data?.["password"]).toBe(b64("two"));
    expect(r.restarts).toEqual([]);
    allowed = Infinity;
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(r.restarts).toEqual(["myns/Deployment/api@2026-06-01T00:00:00Z"]);
  });

  it("a status write that fails after the restart still shows the restart once it succeeds", async () => {
    const r = restarter();
    const holder: { api?: FakeApi } = {};
    const ss = annotated("deployment/api", 1, "one");
    const { api, reconciler } = setupWith(ss, r.port, holder);
    await reconciler.reconcile(KEY);
    change(api, annotated("deployment/api", 2, "two"));
    api.failNextStatuses = 1;
    expect(await reconciler.reconcile(KEY)).toBe("retry");
    expect(rolloutCondition(api)).toBeUndefined();
    expect(await reconciler.reconcile(KEY)).toBe("done");
    expect(rolloutCondition(api)).toMatchObject({ status: "True", reason: "Restarted" });
    expect(r.restarts).toHaveLength(1);
  });

  function setupWith(
    ss: SealedSecret,
    port: WorkloadRestarter | undefined,
    holder: { api?: FakeApi },
    fence?: WriteFence,
  ) {
    const made = setup(ss, {
      cached: () => holder.api?.sealed,
      errors: notFoundErrors,
      ...(port && { restarter: port }),
      ...(fence && { fence }),
    });
    holder.api = made.api;
    return made;
  }
});

describe("Reconciler: expiry", () => {
  const DAY = 86_400_000;
  const EXPIRES = new Date("2026-06-21T00:00:00Z");

  function annotatedWith(value: string | undefined, password = "hunter2"): SealedSecret {
    const ss = sealed(key, { data: { password } });
    if (value !== undefined) {
      ss.metadata.annotations = { ...ss.metadata.annotations, "signet.dev/expires-at": value };
    }
    return ss;
  }

  /** A reconciler whose clock the test moves, and the wake-ups it asked for. */
  function clocked(ss: SealedSecret, options: Partial<ReconcilerOptions> = {}) {
    const clock = { now: new Date("2026-06-01T00:00:00Z") };
    const wakes: { key: string; ms: number }[] = [];
    const cancelled: string[] = [];
    const holder: { api?: FakeApi } = {};
    const made = setup(ss, {
      cached: () => holder.api?.sealed,
      now: () => clock.now,
      wake: {
        at: (k, ms) => void wakes.push({ key: k, ms }),
        cancel: (k) => void cancelled.push(k),
      },
      options,
    });
    holder.api = made.api;
    const expiry = () => made.api.sealed?.status?.conditions?.find((c) => c.type === "Expiry");
    const expiryEvents = () => made.api.events.filter((e) => e.reason !== "Unsealed");
    return { ...made, clock, wakes, cancelled, expiry, expiryEvents };
  }

  it("shows Valid 20 days out, ExpiringSoon inside the window, Expired after, one Warning event per change, the Secret written all along", async () => {
    const t = clocked(annotatedWith("2026-06-21T00:00:00Z"));
    expect(await t.reconciler.reconcile(KEY)).toBe("done");
    expect(t.api.live.get(KEY)?.data).toEqual({ password: b64("hunter2") });
    expect(t.expiry()).toMatchObject({
      status: "True",
      reason: "Valid",
      message: "expires at 2026-06-21T00:00:00Z; warning from 2026-06-07T00:00:00Z",
    });
    expect(t.expiryEvents()).toEqual([]);
    expect(t.metrics.expiry.get(KEY)).toBe(EXPIRES.getTime());
    // The wake-up is bounded by a day even though the boundary is 6 days away.
    expect(t.wakes.at(-1)).toEqual({ key: KEY, ms: DAY });

    // Inside the window (exactly at its start): the resync sees the status is stale.
    t.clock.now = new Date(EXPIRES.getTime() - 14 * DAY);
    expect(t.reconciler.isSettled(t.api.sealed!, "unknown")).toBe(false);
    expect(await t.reconciler.reconcile(KEY)).toBe("done");
    expect(t.expiry()).toMatchObject({ status: "False", reason: "ExpiringSoon" });
    expect(t.expiryEvents()).toEqual([
      {
        type: "Warning",
        reason: "ExpiringSoon",
        message: expect.stringContaining("expires at 2026-06-21T00:00:00Z") as string,
      },
    ]);
    expect(t.wakes.at(-1)).toEqual({ key: KEY, ms: DAY });

    // A resync an hour later: same stage, settled, nothing written or reported.
    t.clock.now = new Date(t.clock.now.getTime() + 3_600_000);
    expect(t.reconciler.isSettled(t.api.sealed!, "unknown")).toBe(true);
    const statuses = t.api.statuses.length;
    expect(await t.reconciler.reconcile(KEY)).toBe("done");
    expect(t.api.statuses).toHaveLength(statuses);
    expect(t.expiryEvents()).toHaveLength(1);

    // Exactly at the expiry: Expired, one more Warning; the Secret is still there.
    t.clock.now = EXPIRES;
    expect(await t.reconciler.reconcile(KEY)).toBe("done");
    expect(t.expiry()).toMatchObject({ status: "False", reason: "Expired" });
    expect(t.expiryEvents().map((e) => `${e.type}/${e.reason}`)).toEqual([
      "Warning/ExpiringSoon",
      "Warning/Expired",
    ]);
    expect(t.api.live.get(KEY)?.data).toEqual({ password: b64("hunter2") });
    // Nothing follows an expiry: the wake-up is cancelled, no new one.
    expect(t.cancelled).toContain(KEY);
  });

  it("keeps the transition time while the reason moves within False (ExpiringSoon to Expired)", async () => {
    const t = clocked(annotatedWith("2026-06-10T00:00:00Z"));
    await t.reconciler.reconcile(KEY);
    const soon = t.expiry();
    t.clock.now = new Date("2026-06-11T00:00:00Z");
    await t.reconciler.reconcile(KEY);
    expect(t.expiry()?.reason).toBe("Expired");
    expect(t.expiry()?.lastTransitionTime).toBe(soon?.lastTransitionTime);
    expect(t.expiry()?.lastUpdateTime).not.toBe(soon?.lastUpdateTime);
  });

  it("reports a malformed annotation as InvalidExpiresAt with a Warning, and still unseals", async () => {
    const t = clocked(annotatedWith("in 90 days"));
    expect(await t.reconciler.reconcile(KEY)).toBe("done");
    expect(t.api.live.get(KEY)?.data).toEqual({ password: b64("hunter2") });
    expect(t.expiry()).toMatchObject({ status: "False", reason: "InvalidExpiresAt" });
    expect(t.expiry()?.message).toContain('signet.dev/expires-at "in 90 days"');
    expect(t.expiryEvents().map((e) => e.reason)).toEqual(["InvalidExpiresAt"]);
    expect(t.metrics.expiry.has(KEY)).toBe(false);
    expect(t.api.sealed?.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
  });

  it("reports the expiry of an object that does not unseal too", async () => {
    const ss = sealed(other, { data: { password: "x" } });
    ss.metadata.annotations = { "signet.dev/expires-at": "2026-05-01T00:00:00Z" };
    const t = clocked(ss);
    await t.reconciler.reconcile(KEY);
    expect(t.expiry()).toMatchObject({ reason: "Expired" });
    expect(t.api.sealed?.status?.conditions?.find((c) => c.type === "Synced")?.status).toBe(
      "False",
    );
  });

  it("adds no condition, metric or wake-up without the annotation", async () => {
    const t = clocked(annotatedWith(undefined));
    await t.reconciler.reconcile(KEY);
    expect(t.expiry()).toBeUndefined();
    expect(t.metrics.expiry.size).toBe(0);
    expect(t.wakes).toEqual([]);
  });

  it("a new controller process reports nothing for the reason the status already shows", async () => {
    const t = clocked(annotatedWith("2026-06-05T00:00:00Z"));
    await t.reconciler.reconcile(KEY);
    expect(t.expiryEvents()).toHaveLength(1);
    const restarted = clocked(t.api.sealed!);
    restarted.api.put(t.api.live.get(KEY)!);
    expect(await restarted.reconciler.reconcile(KEY)).toBe("done");
    expect(restarted.expiry()?.reason).toBe("ExpiringSoon");
    expect(restarted.expiryEvents()).toEqual([]);
  });

  it.each([
    ["expiring soon", "2026-06-05T00:00:00Z"],
    ["expired", "2026-05-01T00:00:00Z"],
    ["invalid", "in 90 days"],
  ])(
    "with --update-status=false records no expiry Event for a value %s, across restarts (no status to remember the reason), and still fills the gauge",
    async (_, value) => {
      const t = clocked(annotatedWith(value), { updateStatus: false });
      expect(await t.reconciler.reconcile(KEY)).toBe("done");
      expect(t.api.live.get(KEY)?.data).toEqual({ password: b64("hunter2") });
      expect(t.expiry()).toBeUndefined();
      expect(t.expiryEvents()).toEqual([]);
      const restarted = clocked(t.api.sealed!, { updateStatus: false });
      restarted.api.put(t.api.live.get(KEY)!);
      await restarted.reconciler.reconcile(KEY);
      await restarted.reconciler.reconcile(KEY);
      expect(restarted.expiryEvents()).toEqual([]);
      if (value !== "in 90 days") {
        expect(restarted.metrics.expiry.get(KEY)).toBe(new Date(value).getTime());
      }
    },
  );

  it("with --update-status on, the same expired value records its Warning (mismatch case)", async () => {
    const t = clocked(annotatedWith("2026-05-01T00:00:00Z"));
    await t.reconciler.reconcile(KEY);
    expect(t.expiryEvents().map((e) => `${e.type}/${e.reason}`)).toEqual(["Warning/Expired"]);
  });

  it("honours a configured warning window (a window of 0 never warns)", async () => {
    const t = clocked(annotatedWith("2026-06-01T00:00:01Z"), { expiryWarningWindowMs: 0 });
    await t.reconciler.reconcile(KEY);
    expect(t.expiry()?.reason).toBe("Valid");
    expect(t.wakes.at(-1)).toEqual({ key: KEY, ms: 2_000 });
  });

  it("drops the metric and the wake-up when the SealedSecret is gone", async () => {
    const t = clocked(annotatedWith("2026-06-21T00:00:00Z"));
    await t.reconciler.reconcile(KEY);
    expect(t.metrics.expiry.has(KEY)).toBe(true);
    t.api.sealed = undefined;
    expect(await t.reconciler.reconcile(KEY)).toBe("done");
    expect(t.metrics.expiry.has(KEY)).toBe(false);
    expect(t.cancelled).toContain(KEY);
  });
});
