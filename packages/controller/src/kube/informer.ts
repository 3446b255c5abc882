import { ListWatch, Watch } from "@kubernetes/client-node";
import type { KubeConfig, KubernetesListObject, KubernetesObject } from "@kubernetes/client-node";

import type {
  CacheInformer,
  InformerFactory,
  InformerHandlers,
  WatchSpec,
} from "../controller/informers.js";
import type { Logger } from "../controller/ports.js";
import type { KubeRest } from "./rest.js";

/**
 * A list-watch cache that keeps running. client-node's `ListWatch` stops for good on any watch
 * error other than 410 Gone (connection reset, 403, 5xx…; control-plane.md §6.3), so this
 * supervisor restarts it after a capped exponential backoff, resuming from the last
 * resourceVersion (a 410 on resume makes it relist, which emits `delete` for objects that
 * vanished meanwhile). Handlers run synchronously inside the cache's callbacks; a throwing
 * handler is logged and never breaks the watch.
 */

export interface RestartBackoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoff = { initialMs: 500, maxMs: 30_000 };

/** The part of client-node's `ListWatch` the supervisor drives (a seam for tests). */
export interface ListWatchLike<T> {
  start(): Promise<void>;
  stop(): Promise<void>;
  on(verb: "add" | "update" | "delete", cb: (obj: T) => void): void;
  on(verb: "error", cb: (err?: unknown) => void): void;
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): readonly T[];
}

export type ListFn<T extends KubernetesObject> = () => Promise<KubernetesListObject<T>>;

export interface InformerDeps {
  kc: KubeConfig;
  rest: KubeRest;
  log: Logger;
  backoff?: RestartBackoff;
  /** Builds the list-watch (default: client-node's `ListWatch` over `Watch`). */
  listWatch?: <T extends KubernetesObject>(
    spec: WatchSpec,
    list: ListFn<T>,
    kc: KubeConfig,
  ) => ListWatchLike<T>;
}

function clientNodeListWatch<T extends KubernetesObject>(
  spec: WatchSpec,
  list: ListFn<T>,
  kc: KubeConfig,
): ListWatchLike<T> {
  return new ListWatch<T>(spec.path, new Watch(kc), list, false, spec.labelSelector || undefined);
}

/** Delay before restart number `attempt` (0-based): doubling from `initialMs`, capped. */
export function restartDelay(attempt: number, backoff: RestartBackoff): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
}

export class SupervisedInformer<T extends KubernetesObject> implements CacheInformer<T> {
  readonly #spec: WatchSpec;
  readonly #log: Logger;
  readonly #backoff: RestartBackoff;
  readonly #lw: ListWatchLike<T>;
  #attempts = 0;
  #lastErrorAt = 0;
  #listed = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #resolveSynced: () => void = () => undefined;
  readonly #synced: Promise<void>;
  #isSynced = false;

  constructor(spec: WatchSpec, handlers: InformerHandlers<T>, deps: InformerDeps) {
    this.#spec = spec;
    this.#log = deps.log;
    this.#backoff = deps.backoff ?? DEFAULT_RESTART_BACKOFF;
    this.#synced = new Promise((resolve) => (this.#resolveSynced = resolve));
    const list = async (): Promise<KubernetesListObject<T>> => {
      const result = await deps.rest.request<KubernetesListObject<T>>(spec.path, {
        query: { labelSelector: spec.labelSelector || undefined },
        timeoutMs: 120_000,
      });
      this.#listed = true;
      return result;
    };
    this.#lw = (deps.listWatch ?? clientNodeListWatch)<T>(spec, list, deps.kc);
    for (const verb of ["add", "update", "delete"] as const) {
      const handler = handlers[verb];
      if (handler) this.#lw.on(verb, (obj: T) => this.#safely(verb, () => handler(obj)));
    }
    this.#lw.on("error", (err: unknown) => this.#onError(err));
  }

  /** Starts list-watch; resolves once the first list has filled the cache. */
  start(): Promise<void> {
    this.#run();
    return this.#synced;
  }

  get synced(): boolean {
    return this.#isSynced;
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#lw.get(name, namespace);
  }

  list(namespace?: string): readonly T[] {
    return this.#lw.list(namespace);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#lw.stop();
  }

  #run(): void {
    if (this.#stopped) return;
    this.#lw.start().then(
      () => {
        if (this.#listed && !this.#isSynced) {
          this.#isSynced = true;
          this.#resolveSynced();
        }
      },
      (err: unknown) => this.#onError(err),
    );
  }

  #onError(err: unknown): void {
    if (this.#stopped) return;
    const now = Date.now();
    // A watch that ran quietly for a while earns a fresh backoff.
    if (now - this.#lastErrorAt > 2 * this.#backoff.maxMs) this.#attempts = 0;
    this.#lastErrorAt = now;
    const delay = restartDelay(this.#attempts++, this.#backoff);
    this.#log.warn(
      { informer: this.#spec.name, err: describe(err), restartInMs: delay },
      "watch failed, restarting",
    );
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#run(), delay);
  }

  #safely(verb: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#log.error(
        { informer: this.#spec.name, verb, err: describe(err) },
        "informer handler failed",
      );
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const status = (err as { statusCode?: unknown }).statusCode;
    return typeof status === "number" ? `${err.message} (HTTP ${status})` : err.message;
  }
  return String(err);
}

/** The informer factory the controller is wired with. */
export function supervisedInformers(deps: InformerDeps): InformerFactory {
  return <T>(spec: WatchSpec, handlers: InformerHandlers<T>): CacheInformer<T> =>
    new SupervisedInformer<T & KubernetesObject>(spec, handlers, deps);
}
