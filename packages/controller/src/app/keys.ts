import { randomBytes } from "node:crypto";

import { generatePrivateKeyAndCert } from "@signet/core";

import type { ControllerConfig } from "../config.js";
import { KeySecretWatch } from "../controller/key-watch.js";
import type { KeyRegistry } from "../keys/key-registry.js";
import { generateAndStoreKey } from "../keys/key-writer.js";
import { startKeyRenewal } from "../keys/renewal.js";
import type { KeyRenewal } from "../keys/renewal.js";
import type { KubeRest } from "../kube/rest.js";
import { kubeKeySecretCreator } from "../kube/stores.js";
import type { ControllerMetrics } from "../metrics.js";
import type { Clock } from "../ports/clock.js";
import type { InformerFactory } from "../ports/informers.js";
import type { Logger } from "../ports/logger.js";

/**
 * Key management, in two parts: on every replica, the watch that keeps the registry equal to
 * the key Secrets (so each replica unseals and serves `/v1/cert.pem` with the current keys);
 * on the leader only, the renewal that generates the startup key and a new key every
 * `--key-renew-period` (reference `initKeyRenewal`).
 */
export interface KeyDeps {
  registry: KeyRegistry;
  namespace: string;
  log: Logger;
}

/** The key Secret watch; started with `start()`, stopped with `stop()`. */
export function keySecretWatch(
  config: Readonly<ControllerConfig>,
  deps: KeyDeps & {
    informers: InformerFactory;
    metrics: ControllerMetrics;
    /** A key not registered before became available (objects that failed may open now). */
    onKeysAdded: () => void;
  },
): KeySecretWatch {
  return new KeySecretWatch(deps.informers, {
    namespace: deps.namespace,
    keyPrefix: config.keyPrefix,
    registry: deps.registry,
    log: deps.log,
    onKeysAdded: deps.onKeysAdded,
    onRefusedChanged: (counts) => deps.metrics.keySecretsRefused(counts),
  });
}

/**
 * Starts key renewal: resolves once the startup key (if one is needed) is written and
 * registered; a failure to write it rejects (startup fails, as in the reference).
 */
export function startRenewal(
  config: Readonly<ControllerConfig>,
  deps: KeyDeps & {
    rest: KubeRest;
    clock: Clock;
    /** A key was written and registered. */
    onNewKey: () => void;
  },
): Promise<KeyRenewal> {
  const { registry, namespace, log, clock } = deps;
  return startKeyRenewal(
    { periodMs: config.keyRenewPeriodMs, cutoff: config.keyCutoffTime },
    {
      now: clock.now,
      setTimer: clock.setTimer,
      clearTimer: clock.clearTimer,
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
            createSecret: kubeKeySecretCreator(deps.rest),
            random: randomBytes,
            now: clock.now,
          },
        );
        log.info({ namespace, name: entry.secretName }, "New key written");
        log.info({ certificate: entry.certificatePem }, "Certificate generated");
        deps.onNewKey();
      },
      onError: (err) =>
        log.error(
          { err: err instanceof Error ? err.message : String(err) },
          "key generation failed",
        ),
    },
  );
}
