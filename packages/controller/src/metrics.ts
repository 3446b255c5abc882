import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

import type { SealedSecret } from "@signet/core";

import { KEY_REFUSAL_REASONS } from "./keys/key-policy.js";
import type { KeyRefusalReason } from "./keys/key-policy.js";
import type { ErrorMetricReason } from "./reconcile/failure.js";

/**
 * The reference's Prometheus metrics (pkg/controller/metrics.go; docs/http-api.md#metrics), on a
 * registry this instance owns (no global state, so each test builds its own). Names and labels are
 * the reference's; `build_info` is set to 1 (the reference registers it but never sets it).
 */
export interface MetricsOptions {
  /** `--metrics-omit-secret-labels`: never populate `condition_info` (no names on :8081). */
  omitSecretLabels: boolean;
  version: string;
  /** Process and Node.js runtime collectors (off in tests). */
  collectDefaults: boolean;
}

/** What `condition_info` reads of a SealedSecret (a whole object or the informer's summary). */
/** The labels of one `condition_info` series. */
interface ConditionLabels {
  namespace: string;
  name: string;
  condition: string;
  ss_app_kubernetes_io_instance: string;
}

/** Deleted objects remembered against late status writes (see `#forgotten`). */
const FORGOTTEN_KEPT = 4096;

const objectKey = (ss: Pick<ConditionsOf, "metadata">): string =>
  `${ss.metadata.namespace ?? ""}/${ss.metadata.name ?? ""}`;

export interface ConditionsOf {
  metadata: {
    namespace?: string;
    name?: string;
    uid?: string;
    labels?: Readonly<Record<string, string>>;
  };
  status?: Pick<NonNullable<SealedSecret["status"]>, "conditions">;
}

const PREFIX = "sealed_secrets_controller_";
/** Signet's expiry gauge (docs/expiry.md; the chart's PrometheusRule reads it). */
export const EXPIRY_METRIC = "signet_sealedsecret_expiry_timestamp_seconds";
const INSTANCE_LABEL = "app.kubernetes.io/instance";
const CONDITION_VALUE: Readonly<Record<string, number>> = { True: 1, False: -1, Unknown: 0 };

export class ControllerMetrics {
  readonly registry = new Registry();
  readonly #omitSecretLabels: boolean;
  readonly #unsealRequests: Counter;
  readonly #unsealErrors: Counter<"reason" | "namespace">;
  readonly #conditionInfo: Gauge<
    "namespace" | "name" | "condition" | "ss_app_kubernetes_io_instance"
  >;
  /** The `condition_info` series set for each object (`namespace/name`), to drop them all. */
  readonly #conditionSeries = new Map<string, Map<string, ConditionLabels>>();
  /**
   * The uid of each object recently deleted (`namespace/name`): a status write that was under
   * way when the delete arrived must not set its series again. The latest
   * {@link FORGOTTEN_KEPT} only, oldest dropped first.
   */
  readonly #forgotten = new Map<string, string>();
  readonly #httpRequests: Counter<"path" | "code" | "method">;
  readonly #httpDuration: Histogram<"path" | "method">;
  readonly #rsaOperations: Counter;
  readonly #keySecretsRefused: Gauge<"reason">;
  readonly #eventsDropped: Counter;
  readonly #rsaByClass: Counter<"class">;
  readonly #connectionsRefused: Counter<"reason">;
  readonly #expiry: Gauge<"namespace" | "name">;

  constructor(options: MetricsOptions) {
    const registers = [this.registry];
    this.#omitSecretLabels = options.omitSecretLabels;
    new Gauge({
      name: `${PREFIX}build_info`,
      help: "Build information.",
      labelNames: ["revision"],
      registers,
    }).set({ revision: options.version }, 1);
    this.#unsealRequests = new Counter({
      name: `${PREFIX}unseal_requests_total`,
      help: "Total number of sealed secret unseal requests",
      registers,
    });
    this.#unsealErrors = new Counter({
      name: `${PREFIX}unseal_errors_total`,
      help: "Total number of sealed secret unseal errors by reason",
      labelNames: ["reason", "namespace"],
      registers,
    });
    this.#conditionInfo = new Gauge({
      name: `${PREFIX}condition_info`,
      help: "Current SealedSecret condition status. Values are -1 (false), 0 (unknown or absent), 1 (true)",
      labelNames: ["namespace", "name", "condition", "ss_app_kubernetes_io_instance"],
      registers,
    });
    this.#httpRequests = new Counter({
      name: `${PREFIX}http_requests_total`,
      help: "Total number of HTTP requests by path, status code and method",
      labelNames: ["path", "code", "method"],
      registers,
    });
    this.#httpDuration = new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: "A histogram of latencies for requests.",
      labelNames: ["path", "method"],
      registers,
    });
    // Signet's own (not the reference's, hence its own prefix): what key ordering saves.
    this.#rsaOperations = new Counter({
      name: "signet_unseal_rsa_operations_total",
      help: "RSA private-key operations spent on SealedSecrets that unsealed (one per value when the first key tried is right)",
      registers,
    });
    this.#keySecretsRefused = new Gauge({
      name: "signet_key_secrets_refused",
      help: "Key Secrets of the controller's namespace that are labelled or named as keys but not loaded, by reason: unreadable, weak (RSA under 2048 bits), sealedsecret-output (written for a SealedSecret)",
      labelNames: ["reason"],
      registers,
    });
    for (const reason of KEY_REFUSAL_REASONS) this.#keySecretsRefused.set({ reason }, 0);
    this.#rsaByClass = new Counter({
      name: "signet_rsa_operations_total",
      help: "RSA private-key operations performed, successful or not, by who caused them (reconcile or api)",
      labelNames: ["class"],
      registers,
    });
    this.#eventsDropped = new Counter({
      name: "signet_events_dropped_total",
      help: "Kubernetes Events not written because the event backlog was full (the oldest are dropped)",
      registers,
    });
    this.#connectionsRefused = new Counter({
      name: "signet_http_connections_refused_total",
      help: "Connections to the HTTP servers closed because of the connection limits: refused (total, peer) or evicted for a newcomer (evicted)",
      labelNames: ["reason"],
      registers,
    });
    // Names a SealedSecret, so it has series only when `condition_info` has (docs/expiry.md).
    this.#expiry = new Gauge({
      name: EXPIRY_METRIC,
      help: "The time (unix seconds) a SealedSecret's signet.dev/expires-at names, per SealedSecret; absent without a valid annotation or with --metrics-omit-secret-labels",
      labelNames: ["namespace", "name"],
      registers,
    });
    if (options.collectDefaults) collectDefaultMetrics({ register: this.registry });
  }

  /** One reconcile pass (the reference also counts passes for deleted objects). */
  unsealRequest(): void {
    this.#unsealRequests.inc();
  }

  unsealError(reason: ErrorMetricReason, namespace: string): void {
    this.#unsealErrors.inc({ reason, namespace });
  }

  /** RSA private-key operations one unseal spent (wrong keys tried included). */
  rsaOperations(n: number): void {
    if (n > 0) this.#rsaOperations.inc(n);
  }

  /** The number of refused key Secrets per reason (names are in the log, never in metrics). */
  keySecretsRefused(counts: Readonly<Record<KeyRefusalReason, number>>): void {
    for (const reason of KEY_REFUSAL_REASONS) {
      this.#keySecretsRefused.set({ reason }, counts[reason]);
    }
  }

  /** One RSA operation performed for `cls` (reconciles or API requests). */
  rsaOperation(cls: "reconcile" | "api"): void {
    this.#rsaByClass.inc({ class: cls });
  }

  /** Events dropped from a full backlog. */
  eventsDropped(n = 1): void {
    this.#eventsDropped.inc(n);
  }

  /** One connection refused by the connection limits. */
  connectionRefused(reason: "total" | "peer" | "evicted"): void {
    this.#connectionsRefused.inc({ reason });
  }

  /**
   * Refreshes `condition_info` from the object's status (no-op without status or when omitted).
   * The series an object had before and no longer has (its instance label changed) are dropped:
   * a tenant relabelling an object must not leave a series behind each time.
   */
  observeConditions(ss: SealedSecret): void {
    if (this.#omitSecretLabels) return;
    const conditions = ss.status?.conditions ?? [];
    if (conditions.length === 0) return;
    const key = objectKey(ss);
    if (this.#deleted(key, ss.metadata.uid ?? "")) return;
    const now = new Map<string, ConditionLabels>();
    for (const c of conditions) {
      const labels = this.#labels(ss, c.type);
      this.#conditionInfo.set(labels, CONDITION_VALUE[c.status] ?? 0);
      now.set(JSON.stringify(labels), labels);
    }
    for (const [id, labels] of this.#conditionSeries.get(key) ?? []) {
      if (!now.has(id)) this.#conditionInfo.remove(labels);
    }
    this.#conditionSeries.set(key, now);
  }

  /** Whether the object `key` with `uid` was deleted (a new object of that name clears it). */
  #deleted(key: string, uid: string): boolean {
    const gone = this.#forgotten.get(key);
    if (gone === undefined) return false;
    if (gone === uid) return true;
    this.#forgotten.delete(key);
    return false;
  }

  /**
   * Drops the object's `condition_info` and expiry series (SealedSecret deleted): every series
   * set for it, whatever the deleted copy's status and labels say (the last status written may
   * not have reached the informer before the delete).
   */
  forgetConditions(ss: ConditionsOf): void {
    const key = objectKey(ss);
    for (const labels of this.#conditionSeries.get(key)?.values() ?? [])
      this.#conditionInfo.remove(labels);
    this.#conditionSeries.delete(key);
    this.#forgotten.delete(key);
    this.#forgotten.set(key, ss.metadata.uid ?? "");
    if (this.#forgotten.size > FORGOTTEN_KEPT) {
      const oldest = this.#forgotten.keys().next();
      if (!oldest.done) this.#forgotten.delete(oldest.value);
    }
    for (const c of ss.status?.conditions ?? [])
      this.#conditionInfo.remove(this.#labels(ss, c.type));
    this.observeExpiry(ss, undefined);
  }

  /**
   * Sets the object's expiry series to `at`, or drops it (`undefined`: no annotation, or a
   * malformed one). No series at all when names are omitted from metrics.
   */
  observeExpiry(ss: Pick<ConditionsOf, "metadata">, at: Date | undefined): void {
    if (this.#omitSecretLabels) return;
    const labels = { namespace: ss.metadata.namespace ?? "", name: ss.metadata.name ?? "" };
    if (at === undefined) this.#expiry.remove(labels);
    else this.#expiry.set(labels, Math.floor(at.getTime() / 1000));
  }

  /** One answered API request; `method` is lower-cased as promhttp does. */
  httpRequest(path: string, method: string, code: number, seconds: number): void {
    const m = method.toLowerCase();
    this.#httpRequests.inc({ path, code: String(code), method: m });
    this.#httpDuration.observe({ path, method: m }, seconds);
  }

  /** The exposition text of `/metrics`. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  #labels(ss: ConditionsOf, condition: string): ConditionLabels {
    return {
      namespace: ss.metadata.namespace ?? "",
      name: ss.metadata.name ?? "",
      condition,
      ss_app_kubernetes_io_instance: ss.metadata.labels?.[INSTANCE_LABEL] ?? "",
    };
  }
}
