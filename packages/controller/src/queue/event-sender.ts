import type { SealedSecret } from "@signet/core";

import type {
  EventReason,
  EventRecorder,
  EventType,
  EventWriter,
  ObjectEvent,
} from "../ports/events.js";
import type { Logger } from "../ports/logger.js";

/**
 * Takes Event writes off the reconcile path, as client-go's EventBroadcaster does: `record`
 * queues and returns at once, and one sender loop hands the events to the writer one at a time,
 * in the order they were recorded (so the writer's aggregation sees repeats in order).
 *
 * While the reconcile work queue is busy the sender holds back, leaving the API server to the
 * Secret and status writes that make objects Synced; an event is held at most `maxDelayMs` after
 * it was recorded, so a controller that is never idle still emits its events. The backlog is
 * bounded: beyond `maxBacklog` the oldest event is dropped, drops are counted (`onDropped`, the
 * `signet_events_dropped_total` metric) and logged as counts (one warning per `DROP_REPORT_MS`),
 * never with event messages.
 */
export interface WorkSignal {
  /** True while object keys are waiting or being reconciled (delayed retries do not count). */
  busy(): boolean;
  /** Resolves when no key is waiting or being reconciled. */
  idle(): Promise<void>;
}

export interface EventSenderOptions {
  /** Longest an event is held back while the work queue is busy, from when it was recorded. */
  maxDelayMs: number;
  /** Events queued at most; one more drops the oldest. */
  maxBacklog: number;
}

/**
 * 30 s: long enough that a cold start of a few thousand objects (~25 s on 2 cores) writes its
 * Events after the objects are Synced instead of competing with them for the API server, short
 * enough that a controller that never goes idle still reports within half a minute.
 */
export const DEFAULT_EVENT_SENDER_OPTIONS: EventSenderOptions = {
  maxDelayMs: 30_000,
  maxBacklog: 10_000,
};

/** Drops are summed over this long before one warning reports them. */
export const DROP_REPORT_MS = 10_000;

export interface EventSenderPorts {
  writer: EventWriter;
  work: WorkSignal;
  log: Logger;
  now: () => Date;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
  /** Called once per event dropped from a full backlog (the `signet_events_dropped_total` metric). */
  onDropped?: () => void;
}

export class EventSender implements EventRecorder {
  readonly #ports: EventSenderPorts;
  readonly #options: EventSenderOptions;
  /** Oldest first. */
  readonly #backlog: ObjectEvent[] = [];
  /** True from the moment the loop is started until it has seen an empty backlog. */
  #running = false;
  #loop: Promise<void> = Promise.resolve();
  #writing = false;
  /** Ends the current hold-back early (work queue idle, or closing). */
  #wake: (() => void) | undefined;
  /** One pending `idle()` at most, however many hold-backs time out during a busy spell. */
  #watchingIdle = false;
  #closing = false;
  #closed = false;
  #dropped = 0;
  #unreported = 0;
  #reportTimer: unknown;

  constructor(ports: EventSenderPorts, options: EventSenderOptions = DEFAULT_EVENT_SENDER_OPTIONS) {
    this.#ports = ports;
    this.#options = options;
  }

  /** Events dropped so far because the backlog was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues the event (stamped now) and returns; ignored once `close` has finished. */
  record(ss: SealedSecret, type: EventType, reason: EventReason, message: string): void {
    if (this.#closed) return;
    const { namespace = "", name = "", uid, resourceVersion } = ss.metadata;
    const object = { namespace, name, uid, resourceVersion };
    this.#backlog.push({ object, type, reason, message, at: this.#ports.now() });
    if (this.#backlog.length > this.#options.maxBacklog) this.#dropOldest();
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#send();
  }

  /**
   * Stops holding events back and writes the backlog for at most `deadlineMs`; resolves with the
   * number of events not written by then (the one being written counts: it may not land), which
   * is also logged. Later `record` calls are ignored.
   */
  async close(deadlineMs: number): Promise<number> {
    this.#closing = true;
    this.#wake?.();
    let timer: unknown;
    const deadline = new Promise<void>((resolve) => {
      timer = this.#ports.setTimer(resolve, deadlineMs);
    });
    await Promise.race([this.#loop, deadline]);
    this.#ports.clearTimer(timer);
    this.#closed = true;
    const unwritten = this.#backlog.length + (this.#writing ? 1 : 0);
    this.#backlog.length = 0;
    this.#reportDrops();
    if (unwritten > 0) {
      this.#ports.log.warn({ unwritten, deadlineMs }, "events not written before shutdown");
    }
    return unwritten;
  }

  async #send(): Promise<void> {
    while (this.#backlog.length > 0 && !this.#closed) {
      await this.#holdBack();
      const event = this.#backlog.shift();
      if (event === undefined || this.#closed) break;
      this.#writing = true;
      try {
        await this.#ports.writer.write(event);
      } catch (err) {
        // The writer logs its own failures; this only keeps the loop alive if one escapes.
        this.#ports.log.warn(
          { reason: event.reason, err: err instanceof Error ? err.message : String(err) },
          "could not record event",
        );
      }
      this.#writing = false;
    }
    // Cleared in the same synchronous step as the empty check: a `record` cannot slip between.
    this.#running = false;
  }

  /** Waits while the work queue is busy and the oldest event is not yet due. */
  async #holdBack(): Promise<void> {
    for (;;) {
      const head = this.#backlog[0];
      if (head === undefined || this.#closing || !this.#ports.work.busy()) return;
      const dueIn = head.at.getTime() + this.#options.maxDelayMs - this.#ports.now().getTime();
      if (dueIn <= 0) return;
      await this.#sleep(dueIn);
    }
  }

  /** Resolves after `ms`, when the work queue goes idle, or on `close`, whichever is first. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.#ports.clearTimer(handle);
        if (this.#wake === wake) this.#wake = undefined;
        resolve();
      };
      const handle = this.#ports.setTimer(wake, ms);
      this.#wake = wake;
      this.#watchIdle();
    });
  }

  #watchIdle(): void {
    if (this.#watchingIdle) return;
    this.#watchingIdle = true;
    void this.#ports.work.idle().then(() => {
      this.#watchingIdle = false;
      this.#wake?.();
    });
  }

  #dropOldest(): void {
    this.#backlog.shift();
    this.#dropped++;
    this.#ports.onDropped?.();
    this.#unreported++;
    this.#reportTimer ??= this.#ports.setTimer(() => this.#reportDrops(), DROP_REPORT_MS);
  }

  /** One warning for the drops since the last one: counts only, never event messages. */
  #reportDrops(): void {
    if (this.#reportTimer !== undefined) this.#ports.clearTimer(this.#reportTimer);
    this.#reportTimer = undefined;
    if (this.#unreported === 0) return;
    this.#ports.log.warn(
      { dropped: this.#unreported, maxBacklog: this.#options.maxBacklog },
      "event backlog full: dropped the oldest events",
    );
    this.#unreported = 0;
  }
}
