/**
 * A work queue of object keys (`namespace/name`) in the spirit of client-go's: a key waiting is
 * queued once however often it is added; a key is never processed by two workers at once (one
 * added while processing runs again afterwards), so each object's events apply in order; failed
 * keys come back with capped exponential backoff and are never given up on (the reference gives
 * up after `--max-unseal-retries`, #1599).
 *
 * Unlike client-go's single FIFO, waiting keys are queued per tenant (the key's namespace) and
 * the tenants take turns, one key each, and one tenant holds at most `maxPerTenant` of the
 * workers: a namespace with thousands of objects, or with objects that take long, delays
 * another namespace's object by a few keys, not by its whole backlog.
 */
export type ProcessResult = "done" | "retry";

export interface WorkQueueOptions {
  workers: number;
  /** Workers one tenant may hold at once (default: all of them). */
  maxPerTenant?: number;
  /** The tenant of a key (default: the part before the first `/`, the namespace). */
  tenantOf?: (key: string) => string;
  process: (key: string) => Promise<ProcessResult>;
  backoff: { baseMs: number; maxMs: number };
  /** Thrown errors count as "retry" and are reported here. */
  onError: (key: string, err: unknown) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const namespaceOf = (key: string): string => key.slice(0, Math.max(0, key.indexOf("/")));

export class WorkQueue {
  readonly #options: WorkQueueOptions;
  readonly #tenantOf: (key: string) => string;
  readonly #maxPerTenant: number;
  /** Waiting keys per tenant, oldest first. */
  readonly #queues = new Map<string, string[]>();
  /** Tenants with waiting keys, in turn order. */
  readonly #turns: string[] = [];
  /** Keys processing per tenant. */
  readonly #running = new Map<string, number>();
  #waiting = 0;
  readonly #queued = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, unknown>();
  readonly #idleWaiters: (() => void)[] = [];
  #active = 0;
  #stopped = false;

  constructor(options: WorkQueueOptions) {
    this.#options = options;
    this.#tenantOf = options.tenantOf ?? namespaceOf;
    this.#maxPerTenant = Math.max(1, options.maxPerTenant ?? options.workers);
  }

  /** Queues `key` now (cancelling a pending delayed retry). */
  add(key: string): void {
    if (this.#stopped) return;
    this.#cancelTimer(key);
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#enqueue(key);
    this.#pump();
  }

  /** True while `key` is waiting or being processed (not a delayed retry). */
  has(key: string): boolean {
    return this.#queued.has(key) || this.#processing.has(key);
  }

  /** Queues `key` after `ms` unless it is added earlier. */
  addAfter(key: string, ms: number): void {
    if (this.#stopped || this.#timers.has(key)) return;
    const setTimer = this.#options.setTimer ?? ((fn, t) => setTimeout(fn, t));
    const handle = setTimer(() => {
      this.#timers.delete(key);
      this.add(key);
    }, ms);
    this.#timers.set(key, handle);
  }

  /** Current backoff delay for the next retry of `key` (after `failures` failures). */
  backoffMs(failures: number): number {
    const { baseMs, maxMs } = this.#options.backoff;
    return Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  }

  /** Number of keys waiting (not counting delayed retries or keys being processed). */
  get length(): number {
    return this.#waiting;
  }

  /** True while keys are queued or processing (delayed retries do not count). */
  busy(): boolean {
    return this.#waiting > 0 || this.#active > 0;
  }

  /** Resolves when nothing is queued or processing (delayed retries may still be pending). */
  idle(): Promise<void> {
    if (this.#waiting === 0 && this.#active === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops taking work and cancels retries; resolves when in-flight keys are finished. */
  async shutdown(): Promise<void> {
    this.#stopped = true;
    for (const key of [...this.#timers.keys()]) this.#cancelTimer(key);
    this.#queues.clear();
    this.#turns.length = 0;
    this.#waiting = 0;
    this.#queued.clear();
    await this.idle();
  }

  #enqueue(key: string): void {
    const tenant = this.#tenantOf(key);
    let queue = this.#queues.get(tenant);
    if (!queue) {
      queue = [];
      this.#queues.set(tenant, queue);
      this.#turns.push(tenant);
    }
    queue.push(key);
    this.#waiting++;
  }

  /** The next waiting key of the first tenant in turn that is below its share of workers. */
  #next(): string | undefined {
    const at = this.#turns.findIndex((t) => (this.#running.get(t) ?? 0) < this.#maxPerTenant);
    if (at === -1) return undefined;
    const [tenant] = this.#turns.splice(at, 1) as [string];
    const queue = this.#queues.get(tenant)!;
    const key = queue.shift()!;
    this.#waiting--;
    if (queue.length > 0) this.#turns.push(tenant);
    else this.#queues.delete(tenant);
    return key;
  }

  #pump(): void {
    while (!this.#stopped && this.#active < this.#options.workers) {
      const key = this.#next();
      if (key === undefined) break;
      const tenant = this.#tenantOf(key);
      this.#queued.delete(key);
      this.#processing.add(key);
      this.#running.set(tenant, (this.#running.get(tenant) ?? 0) + 1);
      this.#active++;
      void this.#run(key, tenant);
    }
    if (this.#active === 0 && this.#waiting === 0) {
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }

  async #run(key: string, tenant: string): Promise<void> {
    let result: ProcessResult;
    try {
      result = await this.#options.process(key);
    } catch (err) {
      this.#options.onError(key, err);
      result = "retry";
    }
    this.#processing.delete(key);
    const left = (this.#running.get(tenant) ?? 1) - 1;
    if (left > 0) this.#running.set(tenant, left);
    else this.#running.delete(tenant);
    this.#active--;
    this.#settle(key, result);
    this.#pump();
  }

  #settle(key: string, result: ProcessResult): void {
    if (result === "done") this.#failures.delete(key);
    const dirty = this.#dirty.delete(key);
    if (dirty) return this.add(key);
    if (result === "retry") {
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      this.addAfter(key, this.backoffMs(failures));
    }
  }

  #cancelTimer(key: string): void {
    const handle = this.#timers.get(key);
    if (handle === undefined) return;
    (this.#options.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout)))(handle);
    this.#timers.delete(key);
  }
}
