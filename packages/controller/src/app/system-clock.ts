import { setTimeout as sleep } from "node:timers/promises";

import type { Clock } from "../ports/clock.js";

/** The real clock (built once, in `main.ts`): `Date`, `performance.now()` and Node's timers. */
export function systemClock(): Clock {
  return Object.freeze({
    now: () => new Date(),
    monotonic: () => performance.now(),
    setTimer: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clearTimer: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
    // An aborted sleep ends early and quietly: the caller checks why it woke.
    sleep: (ms: number, signal?: AbortSignal) =>
      sleep(ms, undefined, { signal }).catch(() => undefined),
  });
}
