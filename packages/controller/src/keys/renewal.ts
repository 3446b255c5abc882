/**
 * Key renewal (reference `initKeyRenewal` + `ScheduleJobWithTrigger`, pkg/controller/main.go and
 * funcs.go; docs/keys.md#renewal-and-cutoff): at start a key
 * is generated when there is none or the latest is older than `--key-cutoff-time`; with a period
 * > 0 the next key is due `period − age(latest)` later (never negative), then every period. The
 * trigger (SIGUSR1) generates an extra key without moving the timer. Generations never overlap.
 * Clock and timers are ports so tests drive them; long delays are waited in chunks because
 * Node's timers overflow beyond ~24.8 days (the default period is 30 days).
 */
export interface RenewalPorts {
  now: () => Date;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
  /** Ordering time of the latest registered key, if any. */
  latestKeyTime: () => Date | undefined;
  /** Generates, stores and registers a new key. */
  generateKey: () => Promise<void>;
  /** Failures of timer-driven and triggered generations (they never stop the controller). */
  onError: (err: unknown) => void;
}

export interface RenewalOptions {
  periodMs: number;
  cutoff: Date | undefined;
}

export interface KeyRenewal {
  /** Generates a key now (SIGUSR1); resolves when it is stored. Errors go to `onError`. */
  trigger(): Promise<void>;
  stop(): void;
}

/** First wait before a failed timer-driven renewal is tried again; doubles per failure. */
export const RENEW_RETRY_MIN_MS = 5_000;
/** Longest wait between retries of a failed renewal (a quarter of a shorter period). */
export const RENEW_RETRY_MAX_MS = 5 * 60_000;

/** Longest single timer Node accepts (2^31 − 1 ms). */
export const MAX_TIMER_MS = 2_147_483_647;

/** True when a key must be generated at startup. */
export function needsInitialKey(latest: Date | undefined, cutoff: Date | undefined): boolean {
  return latest === undefined || (cutoff !== undefined && latest.getTime() < cutoff.getTime());
}

/**
 * Starts renewal. Resolves once the startup key (if needed) exists; a failure to generate it
 * rejects, as it aborts the reference's startup.
 */
export async function startKeyRenewal(
  options: RenewalOptions,
  ports: RenewalPorts,
): Promise<KeyRenewal> {
  let chain: Promise<void> = Promise.resolve();
  const generate = (): Promise<void> => {
    const run = chain.then(() => ports.generateKey());
    chain = run.catch(() => undefined);
    return run;
  };
  if (needsInitialKey(ports.latestKeyTime(), options.cutoff)) await generate();

  let handle: unknown;
  let stopped = false;
  const waitUntil = (due: number, then: () => void): void => {
    const remaining = due - ports.now().getTime();
    if (stopped) return;
    if (remaining <= 0) return then();
    handle = ports.setTimer(() => waitUntil(due, then), Math.min(remaining, MAX_TIMER_MS));
  };
  // A renewal that failed (the API server down at that moment) is retried with backoff until
  // it succeeds or the next one is due: otherwise one outage would keep the old key sealing for
  // a whole extra period (the reference waits for the next period).
  let retryHandle: unknown;
  const renewUntilDone = (attempt: number): void => {
    generate().catch((err: unknown) => {
      ports.onError(err);
      if (stopped) return;
      const cap = Math.max(RENEW_RETRY_MIN_MS, Math.min(RENEW_RETRY_MAX_MS, options.periodMs / 4));
      const delay = Math.min(RENEW_RETRY_MIN_MS * 2 ** attempt, cap);
      retryHandle = ports.setTimer(() => {
        retryHandle = undefined;
        renewUntilDone(attempt + 1);
      }, delay);
    });
  };
  const schedule = (due: number): void =>
    waitUntil(due, () => {
      if (retryHandle !== undefined) ports.clearTimer(retryHandle);
      retryHandle = undefined;
      renewUntilDone(0);
      schedule(due + options.periodMs);
    });
  if (options.periodMs > 0) {
    const latest = ports.latestKeyTime()?.getTime() ?? ports.now().getTime();
    schedule(Math.max(latest + options.periodMs, ports.now().getTime()));
  }
  return {
    trigger: () => generate().catch(ports.onError),
    stop: () => {
      stopped = true;
      ports.clearTimer(handle);
      if (retryHandle !== undefined) ports.clearTimer(retryHandle);
    },
  };
}
