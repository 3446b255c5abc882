import { hostname } from "node:os";

import type { ControllerConfig } from "../config.js";
import type { PeriodicResync } from "../controller/resync.js";
import type { KeyRenewal } from "../keys/renewal.js";
import { kubeEventWriter } from "../kube/stores.js";
import { UNFENCED } from "../leader/fence.js";
import { EventSender } from "../queue/event-sender.js";
import type { KeyRegistry } from "../keys/key-registry.js";
import type { ControllerMetrics } from "../metrics.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import { startRenewal } from "./keys.js";
import type { KubeClients } from "./kube.js";
import { RECONCILES_PER_WORKER, reconciler } from "./reconcile.js";
import type { ReconcileLoop } from "./reconcile.js";
import { startResync } from "./resync.js";
import { WakeUps } from "../controller/wake-ups.js";

/** Longest a graceful shutdown spends writing the queued events (well inside the pod's grace). */
const EVENT_FLUSH_MS = 5_000;

export interface DutiesDeps {
  kube: KubeClients;
  loop: ReconcileLoop;
  registry: KeyRegistry;
  namespaces: readonly string[] | undefined;
  metrics: ControllerMetrics;
  clock: Clock;
  log: Logger;
}

/**
 * What only the leader runs, in the reference's order (its `Main`, pkg/controller/main.go): key renewal (the
 * startup key first), then the event sender and the reconcile workers, then the periodic
 * resync. Started once, when this replica leads (at once without `--leader-elect`); `stop`
 * ends renewal and resync, drains the workers and then writes the queued events, all while
 * this replica still holds the Lease. Nothing starts after `stop` was called.
 */
export class LeaderDuties {
  readonly #config: Readonly<ControllerConfig>;
  readonly #deps: DutiesDeps;
  #renewal: KeyRenewal | undefined;
  #events: EventSender | undefined;
  #resync: PeriodicResync | undefined;
  #wakeUps: WakeUps | undefined;
  #stopped = false;

  constructor(config: Readonly<ControllerConfig>, deps: DutiesDeps) {
    this.#config = config;
    this.#deps = deps;
  }

  /** Starts the duties; rejects when the startup key cannot be written. */
  async start(): Promise<void> {
    const { kube, loop, clock, log } = this.#deps;
    const renewal = await startRenewal(this.#config, {
      registry: this.#deps.registry,
      namespace: kube.namespace,
      rest: kube.rest,
      clock,
      log,
      onNewKey: () => loop.controller.requeueFailed(),
    });
    this.#renewal = renewal;
    // Leadership acquired while shutting down: never start workers after the Lease is released.
    if (this.#stopped) return renewal.stop();
    this.#events = this.#eventSender();
    this.#wakeUps = new WakeUps({
      setTimer: clock.setTimer,
      clearTimer: clock.clearTimer,
      enqueue: (key) => loop.controller.enqueue(key),
    });
    const worker = reconciler(this.#config, loop, {
      ...this.#deps,
      rest: kube.rest,
      events: this.#events,
      fence: kube.fence,
      wake: this.#wakeUps,
    });
    await loop.controller.start(worker);
    if (this.#stopped) return;
    this.#resync = startResync(
      this.#config.resyncPeriodMs,
      { controller: loop.controller, reconciler: worker },
      { clock, log },
    );
    log.info(
      {
        namespaces: this.#deps.namespaces ?? "all",
        rsaConcurrency: this.#config.workers,
        reconciles: this.#config.workers * RECONCILES_PER_WORKER,
      },
      "controller started",
    );
  }

  /** Generates a new key now (SIGUSR1); nothing before the duties started. */
  renewKey(): Promise<void> {
    return this.#renewal?.trigger() ?? Promise.resolve();
  }

  /** Ends renewal and resync, drains in-flight reconciles, then writes the queued events. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#renewal?.stop();
    this.#resync?.stop();
    this.#wakeUps?.stop();
    await this.#deps.loop.controller.stop();
    // Still the leader here: the queued events are written before the Lease is released.
    await this.#events?.close(EVENT_FLUSH_MS);
  }

  /** Events wait while the work queue is busy (up to a few seconds), off the reconcile path. */
  #eventSender(): EventSender {
    const { kube, loop, metrics, clock, log } = this.#deps;
    return new EventSender({
      writer: kubeEventWriter(kube.rest, log, { host: hostname(), fence: kube.fence ?? UNFENCED }),
      work: loop.controller,
      log,
      now: clock.now,
      setTimer: clock.setTimer,
      clearTimer: clock.clearTimer,
      onDropped: () => metrics.eventsDropped(),
    });
  }
}
