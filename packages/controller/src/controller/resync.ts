import type { SealedSecret, Secret } from "@signet/core";

import type { Logger } from "../ports/logger.js";

/**
 * The periodic resync (`--resync-period`, Signet's; the reference has none): the safety net for
 * whatever the watches and retries missed — a status lost with a crashed API server, a status or
 * Secret overwritten by a deposed leader, an event dropped while a watch was down. Every period
 * each SealedSecret in the cache is checked against what the last reconcile concluded
 * (`Reconciler.isSettled`): same generation, same Secret content (when a Secret cache exists),
 * and a status that shows it. Only objects that fail the check are queued, so a pass over
 * objects that are all in order makes no API request, no write and no RSA operation; it costs
 * a map lookup, a string compare and a status comparison per object, in slices that yield to
 * the event loop. A queued key cancels its pending backoff retry and runs now.
 */
export interface ResyncTarget {
  /** Every SealedSecret in the caches. */
  sealedSecrets(): readonly Pick<SealedSecret, "metadata" | "status">[];
  /** The cached Secret of that name; "unknown" when no Secret cache covers it. */
  secret(namespace: string, name: string): Secret | undefined | "unknown";
  isSettled(
    ss: Pick<SealedSecret, "metadata" | "status">,
    secret: Secret | undefined | "unknown",
  ): boolean;
  enqueue(key: string): void;
}

export interface ResyncPorts {
  log: Logger;
  /** Milliseconds, for the pass duration in the log only. */
  monotonic: () => number;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
  /** Lets other work run between slices (default: setImmediate). */
  yieldNow?: () => Promise<void>;
}

/** What one pass did. */
export interface ResyncPass {
  checked: number;
  queued: number;
  ms: number;
}

/** Objects checked between two yields to the event loop. */
export const RESYNC_SLICE = 500;

export class PeriodicResync {
  readonly #periodMs: number;
  readonly #target: ResyncTarget;
  readonly #ports: ResyncPorts;
  #timer: unknown;
  #stopped = false;

  constructor(periodMs: number, target: ResyncTarget, ports: ResyncPorts) {
    this.#periodMs = periodMs;
    this.#target = target;
    this.#ports = ports;
  }

  /** Schedules a pass every period (after the previous one finished); 0 disables. */
  start(): void {
    if (this.#periodMs <= 0 || this.#stopped) return;
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#ports.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  /** One pass now: queues every object that is not settled. */
  async pass(): Promise<ResyncPass> {
    const started = this.#ports.monotonic();
    const objects = this.#target.sealedSecrets();
    let queued = 0;
    for (let i = 0; i < objects.length && !this.#stopped; i++) {
      if (i > 0 && i % RESYNC_SLICE === 0) await this.#yield();
      const ss = objects[i]!;
      const { namespace = "", name = "" } = ss.metadata;
      if (this.#target.isSettled(ss, this.#target.secret(namespace, name))) continue;
      this.#target.enqueue(`${namespace}/${name}`);
      queued++;
    }
    const result = { checked: objects.length, queued, ms: this.#ports.monotonic() - started };
    if (queued > 0) this.#ports.log.info(result, "resync: queued objects not in their last state");
    else this.#ports.log.debug(result, "resync: every object in its last state");
    return result;
  }

  #schedule(): void {
    this.#timer = this.#ports.setTimer(() => {
      this.#timer = undefined;
      this.pass().then(
        () => this.#stopped || this.#schedule(),
        (err: unknown) => {
          this.#ports.log.error(
            { err: err instanceof Error ? err.message : String(err) },
            "resync pass failed",
          );
          if (!this.#stopped) this.#schedule();
        },
      );
    }, this.#periodMs);
  }

  #yield(): Promise<void> {
    return this.#ports.yieldNow?.() ?? new Promise((resolve) => setImmediate(resolve));
  }
}
