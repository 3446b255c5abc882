import { randomBytes } from "node:crypto";
import { BlockList, isIP } from "node:net";
import { hostname } from "node:os";

import { API_VERSION, generatePrivateKeyAndCert } from "@signet/core";
import type { SealedSecret, Secret } from "@signet/core";

import { parseListenAddress } from "../config.js";
import type { ControllerConfig } from "../config.js";
import { apiPorts } from "../http/api-ports.js";
import { connectionCap, openFileLimit, startHttpServer } from "../http/listen.js";
import type { ConnectionLimits, RunningServer } from "../http/listen.js";
import { createApiApp } from "../http/server.js";
import { KeyRegistry } from "../keys/key-registry.js";
import { generateAndStoreKey } from "../keys/key-writer.js";
import { startKeyRenewal } from "../keys/renewal.js";
import type { KeyRenewal } from "../keys/renewal.js";
import { supervisedInformers } from "../kube/informer.js";
import { loadConnection, ownNamespace } from "../kube/kubeconfig.js";
import { createRest, getIfExists, isNotFound } from "../kube/rest.js";
import type { KubeRest } from "../kube/rest.js";
import { createThrottle } from "../kube/throttle.js";
import {
  kubeApiErrors,
  kubeEventWriter,
  kubeKeySecretCreator,
  kubeSealedSecretReader,
  kubeSecretStore,
  kubeStatusWriter,
} from "../kube/stores.js";
import { LeaseFence, UNFENCED } from "../leader/fence.js";
import { leaderIdentity } from "../leader/identity.js";
import { startLeaderElection } from "../leader/run.js";
import type { LeaderElection } from "../leader/run.js";
import { ControllerMetrics } from "../metrics.js";
import { EventSender } from "../queue/event-sender.js";
import { SealedSecretsController } from "./controller.js";
import { pooledDecider, RsaPool } from "./decide-pool.js";
import type { Decider } from "./decide-pool.js";
import { KeySecretWatch } from "./key-watch.js";
import type { Logger } from "./ports.js";
import { Reconciler } from "./reconciler.js";
import { PeriodicResync } from "./resync.js";

/**
 * Wires the running controller (reference `Main`, pkg/controller/main.go): HTTP API and metrics
 * first (so `/healthz` can say "not ready" while caches fill and the first key is generated), then
 * the key Secrets, the startup key / renewal, and the SealedSecret informers and workers.
 * Everything is built here and injected; nothing is module-level.
 */
export interface AppEnv {
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  version: string;
}

export interface RunningApp {
  /** Generates a new key now (SIGUSR1). */
  renewKey(): Promise<void>;
  /**
   * Graceful shutdown: informers, then in-flight reconciles, then queued events (bounded), then
   * the Lease, then the servers.
   */
  stop(): Promise<void>;
  /**
   * With `--leader-elect`: resolves when leadership is lost (the process must exit at once, no
   * graceful drain: another replica may already be reconciling). Never resolves otherwise.
   */
  lostLeadership: Promise<void>;
}

/**
 * Reconciles in flight per `--workers`: a reconcile mostly waits on the API server (create,
 * status) and the RSA pool, so several overlap per core; per-object ordering is the queue's.
 */
const RECONCILES_PER_WORKER = 4;

/**
 * Listed and watched SealedSecrets kept for their first reconcile: a cold start of a few
 * thousand ordinary objects is reconciled without reading each back; beyond this, objects are
 * read from the API server when their turn comes (memory stays flat whatever tenants store).
 */
const BODY_CACHE_BYTES = 8 * 1024 * 1024;

/** RSA operations `/v1/verify` and `/v1/rotate` may run at once while reconciles wait for one. */
const API_RSA_SHARE = 1;

/** Retry policy of failed objects: client-go's 5 ms start, capped at 5 minutes, never dropped. */
const RETRY_BACKOFF = { baseMs: 5, maxMs: 300_000 };

/** Longest a graceful shutdown spends writing the queued events (well inside the pod's grace). */
const EVENT_FLUSH_MS = 5_000;

export async function startApp(
  config: Readonly<ControllerConfig>,
  app: AppEnv,
): Promise<RunningApp> {
  const { log } = app;
  for (const warning of config.warnings) log.warn({}, warning);
  log.info({ version: app.version }, "Starting sealed-secrets controller");
  const metrics = new ControllerMetrics({
    omitSecretLabels: config.metricsOmitSecretLabels,
    version: app.version,
    collectDefaults: true,
  });
  const connection = await loadConnection(config.kubeconfig, app.env);
  // With --leader-elect every write is fenced on the Lease (src/leader/fence.ts), checked as the
  // request is sent; the Lease itself has its own client, neither throttled nor fenced.
  const fence = config.leaderElect
    ? new LeaseFence(
        {
          renewDeadlineMs: config.leaderElectRenewDeadlineMs,
          retryPeriodMs: config.leaderElectRetryPeriodMs,
        },
        () => performance.now(),
        (change, state) =>
          change === "paused"
            ? log.warn({ state }, "leader election: Lease renewal overdue, reconciles paused")
            : log.info({ state }, "leader election: Lease renewed, reconciles resumed"),
      )
    : undefined;
  const rest = createRest(
    connection,
    createThrottle(config.kubeclientQps, config.kubeclientBurst),
    fence && (() => fence.check()),
  );
  const leaseRest = config.leaderElect ? createRest(connection) : undefined;
  const informers = supervisedInformers({ rest, watch: rest, log });
  const namespace = ownNamespace(app.env);
  const registry = new KeyRegistry(config.keyOrderPriority, () => new Date());
  const namespaces = await watchedNamespaces(config, namespace, rest, log);
  const trustedProxies = blockList(config.trustedProxies);
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
        keyGuard: { namespace, keyPrefix: config.keyPrefix },
      },
      { keys: () => registry.unsealingKeys() },
      rsa,
    ),
    metrics,
  );

  const controller = new SealedSecretsController(
    {
      namespaces,
      labelSelector: config.labelSelector,
      skipRecreate: config.skipRecreate,
      workers: config.workers * RECONCILES_PER_WORKER,
      backoff: RETRY_BACKOFF,
      bodyCacheBytes: BODY_CACHE_BYTES,
    },
    {
      informers,
      log,
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
  const keyWatch = new KeySecretWatch(informers, {
    namespace,
    keyPrefix: config.keyPrefix,
    registry,
    log,
    onKeysAdded: () => controller.requeueFailed(),
    onRefusedChanged: (counts) => metrics.keySecretsRefused(counts),
  });

  const servers = await startServers(config, {
    api: createApiApp(
      apiPorts(registry, {
        acceptDeprecatedV1Data: config.acceptDeprecatedV1Data,
        random: randomBytes,
        readiness: {
          caches: () => ({ "key secrets": keyWatch.synced, sealedsecrets: controller.synced }),
        },
        rsa,
      }),
      {
        maxBodyBytes: config.maxRequestBytes,
        rateLimit: { perSecond: config.rateLimit, burst: config.rateLimitBurst },
        trustedProxies,
        observe: (path, method, code, seconds) => metrics.httpRequest(path, method, code, seconds),
        webUi: config.webUi,
      },
    ),
    metrics,
    trustedProxies,
    log,
  });
  log.info(
    { addr: config.listenAddr, metricsAddr: config.listenMetricsAddr, webUi: config.webUi },
    "HTTP servers listening",
  );

  let renewal: KeyRenewal | undefined;
  let resync: PeriodicResync | undefined;
  let events: EventSender | undefined;
  let election: LeaderElection | undefined;
  let stopping = false;
  // The leader's part (in the reference's `Main`): key renewal, then the reconcile workers.
  const lead = async (): Promise<void> => {
    const keys = await startKeyRenewal(
      { periodMs: config.keyRenewPeriodMs, cutoff: config.keyCutoffTime },
      {
        now: () => new Date(),
        setTimer: (fn, ms) => setTimeout(fn, ms),
        clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
        latestKeyTime: () => registry.latest()?.orderingTime,
        generateKey: async () => {
          const entry = await generateAndStoreKey(
            registry,
            {
              namespace,
              keyPrefix: config.keyPrefix,
              labels: config.privateKeyLabels,
              annotations: config.privateKeyAnnotations,
              keySize: config.keySize,
              keyTtlMs: config.keyTtlMs,
              commonName: config.myCn,
            },
            {
              generate: generatePrivateKeyAndCert,
              createSecret: kubeKeySecretCreator(rest),
              random: randomBytes,
              now: () => new Date(),
            },
          );
          log.info({ namespace, name: entry.secretName }, "New key written");
          log.info({ certificate: entry.certificatePem }, "Certificate generated");
          controller.requeueFailed();
        },
        onError: (err) =>
          log.error(
            { err: err instanceof Error ? err.message : String(err) },
            "key generation failed",
          ),
      },
    );
    renewal = keys;
    // Leadership acquired while shutting down: never start workers after the Lease is released.
    if (stopping) return keys.stop();

    // Events wait while the work queue is busy (up to a few seconds), off the reconcile path.
    events = new EventSender({
      writer: kubeEventWriter(rest, log, { host: hostname(), fence: fence ?? UNFENCED }),
      work: controller,
      log,
      now: () => new Date(),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
      onDropped: () => metrics.eventsDropped(),
    });
    const reconciler = new Reconciler(
      {
        sealedSecret: (ns, name) => controller.sealedSecret(ns, name),
        freshSealedSecret: kubeSealedSecretReader(rest),
        secrets: kubeSecretStore(rest, controller.secretCache()),
        status: kubeStatusWriter(rest),
        events,
        errors: kubeApiErrors,
        metrics,
        decider,
        keysVersion: () => registry.version,
        fence: fence ?? UNFENCED,
        now: () => new Date(),
        log,
      },
      { updateStatus: config.updateStatus, oldGcBehavior: config.oldGcBehavior },
    );
    await controller.start(reconciler);
    resync = startResync(config.resyncPeriodMs, controller, reconciler, log);
    log.info(
      {
        namespaces: namespaces ?? "all",
        rsaConcurrency: config.workers,
        reconciles: config.workers * RECONCILES_PER_WORKER,
      },
      "controller started",
    );
  };
  try {
    await keyWatch.start();
    if (fence && leaseRest) {
      // Every replica serves the API from full caches; only the Lease holder runs `lead`.
      await controller.watch();
      election = startLeaderElection(
        {
          rest: leaseRest,
          namespace,
          leaseName: config.leaderElectLeaseName,
          fence,
          identity: leaderIdentity(app.env, hostname(), () => randomBytes(4).toString("hex")),
          timings: {
            leaseDurationMs: config.leaderElectLeaseDurationMs,
            renewDeadlineMs: config.leaderElectRenewDeadlineMs,
            retryPeriodMs: config.leaderElectRetryPeriodMs,
          },
          log,
        },
        lead,
      );
    } else {
      await lead();
    }
  } catch (err) {
    await shutdown();
    throw err;
  }

  async function shutdown(): Promise<void> {
    stopping = true;
    renewal?.stop();
    resync?.stop();
    await keyWatch.stop();
    await controller.stop();
    // Still the leader here: the queued events are written before the Lease is released.
    await events?.close(EVENT_FLUSH_MS);
    await election?.stop();
    await Promise.all(servers.map((s) => s.close()));
    await decider.close();
    rest.close();
    leaseRest?.close();
  }

  return {
    renewKey: () => {
      if (election && !election.leading) log.warn({}, "not the leader: no key generated");
      return renewal?.trigger() ?? Promise.resolve();
    },
    stop: shutdown,
    lostLeadership: election?.lost ?? new Promise<void>(() => undefined),
  };
}

/** The periodic resync over the controller's caches (`--resync-period`; 0: none). */
function startResync(
  periodMs: number,
  controller: SealedSecretsController,
  reconciler: Reconciler,
  log: Logger,
): PeriodicResync {
  const secrets = controller.secretCache();
  const resync = new PeriodicResync(
    periodMs,
    {
      sealedSecrets: () => controller.cachedSealedSecrets(),
      secret: (namespace, name) => (secrets ? secrets.get(name, namespace) : "unknown"),
      isSettled: (ss, secret) => reconciler.isSettled(ss, secret),
      enqueue: (key) => controller.enqueue(key),
    },
    {
      log,
      monotonic: () => performance.now(),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
    },
  );
  resync.start();
  return resync;
}

/** Counts the RSA operations each successful unseal spent (`signet_unseal_rsa_operations_total`). */
export function countingRsaOperations(
  inner: Decider,
  metrics: Pick<ControllerMetrics, "rsaOperations">,
): Decider {
  return {
    async decide(ss, existing, preferred) {
      const decision = await inner.decide(ss, existing, preferred);
      if (decision.action !== "fail") metrics.rsaOperations(decision.opened.rsaOperations);
      return decision;
    },
    close: () => inner.close(),
  };
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

async function startServers(
  config: Readonly<ControllerConfig>,
  parts: {
    api: Parameters<typeof startHttpServer>[0];
    metrics: ControllerMetrics;
    trustedProxies: BlockList;
    log: Logger;
  },
): Promise<RunningServer[]> {
  const max = connectionCap(config.maxConnections, openFileLimit());
  const limits: ConnectionLimits = {
    max,
    perPeer: Math.min(config.maxConnectionsPerPeer, max),
    trusted: parts.trustedProxies,
    onRefused: (_peer, reason) => parts.metrics.connectionRefused(reason),
  };
  const timeouts = {
    readTimeoutMs: config.readTimeoutMs,
    writeTimeoutMs: config.writeTimeoutMs,
    readHeaderTimeoutMs: config.readHeaderTimeoutMs,
    readBodyTimeoutMs: config.readBodyTimeoutMs,
    limits,
  };
  parts.log.info({ maxConnections: max, perPeer: limits.perPeer }, "HTTP connection limits");
  const api = await startHttpServer(parts.api, {
    ...parseListenAddress(config.listenAddr),
    ...timeouts,
  });
  try {
    const metrics = await startHttpServer(
      (req, res) => {
        if (req.url !== "/metrics") {
          res.writeHead(404, { "content-type": "text/plain" }).end("404 page not found\n");
          return;
        }
        parts.metrics.text().then(
          (text) =>
            res.writeHead(200, { "content-type": parts.metrics.registry.contentType }).end(text),
          () => res.writeHead(500).end(),
        );
      },
      { ...parseListenAddress(config.listenMetricsAddr), ...timeouts },
    );
    return [api, metrics];
  } catch (err) {
    await api.close();
    throw err;
  }
}

/** The `--trusted-proxies` entries (validated addresses and CIDR ranges) as a BlockList. */
function blockList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}
