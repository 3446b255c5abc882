import type { TimerHandle } from "../ports/clock.js";

/**
 * One pending wake-up per object key: `at(key, ms)` queues the key again after `ms` (replacing
 * the key's earlier wake-up), `cancel(key)` drops it, `stop` drops all (shutdown: no timer keeps
 * the process alive or reconciles after the workers stopped). Used for time-driven state that no
 * watch event announces (an expiry boundary, docs/expiry.md). The delays are the caller's, and
 * bounded by it; the timers run on the monotonic clock, so a wall-clock step is caught by the
 * caller's next, bounded wake-up or by the resync.
 */
export interface WakeUpPorts {
  setTimer: (fn: () => void, ms: number) => TimerHandle;
  clearTimer: (handle: TimerHandle) => void;
  enqueue: (key: string) => void;
}

export class WakeUps {
  readonly #ports: WakeUpPorts;
  readonly #timers = new Map<string, TimerHandle>();
  #stopped = false;

  constructor(ports: WakeUpPorts) {
    this.#ports = ports;
  }

  at(key: string, ms: number): void {
    if (this.#stopped) return;
    this.cancel(key);
    const handle = this.#ports.setTimer(() => {
      this.#timers.delete(key);
      this.#ports.enqueue(key);
    }, ms);
    this.#timers.set(key, handle);
  }

  cancel(key: string): void {
    const handle = this.#timers.get(key);
    if (handle === undefined) return;
    this.#ports.clearTimer(handle);
    this.#timers.delete(key);
  }

  /** Keys with a pending wake-up (tests, diagnostics). */
  get size(): number {
    return this.#timers.size;
  }

  stop(): void {
    this.#stopped = true;
    for (const key of [...this.#timers.keys()]) this.cancel(key);
  }
}
