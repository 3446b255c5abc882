import { isIP } from "node:net";

import { SignetError } from "@signet/core";

import { parseRfc1123z } from "./flags/go-values.js";
import { parseFlags } from "./flags/parse.js";
import type { FlagSpec, FlagValue } from "./flags/parse.js";
import { MIN_RSA_KEY_BITS } from "./keys/key-policy.js";
import type { KeyOrderPriority } from "./keys/key-registry.js";
import { timingsProblem } from "./leader/lease.js";
import type { LogLevel } from "./ports/logger.js";

/**
 * The controller's configuration: every flag of the reference (`bindControllerFlags`,
 * cmd/controller/main.go; docs/flags.md#signet-controller) with the same
 * defaults, plus Signet's own (marked "(signet)" in usage), parsed once at the edge from the
 * command line and `SEALED_SECRETS_*` variables (docs/flags.md#environment-variables) into one
 * frozen object.
 */
export type { KeyOrderPriority } from "./keys/key-registry.js";
export type { LogLevel } from "./ports/logger.js";

export interface ControllerConfig {
  version: boolean;
  help: boolean;
  keyPrefix: string;
  keySize: number;
  keyTtlMs: number;
  myCn: string;
  /** 0 disables automatic renewal (`--key-renew-period`, alias `--rotate-period`). */
  keyRenewPeriodMs: number;
  keyOrderPriority: KeyOrderPriority;
  acceptDeprecatedV1Data: boolean;
  keyCutoffTime: Date | undefined;
  allNamespaces: boolean;
  /** `--additional-namespaces`, split on commas, trimmed, empty entries and duplicates removed. */
  additionalNamespaces: readonly string[];
  labelSelector: string;
  rateLimit: number;
  rateLimitBurst: number;
  privateKeyAnnotations: Readonly<Record<string, string>>;
  privateKeyLabels: Readonly<Record<string, string>>;
  oldGcBehavior: boolean;
  updateStatus: boolean;
  watchForSecrets: boolean;
  skipRecreate: boolean;
  logInfoStdout: boolean;
  logLevel: LogLevel;
  logFormat: "text" | "json";
  maxUnsealRetries: number;
  kubeclientQps: number;
  kubeclientBurst: number;
  listenAddr: string;
  listenMetricsAddr: string;
  readTimeoutMs: number;
  writeTimeoutMs: number;
  metricsOmitSecretLabels: boolean;
  workers: number;
  allowPrivilegedSecretTypes: boolean;
  maxRequestBytes: number;
  /** `--read-header-timeout`: a request's headers must arrive within this long. */
  readHeaderTimeoutMs: number;
  /** `--read-body-timeout`: a request's body must arrive within this long after its headers. */
  readBodyTimeoutMs: number;
  /** `--max-connections`: open connections to the API port, all peers together. */
  maxConnections: number;
  /** `--max-connections-per-peer`: open connections from one peer address (trusted proxies: no cap). */
  maxConnectionsPerPeer: number;
  /** `--trusted-proxies`: addresses and CIDR ranges whose `X-Forwarded-For` names the client. */
  trustedProxies: readonly string[];
  kubeconfig: string;
  /** `--web-ui`: serve the seal page at `/ui/` (off by default; @signet/web). */
  webUi: boolean;
  /** `--leader-elect`: only the holder of the Lease reconciles and renews keys (src/leader/). */
  leaderElect: boolean;
  leaderElectLeaseName: string;
  /** client-go's defaults: 15 s / 10 s / 2 s. */
  leaderElectLeaseDurationMs: number;
  leaderElectRenewDeadlineMs: number;
  leaderElectRetryPeriodMs: number;
  /**
   * `--resync-period`: how often every SealedSecret is checked against its last reconcile
   * (`controller/resync.ts`); 0 disables.
   */
  resyncPeriodMs: number;
  /**
   * `--rollout-workloads` (off by default): restart the workloads a SealedSecret names in
   * `signet.dev/rollout` when its Secret gets new data (docs/rollout.md; needs the RBAC of the
   * chart's `rollout.enabled` or the kustomize `rollout` component).
   */
  rolloutWorkloads: boolean;
  /** Non-fatal problems the reference only logs (e.g. an unknown key order priority). */
  warnings: readonly string[];
}

/** Where configuration comes from; `cpus` is the default worker count. */
export interface ConfigSources {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cpus: number;
}

const HOUR_MS = 3_600_000;

/** The flag table; names, kinds and defaults are the reference's unless marked (signet). */
export function controllerFlags(cpus: number): FlagSpec[] {
  const f = (name: string, kind: FlagSpec["kind"], def: FlagValue, usage: string): FlagSpec => ({
    name,
    kind,
    default: def,
    usage,
  });
  return [
    f("version", "bool", false, "Print version information and exit"),
    f("help", "bool", false, "Print this help message"),
    f("key-prefix", "string", "sealed-secrets-key", "Prefix used to name keys."),
    f("key-size", "int", 4096, "Size of encryption key."),
    f("key-ttl", "duration", 87_600 * HOUR_MS, "Duration that certificate is valid for."),
    f(
      "my-cn",
      "string",
      "",
      "Common name to be used as issuer/subject DN in generated certificate.",
    ),
    f(
      "key-renew-period",
      "duration",
      720 * HOUR_MS,
      "New key generation period (automatic rotation disabled if 0)",
    ),
    {
      ...f("rotate-period", "duration", 720 * HOUR_MS, "New key generation period"),
      aliasOf: "key-renew-period",
      deprecated: "use --key-renew-period instead.",
    },
    f(
      "key-order-priority",
      "string",
      "CertNotBefore",
      "Ordering of keys based on NotBefore certificate attribute or secret creation timestamp.",
    ),
    f("accept-deprecated-v1-data", "bool", true, "Accept deprecated V1 data field."),
    f(
      "key-cutoff-time",
      "string",
      "",
      "Create a new key if latest one is older than this cutoff time. RFC1123Z format (e.g. 'Mon, 02 Jan 2006 15:04:05 -0700')",
    ),
    f(
      "all-namespaces",
      "bool",
      true,
      "Scan all namespaces or only the current namespace (default=true).",
    ),
    f(
      "additional-namespaces",
      "string",
      "",
      "Comma-separated list of additional namespaces to be scanned.",
    ),
    f("label-selector", "string", "", "Label selector which can be used to filter sealed secrets."),
    f(
      "rate-limit",
      "int",
      2,
      "Number of allowed sustained requests per second for the verify and rotate endpoints",
    ),
    f(
      "rate-limit-burst",
      "int",
      2,
      "Number of requests allowed to exceed the rate limit per second for the verify and rotate endpoints",
    ),
    f(
      "privatekey-annotations",
      "string",
      "",
      "Comma-separated list of additional annotations to be put on renewed sealing keys.",
    ),
    f(
      "privatekey-labels",
      "string",
      "",
      "Comma-separated list of additional labels to be put on renewed sealing keys.",
    ),
    f(
      "old-gc-behavior",
      "bool",
      false,
      "Revert to old GC behavior where the controller deletes secrets instead of delegating that to k8s itself.",
    ),
    f(
      "update-status",
      "bool",
      true,
      "beta: if true, the controller will update the status sub-resource whenever it processes a sealed secret",
    ),
    f(
      "watch-for-secrets",
      "bool",
      false,
      "Watch for key Secrets added, relabelled or removed (Signet always reacts to all three).",
    ),
    f(
      "skip-recreate",
      "bool",
      false,
      "if true the controller will skip listening for managed secret changes to recreate them. This helps on limited permission environments.",
    ),
    f("log-info-stdout", "bool", true, "if true the controller will log info to stdout."),
    f("log-level", "string", "INFO", "Log level (DEBUG|INFO|WARN|ERROR)."),
    f("log-format", "string", "text", "Log format (text|json)."),
    f(
      "max-unseal-retries",
      "int",
      5,
      "Fast retries of a failed unseal before falling back to the capped backoff (signet: never gives up).",
    ),
    f(
      "kubeclient-qps",
      "float",
      5,
      "Maximum QPS for the Kubernetes client (negative disables rate limiting).",
    ),
    f("kubeclient-burst", "int", 10, "Maximum burst for the Kubernetes client."),
    f("listen-addr", "string", ":8080", "HTTP serving address."),
    f("listen-metrics-addr", "string", ":8081", "HTTP metrics serving address."),
    f("read-timeout", "duration", 2 * 60_000, "HTTP request timeout for read operations."),
    f("write-timeout", "duration", 2 * 60_000, "HTTP request timeout for write operations."),
    f(
      "metrics-omit-secret-labels",
      "bool",
      false,
      "When true, the sealed_secrets_controller_condition_info metric is not updated, so the metrics endpoint does not expose SealedSecret namespaces and names.",
    ),
    f(
      "workers",
      "int",
      cpus,
      "(signet) RSA operations run at once on libuv's thread pool, and 4 reconciles in flight per worker (default: number of CPUs).",
    ),
    f(
      "allow-privileged-secret-types",
      "bool",
      false,
      "(signet) Allow SealedSecrets to produce kubernetes.io/service-account-token and bootstrap.kubernetes.io/token Secrets.",
    ),
    f(
      "max-request-bytes",
      "int",
      1_048_576,
      "(signet) Largest request body accepted by /v1/verify and /v1/rotate.",
    ),
    f(
      "read-header-timeout",
      "duration",
      10_000,
      "(signet) HTTP request headers must arrive within this long (slow clients are disconnected).",
    ),
    f(
      "read-body-timeout",
      "duration",
      30_000,
      "(signet) An HTTP request body must arrive within this long after its headers.",
    ),
    f(
      "max-connections",
      "int",
      1024,
      "(signet) Open connections to the HTTP API, all clients together (also kept below the open-file limit).",
    ),
    f(
      "max-connections-per-peer",
      "int",
      64,
      "(signet) Open connections to the HTTP API from one address (trusted proxies are not capped).",
    ),
    f(
      "trusted-proxies",
      "string",
      "",
      "(signet) Comma-separated addresses or CIDR ranges of proxies (e.g. the API server) whose X-Forwarded-For names the client for rate limits.",
    ),
    f(
      "kubeconfig",
      "string",
      "",
      "(signet) Path to a kubeconfig, for running outside the cluster (development).",
    ),
    f(
      "web-ui",
      "bool",
      false,
      "(signet) Serve the seal-only web page at /ui/, next to /v1/cert.pem: values are sealed in the browser and no route accepts them.",
    ),
    f(
      "leader-elect",
      "bool",
      false,
      "(signet) Leader election on a Lease: only the leader reconciles and renews keys; every replica serves the HTTP API.",
    ),
    f(
      "leader-elect-lease-name",
      "string",
      "sealed-secrets-controller",
      "(signet) Name of the coordination.k8s.io Lease in the controller's namespace.",
    ),
    f(
      "leader-elect-lease-duration",
      "duration",
      15_000,
      "(signet) How long a Lease that is not renewed blocks other replicas.",
    ),
    f(
      "leader-elect-renew-deadline",
      "duration",
      10_000,
      "(signet) How long the leader retries renewing before it gives up (and exits).",
    ),
    f(
      "leader-elect-retry-period",
      "duration",
      2_000,
      "(signet) Interval between attempts to acquire or renew the Lease.",
    ),
    f(
      "resync-period",
      "duration",
      60_000,
      "(signet) How often every SealedSecret is checked against its last reconcile (Secret content, generation, status) and re-queued if anything drifted; costs no API call or RSA operation when nothing did (0 disables).",
    ),
    f(
      "rollout-workloads",
      "bool",
      false,
      "(signet) Restart the Deployments, StatefulSets and DaemonSets a SealedSecret names in its signet.dev/rollout annotation when its Secret gets new data (needs RBAC to patch them).",
    ),
  ];
}

/** Parses the configuration; throws SignetError ERR_INVALID_FLAG with the offending flag named. */
export function loadConfig(sources: ConfigSources): Readonly<ControllerConfig> {
  const parsed = parseFlags(controllerFlags(sources.cpus), sources.argv, sources.env);
  const v = parsed.values;
  const str = (name: string): string => String(v.get(name));
  const num = (name: string): number => Number(v.get(name));
  const bool = (name: string): boolean => v.get(name) === true;
  const warnings: string[] = [];
  const config: ControllerConfig = {
    version: bool("version"),
    help: bool("help"),
    keyPrefix: validateKeyPrefix(str("key-prefix")),
    keySize: keySize(num("key-size")),
    keyTtlMs: num("key-ttl"),
    myCn: str("my-cn"),
    keyRenewPeriodMs: num("key-renew-period"),
    keyOrderPriority: keyOrderPriority(str("key-order-priority"), warnings),
    acceptDeprecatedV1Data: bool("accept-deprecated-v1-data"),
    keyCutoffTime: keyCutoffTime(str("key-cutoff-time")),
    allNamespaces: bool("all-namespaces"),
    additionalNamespaces: splitList(str("additional-namespaces")),
    labelSelector: str("label-selector"),
    rateLimit: positive("rate-limit", num("rate-limit")),
    rateLimitBurst: positive("rate-limit-burst", num("rate-limit-burst")),
    privateKeyAnnotations: parseKeyValueList(
      "privatekey-annotations",
      str("privatekey-annotations"),
    ),
    privateKeyLabels: parseKeyValueList("privatekey-labels", str("privatekey-labels")),
    oldGcBehavior: bool("old-gc-behavior"),
    updateStatus: bool("update-status"),
    watchForSecrets: bool("watch-for-secrets"),
    skipRecreate: bool("skip-recreate"),
    logInfoStdout: bool("log-info-stdout"),
    logLevel: parseSlogLevel(str("log-level")),
    logFormat: str("log-format") === "json" ? "json" : "text",
    maxUnsealRetries: num("max-unseal-retries"),
    kubeclientQps: num("kubeclient-qps"),
    kubeclientBurst: num("kubeclient-burst"),
    listenAddr: str("listen-addr"),
    listenMetricsAddr: str("listen-metrics-addr"),
    readTimeoutMs: num("read-timeout"),
    writeTimeoutMs: num("write-timeout"),
    metricsOmitSecretLabels: bool("metrics-omit-secret-labels"),
    workers: positive("workers", num("workers")),
    allowPrivilegedSecretTypes: bool("allow-privileged-secret-types"),
    maxRequestBytes: positive("max-request-bytes", num("max-request-bytes")),
    readHeaderTimeoutMs: positive("read-header-timeout", num("read-header-timeout")),
    readBodyTimeoutMs: positive("read-body-timeout", num("read-body-timeout")),
    maxConnections: positive("max-connections", num("max-connections")),
    maxConnectionsPerPeer: positive("max-connections-per-peer", num("max-connections-per-peer")),
    trustedProxies: trustedProxies(str("trusted-proxies")),
    kubeconfig: str("kubeconfig"),
    webUi: bool("web-ui"),
    leaderElect: bool("leader-elect"),
    leaderElectLeaseName: str("leader-elect-lease-name"),
    leaderElectLeaseDurationMs: num("leader-elect-lease-duration"),
    leaderElectRenewDeadlineMs: num("leader-elect-renew-deadline"),
    leaderElectRetryPeriodMs: num("leader-elect-retry-period"),
    resyncPeriodMs: nonNegative("resync-period", num("resync-period")),
    rolloutWorkloads: bool("rollout-workloads"),
    warnings,
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

function keyOrderPriority(text: string, warnings: string[]): KeyOrderPriority {
  if (text === "CertNotBefore" || text === "SecretCreationTimestamp") return text;
  warnings.push(`unknown --key-order-priority "${text}", using CertNotBefore`);
  return "CertNotBefore";
}

function keyCutoffTime(text: string): Date | undefined {
  if (text === "") return undefined;
  const date = parseRfc1123z(text);
  if (!date) {
    throw invalid(
      `--key-cutoff-time: cannot parse "${text}" as RFC1123Z (Mon, 02 Jan 2006 15:04:05 -0700)`,
    );
  }
  return date;
}

/** Signet refuses values the reference would crash on (`--rate-limit 0` divides by zero). */
function positive(flag: string, value: number): number {
  if (!(value > 0)) throw invalid(`--${flag} must be positive, got ${value}`);
  return value;
}

function nonNegative(flag: string, value: number): number {
  if (!(value >= 0)) throw invalid(`--${flag} must not be negative, got ${value}`);
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
export function parseListenAddress(addr: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m) throw invalid(`listen address "${addr}" is not host:port`);
  const host = m[1] ?? m[2];
  return { host: host === "" ? undefined : host, port: Number(m[3]) };
}

function invalid(message: string): SignetError {
  return new SignetError("ERR_INVALID_FLAG", message);
}
