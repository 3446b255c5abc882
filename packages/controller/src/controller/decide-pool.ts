import { randomBytes } from "node:crypto";
import type { Worker } from "node:worker_threads";

import { renderTemplates } from "@signet/core";
import type { SealedSecret, Secret, TemplateRenderer, UnsealingKey } from "@signet/core";

import { decide } from "../reconcile/decide.js";
import type { Decision } from "../reconcile/decide.js";
import type { KeyGuard } from "../reconcile/key-guard.js";

/**
 * Where the pure `decide` runs. Unsealing is RSA private-key work, synchronous in node:crypto,
 * so on one thread a cold start with thousands of objects uses one core however many reconcile
 * workers run; the worker pool spreads `decide` over `size` threads (one per `--workers`).
 * Keys travel to the threads as KeyObjects (cloned by postMessage), only when the registry
 * changed. Both variants give the same decisions; the pool is used when `--workers` > 1.
 */
export interface DecideSettings {
  acceptDeprecatedV1Data: boolean;
  allowPrivilegedSecretTypes: boolean;
  /** Render `spec.template.data` with core's engine (false: objects using it fail clearly). */
  renderTemplates: boolean;
  /** The controller's namespace and key prefix: no Secret it writes may look like a key. */
  keyGuard: KeyGuard;
}

export interface KeySource {
  /** Increases whenever the key set changes. */
  version(): number;
  /** Every registered key, most recent first. */
  keys(): readonly UnsealingKey[];
}

export interface Decider {
  decide(
    ss: SealedSecret,
    existing: Secret | undefined,
    preferred: readonly string[],
  ): Promise<Decision>;
  close(): Promise<void>;
}

/** Core's sandboxed Go text/template + sprig engine with the real clock and randomness. */
export function templateRenderer(): TemplateRenderer {
  return (templates, values) =>
    renderTemplates(templates, values, { now: () => new Date(), random: randomBytes });
}

/** `decide` on the calling thread. */
export function inThreadDecider(settings: DecideSettings, keys: KeySource): Decider {
  const renderer = settings.renderTemplates ? templateRenderer() : undefined;
  return {
    decide: (ss, existing, preferred) =>
      Promise.resolve(
        decide(ss, existing, {
          keys: keys.keys(),
          preferred,
          acceptDeprecatedV1Data: settings.acceptDeprecatedV1Data,
          allowPrivilegedSecretTypes: settings.allowPrivilegedSecretTypes,
          renderTemplates: renderer,
          keyGuard: settings.keyGuard,
        }),
      ),
    close: () => Promise.resolve(),
  };
}

/** Messages to a decide thread. */
export type ToWorker =
  | { type: "settings"; settings: DecideSettings }
  | { type: "keys"; version: number; keys: readonly UnsealingKey[] }
  | {
      type: "decide";
      id: number;
      ss: SealedSecret;
      existing: Secret | undefined;
      preferred: readonly string[];
    };

/** Messages from a decide thread. */
export type FromWorker =
  { id: number; ok: true; decision: Decision } | { id: number; ok: false; message: string };

interface Pending {
  resolve: (d: Decision) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  keysVersion: number;
  busy: number;
}

/** The compiled decide thread script next to this module. */
export const decideWorkerUrl = (): URL => new URL("./decide-worker.js", import.meta.url);

/** `decide` on a pool of worker threads running `decide-worker.js`. */
export class WorkerDecider implements Decider {
  readonly #settings: DecideSettings;
  readonly #keys: KeySource;
  readonly #spawnWorker: () => Worker;
  readonly #slots: Slot[] = [];
  readonly #pending = new Map<number, Pending & { slot: Slot }>();
  #nextId = 0;
  #closed = false;

  /** `spawn` starts one thread running `decide-worker.js` (see {@link decideWorkerUrl}). */
  constructor(size: number, settings: DecideSettings, keys: KeySource, spawn: () => Worker) {
    this.#settings = settings;
    this.#keys = keys;
    this.#spawnWorker = spawn;
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn());
  }

  decide(
    ss: SealedSecret,
    existing: Secret | undefined,
    preferred: readonly string[],
  ): Promise<Decision> {
    if (this.#closed) return Promise.reject(new Error("decide pool closed"));
    const slot = this.#slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const version = this.#keys.version();
    if (slot.keysVersion !== version) {
      slot.worker.postMessage({
        type: "keys",
        version,
        keys: this.#keys.keys(),
      } satisfies ToWorker);
      slot.keysVersion = version;
    }
    const id = this.#nextId++;
    slot.busy++;
    return new Promise<Decision>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ type: "decide", id, ss, existing, preferred } satisfies ToWorker);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  #spawn(): Slot {
    const worker = this.#spawnWorker();
    const slot: Slot = { worker, keysVersion: -1, busy: 0 };
    worker.unref();
    worker.postMessage({ type: "settings", settings: this.#settings } satisfies ToWorker);
    worker.on("message", (msg: FromWorker) => this.#settle(msg));
    worker.on("error", (err) => this.#lost(slot, err));
    worker.on("exit", (code) => this.#lost(slot, new Error(`decide thread exited (${code})`)));
    return slot;
  }

  #settle(msg: FromWorker): void {
    const pending = this.#pending.get(msg.id);
    if (!pending) return;
    this.#pending.delete(msg.id);
    pending.slot.busy--;
    if (msg.ok) pending.resolve(msg.decision);
    else pending.reject(new Error(msg.message));
  }

  /** A dead thread fails its requests (the queue retries them) and is replaced. */
  #lost(slot: Slot, err: Error): void {
    for (const [id, p] of this.#pending) {
      if (p.slot !== slot) continue;
      this.#pending.delete(id);
      p.reject(err);
    }
    const i = this.#slots.indexOf(slot);
    if (i === -1 || this.#closed) return;
    this.#slots.splice(i, 1, this.#spawn());
  }
}
