import type { SealedSecret } from "@signet/core";

/**
 * The event ports: the reconcile loop records core/v1 Events through an {@link EventRecorder};
 * `src/queue/event-sender.ts` queues them and writes them through an {@link EventWriter}
 * (`src/kube/stores.ts`). No port ever receives a message built from secret values.
 */

/** The reference's event reasons, and Signet's rollout and expiry ones (docs/rollout.md, docs/expiry.md). */
export type EventReason =
  | "Unsealed"
  | "ErrUnsealFailed"
  | "ErrUpdateFailed"
  | "WorkloadsRestarted"
  | "ErrRolloutFailed"
  | ExpiryEventReason;

/** Events of the `Expiry` condition's changes (reconcile/expiry.ts). */
export type ExpiryEventReason = "ExpiryValid" | "ExpiringSoon" | "Expired" | "InvalidExpiresAt";

export type EventType = "Normal" | "Warning";

/**
 * Records core/v1 Events against a SealedSecret. Fire and forget: it queues the event and returns
 * at once, never throws, and the reconcile loop never waits on an Event write (events are
 * diagnostics; the status is the contract), as client-go's asynchronous recorder.
 */
export interface EventRecorder {
  record(ss: SealedSecret, type: EventType, reason: EventReason, message: string): void;
}

/** The object an event is about: what `involvedObject` needs, never the whole SealedSecret. */
export interface EventObject {
  namespace: string;
  name: string;
  uid: string | undefined;
  resourceVersion: string | undefined;
}

/** One event as recorded; `at` is when it happened, not when it is written. */
export interface ObjectEvent {
  object: EventObject;
  type: EventType;
  reason: EventReason;
  message: string;
  at: Date;
}

/** Writes one event to the API; called one event at a time, in order; never throws. */
export interface EventWriter {
  write(event: ObjectEvent): Promise<void>;
}
