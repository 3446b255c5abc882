import type { SealedSecret } from "@signet/core";

import { EXPIRY_CONDITION, expiryEvent, planExpiry, wakeDelayMs } from "../reconcile/expiry.js";
import type { ExpiryCondition } from "../reconcile/expiry.js";
import type { EventRecorder } from "../ports/events.js";
import type { Logger } from "../ports/logger.js";

/**
 * The apply half of value expiry (docs/expiry.md): on every reconcile, runs the pure
 * `planExpiry` at `now`, refreshes the expiry metric, arms a wake-up at the next stage boundary
 * (bounded), and, once the status showing a new reason is written, records one Event for the
 * change. The reason last reported is remembered per object (and read from the status after a
 * restart or a change of leader), so a resync, a retry or a new leader reports nothing again.
 */
export interface ExpiriesPorts {
  events: EventRecorder;
  metrics: { observeExpiry(ss: Pick<SealedSecret, "metadata">, at: Date | undefined): void };
  now: () => Date;
  log: Logger;
  /** Queues the object's key again after `ms`; `cancel` drops that. Absent: no wake-ups. */
  wake?: { at(key: string, ms: number): void; cancel(key: string): void } | undefined;
}

export class Expiries {
  readonly #ports: ExpiriesPorts;
  readonly #windowMs: number;
  readonly #reported = new Map<string, { uid: string | undefined; reason: string }>();

  /** `windowMs`: `--expiry-warning-window`. */
  constructor(ports: ExpiriesPorts, windowMs: number) {
    this.#ports = ports;
    this.#windowMs = windowMs;
  }

  /** The `Expiry` condition of `ss` now (pure; the resync's test uses it too). */
  condition(ss: Pick<SealedSecret, "metadata">): ExpiryCondition {
    return planExpiry(ss, this.#ports.now(), this.#windowMs).condition;
  }

  /** Before the status write of a reconcile: the condition, with metric and wake-up updated. */
  plan(ss: SealedSecret): ExpiryCondition {
    const now = this.#ports.now();
    const plan = planExpiry(ss, now, this.#windowMs);
    this.#ports.metrics.observeExpiry(ss, plan.expiresAt);
    const key = keyOf(ss);
    if (plan.wakeAt === undefined) this.#ports.wake?.cancel(key);
    else this.#ports.wake?.at(key, wakeDelayMs(plan.wakeAt, now));
    return plan.condition;
  }

  /** After the status showing `condition` was written: one Event when its reason changed. */
  written(ss: SealedSecret, condition: ExpiryCondition): void {
    const key = keyOf(ss);
    const { uid } = ss.metadata;
    if (condition.type === "remove") {
      this.#reported.delete(key);
      return;
    }
    const known = this.#reported.get(key);
    const previous =
      known !== undefined && known.uid === uid
        ? known.reason
        : ss.status?.conditions?.find((c) => c.type === EXPIRY_CONDITION)?.reason;
    this.#reported.set(key, { uid, reason: condition.reason });
    const event = expiryEvent(previous, condition);
    if (event === undefined) return;
    const { namespace, name } = ss.metadata;
    this.#ports.log.info({ namespace, name, reason: condition.reason }, "expiry changed");
    this.#ports.events.record(ss, event.type, event.reason, event.message);
  }

  /** Drops what is kept of the object with queue key `key` (it is gone). */
  forget(key: string, ss?: Pick<SealedSecret, "metadata">): void {
    this.#reported.delete(key);
    this.#ports.wake?.cancel(key);
    if (ss !== undefined) this.#ports.metrics.observeExpiry(ss, undefined);
  }
}

const keyOf = (ss: Pick<SealedSecret, "metadata">): string =>
  `${ss.metadata.namespace ?? ""}/${ss.metadata.name ?? ""}`;
