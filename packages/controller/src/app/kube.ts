import type { ControllerConfig } from "../config.js";
import { loadConnection, ownNamespace } from "../kube/kubeconfig.js";
import { createRest } from "../kube/rest.js";
import type { KubeLister, KubeRest, KubeWatch } from "../kube/rest.js";
import { createThrottle } from "../kube/throttle.js";
import { LeaseFence } from "../leader/fence.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";

/**
 * The controller's API clients. Every reconcile and key write goes through `rest`, throttled by
 * `--kubeclient-qps`/`--kubeclient-burst`; with `--leader-elect` each of its writes is also
 * fenced on the Lease (src/leader/fence.ts), checked as the request is sent. The Lease has its
 * own client, neither throttled nor fenced, so renewals never queue behind reconcile writes.
 */
export interface KubeClients {
  rest: KubeRest & KubeWatch & KubeLister;
  /** With `--leader-elect`: the Lease's client. */
  leaseRest: KubeRest | undefined;
  /** With `--leader-elect`: the write fence fed by the elector's renewals. */
  fence: LeaseFence | undefined;
  /** The controller's own namespace (key Secrets, the Lease). */
  namespace: string;
  /** Closes the clients' connections (last step of shutdown). */
  close(): void;
}

export async function connectKube(
  config: Readonly<ControllerConfig>,
  env: Readonly<Record<string, string | undefined>>,
  clock: Clock,
  log: Logger,
): Promise<KubeClients> {
  const connection = await loadConnection(config.kubeconfig, env);
  const fence = config.leaderElect ? leaseFence(config, clock, log) : undefined;
  const rest = createRest(
    connection,
    createThrottle(config.kubeclientQps, config.kubeclientBurst, {
      now: clock.monotonic,
      sleep: clock.sleep,
    }),
    fence && (() => fence.check()),
  );
  const leaseRest = config.leaderElect ? createRest(connection) : undefined;
  return {
    rest,
    leaseRest,
    fence,
    namespace: ownNamespace(env),
    close: () => {
      rest.close();
      leaseRest?.close();
    },
  };
}

function leaseFence(config: Readonly<ControllerConfig>, clock: Clock, log: Logger): LeaseFence {
  return new LeaseFence(
    {
      renewDeadlineMs: config.leaderElectRenewDeadlineMs,
      retryPeriodMs: config.leaderElectRetryPeriodMs,
    },
    clock.monotonic,
    (change, state) =>
      change === "paused"
        ? log.warn({ state }, "leader election: Lease renewal overdue, reconciles paused")
        : log.info({ state }, "leader election: Lease renewed, reconciles resumed"),
  );
}
