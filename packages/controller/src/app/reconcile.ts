import { API_VERSION } from "@signet/core";
import type { SealedSecret, Secret } from "@signet/core";

import type { ControllerConfig } from "../config.js";
import { SealedSecretsController } from "../controller/controller.js";
import { pooledDecider, RsaPool } from "../controller/decide-pool.js";
import type { Decider } from "../controller/decide-pool.js";
import { Reconciler } from "../controller/reconciler.js";
import type { WakeUps } from "../controller/wake-ups.js";
import type { KeyRegistry } from "../keys/key-registry.js";
import { getIfExists } from "../kube/rest.js";
import type { KubeRest } from "../kube/rest.js";
import {
  kubeApiErrors,
  kubeSealedSecretReader,
  kubeSecretStore,
  kubeStatusWriter,
} from "../kube/stores.js";
import { kubeWorkloadRestarter } from "../kube/workloads.js";
import { UNFENCED } from "../leader/fence.js";
import type { ControllerMetrics } from "../metrics.js";
import type { Clock } from "../ports/clock.js";
import type { EventRecorder } from "../ports/events.js";
import type { InformerFactory } from "../ports/informers.js";
import type { Logger } from "../ports/logger.js";
import type { WriteFence } from "../ports/writes.js";
import { API_RSA_SHARE } from "./servers.js";
import { countingRsaOperations } from "./metrics.js";

/**
 * The reconcile loop's parts: the RSA pool (shared with the API), the decider over it, the
 * SealedSecret controller (informers and work queue; every replica watches, only the leader
 * runs workers) and, for the leader, the reconciler the workers run.
 */
export interface ReconcileLoop {
  rsa: RsaPool;
  decider: Decider;
  controller: SealedSecretsController;
}

/**
 * Reconciles in flight per `--workers`: a reconcile mostly waits on the API server (create,
 * status) and the RSA pool, so several overlap per core; per-object ordering is the queue's.
 */
export const RECONCILES_PER_WORKER = 4;

/**
 * Listed and watched SealedSecrets kept for their first reconcile: a cold start of a few
 * thousand ordinary objects is reconciled without reading each back; beyond this, objects are
 * read from the API server when their turn comes (memory stays flat whatever tenants store).
 */
const BODY_CACHE_BYTES = 8 * 1024 * 1024;

/** Retry policy of failed objects: client-go's 5 ms start, capped at 5 minutes, never dropped. */
const RETRY_BACKOFF = { baseMs: 5, maxMs: 300_000 };

export interface LoopDeps {
  informers: InformerFactory;
  rest: KubeRest;
  namespace: string;
  namespaces: readonly string[] | undefined;
  registry: KeyRegistry;
  metrics: ControllerMetrics;
  clock: Clock;
  log: Logger;
}

/** Builds the loop; nothing is started (see `SealedSecretsController.watch` and `start`). */
export function reconcileLoop(config: Readonly<ControllerConfig>, deps: LoopDeps): ReconcileLoop {
  const { metrics, rest } = deps;
  const rsa = new RsaPool({
    concurrency: config.workers,
    apiShare: API_RSA_SHARE,
    onOperation: (cls) => metrics.rsaOperation(cls),
  });
  const decider = countingRsaOperations(
    pooledDecider(
      {
        acceptDeprecatedV1Data: config.acceptDeprecatedV1Data,
        allowPrivilegedSecretTypes: config.allowPrivilegedSecretTypes,
        renderTemplates: true,
        allowDataDependentTemplates: config.allowDataDependentTemplates,
        keyGuard: { namespace: deps.namespace, keyPrefix: config.keyPrefix },
      },
      { keys: () => deps.registry.unsealingKeys() },
      rsa,
      deps.clock,
    ),
    metrics,
  );
  const controller = new SealedSecretsController(
    {
      namespaces: deps.namespaces,
      labelSelector: config.labelSelector,
      skipRecreate: config.skipRecreate,
      workers: config.workers * RECONCILES_PER_WORKER,
      backoff: RETRY_BACKOFF,
      bodyCacheBytes: BODY_CACHE_BYTES,
    },
    {
      informers: deps.informers,
      log: deps.log,
      forgetConditions: (ss) => metrics.forgetConditions(ss),
      fetchSealedSecret: (ns, name) =>
        getIfExists<SealedSecret>(
          rest,
          `/apis/${API_VERSION}/namespaces/${encodeURIComponent(ns)}/sealedsecrets/${encodeURIComponent(name)}`,
        ),
      fetchSecret: (ns, name) =>
        getIfExists<Secret>(
          rest,
          `/api/v1/namespaces/${encodeURIComponent(ns)}/secrets/${encodeURIComponent(name)}`,
        ),
    },
  );
  return { rsa, decider, controller };
}

/** The reconciler the leader's workers run, writing through the API client. */
export function reconciler(
  config: Readonly<ControllerConfig>,
  loop: ReconcileLoop,
  deps: Pick<LoopDeps, "rest" | "registry" | "metrics" | "clock" | "log"> & {
    events: EventRecorder;
    fence: WriteFence | undefined;
    /** Expiry boundaries' wake-ups (docs/expiry.md); stopped with the duties. */
    wake?: WakeUps | undefined;
  },
): Reconciler {
  const { controller } = loop;
  return new Reconciler(
    {
      sealedSecret: (ns, name) => controller.sealedSecret(ns, name),
      freshSealedSecret: kubeSealedSecretReader(deps.rest),
      secrets: kubeSecretStore(deps.rest, controller.secretCache()),
      status: kubeStatusWriter(deps.rest),
      events: deps.events,
      errors: kubeApiErrors,
      metrics: deps.metrics,
      decider: loop.decider,
      keysVersion: () => deps.registry.version,
      fence: deps.fence ?? UNFENCED,
      now: deps.clock.now,
      log: deps.log,
      restarter: config.rolloutWorkloads ? kubeWorkloadRestarter(deps.rest) : undefined,
      wake: deps.wake,
    },
    {
      updateStatus: config.updateStatus,
      oldGcBehavior: config.oldGcBehavior,
      expiryWarningWindowMs: config.expiryWarningWindowMs,
    },
  );
}
