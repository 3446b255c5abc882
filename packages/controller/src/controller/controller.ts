import {
  API_VERSION,
  EXPIRES_AT_ANNOTATION,
  MANAGED_ANNOTATION,
  PATCH_ANNOTATION,
} from "@signet/core";
import type { SealedSecret, Secret } from "@signet/core";

import { isAnnotated, isControlledBy } from "../reconcile/decide.js";
import { WorkQueue } from "../queue/work-queue.js";
import type { ProcessResult } from "../queue/work-queue.js";
import { BodyCache } from "./body-cache.js";
import {
  CACHED_SECRET_DATA_BYTES,
  partialSecret,
  cachedSealedSecret,
  cachedSecret,
  mayBeWritten,
  summarizeSealedSecret,
} from "./cached.js";
import type { SealedSecretSummary } from "./cached.js";
import type { CacheInformer, InformerFactory, RawObject } from "../ports/informers.js";
import type { Logger } from "../ports/logger.js";
import type { ReconcileResult } from "./reconciler.js";

/**
 * The SealedSecret controller (reference `NewController`, pkg/controller/controller.go): informers
 * feed `namespace/name` keys into one work queue drained by N workers running the reconciler.
 * - SealedSecret added → queued; updated → queued only when `metadata.generation` moved (a spec
 *   change; status writes and metadata edits do not reconcile, as in the reference) or its
 *   `signet.dev/expires-at` changed (metadata, but the `Expiry` condition shows it); deleted →
 *   queued (for `--old-gc-behavior`) and its `condition_info` series dropped.
 * - Secret deleted while its SealedSecret exists and it was owned or `managed` → queued, so it
 *   is re-created (not for `patch`-only or foreign Secrets, unless the object is failing
 *   because of that very Secret: then it now gets its Secret). Secret changed by someone else
 *   while owned, `managed` or `patch` → queued, so drift is repaired (the reference ignores it).
 *   Both off with `--skip-recreate`.
 * - Keys added → every object whose last reconcile failed is queued again.
 *
 * Memory does not grow with what tenants store: the SealedSecret informer keeps a summary of
 * each object (identity, generation, status), and each reconcile loads the whole object first,
 * from the copy the informer saw if a bounded {@link BodyCache} still holds it, else from the
 * API server. Writable Secrets with large data are cached without it and read the same way.
 * The queue lets namespaces take turns, and one namespace holds at most half the workers.
 */
export interface ControllerOptions {
  /** Namespaces to watch; `undefined` watches all of them. */
  namespaces: readonly string[] | undefined;
  labelSelector: string;
  skipRecreate: boolean;
  /** Reconciles in flight at once (distinct objects; one object is never reconciled twice at once). */
  workers: number;
  backoff: { baseMs: number; maxMs: number };
  /** Bytes of listed or watched SealedSecrets kept for their reconcile (see {@link BodyCache}). */
  bodyCacheBytes: number;
}

export interface ControllerDeps {
  informers: InformerFactory;
  log: Logger;
  /** Drops the object's `condition_info` series. */
  forgetConditions(ss: SealedSecretSummary): void;
  /** The SealedSecret from the API server; undefined when it does not exist. */
  fetchSealedSecret(namespace: string, name: string): Promise<SealedSecret | undefined>;
  /** The Secret from the API server; undefined when it does not exist. */
  fetchSecret(namespace: string, name: string): Promise<Secret | undefined>;
}

/** What the controller runs for each key (the `Reconciler`). */
export interface KeyProcessor {
  reconcile(key: string): Promise<ReconcileResult>;
  /** True for the Secret version the processor wrote itself (its watch echo). */
  isOwnWrite(secret: Secret): boolean;
}

const SS_PATH = `/apis/${API_VERSION}`;

/**
 * What makes an update worth a reconcile. The uid is part of it: an object deleted and re-created
 * while a watch was down comes back from the relist as an "update" with the same generation.
 * (The API server sets the generation of every custom resource; without one, every update is a
 * change.)
 */
const generationKey = (ss: SealedSecretSummary): string =>
  `${ss.metadata.uid ?? ""}/${ss.metadata.generation ?? ss.metadata.resourceVersion ?? ""}/${
    ss.metadata.annotations?.[EXPIRES_AT_ANNOTATION] ?? ""
  }`;

export const keyOf = (obj: { metadata?: { namespace?: string; name?: string } }): string =>
  `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;

export class SealedSecretsController {
  readonly #options: ControllerOptions;
  readonly #deps: ControllerDeps;
  readonly #sealed = new Map<string, CacheInformer<SealedSecretSummary>>();
  readonly #secrets = new Map<string, CacheInformer<Secret>>();
  readonly #generations = new Map<string, string>();
  readonly #failed = new Set<string>();
  readonly #pending = new Set<string>();
  readonly #bodies: BodyCache<SealedSecret>;
  /** Cached Secrets whose data was left out (read from the API before a reconcile). */
  readonly #partialSecrets = new WeakSet<Secret>();
  /** The whole objects of the reconciles running now, by key (undefined: it is gone). */
  readonly #loaded = new Map<string, SealedSecret | undefined>();
  /** Live Secrets read for the reconciles running now, where the cache lacks their data. */
  readonly #liveSecrets = new Map<string, Secret | undefined>();
  #processor: KeyProcessor | undefined;
  #queue: WorkQueue | undefined;
  #watching: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: ControllerOptions, deps: ControllerDeps) {
    this.#options = options;
    this.#deps = deps;
    this.#bodies = new BodyCache(options.bodyCacheBytes);
    const scopes = options.namespaces ?? [undefined];
    const selector = options.labelSelector || undefined;
    for (const ns of scopes) {
      const scope = ns ?? "";
      const prefix = ns === undefined ? "" : `/namespaces/${encodeURIComponent(ns)}`;
      this.#sealed.set(
        scope,
        deps.informers<SealedSecret, SealedSecretSummary>(
          {
            name: `sealedsecrets${ns === undefined ? "" : ` in ${ns}`}`,
            path: `${SS_PATH}${prefix}/sealedsecrets`,
            labelSelector: selector,
          },
          {
            decode: (raw) => this.#decodeSealedSecret(raw),
            add: (ss) => this.#onSealedSecret(ss, true),
            update: (ss) => this.#onSealedSecret(ss, false),
            delete: (ss) => this.#onSealedSecretDeleted(ss),
          },
        ),
      );
      if (options.skipRecreate) continue;
      this.#secrets.set(
        scope,
        deps.informers<Secret>(
          {
            name: `secrets${ns === undefined ? "" : ` in ${ns}`}`,
            path: `/api/v1${prefix}/secrets`,
            labelSelector: selector,
          },
          {
            decode: (raw) => this.#decodeSecret(raw),
            update: (s) => this.#onSecretChanged(s),
            delete: (s) => this.#onSecretDeleted(s),
          },
        ),
      );
    }
  }

  /**
   * The whole SealedSecret for the reconcile of `namespace/name` running now (loaded before it
   * started); undefined when the object is gone, or outside a reconcile.
   */
  sealedSecret(namespace: string, name: string): SealedSecret | undefined {
    return this.#loaded.get(`${namespace}/${name}`);
  }

  /** The summary the informer holds of `namespace/name`. */
  summary(namespace: string, name: string): SealedSecretSummary | undefined {
    return this.#informerFor(this.#sealed, namespace)?.get(name, namespace);
  }

  /** Body cache use so far: reconciles that found the listed copy (hits) or read the API. */
  bodyCacheStats(): { hits: number; misses: number; bytes: number } {
    return { ...this.#bodies.stats, bytes: this.#bodies.bytes };
  }

  /**
   * A cache holding every Secret the controller may write, or undefined when the Secret
   * informers are off or filtered by a label selector (the store then asks the API). Where
   * the cached copy lacks its data, the copy read before the reconcile is answered instead.
   */
  secretCache(): { get(name: string, namespace?: string): Secret | undefined } | undefined {
    if (this.#options.skipRecreate || this.#options.labelSelector !== "") return undefined;
    return {
      get: (name, namespace) => {
        const key = `${namespace ?? ""}/${name}`;
        if (this.#liveSecrets.has(key)) return this.#liveSecrets.get(key);
        return this.#cachedSecret(namespace ?? "", name);
      },
    };
  }

  /** The summary of every SealedSecret in the caches (the resync's input). */
  cachedSealedSecrets(): SealedSecretSummary[] {
    return [...this.#sealed.values()].flatMap((i) => i.list());
  }

  /** Queues `key` for a reconcile now (held until `start` before it). */
  enqueue(key: string): void {
    this.#enqueue(key);
  }

  /** True once every informer has listed. */
  get synced(): boolean {
    return this.#informers().every((i) => i.synced);
  }

  /**
   * Starts the informers, waits for their first lists, then starts the workers (so the first
   * reconciles see full caches).
   */
  async start(processor: KeyProcessor): Promise<void> {
    await this.watch();
    this.#processor = processor;
    const queue = new WorkQueue({
      workers: this.#options.workers,
      maxPerTenant: Math.ceil(this.#options.workers / 2),
      backoff: this.#options.backoff,
      process: (key) => this.#process(processor, key),
      onError: (key, err) =>
        this.#deps.log.error(
          { key, err: err instanceof Error ? err.message : String(err) },
          "reconcile crashed; will retry",
        ),
    });
    this.#queue = queue;
    for (const key of this.#pending) queue.add(key);
    this.#pending.clear();
  }

  /**
   * Starts the informers only (once) and waits for their first lists: a replica that is not the
   * leader keeps caches and readiness but no workers; events wait in `#pending` until `start`.
   */
  watch(): Promise<void> {
    this.#watching ??= Promise.all(this.#informers().map((i) => i.start())).then(() => undefined);
    return this.#watching;
  }

  /** Queues every object whose last reconcile failed (called when keys are added). */
  requeueFailed(): void {
    for (const key of this.#failed) this.#queue?.add(key);
  }

  /** True while keys are waiting or running (not before `start`). */
  busy(): boolean {
    return this.#queue?.busy() ?? false;
  }

  /** Resolves when no key is waiting or running. */
  idle(): Promise<void> {
    return this.#queue?.idle() ?? Promise.resolve();
  }

  /** Stops watching, then lets running reconciles finish; a second call waits for the first. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await Promise.all(this.#informers().map((i) => i.stop()));
      await this.#queue?.shutdown();
    })();
    return this.#stopping;
  }

  async #process(processor: KeyProcessor, key: string): Promise<ProcessResult> {
    const [namespace = "", name = ""] = key.split("/", 2);
    try {
      await this.#load(key, namespace, name);
    } catch (err) {
      this.#deps.log.warn(
        { namespace, name, err: err instanceof Error ? err.message : String(err) },
        "could not read the SealedSecret or its Secret; will retry",
      );
      return "retry";
    }
    let result: ReconcileResult;
    try {
      result = await processor.reconcile(key);
    } finally {
      this.#loaded.delete(key);
      this.#liveSecrets.delete(key);
    }
    if (result === "done") this.#failed.delete(key);
    else this.#failed.add(key);
    // A `wait` failure is not retried on a timer: a change of the object, its Secret or the
    // keys (requeueFailed) brings it back.
    return result === "retry" ? "retry" : "done";
  }

  /**
   * Loads what the reconcile of `key` reads: the whole SealedSecret (the informer's copy when
   * the body cache still holds that version, else from the API; undefined once it is gone), and
   * the live Secret when the cached one lacks its data.
   */
  async #load(key: string, namespace: string, name: string): Promise<void> {
    const summary = this.summary(namespace, name);
    let whole: SealedSecret | undefined;
    if (summary) {
      whole = this.#bodies.take(key, summary.metadata.resourceVersion);
      whole ??= await this.#deps.fetchSealedSecret(namespace, name);
    } else {
      this.#bodies.drop(key);
    }
    const cached = this.#cachedSecret(namespace, name);
    if (whole && cached && this.#partialSecrets.has(cached)) {
      this.#liveSecrets.set(key, await this.#deps.fetchSecret(namespace, name));
    }
    this.#loaded.set(key, whole && cachedSealedSecret(whole));
  }

  #cachedSecret(namespace: string, name: string): Secret | undefined {
    return this.#informerFor(this.#secrets, namespace)?.get(name, namespace);
  }

  /**
   * Decodes a listed or watched SealedSecret into its summary, parsing only its metadata and
   * status; an object about to be reconciled (new, or at a new generation) is also parsed whole
   * and kept for that reconcile when the body cache has room.
   */
  #decodeSealedSecret(raw: RawObject): SealedSecretSummary {
    const head = raw.fields<Pick<SealedSecret, "metadata" | "status">>(["metadata", "status"]);
    const summary = summarizeSealedSecret({ ...head, metadata: head.metadata ?? {} });
    const key = keyOf(summary);
    const version = summary.metadata.resourceVersion;
    const comesNext = this.#generations.get(key) !== generationKey(summary);
    if (version !== undefined && comesNext && raw.size <= this.#bodies.room) {
      this.#bodies.offer(key, version, cachedSealedSecret(raw.whole<SealedSecret>()), raw.size);
    }
    return summary;
  }

  /**
   * Decodes a listed or watched Secret, parsing its data only when the controller may write it
   * and it is small (see `cachedSecret`); a writable Secret over that size is cached as a
   * summary (`partialSecret`: no data, labels or annotations) and read from the API server
   * before its reconcile.
   */
  #decodeSecret(raw: RawObject): Secret {
    const head = raw.fields<Secret>(["apiVersion", "kind", "metadata", "type", "immutable"]);
    if (!mayBeWritten(head)) return cachedSecret(head);
    if (raw.size <= CACHED_SECRET_DATA_BYTES) return cachedSecret(raw.whole<Secret>());
    const cached = partialSecret(head);
    this.#partialSecrets.add(cached);
    return cached;
  }

  #informerFor<T>(
    map: Map<string, CacheInformer<T>>,
    namespace: string,
  ): CacheInformer<T> | undefined {
    return map.get("") ?? map.get(namespace);
  }

  /** Keys seen before the caches synced wait in `#pending` (the first reconciles need full caches). */
  #enqueue(key: string): void {
    if (this.#queue) this.#queue.add(key);
    else this.#pending.add(key);
  }

  #informers(): CacheInformer<unknown>[] {
    return [...this.#sealed.values(), ...this.#secrets.values()];
  }

  #onSealedSecret(ss: SealedSecretSummary, added: boolean): void {
    const key = keyOf(ss);
    const generation = generationKey(ss);
    const changed = this.#generations.get(key) !== generation;
    this.#generations.set(key, generation);
    if (added || changed) return this.#enqueue(key);
    // Its body stays only while a reconcile of it is waiting or running.
    if (!this.#pending.has(key) && !this.#queue?.has(key)) this.#bodies.drop(key);
    this.#deps.log.debug({ key }, "update suppressed, no changes in spec");
  }

  #onSealedSecretDeleted(ss: SealedSecretSummary): void {
    const key = keyOf(ss);
    this.#bodies.drop(key);
    this.#generations.delete(key);
    this.#failed.delete(key);
    this.#deps.forgetConditions(ss);
    this.#enqueue(key);
  }

  #owner(secret: Secret): SealedSecretSummary | undefined {
    const meta = secret.metadata ?? {};
    return this.summary(meta.namespace ?? "", meta.name ?? "");
  }

  #onSecretDeleted(secret: Secret): void {
    const ss = this.#owner(secret);
    if (!ss) return;
    const key = keyOf(ss);
    if (isControlledBy(secret, ss.metadata.uid) || isAnnotated(secret, MANAGED_ANNOTATION)) {
      this.#deps.log.info({ key }, "Secret deleted, re-creating");
      this.#enqueue(key);
    } else if (this.#failed.has(key)) {
      // The Secret that blocked this object (not owned, not managed) is gone: try now instead
      // of waiting for the next backoff retry (the reference never notices, #66, #1090).
      this.#enqueue(key);
    }
  }

  #onSecretChanged(secret: Secret): void {
    const ss = this.#owner(secret);
    if (!ss || this.#processor?.isOwnWrite(secret)) return;
    const writable =
      isControlledBy(secret, ss.metadata.uid) ||
      isAnnotated(secret, MANAGED_ANNOTATION) ||
      isAnnotated(secret, PATCH_ANNOTATION);
    if (writable) this.#enqueue(keyOf(ss));
  }
}
