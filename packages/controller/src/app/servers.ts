import { randomBytes } from "node:crypto";
import { BlockList, isIP } from "node:net";

import type { ControllerConfig } from "../config.js";
import type { RsaPool } from "../controller/decide-pool.js";
import { apiPorts } from "../http/api-ports.js";
import { connectionCap, openFileLimit, startHttpServer } from "../http/listen.js";
import type { ConnectionLimits, ListenOptions, RunningServer } from "../http/listen.js";
import { createApiApp } from "../http/server.js";
import type { KeyRegistry } from "../keys/key-registry.js";
import type { ControllerMetrics } from "../metrics.js";
import type { Logger } from "../ports/logger.js";
import { metricsHandler } from "./metrics.js";

/**
 * The HTTP servers: the API (`--listen-addr`: `/healthz`, `/v1/cert.pem`, `/v1/verify`,
 * `/v1/rotate`) and the metrics (`--listen-metrics-addr`), under the same timeouts and
 * connection limits. They start first, so `/healthz` says "not ready" while caches fill and the
 * first key is generated, and stop last.
 */
export interface ServerParts {
  registry: KeyRegistry;
  rsa: RsaPool;
  metrics: ControllerMetrics;
  /** Whether each cache has filled (`/healthz` readiness). */
  caches: () => Readonly<Record<string, boolean>>;
  log: Logger;
}

export interface RunningServers {
  /** Stops accepting, lets in-flight requests finish, closes both servers. */
  stop(): Promise<void>;
}

/** RSA operations `/v1/verify` and `/v1/rotate` may run at once while reconciles wait for one. */
export const API_RSA_SHARE = 1;

export async function startServers(
  config: Readonly<ControllerConfig>,
  parts: ServerParts,
): Promise<RunningServers> {
  const trustedProxies = blockList(config.trustedProxies);
  const api = createApiApp(
    apiPorts(parts.registry, {
      acceptDeprecatedV1Data: config.acceptDeprecatedV1Data,
      random: randomBytes,
      readiness: { caches: parts.caches },
      rsa: parts.rsa,
    }),
    {
      maxBodyBytes: config.maxRequestBytes,
      rateLimit: { perSecond: config.rateLimit, burst: config.rateLimitBurst },
      trustedProxies,
      observe: (path, method, code, seconds) =>
        parts.metrics.httpRequest(path, method, code, seconds),
      webUi: config.webUi,
    },
  );
  const timeouts = listenOptions(config, trustedProxies, parts);
  const apiServer = await startHttpServer(api, {
    ...config.listenAddr,
    ...timeouts,
  });
  let metricsServer: RunningServer;
  try {
    metricsServer = await startHttpServer(metricsHandler(parts.metrics), {
      ...config.listenMetricsAddr,
      ...timeouts,
    });
  } catch (err) {
    await apiServer.close();
    throw err;
  }
  parts.log.info(
    { addr: config.listenAddr, metricsAddr: config.listenMetricsAddr, webUi: config.webUi },
    "HTTP servers listening",
  );
  return {
    stop: async () => {
      await Promise.all([apiServer.close(), metricsServer.close()]);
    },
  };
}

/** The timeouts and connection limits both servers share. */
function listenOptions(
  config: Readonly<ControllerConfig>,
  trusted: BlockList,
  parts: Pick<ServerParts, "metrics" | "log">,
): Omit<ListenOptions, "host" | "port"> {
  const max = connectionCap(config.maxConnections, openFileLimit());
  const limits: ConnectionLimits = {
    max,
    perPeer: Math.min(config.maxConnectionsPerPeer, max),
    trusted,
    onRefused: (_peer, reason) => parts.metrics.connectionRefused(reason),
  };
  parts.log.info({ maxConnections: max, perPeer: limits.perPeer }, "HTTP connection limits");
  return {
    readTimeoutMs: config.readTimeoutMs,
    writeTimeoutMs: config.writeTimeoutMs,
    readHeaderTimeoutMs: config.readHeaderTimeoutMs,
    readBodyTimeoutMs: config.readBodyTimeoutMs,
    limits,
  };
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
