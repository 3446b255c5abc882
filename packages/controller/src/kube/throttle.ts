/**
 * Client-side request rate limiting (`--kubeclient-qps`, `--kubeclient-burst`; client-go's
 * token bucket): `qps` tokens per second, at most `burst` saved up. Callers are served in
 * arrival order by reserving a token and sleeping off any deficit. A negative `qps` disables
 * limiting (as in client-go); 0 means client-go's default of 5.
 */
export interface Throttle {
  /** Resolves when the caller may send one request. */
  take(): Promise<void>;
}

export interface ThrottleClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

const realClock: ThrottleClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export const DEFAULT_QPS = 5;

export function createThrottle(qps: number, burst: number, clock = realClock): Throttle {
  if (qps < 0) return { take: () => Promise.resolve() };
  const rate = (qps === 0 ? DEFAULT_QPS : qps) / 1000;
  const capacity = Math.max(1, burst);
  let tokens = capacity;
  let at = clock.now();
  return {
    take(): Promise<void> {
      const now = clock.now();
      tokens = Math.min(capacity, tokens + (now - at) * rate);
      at = now;
      tokens -= 1;
      return tokens >= 0 ? Promise.resolve() : clock.sleep(-tokens / rate);
    },
  };
}
