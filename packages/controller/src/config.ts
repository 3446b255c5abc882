import { isIP } from "node:net";

import {
  DEFAULT_EXPIRY_WARNING_WINDOW_MS,
  flag,
  FlagError,
  flagUsages,
  formatDuration,
  parseFlags,
  parseRFC1123Z,
} from "@signet/core";
import type { FinishContext, FlagValues } from "@signet/core";

import { MIN_RSA_KEY_BITS } from "./keys/key-policy.js";
import type { KeyOrderPriority } from "./keys/key-registry.js";
import { timingsProblem } from "./leader/lease.js";
import type { LogLevel } from "./ports/logger.js";

/**
 * The controller's configuration: every flag of the reference (`bindControllerFlags`,
 * cmd/controller/main.go; docs/flags.md#signet-controller) with the same names and defaults, plus
 * Signet's own (marked "(signet)" in usage), parsed once at the edge from the command line and
 * `SEALED_SECRETS_*` variables (docs/flags.md#environment-variables) into one frozen object.
 * Each flag is declared once below, as the field it yields; every check runs at parse time, so
 * a bad value exits 2 before anything connects.
 */
export type { KeyOrderPriority } from "./keys/key-registry.js";
export type { LogLevel } from "./ports/logger.js";

/** A Go listen address split for Node's `listen` (`:8080` → any host, port 8080). */
export interface ListenAddress {
  host: string | undefined;
  port: number;
}

/** Where configuration comes from; `cpus` is the default worker count. */
export interface ConfigSources {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cpus: number;
}

const HOUR_MS = 3_600_000;

/** The flags; names, types and defaults are the reference's unless marked (signet). */
export function controllerFlags(cpus: number) {
  return {
    version: flag.bool("version", false, "Print version information and exit"),
    help: flag.bool("help", false, "Print this help message"),
    keyPrefix: flag
      .string("key-prefix", "sealed-secrets-key", "Prefix used to name keys.")
      .map(validateKeyPrefix),
    keySize: flag.int("key-size", 4096, "Size of encryption key.").map(keySize),
    keyTtlMs: flag.duration("key-ttl", 87_600 * HOUR_MS, "Duration that certificate is valid for."),
    myCn: flag.string(
      "my-cn",
      "",
      "Common name to be used as issuer/subject DN in generated certificate.",
    ),
    /** 0 disables automatic renewal (`--key-renew-period`, alias `--rotate-period`). */
    keyRenewPeriodMs: flag
      .duration(
        "key-renew-period",
        720 * HOUR_MS,
        "New key generation period (automatic rotation disabled if 0)",
      )
      .alias("rotate-period", { deprecated: "please use key-renew-period instead" }),
    keyOrderPriority: flag
      .string(
        "key-order-priority",
        "CertNotBefore",
        "Ordering of keys based on NotBefore certificate attribute or secret creation timestamp.",
      )
      .map(keyOrderPriority),
    acceptDeprecatedV1Data: flag.bool(
      "accept-deprecated-v1-data",
      true,
      "Accept deprecated V1 data field.",
    ),
    keyCutoffTime: flag
      .string(
        "key-cutoff-time",
        "",
        "Create a new key if latest one is older than this cutoff time. RFC1123Z format (e.g. 'Mon, 02 Jan 2006 15:04:05 -0700')",
      )
      .map(keyCutoffTime),
    allNamespaces: flag.bool(
      "all-namespaces",
      true,
      "Scan all namespaces or only the current namespace (default=true).",
    ),
    /** `--additional-namespaces`, split on commas, trimmed, empty entries and duplicates removed. */
    additionalNamespaces: flag
      .string(
        "additional-namespaces",
        "",
        "Comma-separated list of additional namespaces to be scanned.",
      )
      .map(splitList),
    labelSelector: flag.string(
      "label-selector",
      "",
      "Label selector which can be used to filter sealed secrets.",
    ),
    rateLimit: flag
      .int(
        "rate-limit",
        2,
        "Number of allowed sustained requests per second for the verify and rotate endpoints",
      )
      .map(positive),
    rateLimitBurst: flag
      .int(
        "rate-limit-burst",
        2,
        "Number of requests allowed to exceed the rate limit per second for the verify and rotate endpoints",
      )
      .map(positive),
    privateKeyAnnotations: flag
      .string(
        "privatekey-annotations",
        "",
        "Comma-separated list of additional annotations to be put on renewed sealing keys.",
      )
      .map(keyValueList),
    privateKeyLabels: flag
      .string(
        "privatekey-labels",
        "",
        "Comma-separated list of additional labels to be put on renewed sealing keys.",
      )
      .map(keyValueList),
    oldGcBehavior: flag.bool(
      "old-gc-behavior",
      false,
      "Revert to old GC behavior where the controller deletes secrets instead of delegating that to k8s itself.",
    ),
    updateStatus: flag.bool(
      "update-status",
      true,
      "beta: if true, the controller will update the status sub-resource whenever it processes a sealed secret",
    ),
    watchForSecrets: flag.bool(
      "watch-for-secrets",
      false,
      "Watch for key Secrets added, relabelled or removed (Signet always reacts to all three).",
    ),
    skipRecreate: flag.bool(
      "skip-recreate",
      false,
      "if true the controller will skip listening for managed secret changes to recreate them. This helps on limited permission environments.",
    ),
    logInfoStdout: flag.bool(
      "log-info-stdout",
      true,
      "if true the controller will log info to stdout.",
    ),
    logLevel: flag
      .string("log-level", "INFO", "Log level (DEBUG|INFO|WARN|ERROR).")
      .map(parseSlogLevel),
    logFormat: flag
      .string("log-format", "text", "Log format (text|json).")
      .map((text): "text" | "json" => (text === "json" ? "json" : "text")),
    maxUnsealRetries: flag.int(
      "max-unseal-retries",
      5,
      "Fast retries of a failed unseal before falling back to the capped backoff (signet: never gives up).",
    ),
    kubeclientQps: flag.float64(
      "kubeclient-qps",
      5,
      "Maximum QPS for the Kubernetes client (negative disables rate limiting).",
    ),
    kubeclientBurst: flag.int("kubeclient-burst", 10, "Maximum burst for the Kubernetes client."),
    listenAddr: flag.string("listen-addr", ":8080", "HTTP serving address.").map(listenAddress),
    listenMetricsAddr: flag
      .string("listen-metrics-addr", ":8081", "HTTP metrics serving address.")
      .map(listenAddress),
    readTimeoutMs: flag.duration(
      "read-timeout",
      2 * 60_000,
      "HTTP request timeout for read operations.",
    ),
    writeTimeoutMs: flag.duration(
      "write-timeout",
      2 * 60_000,
      "HTTP request timeout for write operations.",
    ),
    metricsOmitSecretLabels: flag.bool(
      "metrics-omit-secret-labels",
      false,
      "When true, the sealed_secrets_controller_condition_info metric is not updated, so the metrics endpoint does not expose SealedSecret namespaces and names.",
    ),
    workers: flag
      .int(
        "workers",
        cpus,
        "(signet) RSA operations run at once on libuv's thread pool, and 4 reconciles in flight per worker (default: number of CPUs).",
      )
      .map(positive),
    allowPrivilegedSecretTypes: flag.bool(
      "allow-privileged-secret-types",
      false,
      "(signet) Allow SealedSecrets to produce kubernetes.io/service-account-token and bootstrap.kubernetes.io/token Secrets.",
    ),
    /** `--allow-data-dependent-templates`: sealed data may decide template control flow (docs/templates.md). */
    allowDataDependentTemplates: flag.bool(
      "allow-data-dependent-templates",
      false,
      "(signet) Let decrypted values decide template control flow (if, eq, default, regex matches...). Whoever may write a SealedSecret in a namespace can then test guesses against the values sealed for it: see docs/templates.md.",
    ),
    maxRequestBytes: flag
      .int(
        "max-request-bytes",
        1_048_576,
        "(signet) Largest request body accepted by /v1/verify and /v1/rotate.",
      )
      .map(positive),
    /** `--read-header-timeout`: a request's headers must arrive within this long. */
    readHeaderTimeoutMs: flag
      .duration(
        "read-header-timeout",
        10_000,
        "(signet) HTTP request headers must arrive within this long (slow clients are disconnected).",
      )
      .map(positive),
    /** `--read-body-timeout`: a request's body must arrive within this long after its headers. */
    readBodyTimeoutMs: flag
      .duration(
        "read-body-timeout",
        30_000,
        "(signet) An HTTP request body must arrive within this long after its headers.",
      )
      .map(positive),
    /** `--max-connections`: open connections to the API port, all peers together. */
    maxConnections: flag
      .int(
        "max-connections",
        1024,
        "(signet) Open connections to the HTTP API, all clients together (also kept below the open-file limit).",
      )
      .map(positive),
    /** `--max-connections-per-peer`: open connections from one peer address (trusted proxies: no cap). */
    maxConnectionsPerPeer: flag
      .int(
        "max-connections-per-peer",
        64,
        "(signet) Open connections to the HTTP API from one address (trusted proxies are not capped).",
      )
      .map(positive),
    /** `--trusted-proxies`: addresses and CIDR ranges whose `X-Forwarded-For` names the client. */
    trustedProxies: flag
      .string(
        "trusted-proxies",
        "",
        "(signet) Comma-separated addresses or CIDR ranges of proxies (e.g. the API server) whose X-Forwarded-For names the client for rate limits.",
      )
      .map(trustedProxies),
    kubeconfig: flag.string(
      "kubeconfig",
      "",
      "(signet) Path to a kubeconfig, for running outside the cluster (development).",
    ),
    /** `--web-ui`: serve the seal page at `/ui/` (off by default; @signet/web). */
    webUi: flag.bool(
      "web-ui",
      false,
      "(signet) Serve the seal-only web page at /ui/, next to /v1/cert.pem: values are sealed in the browser and no route accepts them.",
    ),
    /** `--leader-elect`: only the holder of the Lease reconciles and renews keys (src/leader/). */
    leaderElect: flag.bool(
      "leader-elect",
      false,
      "(signet) Leader election on a Lease: only the leader reconciles and renews keys; every replica serves the HTTP API.",
    ),
    leaderElectLeaseName: flag.string(
      "leader-elect-lease-name",
      "sealed-secrets-controller",
      "(signet) Name of the coordination.k8s.io Lease in the controller's namespace.",
    ),
    /** client-go's defaults: 15 s / 10 s / 2 s. */
    leaderElectLeaseDurationMs: flag.duration(
      "leader-elect-lease-duration",
      15_000,
      "(signet) How long a Lease that is not renewed blocks other replicas.",
    ),
    leaderElectRenewDeadlineMs: flag.duration(
      "leader-elect-renew-deadline",
      10_000,
      "(signet) How long the leader retries renewing before it gives up (and exits).",
    ),
    leaderElectRetryPeriodMs: flag.duration(
      "leader-elect-retry-period",
      2_000,
      "(signet) Interval between attempts to acquire or renew the Lease.",
    ),
    /**
     * `--resync-period`: how often every SealedSecret is checked against its last reconcile
     * (`controller/resync.ts`); 0 disables.
     */
    resyncPeriodMs: flag
      .duration(
        "resync-period",
        60_000,
        "(signet) How often every SealedSecret is checked against its last reconcile (Secret content, generation, status) and re-queued if anything drifted; costs no API call or RSA operation when nothing did (0 disables).",
      )
      .map(nonNegative),
    /**
     * `--expiry-warning-window`: how long before a SealedSecret's `signet.dev/expires-at` its
     * `Expiry` condition turns to `ExpiringSoon` (docs/expiry.md); 0 never warns before expiry.
     */
    expiryWarningWindowMs: flag
      .duration(
        "expiry-warning-window",
        DEFAULT_EXPIRY_WARNING_WINDOW_MS,
        "(signet) How long before a SealedSecret's signet.dev/expires-at its Expiry condition turns to ExpiringSoon, with a Warning event (0: only Expired).",
      )
      .map(nonNegative),
    /**
     * `--rollout-workloads` (off by default): restart the workloads a SealedSecret names in
     * `signet.dev/rollout` when its Secret gets new data (docs/rollout.md; needs the RBAC of the
     * chart's `rollout.enabled` or the kustomize `rollout` component).
     */
    rolloutWorkloads: flag.bool(
      "rollout-workloads",
      false,
      "(signet) Restart the Deployments, StatefulSets and DaemonSets a SealedSecret names in its signet.dev/rollout annotation when its Secret gets new data (needs RBAC to patch them).",
    ),
  };
}

export type ControllerConfig = FlagValues<ReturnType<typeof controllerFlags>> & {
  /** Non-fatal problems the reference only logs (e.g. an unknown key order priority). */
  warnings: readonly string[];
  /** `Flag --rotate-period has been deprecated, ...`, printed to stderr as pflag does. */
  deprecations: readonly string[];
};

/** pflag's help text (`--help`, `-h`). */
export function controllerUsage(program: string, cpus: number): string {
  return `Usage of ${program}:\n${flagUsages(controllerFlags(cpus))}`;
}

/** Parses the configuration; throws FlagError (ERR_INVALID_FLAG) with the offending flag named. */
export function loadConfig(sources: ConfigSources): Readonly<ControllerConfig> {
  const parsed = parseFlags(controllerFlags(sources.cpus), sources.argv, {
    env: sources.env,
    envPrefix: "SEALED_SECRETS",
  });
  const config: ControllerConfig = {
    ...parsed.values,
    help: parsed.values.help || parsed.helpRequested,
    warnings: parsed.warnings,
    deprecations: parsed.deprecations,
  };
  if (config.leaderElect) validateLeaderElection(config);
  return Object.freeze(config);
}

/**
 * `--key-size`: the controller refuses to load RSA keys under 2048 bits (keys/key-policy.ts), so
 * it must not make one either (the reference accepts any size).
 */
function keySize(bits: number): number {
  if (!Number.isInteger(bits) || bits < MIN_RSA_KEY_BITS) {
    throw invalid(`--key-size must be at least ${MIN_RSA_KEY_BITS} bits, got ${bits}`);
  }
  return bits;
}

/** client-go's checks on the timings (only with `--leader-elect`). */
function validateLeaderElection(config: ControllerConfig): void {
  const problem = timingsProblem({
    leaseDurationMs: config.leaderElectLeaseDurationMs,
    renewDeadlineMs: config.leaderElectRenewDeadlineMs,
    retryPeriodMs: config.leaderElectRetryPeriodMs,
  });
  if (problem) throw invalid(problem);
  if (config.leaderElectLeaseName === "") {
    throw invalid("--leader-elect-lease-name must not be empty");
  }
}

const KEY_PREFIX_MAX = 245;

/** The reference's key-prefix check (`validateKeyPrefix`, pkg/controller/funcs.go) and messages. */
export function validateKeyPrefix(prefix: string): string {
  if (prefix.length > KEY_PREFIX_MAX) {
    throw invalid(`name is too long, must be shorter than ${KEY_PREFIX_MAX}, got ${prefix.length}`);
  }
  const illegal = /[^a-z0-9-]/.exec(prefix);
  if (illegal) throw invalid(`name contains illegal character ${illegal[0]}`);
  return prefix;
}

function keyOrderPriority(text: string, ctx: FinishContext): KeyOrderPriority {
  if (text === "CertNotBefore" || text === "SecretCreationTimestamp") return text;
  ctx.warn(`unknown --key-order-priority "${text}", using CertNotBefore`);
  return "CertNotBefore";
}

function keyCutoffTime(text: string): Date | undefined {
  if (text === "") return undefined;
  const ns = parseRFC1123Z(text);
  const date = ns === undefined ? undefined : new Date(Number(ns / 1_000_000n));
  if (!date || Number.isNaN(date.getTime())) {
    throw invalid(
      `--key-cutoff-time: cannot parse "${text}" as RFC1123Z (Mon, 02 Jan 2006 15:04:05 -0700)`,
    );
  }
  return date;
}

/** Signet refuses values the reference would crash on (`--rate-limit 0` divides by zero). */
function positive(value: number, ctx: FinishContext): number {
  if (!(value > 0)) throw invalid(`--${ctx.flag} must be positive, got ${value}`);
  return value;
}

/** A duration flag (milliseconds) that must not be negative; the error shows it as given. */
function nonNegative(value: number, ctx: FinishContext): number {
  if (!(value >= 0)) {
    const shown = Number.isFinite(value) ? formatDuration(BigInt(Math.round(value * 1e6))) : value;
    throw invalid(`--${ctx.flag} must not be negative, got ${shown}`);
  }
  return value;
}

/** `--trusted-proxies`: each entry an IPv4/IPv6 address, optionally with a `/prefix`. */
export function trustedProxies(text: string): readonly string[] {
  const entries = splitList(text);
  for (const entry of entries) {
    const [address = "", prefix, extra] = entry.split("/");
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= max);
    if (family === 0 || !prefixOk || extra !== undefined) {
      throw invalid(`--trusted-proxies: "${entry}" is not an IP address or CIDR range`);
    }
  }
  return Object.freeze(entries);
}

function keyValueList(text: string, ctx: FinishContext): Readonly<Record<string, string>> {
  return parseKeyValueList(ctx.flag, text);
}

/** Comma-separated list: trimmed, empty entries and duplicates dropped, first order kept. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(",").map((s) => s.trim()))].filter((s) => s !== "");
}

/**
 * `k=v,k2=v2` for `--privatekey-annotations/labels`. Unlike the reference (which panics on an
 * entry without `=` and truncates values at a second `=`), an entry without `=` is a flag error
 * and the value is everything after the first `=`; a later duplicate key wins.
 */
export function parseKeyValueList(flag: string, text: string): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of splitList(text)) {
    const eq = entry.indexOf("=");
    if (eq <= 0) throw invalid(`--${flag}: entry "${entry}" is not of the form key=value`);
    out[entry.slice(0, eq).trim()] = entry.slice(eq + 1).trim();
  }
  return Object.freeze(out);
}

const SLOG_LEVELS: Readonly<Record<string, number>> = { DEBUG: -4, INFO: 0, WARN: 4, ERROR: 8 };

/** Go slog level text (`DEBUG`, `info`, `WARN+2`…); invalid text means INFO, as in the reference. */
export function parseSlogLevel(text: string): LogLevel {
  const m = /^([A-Za-z]+)([+-]\d+)?$/.exec(text.trim());
  const base = m ? SLOG_LEVELS[m[1]!.toUpperCase()] : undefined;
  if (base === undefined) return "info";
  const level = base + Number(m?.[2] ?? 0);
  if (level < 0) return "debug";
  if (level < 4) return "info";
  if (level < 8) return "warn";
  return "error";
}

/** Host and port of a Go listen address (`:8080`, `127.0.0.1:0`, `[::1]:80`). */
export function parseListenAddress(addr: string): ListenAddress {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m || Number(m[3]) > 65_535) throw invalid(`listen address "${addr}" is not host:port`);
  const host = m[1] ?? m[2];
  return { host: host === "" ? undefined : host, port: Number(m[3]) };
}

function listenAddress(addr: string, ctx: FinishContext): ListenAddress {
  try {
    return parseListenAddress(addr);
  } catch (err) {
    throw invalid(`--${ctx.flag}: ${(err as Error).message}`);
  }
}

function invalid(message: string): FlagError {
  return new FlagError(message);
}
