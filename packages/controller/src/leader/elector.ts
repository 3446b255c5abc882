import { decideLease, JITTER_FACTOR, observe, releasedRecord } from "./lease.js";
import type { LeaseRecord, LeaseTimings, Observation, ObservedLease } from "./lease.js";

/**
 * The leader-election loop (client-go `LeaderElector.Run` with `ReleaseOnCancel`):
 * 1. acquire: try every retry period (jittered ×[1, 2.2)) until the Lease is ours;
 * 2. lead: `onStartedLeading`, then renew every retry period; a renewal that fails is retried
 *    every retry period until the renew deadline, counted from the start of the last
 *    successful attempt, has passed — then `onStoppedLeading` (leadership is lost for good:
 *    this elector never runs again; the controller exits, as client-go's callers do). The time
 *    left is measured again after every attempt, so no wait runs past the deadline. Finding
 *    the Lease held by someone else also loses it at once;
 * 3. `stop()` (graceful shutdown) ends the loop and, when leading, releases the Lease (empty
 *    holder), so another replica takes over without waiting for it to expire. `stop()` does not
 *    call `onStoppedLeading`.
 * Every API call is bounded by the time left before the deadline, so a hanging request cannot
 * keep a stale leader alive. Each successful write reports the monotonic time its attempt
 * started (`onRenewed`): the write fence (`fence.ts`) derives from it how long this replica may
 * still write. Deadlines and expiry use the monotonic clock, the record's timestamps the wall
 * clock. Callbacks are synchronous notifications and must not throw.
 */

/** Another writer changed the Lease since it was read (HTTP 409), or it already exists. */
export class LeaseConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LeaseConflictError";
  }
}

/** A Lease call that did not answer in time. */
export class LeaseTimeoutError extends Error {
  constructor(ms: number) {
    super(`lease request timed out after ${ms} ms`);
    this.name = "LeaseTimeoutError";
  }
}

/** The one Lease, as a narrow port (implemented by `kube-lease.ts`). */
export interface LeasePort {
  /** The Lease, or undefined when it does not exist. */
  get(timeoutMs: number): Promise<ObservedLease | undefined>;
  /** Creates it; throws LeaseConflictError when it already exists. */
  create(record: LeaseRecord, timeoutMs: number): Promise<ObservedLease>;
  /** Writes `record` if the Lease is still at `resourceVersion`; else LeaseConflictError. */
  update(record: LeaseRecord, resourceVersion: string, timeoutMs: number): Promise<ObservedLease>;
}

export interface ElectorClock {
  /** Wall-clock milliseconds: stamps `acquireTime` and `renewTime`. */
  now(): number;
  /** Monotonic milliseconds (never stepped): deadlines and expiry. */
  monotonic(): number;
  /** Resolves after `ms`, or early (without error) once `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** [0, 1) for the retry jitter. */
  random(): number;
}

export interface ElectorLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ElectorCallbacks {
  onStartedLeading(): void;
  /** Leadership lost (not called on `stop()`). */
  onStoppedLeading(): void;
  /** The observed holder changed (empty string: released). */
  onNewLeader?(identity: string): void;
  /**
   * A write that makes or keeps us the holder succeeded; `startedAt` is the monotonic time the
   * attempt began (before its read), so no other replica can take the Lease over before
   * `startedAt + leaseDuration`.
   */
  onRenewed?(startedAt: number): void;
}

export interface ElectorDeps extends ElectorCallbacks {
  lease: LeasePort;
  clock: ElectorClock;
  log: ElectorLogger;
}

type Attempt = "ours" | "held" | "failed";

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class LeaderElector {
  readonly #identity: string;
  readonly #timings: LeaseTimings;
  readonly #deps: ElectorDeps;
  readonly #abort = new AbortController();
  #observation: Observation | undefined;
  #resourceVersion: string | undefined;
  /** Monotonic start of the last successful attempt. */
  #lastRenewMs = 0;
  #leading = false;
  #reportedHolder: string | undefined;
  #done: Promise<void> | undefined;

  constructor(identity: string, timings: LeaseTimings, deps: ElectorDeps) {
    this.#identity = identity;
    this.#timings = timings;
    this.#deps = deps;
  }

  get identity(): string {
    return this.#identity;
  }

  /** True between `onStartedLeading` and losing or releasing the Lease. */
  get leading(): boolean {
    return this.#leading;
  }

  /** Starts the loop (once); it runs until leadership is lost or `stop()`. */
  start(): void {
    this.#done ??= this.#run();
  }

  /** Ends the loop and releases the Lease if we hold it. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#done;
    if (!this.#leading) return;
    this.#leading = false;
    const { record } = this.#observation ?? {};
    if (!record || record.holderIdentity !== this.#identity || !this.#resourceVersion) return;
    try {
      await this.#bounded(
        (t) =>
          this.#deps.lease.update(
            releasedRecord(record, this.#deps.clock.now()),
            this.#resourceVersion ?? "",
            t,
          ),
        this.#timings.renewDeadlineMs,
      );
      this.#deps.log.info({ identity: this.#identity }, "leader election: lease released");
    } catch (err) {
      this.#deps.log.warn({ err: describe(err) }, "leader election: could not release the lease");
    }
  }

  get #stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  async #run(): Promise<void> {
    if (!(await this.#acquire())) return;
    this.#leading = true;
    this.#deps.log.info({ identity: this.#identity }, "leader election: lease acquired");
    this.#deps.onStartedLeading();
    if (await this.#renewLoop()) return;
    this.#leading = false;
    this.#deps.log.warn({ identity: this.#identity }, "leader election: leadership lost");
    this.#deps.onStoppedLeading();
  }

  /** True once the Lease is ours; false when stopped first. */
  async #acquire(): Promise<boolean> {
    while (!this.#stopped) {
      if ((await this.#attempt(this.#timings.renewDeadlineMs)) === "ours") return true;
      const jitter = 1 + this.#deps.clock.random() * JITTER_FACTOR;
      await this.#deps.clock.sleep(this.#timings.retryPeriodMs * jitter, this.#abort.signal);
    }
    return false;
  }

  /** Renews until stopped (true) or the Lease is lost (false). */
  async #renewLoop(): Promise<boolean> {
    for (;;) {
      await this.#deps.clock.sleep(this.#timings.retryPeriodMs, this.#abort.signal);
      if (this.#stopped) return true;
      if (!(await this.#renewBeforeDeadline())) return this.#stopped;
    }
  }

  /** Retries the renewal until it succeeds (true), the Lease is held by another, or the deadline. */
  async #renewBeforeDeadline(): Promise<boolean> {
    for (;;) {
      const left = this.#leftBeforeDeadline();
      if (left <= 0) return false;
      const result = await this.#attempt(left);
      if (result !== "failed") return result === "ours";
      // Measured again: the attempt itself may have used most of what was left.
      const wait = Math.min(this.#timings.retryPeriodMs, this.#leftBeforeDeadline());
      if (wait <= 0) return false;
      await this.#deps.clock.sleep(wait, this.#abort.signal);
      if (this.#stopped) return false;
    }
  }

  #leftBeforeDeadline(): number {
    return this.#lastRenewMs + this.#timings.renewDeadlineMs - this.#deps.clock.monotonic();
  }

  /** One client-go `tryAcquireOrRenew`: read, decide, write. */
  async #attempt(timeoutMs: number): Promise<Attempt> {
    const { clock } = this.#deps;
    const started = clock.monotonic();
    let current: ObservedLease | undefined;
    try {
      current = await this.#bounded((t) => this.#deps.lease.get(t), timeoutMs);
    } catch (err) {
      this.#deps.log.warn({ err: describe(err) }, "leader election: cannot read the lease");
      return "failed";
    }
    // Observed when the answer arrived (client-go's observedTime): the later, the safer.
    const at = { wallMs: clock.now(), monotonicMs: clock.monotonic() };
    this.#observation = observe(this.#observation, current?.record, at.monotonicMs);
    this.#reportHolder();
    const decision = decideLease(this.#observation, at, this.#identity, this.#timings);
    if (decision.action === "wait") return "held";
    if (this.#leading && decision.action !== "renew") return "held";
    const left = timeoutMs - (clock.monotonic() - started);
    try {
      const written = await this.#bounded(
        (t) =>
          current === undefined
            ? this.#deps.lease.create(decision.record, t)
            : this.#deps.lease.update(decision.record, current.resourceVersion, t),
        left,
      );
      this.#observation = { record: written.record, sinceMs: started };
      this.#resourceVersion = written.resourceVersion;
      this.#lastRenewMs = started;
      this.#deps.onRenewed?.(started);
      this.#reportHolder();
      return "ours";
    } catch (err) {
      const fields = { err: describe(err) };
      const message = `leader election: ${decision.action} failed`;
      if (err instanceof LeaseConflictError) this.#deps.log.debug(fields, message);
      else this.#deps.log.warn(fields, message);
      return "failed";
    }
  }

  #reportHolder(): void {
    const holder = this.#observation?.record.holderIdentity ?? "";
    if (holder === this.#reportedHolder) return;
    this.#reportedHolder = holder;
    this.#deps.log.info({ holder }, "leader election: new leader observed");
    this.#deps.onNewLeader?.(holder);
  }

  /** Runs `call` with at most `ms`, rejecting with LeaseTimeoutError after that. */
  async #bounded<T>(call: (timeoutMs: number) => Promise<T>, ms: number): Promise<T> {
    if (ms <= 0) throw new LeaseTimeoutError(0);
    const timer = new AbortController();
    const timeout = this.#deps.clock.sleep(ms, timer.signal).then(() => {
      throw new LeaseTimeoutError(ms);
    });
    try {
      return await Promise.race([call(ms), timeout]);
    } finally {
      timer.abort();
      timeout.catch(() => undefined);
    }
  }
}
