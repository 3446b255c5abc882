/**
 * A work queue of object keys (`namespace/name`) in the spirit of client-go's: a key waiting is
 * queued once however often it is added; a key is never processed by two workers at once (one
 * added while processing runs again afterwards), so each object's events apply in order; failed
 * keys come back with capped exponential backoff and are never given up on (the reference gives
 * up after `--max-unseal-retries`, #1599). The first `fastRetries` retries use the base delay.
 */
export type ProcessResult = "done" | "retry";

export interface WorkQueueOptions {
  workers: number;
  process: (key: string) => Promise<ProcessResult>;
  backoff: { baseMs: number; maxMs: number };
  /** Thrown errors count as "retry" and are reported here. */
  onError: (key: string, err: unknown) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class WorkQueue {
  readonly #options: WorkQueueOptions;
  readonly #queue: string[] = [];
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
    this.#queue.push(key);
    this.#pump();
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
    return this.#queue.length;
  }

  /** True while keys are queued or processing (delayed retries do not count). */
  busy(): boolean {
    return this.#queue.length > 0 || this.#active > 0;
  }

  /** Resolves when nothing is queued or processing (delayed retries may still be pending). */
  idle(): Promise<void> {
    if (this.#queue.length === 0 && this.#active === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops taking work and cancels retries; resolves when in-flight keys are finished. */
  async shutdown(): Promise<void> {
    this.#stopped = true;
    for (const key of [...this.#timers.keys()]) this.#cancelTimer(key);
    this.#queue.length = 0;
    this.#queued.clear();
    await this.idle();
  }

  #pump(): void {
    while (!this.#stopped && this.#active < this.#options.workers && this.#queue.length > 0) {
      const key = this.#queue.shift()!;
      this.#queued.delete(key);
      this.#processing.add(key);
      this.#active++;
      void this.#run(key);
    }
    if (this.#active === 0 && this.#queue.length === 0) {
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }

  async #run(key: string): Promise<void> {
    let result: ProcessResult;
    try {
      result = await this.#options.process(key);
    } catch (err) {
      this.#options.onError(key, err);
      result = "retry";
    }
    this.#processing.delete(key);
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
