import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

import type { ControllerConfig } from "../config.js";
import { leaderIdentity } from "../leader/identity.js";
import { startLeaderElection } from "../leader/run.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type { LeaderDuties } from "./duties.js";
import type { KubeClients } from "./kube.js";

/**
 * Who runs the {@link LeaderDuties}: this replica alone (no `--leader-elect`), or the holder of
 * the Lease (`--leader-elect`, src/leader/run.ts).
 */
export interface Leadership {
  /** True while this replica runs the duties (or may start them as soon as they are ready). */
  readonly leading: boolean;
  /**
   * Resolves when leadership is lost: the process must exit at once, without a graceful drain
   * (another replica may already be reconciling). Never resolves without `--leader-elect`.
   */
  readonly lost: Promise<void>;
  /** Gives leadership up (releases the Lease); called after the duties stopped. */
  stop(): Promise<void>;
}

/** Without `--leader-elect`: the duties start now; resolves once they run. */
export async function leadAlone(duties: LeaderDuties): Promise<Leadership> {
  await duties.start();
  return {
    leading: true,
    lost: new Promise<void>(() => undefined),
    stop: () => Promise.resolve(),
  };
}

/** With `--leader-elect`: campaigns for the Lease; the duties start once it is ours. */
export function campaign(
  config: Readonly<ControllerConfig>,
  duties: LeaderDuties,
  deps: {
    kube: KubeClients;
    env: Readonly<Record<string, string | undefined>>;
    clock: Clock;
    log: Logger;
  },
): Leadership {
  const { kube } = deps;
  if (!kube.fence || !kube.leaseRest) throw new TypeError("leader election needs the Lease client");
  return startLeaderElection(
    {
      rest: kube.leaseRest,
      namespace: kube.namespace,
      leaseName: config.leaderElectLeaseName,
      fence: kube.fence,
      identity: leaderIdentity(deps.env, hostname(), () => randomBytes(4).toString("hex")),
      timings: {
        leaseDurationMs: config.leaderElectLeaseDurationMs,
        renewDeadlineMs: config.leaderElectRenewDeadlineMs,
        retryPeriodMs: config.leaderElectRetryPeriodMs,
      },
      clock: deps.clock,
      random: Math.random,
      log: deps.log,
    },
    () => duties.start(),
  );
}
