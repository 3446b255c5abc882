import type { SealedSecret, SealedSecretStatus } from "@signet/core";

import { nextStatus } from "../reconcile/status.js";
import type { Outcome } from "../reconcile/status.js";
import type { Logger } from "../ports/logger.js";
import type { ApiErrorInfo, StatusWriter, WriteFence } from "../ports/writes.js";

/**
 * Status writes of the reconciler: the next status is computed with the pure
 * `nextStatus` and written only when it changed, and only on the resourceVersion it was computed
 * from, so a status computed from a stale read (a lagging cache, a deposed leader) never
 * overwrites a newer one. A conflict re-reads the object from the API server and computes again
 * (bounded); a newer generation found on that re-read is not written for, because the watch has
 * queued its own reconcile.
 *
 * The informer cache may not have seen our last writes yet (their watch events are in flight):
 * the statuses written per object, and the versions they were written on, are remembered, so a
 * lagging cache does not cause a rewrite of an unchanged status.
 */
export interface StatusWritesPorts {
  status: StatusWriter;
  /** The SealedSecret as the API server has it now. */
  freshSealedSecret(namespace: string, name: string): Promise<SealedSecret | undefined>;
  fence: WriteFence;
  errors: ApiErrorInfo;
  metrics: {
    unsealError(reason: "status", namespace: string): void;
    observeConditions(ss: SealedSecret): void;
  };
  now: () => Date;
  log: Logger;
}

/** How a status write ended: written (or already right), failed (retry), refused by the fence. */
export type StatusResult = "written" | "failed" | "fenced";

/** Attempts at a status write that the API answers with a conflict. */
export const MAX_STATUS_ATTEMPTS = 4;

/** Our writes in a row the cache may not have seen yet, kept per object. */
const MAX_TRACKED_VERSIONS = 8;

/** The status last written for an object, and the versions from its base to the latest. */
interface OwnStatus {
  uid: string | undefined;
  status: SealedSecretStatus;
  versions: string[];
}

export class StatusWrites {
  readonly #ports: StatusWritesPorts;
  readonly #enabled: boolean;
  readonly #statuses = new Map<string, OwnStatus>();

  /** `enabled`: `--update-status` (off: nothing is written, condition metrics still refresh). */
  constructor(ports: StatusWritesPorts, enabled: boolean) {
    this.#ports = ports;
    this.#enabled = enabled;
  }

  /** True when the status of `ss` (or the one we wrote, if the cache lags) shows `outcome`. */
  shows(ss: Pick<SealedSecret, "metadata" | "status">, outcome: Outcome): boolean {
    if (!this.#enabled) return true;
    return !nextStatus(this.#latest(ss).ss, outcome, this.#ports.now()).write;
  }

  /** Writes the status for `outcome` when it changed. */
  async write(ss: SealedSecret, outcome: Outcome): Promise<StatusResult> {
    const p = this.#ports;
    if (!this.#enabled) {
      p.metrics.observeConditions(ss);
      return "written";
    }
    let base = this.#latest(ss);
    for (let attempt = 1; ; attempt++) {
      const plan = nextStatus(base.ss, outcome, p.now());
      if (!plan.write) {
        p.metrics.observeConditions({ ...base.ss, status: plan.status });
        return "written";
      }
      const result = await this.#write(base, plan.status);
      if (result !== "conflict") return result;
      if (attempt >= MAX_STATUS_ATTEMPTS) return this.#failed(ss, "conflicts");
      const reread = await this.#reread(ss);
      if (reread === "failed") return "failed";
      // Gone, re-created or re-sealed: that change has its own reconcile queued by the watch.
      if (reread === "newer") return "written";
      base = { ss: reread, resourceVersion: reread.metadata.resourceVersion };
    }
  }

  /** Drops what is remembered of the object with queue key `key`. */
  forget(key: string): void {
    this.#statuses.delete(key);
  }

  async #write(
    base: { ss: SealedSecret; resourceVersion: string | undefined },
    status: SealedSecretStatus,
  ): Promise<StatusResult | "conflict"> {
    const p = this.#ports;
    const { ss, resourceVersion } = base;
    try {
      p.fence.check();
      const written = await p.status.write(ss, status, resourceVersion);
      this.#remember(ss, status, resourceVersion, written);
    } catch (err) {
      if (p.fence.isFenced(err)) return this.#fenced(ss, err);
      if (p.errors.isConflict(err)) return "conflict";
      return this.#failed(ss, p.errors.describe(err).message);
    }
    p.metrics.observeConditions({ ...ss, status });
    return "written";
  }

  #fenced(ss: SealedSecret, err: unknown): "fenced" {
    const { namespace, name } = ss.metadata;
    const reason = err instanceof Error ? err.message : String(err);
    this.#ports.log.debug({ namespace, name, reason }, "status write refused: not the leader");
    return "fenced";
  }

  #failed(ss: SealedSecret, message: string): "failed" {
    const p = this.#ports;
    const { namespace = "", name = "" } = ss.metadata;
    p.metrics.unsealError("status", namespace);
    p.log.error(
      { namespace, name, err: message },
      "could not update SealedSecret status; will retry",
    );
    return "failed";
  }

  /** The object from the API after a conflict: same object and generation, or why not. */
  async #reread(ss: SealedSecret): Promise<SealedSecret | "failed" | "newer"> {
    const { namespace = "", name = "" } = ss.metadata;
    let fresh: SealedSecret | undefined;
    try {
      fresh = await this.#ports.freshSealedSecret(namespace, name);
    } catch (err) {
      return this.#failed(ss, this.#ports.errors.describe(err).message);
    }
    if (!fresh || fresh.metadata.uid !== ss.metadata.uid) return "newer";
    if (fresh.metadata.generation !== ss.metadata.generation) return "newer";
    return { ...fresh, apiVersion: ss.apiVersion, kind: ss.kind };
  }

  #remember(
    ss: SealedSecret,
    status: SealedSecretStatus,
    basedOn: string | undefined,
    written: string | undefined,
  ): void {
    const key = keyOf(ss);
    if (written === undefined) {
      this.#statuses.delete(key);
      return;
    }
    const ours = this.#statuses.get(key);
    const chained =
      ours !== undefined && ours.uid === ss.metadata.uid && ours.versions.at(-1) === basedOn;
    const versions = chained ? [...ours.versions, written] : [basedOn ?? "", written];
    this.#statuses.set(key, {
      uid: ss.metadata.uid,
      status,
      versions: versions.slice(-MAX_TRACKED_VERSIONS),
    });
  }

  /**
   * While the cache still shows a version our writes started from, the status we wrote last is
   * the base, and a write is conditional on the version we wrote. Any other version is newer
   * than ours (someone else wrote): the cache wins.
   */
  #latest<S extends Pick<SealedSecret, "metadata" | "status">>(
    ss: S,
  ): { ss: S; resourceVersion: string | undefined } {
    const resourceVersion = ss.metadata.resourceVersion;
    const ours = this.#statuses.get(keyOf(ss));
    if (ours === undefined || ours.uid !== ss.metadata.uid) return { ss, resourceVersion };
    const lagging = ours.versions.slice(0, -1).includes(resourceVersion ?? "");
    if (!lagging) return { ss, resourceVersion };
    return { ss: { ...ss, status: ours.status }, resourceVersion: ours.versions.at(-1) };
  }
}

const keyOf = (ss: Pick<SealedSecret, "metadata">): string =>
  `${ss.metadata.namespace ?? ""}/${ss.metadata.name ?? ""}`;
