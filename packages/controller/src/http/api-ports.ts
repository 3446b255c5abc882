import { createPublicKey } from "node:crypto";

import type { KeyRegistry } from "../keys/key-registry.js";
import type { ApiPorts, Readiness } from "./server.js";
import { rotateSealedSecret, verifySealedSecret } from "./verify-rotate.js";

/** What `/healthz` needs to know besides the keys. */
export interface ReadinessInputs {
  /** Name → synced, for every informer the controller depends on. */
  caches: () => Readonly<Record<string, boolean>>;
}

export interface ApiPortOptions {
  acceptDeprecatedV1Data: boolean;
  random: (size: number) => Uint8Array;
  readiness: ReadinessInputs;
}

/**
 * The API ports over the live key registry: the latest certificate, verify and rotate with the
 * registered keys (templates never run), and readiness = a sealing key is loaded and every
 * informer cache has synced.
 */
export function apiPorts(registry: KeyRegistry, options: ApiPortOptions): ApiPorts {
  const keys = () => ({
    keys: registry.unsealingKeys(),
    acceptDeprecatedV1Data: options.acceptDeprecatedV1Data,
  });
  return {
    certificatePem: () => registry.latest()?.entry.certificatePem,
    verify: (ss) => verifySealedSecret(ss, keys()),
    rotate: (ss) => {
      const latest = registry.latest();
      // A plain Error (not SignetError) maps to 500: the server, not the object, is at fault.
      if (!latest) throw new Error("no sealing key");
      return rotateSealedSecret(ss, {
        ...keys(),
        sealingKey: createPublicKey(latest.entry.key.privateKey),
        random: options.random,
      });
    },
    readiness: () => readinessOf(registry.size > 0, options.readiness.caches()),
  };
}

/** Ready when a key is loaded and all caches have synced; reasons name what is missing. */
export function readinessOf(hasKey: boolean, caches: Readonly<Record<string, boolean>>): Readiness {
  const reasons = [
    ...(hasKey ? [] : ["no sealing key"]),
    ...Object.entries(caches)
      .filter(([, synced]) => !synced)
      .map(([name]) => `${name} cache not synced`),
  ];
  return { ready: reasons.length === 0, reasons };
}
