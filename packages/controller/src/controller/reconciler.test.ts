import { beforeAll, describe, expect, it } from "vitest";

import { MANAGED_ANNOTATION } from "@signet/core";
import type { SealedSecret, SealedSecretStatus, Secret } from "@signet/core";

import { b64, sealed, sealingKey } from "../test-support/sealed.js";
import type { TestSealingKey } from "../test-support/sealed.js";
import { EventSender } from "../queue/event-sender.js";
import type {
  ApiErrorInfo,
  DeletePreconditions,
  EventRecorder,
  EventType,
  Logger,
  SecretStore,
} from "./ports.js";
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

/** An in-memory API: Secrets with resourceVersions, a possibly stale cache, recorded effects. */
class FakeApi implements SecretStore {
  readonly live = new Map<string, Secret>();
  readonly cache = new Map<string, Secret>();
  readonly writes: { verb: string; secret: Secret }[] = [];
  readonly events: { type: EventType; reason: string; message: string }[] = [];
  readonly statuses: SealedSecretStatus[] = [];
  readonly deleted: { key: string; preconditions: DeletePreconditions | undefined }[] = [];
  failNextWrites = 0;
  /** When set, every create and update is refused with this error. */
  refuseWrites: Error | undefined;
  #rv = 100;

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

function setup(
  ss: SealedSecret | undefined,
  options: Partial<ReconcilerOptions> = {},
  spy?: (preferred: readonly string[]) => void,
  ports: { events?: EventRecorder; log?: Logger } = {},
) {
  const { events, log = silent } = ports;
  const api = new FakeApi();
  const decider = inThreadDecider(
    {
      acceptDeprecatedV1Data: true,
      allowPrivilegedSecretTypes: false,
      renderTemplates: false,
      keyGuard: { namespace: "kube-system", keyPrefix: "sealed-secrets-key" },
    },
    { version: () => 1, keys: () => [key.key] },
  );
  const metrics = { requests: 0, errors: [] as string[], observed: 0 };
  const reconciler = new Reconciler(
    {
      sealedSecret: () => ss,
      secrets: api,
      status: {
        write: (_ss, status) => {
          api.statuses.push(status);
          return Promise.resolve();
        },
      },
      events: events ?? {
        record: (_ss, type, reason, message) => void api.events.push({ type, reason, message }),
      },
      errors,
      metrics: {
        unsealRequest: () => void metrics.requests++,
        unsealError: (reason) => void metrics.errors.push(reason),
        observeConditions: () => void metrics.observed++,
      },
      decider: {
        ...decider,
        decide: (sealedSecret, existing, preferred) => {
          spy?.(preferred);
          return decider.decide(sealedSecret, existing, preferred);
        },
      },
      now: () => new Date("2026-06-01T00:00:00Z"),
      log,
    },
    { updateStatus: true, oldGcBehavior: false, ...options },
  );
  return { api, metrics, reconciler };
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
    const { reconciler } = setup(ss, {}, (preferred) => seen.push(preferred));
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
      const { api, reconciler } = setup(ss, {}, undefined, { events });
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
    const { api, metrics, reconciler } = setup(ss, {}, undefined, { log });
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
    const old = setup(undefined, { oldGcBehavior: true });
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
    const old = setup(undefined, { oldGcBehavior: true });
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
    const old = setup(undefined, { oldGcBehavior: true });
    old.api.put({ metadata: { name: "mysecret", namespace: "myns", ...meta } });
    expect(await old.reconciler.reconcile(KEY)).toBe("done");
    expect(old.api.deleted).toEqual([]);
  });

  it("does not write status with --update-status=false but still refreshes condition metrics", async () => {
    const ss = sealed(key, { data: { password: "x" } });
    const { api, metrics, reconciler } = setup(ss, { updateStatus: false });
    await reconciler.reconcile(KEY);
    expect(api.statuses).toEqual([]);
    expect(metrics.observed).toBe(1);
  });
});
