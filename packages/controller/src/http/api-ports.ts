import { createPublicKey } from "node:crypto";

import type { SealedSecret } from "@signet/core";

import { openedAhead, openOptions } from "../controller/decide-pool.js";
import type { RsaPool } from "../controller/decide-pool.js";
import type { KeyRegistry } from "../keys/key-registry.js";
import type { ApiPorts, Readiness } from "./server.js";
import { rotateSealedSecret, verifySealedSecret } from "./verify-rotate.js";
import type { UnsealKeys } from "./verify-rotate.js";

/** What `/healthz` needs to know besides the keys. */
export interface ReadinessInputs {
  /** Name → synced, for every informer the controller depends on. */
  caches: () => Readonly<Record<string, boolean>>;
}

export interface ApiPortOptions {
  acceptDeprecatedV1Data: boolean;
  random: (size: number) => Uint8Array;
  readiness: ReadinessInputs;
  /** Where the RSA work runs: as "api" work of the asking client, off the main thread. */
  rsa: RsaPool;
}

/**
 * The API ports over the live key registry: the latest certificate, verify and rotate with the
 * registered keys (templates never run), and readiness = a sealing key is loaded and every
 * informer cache has synced. Verify and rotate open the values on the RSA pool, as API work of
 * the client, within the same per-object RSA budget as reconciles and stopping at the first
 * value no key opens; only then do the pure halves in verify-rotate.ts run, over those values.
 */
export function apiPorts(registry: KeyRegistry, options: ApiPortOptions): ApiPorts {
  const opened = async (ss: SealedSecret, client: string): Promise<UnsealKeys> => {
    const keys = registry.unsealingKeys();
    const accept = options.acceptDeprecatedV1Data;
    const open = openOptions(ss, keys, { acceptDeprecatedV1Data: accept }, []);
    const values = await openedAhead(() => options.rsa.open(ss, open, "api", client));
    return { keys, acceptDeprecatedV1Data: accept, opened: values };
  };
  return {
    certificatePem: () => registry.latest()?.entry.certificatePem,
    verify: async (ss, client) => verifySealedSecret(ss, await opened(ss, client)),
    rotate: async (ss, client) => {
      const latest = registry.latest();
      // A plain Error (not SignetError) maps to 500: the server, not the object, is at fault.
      if (!latest) throw new Error("no sealing key");
      return rotateSealedSecret(ss, {
        ...(await opened(ss, client)),
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
