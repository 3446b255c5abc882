import type { SealedSecret } from "@signet/core";

import { planRollout, rolloutCondition, targetText } from "../reconcile/rollout.js";
import type {
  RestartResult,
  RolloutCondition,
  RolloutTarget,
  TargetOutcome,
} from "../reconcile/rollout.js";
import type { EventRecorder } from "../ports/events.js";
import type { Logger } from "../ports/logger.js";
import type { WorkloadRestarter } from "../ports/workloads.js";
import type { ApiErrorInfo, WriteFence } from "../ports/writes.js";

/**
 * The apply half of rollout on change (docs/rollout.md): after a successful reconcile, runs the
 * pure `planRollout`, restarts the targets through the `WorkloadRestarter` port (leader only:
 * every patch passes the write fence), and keeps the targets that failed so later reconciles of
 * the same object retry them with the queue's backoff, with the same `restartedAt` (a retry never
 * restarts a workload twice for one change). Failures never block unsealing: they become the
 * `Rollout` condition and a Warning event. Pending retries live in this process only; a new
 * leader does not retry them (the condition still shows the failure).
 */
export interface RolloutsPorts {
  /** Absent when the feature is off (`--rollout-workloads=false`). */
  restarter: WorkloadRestarter | undefined;
  fence: WriteFence;
  errors: ApiErrorInfo;
  events: EventRecorder;
  now: () => Date;
  log: Logger;
}

/** What the status and the queue should do after rollout. */
export interface RolloutStep {
  /** The `Rollout` condition for the status write (undefined: leave it as it is). */
  condition: RolloutCondition | undefined;
  /** True while a target still waits for a retry. */
  retry: boolean;
}

interface Pending {
  uid: string | undefined;
  at: string;
  outcomes: TargetOutcome[];
  /** The condition message last reported (a Warning event only when it changes). */
  reported: string;
}

export class Rollouts {
  readonly #ports: RolloutsPorts;
  readonly #pending = new Map<string, Pending>();
  /** The condition of each object's last restart (see `after`). */
  readonly #last = new Map<string, { uid: string | undefined; condition: RolloutCondition }>();

  constructor(ports: RolloutsPorts) {
    this.#ports = ports;
  }

  /** After a successful reconcile of `ss`; `newData`: `writesNewData` of its write. */
  async after(ss: SealedSecret, newData: boolean): Promise<RolloutStep> {
    const key = keyOf(ss);
    const plan = planRollout({
      ss,
      enabled: this.#ports.restarter !== undefined,
      newData,
      now: this.#ports.now(),
    });
    if (plan.kind === "restart") {
      const outcomes = plan.targets.map((target) => ({ target, result: "failed" as const }));
      const fresh = { uid: ss.metadata.uid, at: plan.restartedAt, outcomes, reported: "" };
      return this.#run(ss, key, fresh);
    }
    if (plan.condition !== undefined) {
      this.forget(key);
      return { condition: plan.condition, retry: false };
    }
    const pending = this.#pending.get(key);
    if (pending !== undefined && pending.uid === ss.metadata.uid) {
      return this.#run(ss, key, pending);
    }
    this.#pending.delete(key);
    // The last result is shown again: a status write that failed after a restart is retried
    // without deciding again, and this is where that restart's condition survives.
    const last = this.#last.get(key);
    const shown = last !== undefined && last.uid === ss.metadata.uid ? last.condition : undefined;
    return { condition: shown, retry: false };
  }

  /** Drops what is kept of the object with queue key `key` (it is gone, or names no target). */
  forget(key: string): void {
    this.#pending.delete(key);
    this.#last.delete(key);
  }

  /** Restarts every target not yet restarted for this change. */
  async #run(ss: SealedSecret, key: string, pending: Pending): Promise<RolloutStep> {
    const outcomes: TargetOutcome[] = [];
    for (const o of pending.outcomes) {
      if (o.result === "restarted") {
        outcomes.push(o);
        continue;
      }
      const result = await this.#restart(ss, o.target, pending.at);
      if (result === "fenced") {
        // Not the leader (any more): nothing is reported; the queue's retry finds out. Patching
        // the same restartedAt again is a no-op, so no target restarts twice for one change.
        this.#pending.set(key, pending);
        return { condition: undefined, retry: true };
      }
      outcomes.push({ target: o.target, result });
    }
    const condition = rolloutCondition(outcomes, pending.at);
    this.#last.set(key, { uid: pending.uid, condition });
    const failed = outcomes.some((o) => o.result !== "restarted");
    this.#report(ss, condition, failed, pending.reported);
    if (failed) {
      const message = condition.type === "set" ? condition.message : "";
      this.#pending.set(key, { ...pending, outcomes, reported: message });
    } else {
      this.#pending.delete(key);
    }
    return { condition, retry: failed };
  }

  #report(ss: SealedSecret, condition: RolloutCondition, failed: boolean, reported: string): void {
    if (condition.type !== "set" || condition.message === reported) return;
    const { namespace, name } = ss.metadata;
    if (failed) {
      this.#ports.log.warn({ namespace, name, reason: condition.reason }, "rollout failed");
      this.#ports.events.record(ss, "Warning", "ErrRolloutFailed", condition.message);
    } else {
      this.#ports.log.info({ namespace, name }, "workloads restarted");
      this.#ports.events.record(ss, "Normal", "WorkloadsRestarted", condition.message);
    }
  }

  async #restart(
    ss: SealedSecret,
    target: RolloutTarget,
    at: string,
  ): Promise<RestartResult | "fenced"> {
    const p = this.#ports;
    if (p.restarter === undefined) return "failed";
    const { namespace = "", name } = ss.metadata;
    try {
      p.fence.check();
      await p.restarter.restart(namespace, target, at);
      return "restarted";
    } catch (err) {
      if (p.fence.isFenced(err)) return "fenced";
      if (p.errors.isNotFound(err)) return "not-found";
      const { status, reason } = p.errors.describe(err);
      // Only the status code and reason are logged: the workload's API error is not needed.
      p.log.warn({ namespace, name, target: targetText(target), status, reason }, "restart failed");
      return status === 403 ? "forbidden" : "failed";
    }
  }
}

const keyOf = (ss: Pick<SealedSecret, "metadata">): string =>
  `${ss.metadata.namespace ?? ""}/${ss.metadata.name ?? ""}`;
