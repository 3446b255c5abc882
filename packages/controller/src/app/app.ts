import type { ControllerConfig } from "../config.js";
import type { KeySecretWatch } from "../controller/key-watch.js";
import { KeyRegistry } from "../keys/key-registry.js";
import { supervisedInformers } from "../kube/informer.js";
import { isNotFound } from "../kube/rest.js";
import type { KubeRest } from "../kube/rest.js";
import type { Clock } from "../ports/clock.js";
import type { ControllerMetrics } from "../metrics.js";
import type { Logger } from "../ports/logger.js";
import { LeaderDuties } from "./duties.js";
import { keySecretWatch } from "./keys.js";
import { connectKube } from "./kube.js";
import type { KubeClients } from "./kube.js";
import { campaign, leadAlone } from "./leader.js";
import type { Leadership } from "./leader.js";
import { controllerMetrics } from "./metrics.js";
import { reconcileLoop } from "./reconcile.js";
import type { ReconcileLoop } from "./reconcile.js";
import { startServers } from "./servers.js";
import type { RunningServers } from "./servers.js";

/**
 * The composition root (reference `Main`, pkg/controller/main.go): builds every part once and injects it (nothing is
 * module-level), then starts the parts in order and stops them in the reverse one:
 *
 * 1. the API clients (`kube.ts`) and the metrics registry (`metrics.ts`);
 * 2. the HTTP servers (`servers.ts`): first, so `/healthz` says "not ready" while caches fill
 *    and the first key is generated;
 * 3. the key Secret watch (`keys.ts`), on every replica;
 * 4. the SealedSecret informers (`reconcile.ts`), on every replica with `--leader-elect`;
 * 5. leadership (`leader.ts`), which starts the leader's duties (`duties.ts`): key renewal, the
 *    event sender and reconcile workers, the resync.
 *
 * Shutdown: the duties (renewal and resync end, in-flight reconciles drain, queued events are
 * written), then the Lease is released, then the informers and the key watch stop, then the
 * servers close, then the RSA pool and the API clients.
 */
export interface AppEnv {
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  version: string;
  clock: Clock;
}

export interface RunningApp {
  /** Generates a new key now (SIGUSR1). */
  renewKey(): Promise<void>;
  /** Graceful shutdown (see {@link startApp}). */
  stop(): Promise<void>;
  /**
   * With `--leader-elect`: resolves when leadership is lost (the process must exit at once, no
   * graceful drain: another replica may already be reconciling). Never resolves otherwise.
   */
  lostLeadership: Promise<void>;
}

export async function startApp(
  config: Readonly<ControllerConfig>,
  app: AppEnv,
): Promise<RunningApp> {
  const { log } = app;
  for (const warning of config.warnings) log.warn({}, warning);
  log.info({ version: app.version }, "Starting sealed-secrets controller");
  const parts = await buildParts(config, app);
  const servers = await startServers(config, {
    ...parts,
    rsa: parts.loop.rsa,
    caches: () => ({
      "key secrets": parts.keyWatch.synced,
      sealedsecrets: parts.loop.controller.synced,
    }),
  });
  const running = { ...parts, servers };
  const leadership = await startWatching(config, running, app).catch(async (err: unknown) => {
    await shutdown(running, undefined);
    throw err;
  });
  return {
    renewKey: () => {
      if (!leadership.leading) log.warn({}, "not the leader: no key generated");
      return parts.duties.renewKey();
    },
    stop: () => shutdown(running, leadership),
    lostLeadership: leadership.lost,
  };
}

/** Every part, built and wired; nothing started yet but the API clients. */
interface Parts {
  kube: KubeClients;
  registry: KeyRegistry;
  namespaces: readonly string[] | undefined;
  metrics: ControllerMetrics;
  loop: ReconcileLoop;
  keyWatch: KeySecretWatch;
  duties: LeaderDuties;
  clock: Clock;
  log: Logger;
}

async function buildParts(config: Readonly<ControllerConfig>, app: AppEnv): Promise<Parts> {
  const { clock, log } = app;
  const metrics = controllerMetrics(config, app.version);
  const kube = await connectKube(config, app.env, clock, log);
  const informers = supervisedInformers({
    rest: kube.rest,
    watch: kube.rest,
    log,
    monotonic: clock.monotonic,
  });
  const registry = new KeyRegistry(config.keyOrderPriority, clock.now);
  const namespaces = await watchedNamespaces(config, kube.namespace, kube.rest, log);
  const shared = { kube, registry, namespaces, metrics, clock, log };
  const loop = reconcileLoop(config, { ...shared, ...kube, informers });
  const keyWatch = keySecretWatch(config, {
    ...shared,
    namespace: kube.namespace,
    informers,
    onKeysAdded: () => loop.controller.requeueFailed(),
  });
  const duties = new LeaderDuties(config, { ...shared, loop });
  return { ...shared, loop, keyWatch, duties };
}

/** Fills the key and SealedSecret caches, then leads or campaigns for the Lease. */
async function startWatching(
  config: Readonly<ControllerConfig>,
  parts: Parts,
  app: AppEnv,
): Promise<Leadership> {
  await parts.keyWatch.start();
  if (!config.leaderElect) return leadAlone(parts.duties);
  // Every replica serves the API from full caches; only the Lease holder runs the duties.
  await parts.loop.controller.watch();
  return campaign(config, parts.duties, { ...parts, env: app.env });
}

/** Stops what runs, in the order described on {@link startApp}; safe on a partial start. */
async function shutdown(
  parts: Parts & { servers: RunningServers },
  leadership: Leadership | undefined,
): Promise<void> {
  await parts.duties.stop();
  await leadership?.stop();
  await parts.loop.controller.stop();
  await parts.keyWatch.stop();
  await parts.servers.stop();
  await parts.loop.decider.close();
  parts.kube.close();
}

/**
 * As the reference's `Main`: all namespaces by default; with `--all-namespaces=false` or additional
 * namespaces, the controller's own namespace plus each additional one that exists (a missing one is
 * logged and skipped; any other error aborts startup, as in the reference).
 */
async function watchedNamespaces(
  config: Readonly<ControllerConfig>,
  own: string,
  rest: KubeRest,
  log: Logger,
): Promise<string[] | undefined> {
  if (config.allNamespaces && config.additionalNamespaces.length === 0) return undefined;
  const namespaces = [own];
  for (const ns of config.additionalNamespaces) {
    if (namespaces.includes(ns)) continue;
    try {
      await rest.request(`/api/v1/namespaces/${encodeURIComponent(ns)}`);
      namespaces.push(ns);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      log.warn({ namespace: ns }, "namespace doesn't exist");
    }
  }
  return namespaces;
}
