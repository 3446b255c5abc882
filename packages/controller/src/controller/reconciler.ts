import {
  API_VERSION,
  DEFAULT_EXPIRY_WARNING_WINDOW_MS,
  keyHint,
  SEALED_SECRET_KIND,
} from "@signet/core";
import type { SealedSecret, Secret } from "@signet/core";

import { shouldDeleteOrphan } from "../reconcile/decide.js";
import type { Decision } from "../reconcile/decide.js";
import { apiWriteFailure } from "../reconcile/failure.js";
import type { ErrorMetricReason, Failure } from "../reconcile/failure.js";
import type { ExpiryCondition } from "../reconcile/expiry.js";
import { writesNewData } from "../reconcile/rollout.js";
import { recordedKeyFingerprint } from "../reconcile/status.js";
import type { Outcome } from "../reconcile/status.js";
import type { Decider } from "./decide-pool.js";
import type { EventRecorder } from "../ports/events.js";
import type { Logger } from "../ports/logger.js";
import type { ApiErrorInfo, SecretStore, StatusWriter, WriteFence } from "../ports/writes.js";
import type { WorkloadRestarter } from "../ports/workloads.js";
import { Expiries } from "./expiries.js";
import { Rollouts } from "./rollouts.js";
import { secretDigest, stillHolds } from "./settled.js";
import type { Settled, SettledInputs } from "./settled.js";
import { StatusWrites } from "./status-writes.js";
import type { StatusResult } from "./status-writes.js";

/**
 * One reconcile of `namespace/name` (reference `Controller.unseal` and `updateSealedSecretStatus`,
 * pkg/controller/controller.go; docs/reconcile.md#one-reconcile): read the SealedSecret from the
 * cache and the live Secret, call the pure `decide`, apply the write through the ports, then
 * compute and write status with the pure `nextStatus`.
 *
 * - A write answered with 409 (a stale read) re-reads both the SealedSecret and the Secret from
 *   the API server, never the cache, and decides again (bounded).
 * - A reconcile succeeds only when its status is written: a status write that fails is retried
 *   with the queue's backoff, without deciding again (`Settled`: same inputs, same outcome).
 * - Every write first checks the `WriteFence` (leader election), and a reconcile starts only
 *   when the fence is ready; a refused write ends the reconcile quietly with a retry.
 *
 * Events (queued, never awaited): `Unsealed` only when a Secret was actually written (never on
 * no-op resyncs), the failure's event otherwise. Nothing here formats secret values: every
 * message comes from `decide`/`failure.ts`, the API server's error text only through
 * `apiWriteFailure` (which withholds what may quote the data).
 */
/** `retry`: with backoff; `wait`: only a change (object, Secret or keys) can fix it. */
export type ReconcileResult = "done" | "retry" | "wait";

export interface ReconcilerMetrics {
  unsealRequest(): void;
  unsealError(reason: ErrorMetricReason, namespace: string): void;
  observeConditions(ss: SealedSecret): void;
  observeExpiry(ss: Pick<SealedSecret, "metadata">, at: Date | undefined): void;
}

export interface ReconcilerPorts {
  /** The SealedSecret from the informer cache. */
  sealedSecret(namespace: string, name: string): SealedSecret | undefined;
  /** The SealedSecret as the API server has it now (undefined when it does not exist). */
  freshSealedSecret(namespace: string, name: string): Promise<SealedSecret | undefined>;
  secrets: SecretStore;
  status: StatusWriter;
  events: EventRecorder;
  errors: ApiErrorInfo;
  metrics: ReconcilerMetrics;
  /** Runs the pure decision (on this thread or a pool of threads). */
  decider: Decider;
  /** Changes whenever the set of unsealing keys changes. */
  keysVersion(): number;
  fence: WriteFence;
  now: () => Date;
  log: Logger;
  /** Restarts workloads on new data (docs/rollout.md); absent: `--rollout-workloads` is off. */
  restarter?: WorkloadRestarter | undefined;
  /** Queues a key again after a delay (expiry boundaries, docs/expiry.md); absent: never. */
  wake?: { at(key: string, ms: number): void; cancel(key: string): void } | undefined;
}

export interface ReconcilerOptions {
  updateStatus: boolean;
  oldGcBehavior: boolean;
  /** `--expiry-warning-window` (default 14 days). */
  expiryWarningWindowMs?: number;
}

/** Attempts at a write when the cache or the API answers with a conflict. */
export const MAX_CONFLICT_ATTEMPTS = 4;

/** The result of deciding and writing; `secret` is the Secret as it is afterwards. */
type Applied =
  | {
      kind: "ok";
      ss: SealedSecret;
      /** True when a Secret was written (not when it was already right). */
      wrote: boolean;
      /** True when that write put new data into an existing Secret (`writesNewData`). */
      newData: boolean;
      secret: Secret | undefined;
      keyFingerprint: string | undefined;
    }
  | { kind: "failed"; ss: SealedSecret; failure: Failure; secret: Secret | undefined }
  | { kind: "fenced" }
  | { kind: "gone" };

type Succeeded = Extract<Applied, { kind: "ok" }>;
type Failed = Extract<Applied, { kind: "failed" }>;

export class Reconciler {
  readonly #ports: ReconcilerPorts;
  readonly #options: ReconcilerOptions;
  /** resourceVersion of the Secret each key last wrote, to ignore our own watch echoes. */
  readonly #written = new Map<string, string>();
  /** The last full reconcile's conclusion per key (see `Settled`). */
  readonly #settled = new Map<string, Settled>();
  readonly #statuses: StatusWrites;
  readonly #rollouts: Rollouts;
  readonly #expiries: Expiries;

  constructor(ports: ReconcilerPorts, options: ReconcilerOptions) {
    this.#ports = ports;
    this.#options = options;
    this.#statuses = new StatusWrites(ports, options.updateStatus);
    this.#rollouts = new Rollouts({ ...ports, restarter: ports.restarter });
    this.#expiries = new Expiries(
      ports,
      options.expiryWarningWindowMs ?? DEFAULT_EXPIRY_WARNING_WINDOW_MS,
    );
  }

  /** True when `secret` is exactly the version this controller last wrote for its key. */
  isOwnWrite(secret: Secret): boolean {
    const meta = secret.metadata ?? {};
    const rv = this.#written.get(`${meta.namespace ?? ""}/${meta.name ?? ""}`);
    return rv !== undefined && rv === meta.resourceVersion;
  }

  /**
   * True when reconciling `ss` now would neither decide nor write: its last conclusion still
   * holds for this generation and Secret (`"unknown"`: not compared), and its status shows it.
   * Synchronous and free of API calls and RSA work (the resync's test).
   */
  isSettled(
    ss: Pick<SealedSecret, "metadata" | "status">,
    secret: Secret | undefined | "unknown",
  ): boolean {
    const settled = this.#settled.get(keyOf(ss));
    if (!settled) return false;
    if (!stillHolds(settled, { ss, secret, keysVersion: this.#ports.keysVersion() })) return false;
    // The expiry stage is part of the check: a boundary crossed since is not settled.
    return this.#statuses.shows(ss, { ...settled.outcome, expiry: this.#expiries.condition(ss) });
  }

  /** Reconciles the object with queue key `namespace/name`. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const [namespace = "", name = ""] = key.split("/", 2);
    const p = this.#ports;
    try {
      await p.fence.ready();
    } catch (err) {
      if (p.fence.isFenced(err)) return "retry";
      throw err;
    }
    const cached = p.sealedSecret(namespace, name);
    if (!cached) return this.#gone(key, namespace, name);
    const ss = withKind(cached);
    let existing: Secret | undefined;
    try {
      existing = await p.secrets.get(namespace, name);
    } catch (err) {
      const failure = this.#writeFailure(ss, err);
      return this.#failed({ kind: "failed", ss, failure, secret: undefined });
    }
    const settled = this.#settled.get(key);
    const inputs: SettledInputs = { ss, secret: existing, keysVersion: p.keysVersion() };
    if (settled && !settled.retried && stillHolds(settled, inputs)) {
      return this.#confirm(ss, settled);
    }
    p.metrics.unsealRequest();
    const applied = await this.#apply(ss, existing);
    return this.#conclude(key, applied, inputs.keysVersion);
  }

  /**
   * The last conclusion still holds: nothing to decide or write but, possibly, the status (a
   * write that failed before, or one someone else changed). No event: nothing happened.
   */
  async #confirm(ss: SealedSecret, settled: Settled): Promise<ReconcileResult> {
    const expiry = this.#expiries.plan(ss);
    if (!settled.outcome.ok) {
      const status = await this.#writeStatus(ss, { ...settled.outcome, expiry });
      return status === "written" ? "wait" : "retry";
    }
    // A rollout that failed earlier is retried here (the queue's backoff brings us back).
    const rollout = await this.#rollouts.after(ss, false);
    const status = await this.#writeStatus(ss, {
      ...settled.outcome,
      rollout: rollout.condition,
      expiry,
    });
    if (status !== "written") return "retry";
    return rollout.retry ? "retry" : "done";
  }

  /**
   * Writes the status; once written, reports a change of its `Expiry` condition. With
   * `--update-status=false` nothing is written and there is no `Expiry` condition, so no
   * persisted reason to compare against: every restart or new leader would repeat the
   * Warning. No expiry Event is recorded then (the gauge still reports the expiry).
   */
  async #writeStatus(
    ss: SealedSecret,
    outcome: Outcome & { expiry: ExpiryCondition },
  ): Promise<StatusResult> {
    const status = await this.#statuses.write(ss, outcome);
    if (status === "written" && this.#options.updateStatus) {
      this.#expiries.written(ss, outcome.expiry);
    }
    return status;
  }

  #conclude(key: string, applied: Applied, keysVersion: number): Promise<ReconcileResult> {
    switch (applied.kind) {
      case "fenced":
        return Promise.resolve("retry");
      case "gone":
        this.#forget(key);
        return Promise.resolve("done");
      case "failed":
        this.#remember(key, applied, keysVersion);
        return this.#failed(applied);
      case "ok":
        this.#remember(key, applied, keysVersion);
        return this.#succeeded(applied);
    }
  }

  async #succeeded(applied: Succeeded): Promise<ReconcileResult> {
    const { ss } = applied;
    if (applied.wrote) {
      const { namespace, name } = ss.metadata;
      this.#ports.log.info({ namespace, name }, "SealedSecret unsealed");
      this.#ports.events.record(ss, "Normal", "Unsealed", "SealedSecret unsealed successfully");
    }
    // Rollout never blocks unsealing: the Secret is written; a failed restart is a condition.
    const rollout = await this.#rollouts.after(ss, applied.newData);
    const status = await this.#writeStatus(ss, {
      ok: true,
      keyFingerprint: applied.keyFingerprint,
      rollout: rollout.condition,
      expiry: this.#expiries.plan(ss),
    });
    if (status !== "written") return "retry";
    return rollout.retry ? "retry" : "done";
  }

  async #failed(applied: Failed): Promise<ReconcileResult> {
    const { ss, failure } = applied;
    const p = this.#ports;
    const { namespace = "", name = "" } = ss.metadata;
    p.metrics.unsealError(failure.metric, namespace);
    p.log.warn(
      { namespace, name, reason: failure.reason, err: failure.statusMessage },
      "reconcile failed",
    );
    // Events are queued, never awaited: the status is the contract, events are diagnostics.
    p.events.record(ss, "Warning", failure.event, failure.eventMessage);
    // Expiry is reported whether or not the object unseals (it never depends on it).
    const status = await this.#writeStatus(ss, {
      ok: false,
      reason: failure.reason,
      message: failure.statusMessage,
      expiry: this.#expiries.plan(ss),
    });
    if (status !== "written") return "retry";
    return failure.retry === "backoff" ? "retry" : "wait";
  }

  /** Remembers the conclusion and its inputs (see `Settled`). */
  #remember(key: string, applied: Succeeded | Failed, keysVersion: number): void {
    const { ss, secret } = applied;
    const generation = ss.metadata.generation;
    const failure = applied.kind === "failed" ? applied.failure : undefined;
    if (generation === undefined) {
      this.#settled.delete(key);
      return;
    }
    this.#settled.set(key, {
      uid: ss.metadata.uid,
      generation,
      secret: secret === undefined ? undefined : secretDigest(secret),
      keysVersion: failure ? keysVersion : undefined,
      outcome: failure
        ? { ok: false, reason: failure.reason, message: failure.statusMessage }
        : { ok: true, keyFingerprint: (applied as Succeeded).keyFingerprint },
      retried: failure?.retry === "backoff",
    });
  }

  #forget(key: string): void {
    this.#written.delete(key);
    this.#rollouts.forget(key);
    const [namespace = "", name = ""] = key.split("/", 2);
    this.#expiries.forget(key, { metadata: { namespace, name } });
    this.#statuses.forget(key);
    this.#settled.delete(key);
  }

  /**
   * The SealedSecret is gone: its Secret is left to the garbage collector (owner reference),
   * unless `--old-gc-behavior` has the controller delete it itself: only a Secret this
   * SealedSecret produced (`shouldDeleteOrphan`), read fresh, after the API server (not the
   * cache) confirmed the SealedSecret is gone, and deleted with its uid and resourceVersion as
   * preconditions, so a Secret replaced or edited meanwhile (or a re-created object's new one)
   * is not deleted.
   */
  async #gone(key: string, namespace: string, name: string): Promise<ReconcileResult> {
    this.#forget(key);
    if (!this.#options.oldGcBehavior) return "done";
    const p = this.#ports;
    const existing = await p.secrets.getFresh(namespace, name);
    if (!existing) return "done";
    if (!shouldDeleteOrphan(existing, name)) {
      p.log.info({ namespace, name }, "SealedSecret gone; leaving Secret it did not produce");
      return "done";
    }
    if (await p.freshSealedSecret(namespace, name)) return "done";
    const { uid, resourceVersion } = existing.metadata ?? {};
    try {
      p.fence.check();
      await p.secrets.delete(namespace, name, { uid, resourceVersion });
    } catch (err) {
      if (p.fence.isFenced(err) || p.errors.isConflict(err)) return "retry";
      throw err;
    }
    p.log.info({ namespace, name }, "deleted the Secret of a deleted SealedSecret");
    return "done";
  }

  /** Decide and write; after a conflict, re-read the SealedSecret and the Secret from the API. */
  async #apply(cached: SealedSecret, existing: Secret | undefined): Promise<Applied> {
    const { namespace = "", name = "" } = cached.metadata;
    let ss = cached;
    let live = existing;
    for (let attempt = 1; ; attempt++) {
      const decision = await this.#decide(ss, live);
      const result = await this.#write(ss, live, decision);
      if (result.kind !== "conflict") return result;
      if (attempt >= MAX_CONFLICT_ATTEMPTS) {
        return { kind: "failed", ss, failure: this.#writeFailure(ss, result.err), secret: live };
      }
      try {
        const fresh = await this.#ports.freshSealedSecret(namespace, name);
        if (!fresh) return { kind: "gone" };
        ss = withKind(fresh);
        live = await this.#ports.secrets.getFresh(namespace, name);
      } catch (err) {
        return { kind: "failed", ss, failure: this.#writeFailure(ss, err), secret: live };
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

  async #write(
    ss: SealedSecret,
    live: Secret | undefined,
    decision: Decision,
  ): Promise<Applied | { kind: "conflict"; err: unknown }> {
    if (decision.action === "fail") {
      return { kind: "failed", ss, failure: decision.failure, secret: live };
    }
    const keyFingerprint = decision.opened.keyFingerprint;
    if (decision.action === "none") {
      return { kind: "ok", ss, wrote: false, newData: false, secret: live, keyFingerprint };
    }
    const p = this.#ports;
    let written: Secret;
    try {
      p.fence.check();
      written =
        decision.action === "create"
          ? await p.secrets.create(decision.secret)
          : await p.secrets.update(decision.secret);
    } catch (err) {
      if (p.fence.isFenced(err)) return this.#fenced(ss, err);
      if (p.errors.isConflict(err)) return { kind: "conflict", err };
      return { kind: "failed", ss, failure: this.#writeFailure(ss, err), secret: live };
    }
    const rv = written.metadata?.resourceVersion;
    if (rv !== undefined) this.#written.set(keyOf(ss), rv);
    const newData = writesNewData({
      action: decision.action,
      before: live,
      after: decision.secret,
      generation: ss.metadata.generation,
      observedGeneration: ss.status?.observedGeneration,
      settledGeneration: this.#succeededGeneration(ss),
    });
    return { kind: "ok", ss, wrote: true, newData, secret: written, keyFingerprint };
  }

  /** The generation of `ss` this process last reconciled successfully, if any. */
  #succeededGeneration(ss: SealedSecret): number | undefined {
    const settled = this.#settled.get(keyOf(ss));
    if (settled === undefined || settled.uid !== ss.metadata.uid || !settled.outcome.ok) {
      return undefined;
    }
    return settled.generation;
  }

  /** A write the fence refused: nothing is written or reported; the queue retries the key. */
  #fenced(ss: SealedSecret, err: unknown): { kind: "fenced" } {
    const { namespace, name } = ss.metadata;
    const reason = err instanceof Error ? err.message : String(err);
    this.#ports.log.debug({ namespace, name, reason }, "write refused: not the leader");
    return { kind: "fenced" };
  }

  /** The API's text may quote the Secret's data: `apiWriteFailure` keeps only what is safe. */
  #writeFailure(ss: SealedSecret, err: unknown): Failure {
    return apiWriteFailure(ss, this.#ports.errors.describe(err));
  }
}

const withKind = (ss: SealedSecret): SealedSecret => ({
  ...ss,
  apiVersion: API_VERSION,
  kind: SEALED_SECRET_KIND,
});

const keyOf = (ss: Pick<SealedSecret, "metadata">): string =>
  `${ss.metadata.namespace ?? ""}/${ss.metadata.name ?? ""}`;
