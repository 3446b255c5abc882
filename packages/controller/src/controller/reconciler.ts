import { API_VERSION, keyHint, SEALED_SECRET_KIND } from "@signet/core";
import type { SealedSecret, SealedSecretStatus, Secret } from "@signet/core";

import { shouldDeleteOrphan } from "../reconcile/decide.js";
import type { Decision } from "../reconcile/decide.js";
import { apiWriteFailure } from "../reconcile/failure.js";
import type { ErrorMetricReason, Failure } from "../reconcile/failure.js";
import { nextStatus, recordedKeyFingerprint } from "../reconcile/status.js";
import type { Outcome } from "../reconcile/status.js";
import type { Decider } from "./decide-pool.js";
import type { ApiErrorInfo, EventRecorder, Logger, SecretStore, StatusWriter } from "./ports.js";

/**
 * One reconcile of `namespace/name` (spec §4.5–§4.7): read the SealedSecret from the cache and
 * the live Secret, call the pure `decide`, apply the write through the ports, then compute and
 * write status with the pure `nextStatus`. A stale read answered with 409 is re-read from the
 * API and decided again (bounded). Events (queued, never awaited): `Unsealed` only when a Secret
 * was actually written (never on no-op resyncs), the failure's event otherwise. Nothing here
 * formats secret values: every message comes from `decide`/`failure.ts`, the API server's
 * error text only through `apiWriteFailure` (which withholds what may quote the data).
 */
/** `retry`: with backoff; `wait`: only a change (object, Secret or keys) can fix it. */
export type ReconcileResult = "done" | "retry" | "wait";

export interface ReconcilerMetrics {
  unsealRequest(): void;
  unsealError(reason: ErrorMetricReason, namespace: string): void;
  observeConditions(ss: SealedSecret): void;
}

export interface ReconcilerPorts {
  /** The SealedSecret from the informer cache. */
  sealedSecret(namespace: string, name: string): SealedSecret | undefined;
  secrets: SecretStore;
  status: StatusWriter;
  events: EventRecorder;
  errors: ApiErrorInfo;
  metrics: ReconcilerMetrics;
  /** Runs the pure decision (on this thread or a pool of threads). */
  decider: Decider;
  now: () => Date;
  log: Logger;
}

export interface ReconcilerOptions {
  updateStatus: boolean;
  oldGcBehavior: boolean;
}

/** Attempts at a write when the cache or the API answers with a conflict. */
export const MAX_CONFLICT_ATTEMPTS = 4;

type Applied =
  | { ok: true; written: Secret | undefined; keyFingerprint: string | undefined }
  | { ok: false; failure: Failure };

export class Reconciler {
  readonly #ports: ReconcilerPorts;
  readonly #options: ReconcilerOptions;
  /** resourceVersion of the Secret each key last wrote, to ignore our own watch echoes. */
  readonly #written = new Map<string, string>();
  /** The status this controller last wrote per key (with the object's uid). */
  readonly #statuses = new Map<string, { uid: string | undefined; status: SealedSecretStatus }>();

  constructor(ports: ReconcilerPorts, options: ReconcilerOptions) {
    this.#ports = ports;
    this.#options = options;
  }

  /** True when `secret` is exactly the version this controller last wrote for its key. */
  isOwnWrite(secret: Secret): boolean {
    const meta = secret.metadata ?? {};
    const rv = this.#written.get(`${meta.namespace ?? ""}/${meta.name ?? ""}`);
    return rv !== undefined && rv === meta.resourceVersion;
  }

  /** Reconciles the object with queue key `namespace/name`. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const [namespace = "", name = ""] = key.split("/", 2);
    const p = this.#ports;
    p.metrics.unsealRequest();
    const cached = p.sealedSecret(namespace, name);
    if (!cached) return this.#gone(key, namespace, name);
    const ss: SealedSecret = { ...cached, apiVersion: API_VERSION, kind: SEALED_SECRET_KIND };
    const applied = await this.#apply(ss, key);
    // Events are queued, never awaited: the status below is the contract, events are diagnostics.
    if (applied.ok) {
      if (applied.written) {
        p.log.info({ namespace, name }, "SealedSecret unsealed");
        p.events.record(ss, "Normal", "Unsealed", "SealedSecret unsealed successfully");
      }
      await this.#status(ss, { ok: true, keyFingerprint: applied.keyFingerprint });
      return "done";
    }
    const { failure } = applied;
    p.metrics.unsealError(failure.metric, namespace);
    p.log.warn(
      { namespace, name, reason: failure.reason, err: failure.statusMessage },
      "reconcile failed",
    );
    p.events.record(ss, "Warning", failure.event, failure.eventMessage);
    await this.#status(ss, { ok: false, reason: failure.reason, message: failure.statusMessage });
    return failure.retry === "backoff" ? "retry" : "wait";
  }

  /**
   * The SealedSecret is gone: its Secret is left to the garbage collector (owner reference),
   * unless `--old-gc-behavior` has the controller delete it itself: only a Secret this
   * SealedSecret produced (`shouldDeleteOrphan`), read fresh and deleted with its uid and
   * resourceVersion as preconditions, so a Secret replaced or edited meanwhile is not deleted.
   */
  async #gone(key: string, namespace: string, name: string): Promise<ReconcileResult> {
    this.#written.delete(key);
    this.#statuses.delete(key);
    if (!this.#options.oldGcBehavior) return "done";
    const existing = await this.#ports.secrets.getFresh(namespace, name);
    if (!existing) return "done";
    if (!shouldDeleteOrphan(existing, name)) {
      this.#ports.log.info(
        { namespace, name },
        "SealedSecret gone; leaving Secret it did not produce",
      );
      return "done";
    }
    const { uid, resourceVersion } = existing.metadata ?? {};
    await this.#ports.secrets.delete(namespace, name, { uid, resourceVersion });
    this.#ports.log.info({ namespace, name }, "deleted the Secret of a deleted SealedSecret");
    return "done";
  }

  /** Decide and write, re-reading the live Secret from the API after a conflict. */
  async #apply(ss: SealedSecret, key: string): Promise<Applied> {
    const { namespace = "", name = "" } = ss.metadata;
    let existing: Secret | undefined;
    try {
      existing = await this.#ports.secrets.get(namespace, name);
    } catch (err) {
      return this.#writeError(ss, err);
    }
    for (let attempt = 1; ; attempt++) {
      const decision = await this.#decide(ss, existing);
      try {
        return await this.#write(decision, key);
      } catch (err) {
        if (!this.#ports.errors.isConflict(err) || attempt >= MAX_CONFLICT_ATTEMPTS) {
          return this.#writeError(ss, err);
        }
      }
      try {
        existing = await this.#ports.secrets.getFresh(namespace, name);
      } catch (err) {
        return this.#writeError(ss, err);
      }
    }
  }

  /**
   * Keys to try first: the one that opened this object last (status), then the seal-time hint
   * annotation. Both only order the attempts; a wrong or forged hint costs RSA operations, never
   * correctness, because every key is still tried.
   */
  #decide(ss: SealedSecret, existing: Secret | undefined): Promise<Decision> {
    const preferred = [recordedKeyFingerprint(ss), keyHint(ss)].filter(
      (f): f is string => f !== undefined && f !== "",
    );
    return this.#ports.decider.decide(ss, existing, [...new Set(preferred)]);
  }

  async #write(decision: Decision, key: string): Promise<Applied> {
    switch (decision.action) {
      case "fail":
        return { ok: false, failure: decision.failure };
      case "none":
        return { ok: true, written: undefined, keyFingerprint: decision.opened.keyFingerprint };
      case "create":
      case "update": {
        const secrets = this.#ports.secrets;
        const written =
          decision.action === "create"
            ? await secrets.create(decision.secret)
            : await secrets.update(decision.secret);
        const rv = written.metadata?.resourceVersion;
        if (rv !== undefined) this.#written.set(key, rv);
        return { ok: true, written, keyFingerprint: decision.opened.keyFingerprint };
      }
    }
  }

  /** The API's text may quote the Secret's data: `apiWriteFailure` keeps only what is safe. */
  #writeError(ss: SealedSecret, err: unknown): Applied {
    return { ok: false, failure: apiWriteFailure(ss, this.#ports.errors.describe(err)) };
  }

  /** Computes the next status and writes it only when it changed (spec §4.7). */
  async #status(ss: SealedSecret, outcome: Outcome): Promise<void> {
    const p = this.#ports;
    if (!this.#options.updateStatus) {
      p.metrics.observeConditions(ss);
      return;
    }
    const plan = nextStatus(this.#withLatestStatus(ss), outcome, p.now());
    if (plan.write) {
      try {
        await p.status.write(ss, plan.status);
        this.#statuses.set(keyOf(ss), { uid: ss.metadata.uid, status: plan.status });
      } catch (err) {
        const { namespace = "", name = "" } = ss.metadata;
        p.metrics.unsealError("status", namespace);
        p.log.error(
          { namespace, name, err: p.errors.describe(err).message },
          "could not update SealedSecret status",
        );
        return;
      }
    }
    p.metrics.observeConditions({ ...ss, status: plan.status });
  }

  /**
   * The cache may not have seen our last status write yet (the watch event is in flight): then
   * the status we wrote is the base, so an unchanged outcome writes nothing. A status someone
   * else wrote later (newer Synced time) wins.
   */
  #withLatestStatus(ss: SealedSecret): SealedSecret {
    const ours = this.#statuses.get(keyOf(ss));
    if (!ours || ours.uid !== ss.metadata.uid) return ss;
    const synced = (s: SealedSecretStatus | undefined): string =>
      s?.conditions?.find((c) => c.type === "Synced")?.lastUpdateTime ?? "";
    return synced(ours.status) >= synced(ss.status) ? { ...ss, status: ours.status } : ss;
  }
}

const keyOf = (ss: SealedSecret): string =>
  `${ss.metadata.namespace ?? ""}/${ss.metadata.name ?? ""}`;
