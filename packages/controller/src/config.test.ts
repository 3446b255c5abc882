import { describe, expect, it } from "vitest";

import {
  controllerUsage,
  loadConfig,
  parseKeyValueList,
  parseListenAddress,
  parseSlogLevel,
} from "./config.js";
import type { ControllerConfig } from "./config.js";

const load = (argv: string[] = [], env: Record<string, string> = {}): ControllerConfig =>
  loadConfig({ argv, env, cpus: 3 });

describe("controller configuration", () => {
  it("has the reference's defaults for every flag", () => {
    expect(load()).toMatchObject({
      keyPrefix: "sealed-secrets-key",
      keySize: 4096,
      keyTtlMs: 87_600 * 3_600_000,
      myCn: "",
      keyRenewPeriodMs: 720 * 3_600_000,
      keyOrderPriority: "CertNotBefore",
      acceptDeprecatedV1Data: true,
      keyCutoffTime: undefined,
      allNamespaces: true,
      additionalNamespaces: [],
      labelSelector: "",
      rateLimit: 2,
      rateLimitBurst: 2,
      privateKeyAnnotations: {},
      privateKeyLabels: {},
      oldGcBehavior: false,
      updateStatus: true,
      watchForSecrets: false,
      skipRecreate: false,
      logInfoStdout: true,
      logLevel: "info",
      logFormat: "text",
      maxUnsealRetries: 5,
      kubeclientQps: 5,
      kubeclientBurst: 10,
      listenAddr: { host: undefined, port: 8080 },
      listenMetricsAddr: { host: undefined, port: 8081 },
      readTimeoutMs: 120_000,
      writeTimeoutMs: 120_000,
      metricsOmitSecretLabels: false,
      workers: 3,
      allowPrivilegedSecretTypes: false,
      allowDataDependentTemplates: false,
      resyncPeriodMs: 60_000,
      expiryWarningWindowMs: 14 * 86_400_000,
      version: false,
    });
  });

  it("bounds the HTTP API by default (Signet's own flags)", () => {
    expect(load()).toMatchObject({
      maxRequestBytes: 1_048_576,
      readHeaderTimeoutMs: 10_000,
      readBodyTimeoutMs: 30_000,
      maxConnections: 1024,
      maxConnectionsPerPeer: 64,
      trustedProxies: [],
    });
  });

  it.each<[string, readonly string[]]>([
    ["10.0.0.1", ["10.0.0.1"]],
    ["10.0.0.0/8, 192.168.1.0/24", ["10.0.0.0/8", "192.168.1.0/24"]],
    ["fd00::/8,::1", ["fd00::/8", "::1"]],
  ])("reads --trusted-proxies=%s", (text, expected) => {
    expect(load([`--trusted-proxies=${text}`]).trustedProxies).toEqual(expected);
  });

  it.each(["apiserver", "10.0.0.0/33", "10.0.0.1/8/1", "::1/129", "10.0.0.0/x"])(
    "refuses --trusted-proxies=%s, naming the flag",
    (text) => {
      expect(() => load([`--trusted-proxies=${text}`])).toThrow(
        expect.objectContaining({
          code: "ERR_INVALID_FLAG",
          message: expect.stringContaining("--trusted-proxies"),
        }),
      );
    },
  );

  it("is frozen", () => {
    expect(Object.isFrozen(load())).toBe(true);
  });

  it.each<[string, string[], Partial<ControllerConfig>]>([
    ["--flag value", ["--key-size", "2048"], { keySize: 2048 }],
    ["--flag=value", ["--key-size=3072"], { keySize: 3072 }],
    ["a bare bool", ["--old-gc-behavior"], { oldGcBehavior: true }],
    ["bool=false", ["--update-status=false"], { updateStatus: false }],
    ["bool=0", ["--all-namespaces=0"], { allNamespaces: false }],
    [
      "the data-dependent templates switch",
      ["--allow-data-dependent-templates"],
      { allowDataDependentTemplates: true },
    ],
    ["a Go duration", ["--key-renew-period", "1h30m"], { keyRenewPeriodMs: 5_400_000 }],
    ["0 disables renewal", ["--key-renew-period=0"], { keyRenewPeriodMs: 0 }],
    ["a resync period", ["--resync-period=30s"], { resyncPeriodMs: 30_000 }],
    ["0 disables the resync", ["--resync-period=0"], { resyncPeriodMs: 0 }],
    [
      "an expiry warning window",
      ["--expiry-warning-window=72h"],
      { expiryWarningWindowMs: 259_200_000 },
    ],
    ["the deprecated alias", ["--rotate-period=2h"], { keyRenewPeriodMs: 7_200_000 }],
    ["a float", ["--kubeclient-qps=-1"], { kubeclientQps: -1 }],
    ["the last repeat", ["--label-selector=a=b", "--label-selector=c=d"], { labelSelector: "c=d" }],
    [
      "a namespace list",
      ["--additional-namespaces", "a, b,,a,c"],
      { additionalNamespaces: ["a", "b", "c"] },
    ],
    [
      "key Secret labels",
      ["--privatekey-labels", "x.io/team=a/b,y=1=2"],
      { privateKeyLabels: { "x.io/team": "a/b", y: "1=2" } },
    ],
    [
      "the other key order",
      ["--key-order-priority=SecretCreationTimestamp"],
      { keyOrderPriority: "SecretCreationTimestamp" },
    ],
    [
      "json logs",
      ["--log-format=json", "--log-level=debug"],
      { logFormat: "json", logLevel: "debug" },
    ],
    [
      "a cutoff time",
      ["--key-cutoff-time", "Sun, 22 Nov 2026 06:00:00 +0000"],
      { keyCutoffTime: new Date("2026-11-22T06:00:00Z") },
    ],
  ])("reads %s from the command line", (_, argv, expected) => {
    expect(load(argv)).toMatchObject(expected);
  });

  it.each<[string, Record<string, string>, string[], Partial<ControllerConfig>]>([
    ["env sets a value", { SEALED_SECRETS_KEY_PREFIX: "mykeys" }, [], { keyPrefix: "mykeys" }],
    [
      "env sets the expiry warning window",
      { SEALED_SECRETS_EXPIRY_WARNING_WINDOW: "48h" },
      [],
      { expiryWarningWindowMs: 172_800_000 },
    ],
    ["env may set an empty string", { SEALED_SECRETS_MY_CN: "" }, [], { myCn: "" }],
    [
      "the command line overrides env",
      { SEALED_SECRETS_KEY_SIZE: "2048" },
      ["--key-size=3072"],
      { keySize: 3072 },
    ],
    ["env bools use ParseBool", { SEALED_SECRETS_UPDATE_STATUS: "f" }, [], { updateStatus: false }],
    [
      "env allows data-dependent templates",
      { SEALED_SECRETS_ALLOW_DATA_DEPENDENT_TEMPLATES: "true" },
      [],
      { allowDataDependentTemplates: true },
    ],
    [
      "an invalid env bool is ignored",
      { SEALED_SECRETS_UPDATE_STATUS: "nope" },
      [],
      { updateStatus: true },
    ],
    ["an invalid env int is ignored", { SEALED_SECRETS_KEY_SIZE: "big" }, [], { keySize: 4096 }],
    [
      "an invalid env duration is ignored",
      { SEALED_SECRETS_KEY_TTL: "10y" },
      [],
      { keyTtlMs: 87_600 * 3_600_000 },
    ],
    [
      "ROTATE_PERIOD wins over KEY_RENEW_PERIOD (alphabetical order)",
      { SEALED_SECRETS_KEY_RENEW_PERIOD: "1h", SEALED_SECRETS_ROTATE_PERIOD: "2h" },
      [],
      { keyRenewPeriodMs: 7_200_000 },
    ],
    [
      "the command line alias overrides env",
      { SEALED_SECRETS_ROTATE_PERIOD: "2h" },
      ["--key-renew-period=3h"],
      { keyRenewPeriodMs: 10_800_000 },
    ],
    [
      "env cutoff time",
      { SEALED_SECRETS_KEY_CUTOFF_TIME: "Mon, 02 Jan 2006 15:04:05 -0700" },
      [],
      { keyCutoffTime: new Date("2006-01-02T22:04:05Z") },
    ],
    [
      "unrelated variables are ignored",
      { KEY_SIZE: "1", SEALED_SECRETS_UNKNOWN: "x" },
      [],
      { keySize: 4096 },
    ],
  ])("applies the environment: %s", (_, env, argv, expected) => {
    expect(load(argv, env)).toMatchObject(expected);
  });

  it.each<[string, string[], string]>([
    ["an unknown flag", ["--nope"], "unknown flag: --nope"],
    ["a single-dash flag", ["-key-size=1"], "unknown shorthand flag"],
    ["a missing argument", ["--key-size"], "flag needs an argument: --key-size"],
    ["a bad int", ["--key-size=big"], 'invalid argument "big" for "--key-size" flag'],
    ["a bad bool", ["--update-status=maybe"], 'invalid argument "maybe" for "--update-status"'],
    ["a bad duration", ["--key-ttl=10y"], 'invalid argument "10y" for "--key-ttl"'],
    ["an illegal key prefix character", ["--key-prefix=Keys"], "name contains illegal character K"],
    [
      "a long key prefix",
      [`--key-prefix=${"a".repeat(246)}`],
      "name is too long, must be shorter than 245, got 246",
    ],
    ["a bad cutoff time", ["--key-cutoff-time=yesterday"], "cannot parse"],
    ["a zero rate limit", ["--rate-limit=0"], "--rate-limit must be positive"],
    [
      "a negative resync period",
      ["--resync-period=-1m"],
      "--resync-period must not be negative, got -1m0s",
    ],
    [
      "a negative expiry warning window (shown as a duration, not milliseconds)",
      ["--expiry-warning-window=-1h"],
      "--expiry-warning-window must not be negative, got -1h0m0s",
    ],
    ["a key size under 2048 bits", ["--key-size=1024"], "--key-size must be at least 2048 bits"],
    ["a label without =", ["--privatekey-labels=a"], 'entry "a" is not of the form key=value'],
    [
      "a listen address without a port",
      ["--listen-addr=nope"],
      '--listen-addr: listen address "nope" is not host:port',
    ],
    [
      "a metrics address with a port out of range",
      ["--listen-metrics-addr=:70000"],
      '--listen-metrics-addr: listen address ":70000" is not host:port',
    ],
    [
      "a bad int, with strconv's reason",
      ["--max-connections=1e3"],
      'invalid argument "1e3" for "--max-connections" flag: strconv.ParseInt: parsing "1e3": invalid syntax',
    ],
    [
      "a bad duration, with time's reason",
      ["--read-timeout=5"],
      'invalid argument "5" for "--read-timeout" flag: time: missing unit in duration "5"',
    ],
  ])("refuses %s with ERR_INVALID_FLAG", (_, argv, message) => {
    expect(() => load(argv)).toThrow(
      expect.objectContaining({
        code: "ERR_INVALID_FLAG",
        message: expect.stringContaining(message),
      }),
    );
  });

  it("rejects a bad cutoff time even from env, as the reference aborts on it", () => {
    expect(() => load([], { SEALED_SECRETS_KEY_CUTOFF_TIME: "soon" })).toThrow(/cannot parse/);
  });

  it("warns and falls back to CertNotBefore on an unknown key order priority", () => {
    const config = load(["--key-order-priority=Random"]);
    expect(config.keyOrderPriority).toBe("CertNotBefore");
    expect(config.warnings).toEqual([expect.stringContaining("Random")]);
  });

  it.each<[string, string]>([
    ["DEBUG", "debug"],
    ["info", "info"],
    ["WARN", "warn"],
    ["Error", "error"],
    ["INFO-4", "debug"],
    ["INFO+4", "warn"],
    ["loud", "info"],
  ])("maps the slog level %j to %s", (text, level) => {
    expect(parseSlogLevel(text)).toBe(level);
  });

  it("keeps the last duplicate key of a key=value list", () => {
    expect(parseKeyValueList("x", "a=1,a=2")).toEqual({ a: "2" });
  });

  it.each<[string, string | undefined, number]>([
    [":8080", undefined, 8080],
    ["127.0.0.1:0", "127.0.0.1", 0],
    ["[::1]:81", "::1", 81],
  ])("splits the listen address %j", (addr, host, port) => {
    expect(parseListenAddress(addr)).toEqual({ host, port });
  });

  it("parses the listen addresses into host and port at parse time", () => {
    const config = load(["--listen-addr=127.0.0.1:9090", "--listen-metrics-addr=[::1]:0"]);
    expect(config.listenAddr).toEqual({ host: "127.0.0.1", port: 9090 });
    expect(config.listenMetricsAddr).toEqual({ host: "::1", port: 0 });
  });

  it("takes -h (not a defined flag) as a request for help, as pflag does", () => {
    expect(load(["-h"]).help).toBe(true);
    expect(load([]).help).toBe(false);
  });

  it("reports pflag's deprecation notice for --rotate-period, and none otherwise", () => {
    expect(load(["--rotate-period=1h"]).deprecations).toEqual([
      "Flag --rotate-period has been deprecated, please use key-renew-period instead",
    ]);
    expect(load(["--key-renew-period=1h"]).deprecations).toEqual([]);
  });
});

describe("controller usage", () => {
  const text = controllerUsage("signet-controller", 2);
  const lines = text.split("\n");

  it("lists every flag sorted, with types and non-zero defaults, hiding deprecated ones", () => {
    expect(lines[0]).toBe("Usage of signet-controller:");
    expect(text).toMatch(
      /--key-renew-period duration +New key generation period.*\(default 720h0m0s\)/,
    );
    expect(text).toMatch(
      /--key-prefix string +Prefix used to name keys\. \(default "sealed-secrets-key"\)/,
    );
    expect(text).toMatch(
      /--accept-deprecated-v1-data +Accept deprecated V1 data field\. \(default true\)\n/,
    );
    expect(text).toMatch(/--kubeclient-qps float +Maximum QPS.*\(default 5\)\n/);
    expect(text).toMatch(/--workers int +\(signet\).*\(default 2\)\n/);
    expect(text).not.toContain("--rotate-period");
    expect(text).toMatch(/--old-gc-behavior +Revert[^\n]*itself\.\n/);
    const names = lines.slice(1, -1).map((l) => /--(\S+)/.exec(l)?.[1]);
    expect(names).toEqual([...names].sort());
  });

  it("aligns every description in one column, as pflag does", () => {
    const columns = new Set(lines.slice(1, -1).map((l) => /^ +-\S.*? {2,}/.exec(l)?.[0].length));
    expect(columns.size).toBe(1);
  });
});
