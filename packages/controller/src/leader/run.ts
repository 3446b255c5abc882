import type { KubeRest } from "../kube/rest.js";
import type { Clock } from "../ports/clock.js";
import { LeaderElector } from "./elector.js";
import type { ElectorClock, ElectorLogger } from "./elector.js";
import type { LeaseFence } from "./fence.js";
import { kubeLeasePort } from "./kube-lease.js";
import type { LeaseTimings } from "./lease.js";

/**
 * `--leader-elect` wiring: runs the elector on the Lease and calls `lead` once the Lease is ours
 * (start the reconcile workers and key renewal). Leadership is never handed back in-process:
 * `lost` resolves when it is lost, or when `lead` fails, and the caller exits the process (as
 * client-go's `OnStoppedLeading` callers do; the restarted replica rejoins as a follower with
 * fresh state). `stop` (graceful shutdown, after the workers have drained) releases the Lease.
 *
 * `fence` is fed by every successful renewal and ended when leadership is lost or given up, so
 * every write of this replica stops the moment it can no longer prove it holds the Lease. The
 * Lease has its own client (`rest`): unthrottled and unfenced, so renewals never queue behind
 * reconcile writes and keep trying while writes are refused.
 */
export interface LeaderElection {
  readonly identity: string;
  readonly leading: boolean;
  /** Resolves when this replica must stop reconciling; never rejects. */
  readonly lost: Promise<void>;
  stop(): Promise<void>;
}

export interface LeaderElectionOptions {
  /** The Lease's own client: not the reconcile client (throttled, fenced). */
  rest: KubeRest;
  fence: LeaseFence;
  namespace: string;
  leaseName: string;
  identity: string;
  timings: LeaseTimings;
  clock: Clock;
  /** [0, 1) for the retry jitter. */
  random: () => number;
  log: ElectorLogger & { error(obj: object, msg: string): void };
}

/** The elector's view of the clock: wall-clock milliseconds for the Lease record's times. */
export function electorClock(clock: Clock, random: () => number): ElectorClock {
  return {
    now: () => clock.now().getTime(),
    monotonic: clock.monotonic,
    sleep: (ms, signal) => clock.sleep(ms, signal),
    random,
  };
}

export function startLeaderElection(
  options: LeaderElectionOptions,
  lead: () => Promise<void>,
): LeaderElection {
  const { log, fence } = options;
  let resolveLost: () => void = () => undefined;
  const lost = new Promise<void>((resolve) => (resolveLost = resolve));
  const markLost = (): void => {
    fence.end();
    resolveLost();
  };
  const elector = new LeaderElector(options.identity, options.timings, {
    lease: kubeLeasePort(options.rest, options.namespace, options.leaseName),
    clock: electorClock(options.clock, options.random),
    log,
    onStartedLeading: () =>
      void lead().catch((err: unknown) => {
        log.error(
          { err: err instanceof Error ? err.message : String(err) },
          "starting as leader failed",
        );
        markLost();
      }),
    onStoppedLeading: markLost,
    onRenewed: (startedAt) => fence.renewed(startedAt),
  });
  log.info(
    { identity: options.identity, lease: `${options.namespace}/${options.leaseName}` },
    "leader election: waiting to acquire the lease",
  );
  elector.start();
  return {
    identity: options.identity,
    get leading() {
      return elector.leading;
    },
    lost,
    stop: () => {
      fence.end();
      return elector.stop();
    },
  };
}
