import type { SealedSecret, SealedSecretStatus, Secret } from "@signet/core";

/**
 * The narrow ports the reconcile loop applies its decisions through; `src/kube/` implements
 * them against the API server, tests with in-memory fakes. No port ever receives or returns a
 * message built from secret values.
 */

/** The target Secrets. `get` may answer from a cache; `getFresh` always asks the API server. */
export interface SecretStore {
  get(namespace: string, name: string): Promise<Secret | undefined>;
  getFresh(namespace: string, name: string): Promise<Secret | undefined>;
  /** Creates; throws a conflict (409) when the Secret already exists. */
  create(secret: Secret): Promise<Secret>;
  /** Replaces (PUT with the resourceVersion it carries); throws a conflict when it is stale. */
  update(secret: Secret): Promise<Secret>;
  /**
   * Deletes; a missing Secret is not an error. With `preconditions`, only the version read
   * (the API answers 409 when the uid or resourceVersion no longer match).
   */
  delete(namespace: string, name: string, preconditions?: DeletePreconditions): Promise<void>;
}

/** DeleteOptions.preconditions of the Kubernetes API. */
export interface DeletePreconditions {
  uid?: string | undefined;
  resourceVersion?: string | undefined;
}

/** Writes `.status` through the status subresource. */
export interface StatusWriter {
  /**
   * Writes `status`; with `resourceVersion`, only while the object is still at that version (a
   * conflict otherwise, so a status decided from a stale read never lands). Resolves with the
   * object's new resourceVersion, or undefined when the object is gone.
   */
  write(
    ss: SealedSecret,
    status: SealedSecretStatus,
    resourceVersion?: string,
  ): Promise<string | undefined>;
}

/**
 * Leader-election fencing (`src/leader/fence.ts`): whether this replica may write. Without
 * `--leader-elect` it always may.
 */
export interface WriteFence {
  /** Throws (an error `isFenced` recognises) unless a write may be sent now. Synchronous. */
  check(): void;
  /**
   * Resolves when new work may start (the Lease was renewed recently); waits while the renewal is
   * overdue; rejects (an error `isFenced` recognises) once this replica will never write again.
   */
  ready(): Promise<void>;
  /** True for the errors `check` and `ready` throw. */
  isFenced(err: unknown): boolean;
}

/** An API error as the reconcile loop sees it (`ApiErrorInfo.describe`). */
export interface ApiErrorDescription {
  /** HTTP status; undefined when no answer came (network error, timeout). */
  status: number | undefined;
  /** The API server's message: it may quote the data of the object it refused. */
  message: string;
  /** Status `reason` (`Invalid`, `Forbidden`, …). */
  reason?: string;
  /** Status `details.causes`: field paths and error kinds only. */
  causes?: readonly { field: string; reason: string }[];
}

/** Classifies API errors without tying the reconcile loop to a client library. */
export interface ApiErrorInfo {
  isConflict(err: unknown): boolean;
  isNotFound(err: unknown): boolean;
  /**
   * HTTP status, the API server's message (never request bodies), Status reason and causes.
   * The message of a refused Secret write may quote the Secret's data: it goes through
   * `apiWriteFailure` (reconcile/failure.ts), never straight to a status, event or log.
   */
  describe(err: unknown): ApiErrorDescription;
}
