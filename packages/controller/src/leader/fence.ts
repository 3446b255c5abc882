import type { WriteFence } from "../ports/writes.js";

/**
 * Fencing for leader election: a replica writes only while it can prove it still holds the
 * Lease. Proof is a renewal that succeeded recently enough that no other replica can have taken
 * the Lease over yet:
 *
 * - an attempt that started at `t` (our monotonic clock) and wrote the Lease lands on the API
 *   server after `t`; another replica observes that record at `t' >= t` and may take the Lease
 *   over only at `t' + leaseDuration` (client-go `tryAcquireOrRenew`), so never before
 *   `t + leaseDuration`;
 * - this replica writes only before `t + renewDeadline` (`check`), which leaves
 *   `leaseDuration - renewDeadline` (5 s with the defaults) for a write that passed the check to
 *   reach the API server. Only a process frozen between the check and the send (the same tick
 *   for a pooled connection, one TLS handshake for a new one) longer than that can land a write
 *   after a takeover; the README's HA section gives the measured window.
 *
 * New reconciles start only while the renewal is not overdue (`ready`). Renewals are attempted
 * every retry period, so a healthy leader renews several times per renew deadline; the renewal
 * is overdue once less than one retry period of write time is left (but never earlier than two
 * retry periods after the last renewal, so short deadlines do not pause a healthy leader): the
 * attempts of most of a deadline have failed, and work started now would most likely be refused
 * half-way. Workers then wait (holding no write in flight) until a renewal succeeds, which
 * releases every waiting worker, or leadership is lost. Time is the monotonic clock, never the
 * wall clock (a stepped clock must not extend a lease).
 */

/** A write or new work refused: this replica cannot prove it holds the Lease. */
export class FencedError extends Error {
  readonly code = "ERR_NOT_LEADER";

  constructor(message: string) {
    super(message);
    this.name = "FencedError";
  }
}

export const isFenced = (err: unknown): boolean => err instanceof FencedError;

/** No leader election: a single replica always writes. */
export const UNFENCED: WriteFence = Object.freeze({
  check: () => undefined,
  ready: () => Promise.resolve(),
  isFenced,
});

export interface FenceTimings {
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** How the fence looks right now (for logs and tests). */
export type FenceState =
  /** No renewal yet: not (or not yet) the leader. */
  | "waiting"
  /** Writes allowed, new work starts. */
  | "open"
  /** Writes allowed until the deadline, new work waits for the next renewal. */
  | "overdue"
  /** Past the renew deadline: every write refused until a renewal (never, in practice). */
  | "closed"
  /** Leadership lost or released: closed for good. */
  | "ended";

/** Told when workers start waiting on the fence, and when a renewal lets them go. */
export type FenceNotify = (change: "paused" | "resumed", state: FenceState) => void;

export class LeaseFence implements WriteFence {
  readonly #timings: FenceTimings;
  readonly #monotonic: () => number;
  readonly #notify: FenceNotify;
  #renewedAt: number | undefined;
  #ended = false;
  #waiters: { resolve: () => void; reject: (err: Error) => void }[] = [];

  constructor(timings: FenceTimings, monotonic: () => number, notify: FenceNotify = () => {}) {
    this.#timings = timings;
    this.#monotonic = monotonic;
    this.#notify = notify;
  }

  /**
   * A renewal (or the acquisition) that started at `startedAt` (monotonic ms) succeeded. Every
   * waiting worker is released unless the fence is still closed (so a leader whose renewals
   * take long still makes progress: one batch of work per renewal).
   */
  renewed(startedAt: number): void {
    if (this.#ended) return;
    if (this.#renewedAt === undefined || startedAt > this.#renewedAt) this.#renewedAt = startedAt;
    const state = this.state();
    if ((state !== "open" && state !== "overdue") || this.#waiters.length === 0) return;
    for (const w of this.#waiters.splice(0)) w.resolve();
    this.#notify("resumed", state);
  }

  /** Workers waiting in `ready` (for logs and tests). */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Leadership lost or given up: every later write and wait is refused. */
  end(): void {
    this.#ended = true;
    const err = new FencedError("leadership ended: this replica no longer writes");
    for (const w of this.#waiters.splice(0)) w.reject(err);
  }

  state(): FenceState {
    if (this.#ended) return "ended";
    if (this.#renewedAt === undefined) return "waiting";
    const since = this.#monotonic() - this.#renewedAt;
    if (since >= this.#timings.renewDeadlineMs) return "closed";
    return since >= this.#overdueAfterMs() ? "overdue" : "open";
  }

  /** Milliseconds of write permission left (0 when closed). */
  remainingMs(): number {
    if (this.#ended || this.#renewedAt === undefined) return 0;
    const left = this.#renewedAt + this.#timings.renewDeadlineMs - this.#monotonic();
    return Math.max(0, left);
  }

  check(): void {
    const state = this.state();
    if (state === "open" || state === "overdue") return;
    throw new FencedError(
      state === "ended"
        ? "leadership ended: this replica no longer writes"
        : "the Lease was not renewed within the renew deadline: writes are paused",
    );
  }

  ready(): Promise<void> {
    const state = this.state();
    if (state === "open") return Promise.resolve();
    if (state === "ended") {
      return Promise.reject(new FencedError("leadership ended: this replica no longer writes"));
    }
    if (this.#waiters.length === 0) this.#notify("paused", state);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  isFenced(err: unknown): boolean {
    return isFenced(err);
  }

  /** One retry period before the deadline, at least two after the renewal, at most the deadline. */
  #overdueAfterMs(): number {
    const { renewDeadlineMs, retryPeriodMs } = this.#timings;
    return Math.min(renewDeadlineMs, Math.max(2 * retryPeriodMs, renewDeadlineMs - retryPeriodMs));
  }
}
