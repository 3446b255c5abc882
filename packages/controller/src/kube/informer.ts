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

/**
 * The API server ends every watch after 30–60 min (`--min-request-timeout`, randomised), and
 * the list-watch reconnects; a watch silent for longer is stalled (a half-open connection that
 * TCP keep-alive has not caught, control-plane.md §6.3) and is restarted from its
 * resourceVersion.
 */
export const DEFAULT_STALL_MS = 65 * 60_000;

/** Pause between stopping a stalled watch and starting it again (its abort settles first). */
const KICK_PAUSE_MS = 1000;

/** The part of client-node's `ListWatch` the supervisor drives (a seam for tests). */
export interface ListWatchLike<T> {
  start(): Promise<void>;
  stop(): Promise<void>;
  on(verb: "add" | "update" | "delete", cb: (obj: T) => void): void;
  on(verb: "error" | "connect", cb: (err?: unknown) => void): void;
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): readonly T[];
}

export type ListFn<T extends KubernetesObject> = () => Promise<KubernetesListObject<T>>;

export interface InformerDeps {
  kc: KubeConfig;
  rest: KubeRest;
  log: Logger;
  backoff?: RestartBackoff;
  /** A synced watch with no event and no reconnect for this long is restarted. */
  stallMs?: number;
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
  readonly #stallMs: number;
  #lastActivity = Date.now();
  #watchdog: NodeJS.Timeout | undefined;
  #kicking = false;

  constructor(spec: WatchSpec, handlers: InformerHandlers<T>, deps: InformerDeps) {
    this.#spec = spec;
    this.#log = deps.log;
    this.#backoff = deps.backoff ?? DEFAULT_RESTART_BACKOFF;
    this.#stallMs = deps.stallMs ?? DEFAULT_STALL_MS;
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
      this.#lw.on(verb, (obj: T) => {
        this.#lastActivity = Date.now();
        if (handler) this.#safely(verb, () => handler(obj));
      });
    }
    this.#lw.on("connect", () => (this.#lastActivity = Date.now()));
    this.#lw.on("error", (err: unknown) => this.#onError(err));
  }

  /** Starts list-watch; resolves once the first list has filled the cache. */
  start(): Promise<void> {
    this.#run();
    clearInterval(this.#watchdog);
    this.#watchdog = setInterval(() => this.#checkStall(), Math.min(60_000, this.#stallMs / 4));
    this.#watchdog.unref();
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
    clearInterval(this.#watchdog);
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

  #checkStall(): void {
    if (this.#stopped || this.#kicking || !this.#isSynced) return;
    const silentMs = Date.now() - this.#lastActivity;
    if (silentMs < this.#stallMs) return;
    this.#log.warn({ informer: this.#spec.name, silentMs }, "watch silent too long, restarting");
    this.#kicking = true;
    this.#lastActivity = Date.now();
    void this.#lw.stop().then(() => {
      this.#timer = setTimeout(() => {
        this.#kicking = false;
        this.#run();
      }, KICK_PAUSE_MS);
    });
  }

  #onError(err: unknown): void {
    // While a stalled watch is being replaced, its abort reports an error: not a new failure.
    if (this.#stopped || this.#kicking) return;
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
