import type { Secret } from "@signet/core";

import { applyKeySecretChange, loadKeySecrets } from "../keys/key-loader.js";
import type { KeySecretChange, SkippedKey } from "../keys/key-loader.js";
import type { KeyRefusalReason } from "../keys/key-policy.js";
import type { KeyRegistry } from "../keys/key-registry.js";
import { RefusedKeySecrets } from "../keys/refused-keys.js";
import type { CacheInformer, InformerFactory } from "../ports/informers.js";
import type { Logger } from "../ports/logger.js";

export interface KeyWatchOptions {
  /** The controller's namespace, where key Secrets live. */
  namespace: string;
  keyPrefix: string;
  registry: KeyRegistry;
  log: Logger;
  /** Called when a key not registered before became available. */
  onKeysAdded: () => void;
  /** Called with the number of refused key Secrets per reason whenever it changes. */
  onRefusedChanged?: (counts: Record<KeyRefusalReason, number>) => void;
}

/**
 * Keeps the key registry equal to the key Secrets of the controller namespace, live (add, relabel,
 * delete; no restart; docs/keys.md#which-key-secrets-are-loaded). The whole namespace is watched
 * without a label selector, because the legacy key Secret (named like the prefix) carries no label
 * and a Secret relabelled away from `active` must be seen. The first list is registered oldest
 * first (reference order); later events go through `applyKeySecretChange`.
 */
export class KeySecretWatch {
  readonly #options: KeyWatchOptions;
  readonly #informer: CacheInformer<Secret>;
  readonly #refused = new RefusedKeySecrets();
  #loaded = false;

  constructor(informers: InformerFactory, options: KeyWatchOptions) {
    this.#options = options;
    const on = (change: KeySecretChange) => (secret: Secret) => this.#apply(change, secret);
    this.#informer = informers<Secret>(
      {
        name: `key secrets in ${options.namespace}`,
        path: `/api/v1/namespaces/${encodeURIComponent(options.namespace)}/secrets`,
      },
      { add: on("added"), update: on("updated"), delete: on("deleted") },
    );
  }

  /** Lists the namespace and registers its keys; resolves when they are registered. */
  async start(): Promise<void> {
    await this.#informer.start();
    const { registry, keyPrefix, log } = this.#options;
    const report = loadKeySecrets(
      registry,
      this.#informer.list(this.#options.namespace),
      keyPrefix,
    );
    this.#loaded = true;
    for (const skipped of report.skipped) {
      logSkipped(log, skipped);
      this.#refused.record(skipped.secretName, skipped.reason);
    }
    this.#options.onRefusedChanged?.(this.#refused.counts());
    log.info({ keys: registry.size, secrets: report.loaded }, "sealing keys loaded");
  }

  get synced(): boolean {
    return this.#loaded;
  }

  stop(): Promise<void> {
    return this.#informer.stop();
  }

  #apply(change: KeySecretChange, secret: Secret): void {
    if (!this.#loaded) return; // the first list is loaded in order by start()
    const { registry, keyPrefix, log } = this.#options;
    const result = applyKeySecretChange(registry, change, secret, keyPrefix);
    if (result.skipped) logSkipped(log, result.skipped);
    const name = secret.metadata?.name ?? "";
    if (this.#refused.record(name, change === "deleted" ? undefined : result.skipped?.reason)) {
      this.#options.onRefusedChanged?.(this.#refused.counts());
    }
    if (!result.changed) return;
    log.info(
      { secret: secret.metadata?.name, change, keys: registry.size },
      "sealing keys changed",
    );
    if (result.added) this.#options.onKeysAdded();
  }
}

function logSkipped(log: Logger, skipped: SkippedKey): void {
  log.error(
    {
      secret: skipped.secretName,
      reason: skipped.reason,
      code: skipped.code,
      err: skipped.message,
    },
    skipped.reason === "unreadable" ? "skipping unusable key Secret" : "refusing key Secret",
  );
}
