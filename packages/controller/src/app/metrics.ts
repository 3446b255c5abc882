import type { IncomingMessage, ServerResponse } from "node:http";

import type { ControllerConfig } from "../config.js";
import type { Decider } from "../controller/decide-pool.js";
import { ControllerMetrics } from "../metrics.js";

/**
 * The metrics part: one registry per process (made here and injected, never module-level),
 * served at `/metrics` on `--listen-metrics-addr`, and the wrappers that feed it.
 */
export function controllerMetrics(
  config: Readonly<ControllerConfig>,
  version: string,
): ControllerMetrics {
  return new ControllerMetrics({
    omitSecretLabels: config.metricsOmitSecretLabels,
    version,
    collectDefaults: true,
  });
}

/** The metrics server's handler: `/metrics` in the Prometheus text format, 404 elsewhere. */
export function metricsHandler(
  metrics: ControllerMetrics,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("404 page not found\n");
      return;
    }
    metrics.text().then(
      (text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  };
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
