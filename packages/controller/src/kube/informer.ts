import type {
  CacheInformer,
  InformerFactory,
  InformerHandlers,
  RawObject,
  WatchSpec,
} from "../ports/informers.js";
import type { Logger } from "../ports/logger.js";
import { RestListWatch } from "./list-watch.js";
import type { KubeList, KubeObject, ListFn, ListWatchLike } from "./list-watch.js";
import type { KubeLister, KubeWatch } from "./rest.js";

/**
 * A list-watch cache that keeps running. The list-watch stops for good on any watch error
 * other than 410 Gone (connection reset, 403, 5xx…; list-watch.ts), so this
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
 * TCP keep-alive has not caught; docs/architecture.md#watches) and is restarted from its
 * resourceVersion.
 */
export const DEFAULT_STALL_MS = 65 * 60_000;

/** Pause between stopping a stalled watch and starting it again (its abort settles first). */
const KICK_PAUSE_MS = 1000;

export type { ListFn, ListWatchLike } from "./list-watch.js";

/**
 * Objects per list request (client-go's reflector pages the same way): a cold start holds one
 * page's response text at a time, not the whole collection's.
 */
export const LIST_PAGE_SIZE = 500;

export interface InformerDeps {
  rest: KubeLister;
  watch: KubeWatch;
  log: Logger;
  backoff?: RestartBackoff;
  /** A synced watch with no event and no reconnect for this long is restarted. */
  stallMs?: number;
  /** Monotonic milliseconds (the app's `Clock.monotonic`; default `performance.now`). */
  monotonic?: () => number;
  /** Builds the list-watch (default: `RestListWatch` over `watch`). */
  listWatch?: <T extends KubeObject>(
    spec: WatchSpec,
    list: ListFn<T>,
    decode: (raw: RawObject) => T,
  ) => ListWatchLike<T>;
}

/** Delay before restart number `attempt` (0-based): doubling from `initialMs`, capped. */
export function restartDelay(attempt: number, backoff: RestartBackoff): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
}

export class SupervisedInformer<T extends KubeObject> implements CacheInformer<T> {
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
  readonly #monotonic: () => number;
  #lastActivity: number;
  #watchdog: NodeJS.Timeout | undefined;
  #kicking = false;

  constructor(spec: WatchSpec, handlers: InformerHandlers<KubeObject, T>, deps: InformerDeps) {
    this.#spec = spec;
    this.#log = deps.log;
    this.#backoff = deps.backoff ?? DEFAULT_RESTART_BACKOFF;
    this.#stallMs = deps.stallMs ?? DEFAULT_STALL_MS;
    this.#monotonic = deps.monotonic ?? (() => performance.now());
    this.#lastActivity = this.#monotonic();
    this.#synced = new Promise((resolve) => (this.#resolveSynced = resolve));
    const transform = handlers.transform ?? ((obj: KubeObject) => obj as T);
    const decode = handlers.decode ?? ((raw: RawObject) => transform(raw.whole<KubeObject>()));
    const list = async (): Promise<KubeList<T>> => {
      const result = await listPages(deps.rest, spec, decode);
      this.#listed = true;
      return result;
    };
    this.#lw = (deps.listWatch ?? restListWatch(deps.watch))<T>(spec, list, decode);
    for (const verb of ["add", "update", "delete"] as const) {
      const handler = handlers[verb];
      this.#lw.on(verb, (obj: T) => {
        this.#lastActivity = this.#monotonic();
        if (handler) this.#safely(verb, () => handler(obj));
      });
    }
    this.#lw.on("connect", () => (this.#lastActivity = this.#monotonic()));
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
    const silentMs = this.#monotonic() - this.#lastActivity;
    if (silentMs < this.#stallMs) return;
    this.#log.warn({ informer: this.#spec.name, silentMs }, "watch silent too long, restarting");
    this.#kicking = true;
    this.#lastActivity = this.#monotonic();
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
    const now = this.#monotonic();
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

const restListWatch =
  (watch: KubeWatch) =>
  <T extends KubeObject>(spec: WatchSpec, list: ListFn<T>, decode: (raw: RawObject) => T) =>
    new RestListWatch<T>(spec, list, watch, decode);

/**
 * The whole collection in pages of {@link LIST_PAGE_SIZE}, each item decoded as soon as it has
 * streamed in (a page is never held whole); the resourceVersion is the snapshot's (the same on
 * every page).
 */
async function listPages<T>(
  rest: KubeLister,
  spec: WatchSpec,
  decode: (raw: RawObject) => T,
): Promise<KubeList<T>> {
  const items: T[] = [];
  let resourceVersion: string | undefined;
  let next: string | undefined;
  do {
    const page = await rest.list(
      spec.path,
      {
        query: {
          labelSelector: spec.labelSelector || undefined,
          limit: String(LIST_PAGE_SIZE),
          continue: next,
        },
        timeoutMs: 120_000,
      },
      (item) => items.push(decode(item)),
    );
    resourceVersion = page.metadata?.resourceVersion;
    next = page.metadata?.continue || undefined;
  } while (next);
  return { metadata: { resourceVersion }, items };
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
  return <T, C = T>(spec: WatchSpec, handlers: InformerHandlers<T, C>): CacheInformer<C> =>
    new SupervisedInformer<C & KubeObject>(
      spec,
      handlers as unknown as InformerHandlers<KubeObject, C & KubeObject>,
      deps,
    );
}
