/**
 * Time, as one port: the composition root builds the real clock once (`app/system-clock.ts`)
 * and passes it down; tests pass a fixed or stepped one. Two clocks, for two questions:
 *
 * - `now` is the wall clock: timestamps other processes read (certificates, key Secrets,
 *   events, status conditions, the Lease record's times) and key ages;
 * - `monotonic` never steps (NTP, an operator's `date -s`): every deadline, timeout and interval
 *   this process measures itself (Lease renewal and fencing, resync periods, stall watchdogs,
 *   request pacing) uses it, so a stepped wall clock can neither extend a lease nor stall a loop.
 *
 * Timers run on the same clock as `monotonic` (Node's timers are monotonic). The members are
 * plain functions (no `this`), so a part may take one of them alone (`clock.now`).
 */
export interface Clock {
  /** Wall-clock time. */
  readonly now: () => Date;
  /** Milliseconds on a clock that never steps (`performance.now()`): only differences mean anything. */
  readonly monotonic: () => number;
  /** Calls `fn` once after `ms`; the handle cancels it. A pending timer keeps the process alive. */
  readonly setTimer: (fn: () => void, ms: number) => TimerHandle;
  readonly clearTimer: (handle: TimerHandle) => void;
  /** Resolves after `ms`, or early (without error) once `signal` aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What `setTimer` returns; only `clearTimer` reads it. */
export type TimerHandle = unknown;
