import { readFileSync } from "node:fs";

import type { Clock } from "../ports/clock.js";

/**
 * A wall clock for end-to-end tests of time-driven behaviour (value expiry, docs/expiry.md),
 * which cannot wait weeks for a boundary: `now()` is the real time plus an offset in
 * milliseconds read from the file `SIGNET_TEST_CLOCK_OFFSET_FILE` names (re-read at most every
 * 100 ms; a missing or unreadable file is offset 0). Only the wall clock moves: the monotonic
 * clock and the timers stay real, so leases, timeouts and the resync keep their pace.
 *
 * It exists for tests only and cannot be turned on in a cluster: it is honoured only for a
 * controller started outside one (`--kubeconfig` given and `KUBERNETES_SERVICE_HOST` unset),
 * the development mode the e2e suite runs; anywhere else the variable is refused with an error
 * in the log and the real clock is used. A wrong wall clock in production would misdate
 * certificates, key ages and conditions; whoever could set it there could change the process
 * anyway, but it should never happen by mistake.
 */
export const TEST_CLOCK_ENV = "SIGNET_TEST_CLOCK_OFFSET_FILE";

/** Re-read interval of the offset file. */
const REREAD_MS = 100;

export type TestClockChoice =
  { kind: "real" } | { kind: "refused"; reason: string } | { kind: "shifted"; file: string };

/** Whether the test clock applies (pure: the caller passes the environment and the flag). */
export function testClockChoice(
  env: Readonly<Record<string, string | undefined>>,
  kubeconfigFlag: string,
): TestClockChoice {
  const file = env[TEST_CLOCK_ENV];
  if (file === undefined || file === "") return { kind: "real" };
  if (kubeconfigFlag === "" || (env["KUBERNETES_SERVICE_HOST"] ?? "") !== "") {
    return {
      kind: "refused",
      reason: `${TEST_CLOCK_ENV} is for tests only: honoured with --kubeconfig outside a cluster`,
    };
  }
  return { kind: "shifted", file };
}

/** `base` with its wall clock shifted by the offset in `file` (see above). */
export function shiftedClock(
  base: Clock,
  file: string,
  read: (path: string) => string = (p) => readFileSync(p, "utf8"),
): Clock {
  let offset = 0;
  let readAt = Number.NEGATIVE_INFINITY;
  const current = (): number => {
    const t = base.monotonic();
    if (t - readAt >= REREAD_MS) {
      readAt = t;
      try {
        const n = Number(read(file).trim());
        offset = Number.isFinite(n) ? n : 0;
      } catch {
        offset = 0;
      }
    }
    return offset;
  };
  return Object.freeze({ ...base, now: () => new Date(base.now().getTime() + current()) });
}
