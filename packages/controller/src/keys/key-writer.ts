import type { GeneratedKey, KeyGenerationOptions, Secret } from "@signet/core";

import type { KeyRegistry } from "./key-registry.js";
import { keyEntryFromSecret, keySecretManifest } from "./key-secrets.js";
import type { KeyEntry, KeySecretOptions } from "./key-secrets.js";

/** Ports for writing a new key: core's generator and the API's Secret create. */
export interface KeyWriterPorts {
  generate: (options: KeyGenerationOptions) => Promise<GeneratedKey>;
  /** Creates the Secret and returns it as stored (name and creationTimestamp filled in). */
  createSecret: (secret: Secret) => Promise<Secret>;
  random: (size: number) => Uint8Array;
  now: () => Date;
}

export interface KeyWriterOptions extends KeySecretOptions {
  keySize: number;
  keyTtlMs: number;
  commonName: string;
}

/**
 * Generates a key, writes it as a key Secret and registers it (reference `generateKey` +
 * `writeKey`); returns the entry so the caller can log its Secret name and certificate.
 */
export async function generateAndStoreKey(
  registry: KeyRegistry,
  options: KeyWriterOptions,
  ports: KeyWriterPorts,
): Promise<KeyEntry> {
  const now = ports.now();
  const generated = await ports.generate({
    keySize: options.keySize,
    validForMs: options.keyTtlMs,
    commonName: options.commonName,
    now,
    random: ports.random,
  });
  const stored = await ports.createSecret(keySecretManifest(generated, options));
  const entry = keyEntryFromSecret(stored);
  registry.add(entry, now);
  return entry;
}
