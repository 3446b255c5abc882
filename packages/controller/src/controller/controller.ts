import { API_VERSION, MANAGED_ANNOTATION, PATCH_ANNOTATION } from "@signet/core";
import type { SealedSecret, Secret } from "@signet/core";

import { isAnnotated, isControlledBy } from "../reconcile/decide.js";
import { WorkQueue } from "../queue/work-queue.js";
import type { ProcessResult } from "../queue/work-queue.js";
import { cachedSealedSecret, cachedSecret } from "./cached.js";
import type { CacheInformer, InformerFactory } from "./informers.js";
import type { Logger } from "./ports.js";
import type { ReconcileResult } from "./reconciler.js";

/**
 * The SealedSecret controller (spec §4.4): informers feed `namespace/name` keys into one work
 * queue drained by N workers running the reconciler.
 * - SealedSecret added → queued; updated → queued only when `metadata.generation` moved (a spec
 *   change; status writes and metadata edits do not reconcile, as in the reference); deleted →
 *   queued (for `--old-gc-behavior`) and its `condition_info` series dropped.
 * - Secret deleted while its SealedSecret exists and it was owned or `managed` → queued, so it
 *   is re-created (not for `patch`-only or foreign Secrets, unless the object is failing
 *   because of that very Secret: then it now gets its Secret). Secret changed by someone else
 *   while owned, `managed` or `patch` → queued, so drift is repaired (the reference ignores it).
 *   Both off with `--skip-recreate`.
 * - Keys added → every object whose last reconcile failed is queued again.
 */
export interface ControllerOptions {
  /** Namespaces to watch; `undefined` watches all of them. */
  namespaces: readonly string[] | undefined;
  labelSelector: string;
  skipRecreate: boolean;
  /** Reconciles in flight at once (distinct objects; one object is never reconciled twice at once). */
  workers: number;
  backoff: { baseMs: number; maxMs: number };
}

export interface ControllerDeps {
  informers: InformerFactory;
  log: Logger;
  /** Drops the object's `condition_info` series. */
  forgetConditions(ss: SealedSecret): void;
}

/** What the controller runs for each key (the `Reconciler`). */
export interface KeyProcessor {
  reconcile(key: string): Promise<ReconcileResult>;
  /** True for the Secret version the processor wrote itself (its watch echo). */
  isOwnWrite(secret: Secret): boolean;
}

const SS_PATH = `/apis/${API_VERSION}`;

export const keyOf = (obj: { metadata?: { namespace?: string; name?: string } }): string =>
  `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;

export class SealedSecretsController {
  readonly #options: ControllerOptions;
  readonly #deps: ControllerDeps;
  readonly #sealed = new Map<string, CacheInformer<SealedSecret>>();
  readonly #secrets = new Map<string, CacheInformer<Secret>>();
  readonly #generations = new Map<string, string>();
  readonly #failed = new Set<string>();
  readonly #pending = new Set<string>();
  #processor: KeyProcessor | undefined;
  #queue: WorkQueue | undefined;
  #watching: Promise<void> | undefined;

  constructor(options: ControllerOptions, deps: ControllerDeps) {
    this.#options = options;
    this.#deps = deps;
    const scopes = options.namespaces ?? [undefined];
    const selector = options.labelSelector || undefined;
    for (const ns of scopes) {
      const scope = ns ?? "";
      const prefix = ns === undefined ? "" : `/namespaces/${encodeURIComponent(ns)}`;
      this.#sealed.set(
        scope,
        deps.informers<SealedSecret>(
          {
            name: `sealedsecrets${ns === undefined ? "" : ` in ${ns}`}`,
            path: `${SS_PATH}${prefix}/sealedsecrets`,
            labelSelector: selector,
          },
          {
            transform: cachedSealedSecret,
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
            transform: cachedSecret,
            update: (s) => this.#onSecretChanged(s),
            delete: (s) => this.#onSecretDeleted(s),
          },
        ),
      );
    }
  }

  /** The SealedSecret in the cache. */
  sealedSecret(namespace: string, name: string): SealedSecret | undefined {
    return this.#informerFor(this.#sealed, namespace)?.get(name, namespace);
  }

  /**
   * A cache holding every Secret the controller may write, or undefined when the Secret
   * informers are off or filtered by a label selector (the store then asks the API).
   */
  secretCache(): { get(name: string, namespace?: string): Secret | undefined } | undefined {
    if (this.#options.skipRecreate || this.#options.labelSelector !== "") return undefined;
    return {
      get: (name, namespace) =>
        this.#informerFor(this.#secrets, namespace ?? "")?.get(name, namespace),
    };
  }

  /** Every SealedSecret in the caches (the resync's input). */
  cachedSealedSecrets(): SealedSecret[] {
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

  /** Stops watching, then lets running reconciles finish. */
  async stop(): Promise<void> {
    await Promise.all(this.#informers().map((i) => i.stop()));
    await this.#queue?.shutdown();
  }

  async #process(processor: KeyProcessor, key: string): Promise<ProcessResult> {
    const result = await processor.reconcile(key);
    if (result === "done") this.#failed.delete(key);
    else this.#failed.add(key);
    // A `wait` failure is not retried on a timer: a change of the object, its Secret or the
    // keys (requeueFailed) brings it back.
    return result === "retry" ? "retry" : "done";
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

  #onSealedSecret(ss: SealedSecret, added: boolean): void {
    const key = keyOf(ss);
    // The uid is part of it: an object deleted and re-created while a watch was down comes
    // back from the relist as an "update" with the same generation.
    const generation = `${ss.metadata.uid ?? ""}/${ss.metadata.generation ?? JSON.stringify(ss.spec)}`;
    const changed = this.#generations.get(key) !== generation;
    this.#generations.set(key, generation);
    if (added || changed) this.#enqueue(key);
    else this.#deps.log.debug({ key }, "update suppressed, no changes in spec");
  }

  #onSealedSecretDeleted(ss: SealedSecret): void {
    const key = keyOf(ss);
    this.#generations.delete(key);
    this.#failed.delete(key);
    this.#deps.forgetConditions(ss);
    this.#enqueue(key);
  }

  #owner(secret: Secret): SealedSecret | undefined {
    const meta = secret.metadata ?? {};
    return this.sealedSecret(meta.namespace ?? "", meta.name ?? "");
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
