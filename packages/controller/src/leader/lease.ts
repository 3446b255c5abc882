/**
 * Leader election on a `coordination.k8s.io/v1` Lease, with client-go's `leaderelection`
 * semantics, as pure functions (the loop that applies them is `elector.ts`):
 * - a Lease that does not exist is created with us as holder;
 * - a Lease held by someone else is valid while its record (holder, times, transitions) has
 *   changed within the last `leaseDurationSeconds` *as observed on our own clock* — like
 *   client-go's `observedTime`, so a skewed clock on another replica cannot make us steal a live
 *   lease; a Lease seen for the first time therefore counts as just renewed;
 * - an expired Lease, or one released (empty `holderIdentity`), is taken over: `acquireTime`
 *   and `renewTime` are now and `leaseTransitions` goes up by one;
 * - our own Lease is renewed: `renewTime` moves, `acquireTime` and transitions stay.
 * Writes carry the `resourceVersion` that was read, so two contenders never both win: the API
 * server answers the loser with 409.
 */
export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** RFC 3339 with microseconds (Kubernetes MicroTime), as written by the holder. */
  acquireTime: string | undefined;
  renewTime: string | undefined;
  leaseTransitions: number;
}

/** A Lease as read: its record and the resourceVersion a write must carry. */
export interface ObservedLease {
  record: LeaseRecord;
  resourceVersion: string;
}

/** What we remember of the Lease between attempts. */
export interface Observation {
  record: LeaseRecord;
  /** Our monotonic clock (ms) when `record` was first seen with its current content. */
  sinceMs: number;
}

/**
 * The time of one attempt on both clocks: the wall clock stamps the record (for people and
 * tools reading it), the monotonic clock measures expiry, so a stepped wall clock can neither
 * extend another holder's lease nor end it early (Go's `time.Now` carries both readings).
 */
export interface LeaseNow {
  wallMs: number;
  monotonicMs: number;
}

export interface LeaseTimings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export type LeaseDecision =
  /** No Lease: create it holding it. */
  | { action: "create"; record: LeaseRecord }
  /** Expired or released Lease of someone else: take it over (update with its resourceVersion). */
  | { action: "acquire"; record: LeaseRecord }
  /** Our own Lease: renew it. */
  | { action: "renew"; record: LeaseRecord }
  /** Someone else holds a valid Lease; it expires at `expiresAtMs` (monotonic) unless renewed. */
  | { action: "wait"; holder: string; expiresAtMs: number };

/** Kubernetes MicroTime: `2006-01-02T15:04:05.000000Z` (JS has milliseconds only). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

const sameRecord = (a: LeaseRecord, b: LeaseRecord): boolean =>
  a.holderIdentity === b.holderIdentity &&
  a.leaseDurationSeconds === b.leaseDurationSeconds &&
  a.acquireTime === b.acquireTime &&
  a.renewTime === b.renewTime &&
  a.leaseTransitions === b.leaseTransitions;

/**
 * Folds a fresh read into the observation: the clock only restarts when the record changed
 * (client-go compares the record, not the resourceVersion, so unrelated edits such as labels
 * do not extend a dead holder's lease). `undefined` when the Lease does not exist.
 */
export function observe(
  previous: Observation | undefined,
  record: LeaseRecord | undefined,
  monotonicMs: number,
): Observation | undefined {
  if (record === undefined) return undefined;
  if (previous && sameRecord(previous.record, record)) return previous;
  return { record, sinceMs: monotonicMs };
}

/**
 * The decision for one attempt. `observation` is the Lease as last read (undefined: absent);
 * `identity` is ours; the record written names `config.leaseDurationMs` rounded up to seconds.
 */
export function decideLease(
  observation: Observation | undefined,
  at: LeaseNow,
  identity: string,
  config: Pick<LeaseTimings, "leaseDurationMs">,
): LeaseDecision {
  const now = microTime(at.wallMs);
  const leaseDurationSeconds = Math.max(1, Math.ceil(config.leaseDurationMs / 1000));
  if (observation === undefined) {
    return {
      action: "create",
      record: {
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: 0,
      },
    };
  }
  const { record, sinceMs } = observation;
  if (record.holderIdentity === identity) {
    return { action: "renew", record: { ...record, leaseDurationSeconds, renewTime: now } };
  }
  const expiresAtMs = sinceMs + record.leaseDurationSeconds * 1000;
  if (record.holderIdentity !== "" && expiresAtMs > at.monotonicMs) {
    return { action: "wait", holder: record.holderIdentity, expiresAtMs };
  }
  return {
    action: "acquire",
    record: {
      holderIdentity: identity,
      leaseDurationSeconds,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: record.leaseTransitions + 1,
    },
  };
}

/**
 * The record that gives the Lease up on graceful shutdown (client-go `ReleaseOnCancel`): no
 * holder, so any contender takes it at once; transitions unchanged.
 */
export function releasedRecord(record: LeaseRecord, nowMs: number): LeaseRecord {
  const now = microTime(nowMs);
  return {
    holderIdentity: "",
    leaseDurationSeconds: 1,
    acquireTime: now,
    renewTime: now,
    leaseTransitions: record.leaseTransitions,
  };
}

/**
 * Checks client-go's invariants on the timings (`NewLeaderElector`): lease duration > renew
 * deadline > retry period × 1.2 (the jitter), all positive. Returns the problem, or undefined.
 */
export function timingsProblem(t: LeaseTimings): string | undefined {
  if (!(t.leaseDurationMs > 0 && t.renewDeadlineMs > 0 && t.retryPeriodMs > 0)) {
    return "--leader-elect-lease-duration, --leader-elect-renew-deadline and --leader-elect-retry-period must be positive";
  }
  if (t.leaseDurationMs <= t.renewDeadlineMs) {
    return "--leader-elect-lease-duration must be greater than --leader-elect-renew-deadline";
  }
  if (t.renewDeadlineMs <= t.retryPeriodMs * JITTER_FACTOR) {
    return `--leader-elect-renew-deadline must be greater than --leader-elect-retry-period × ${JITTER_FACTOR}`;
  }
  return undefined;
}

/** client-go's `JitterFactor`: retries wait retryPeriod × [1, 1 + 1.2). */
export const JITTER_FACTOR = 1.2;
