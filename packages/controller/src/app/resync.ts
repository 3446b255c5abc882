import type { SealedSecretsController } from "../controller/controller.js";
import type { Reconciler } from "../controller/reconciler.js";
import { PeriodicResync } from "../controller/resync.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";

/** Starts the periodic resync over the controller's caches (`--resync-period`; 0: none). */
export function startResync(
  periodMs: number,
  parts: { controller: SealedSecretsController; reconciler: Reconciler },
  deps: { clock: Clock; log: Logger },
): PeriodicResync {
  const { controller, reconciler } = parts;
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
      log: deps.log,
      monotonic: deps.clock.monotonic,
      setTimer: deps.clock.setTimer,
      clearTimer: deps.clock.clearTimer,
    },
  );
  resync.start();
  return resync;
}
