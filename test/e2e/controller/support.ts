// Helpers for the controller e2e tests: a key Secret in the reference's format, sealing with
// @signet/core, the built controller started in a network namespace, and polling reads.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import {
  generatePrivateKeyAndCert,
  parseSealingCertificate,
  SEALED_SECRETS_KEY_LABEL,
  sealSecret,
} from "@signet/core";
import type { GeneratedKey, SealedSecret, Secret } from "@signet/core";

import { waitFor } from "../../cluster/api.js";
import { freePort } from "../../cluster/controlPlane.js";
import { spawnManaged } from "../../cluster/proc.js";
import type { ManagedProcess } from "../../cluster/proc.js";
import { api, cluster, serveInNetns } from "../../cluster/testing.js";
import type { NetnsServer } from "../../cluster/testing.js";
import { controllerNodeFlags } from "./node-flags.js";

export const CONTROLLER_MAIN = fileURLToPath(
  new URL("../../../packages/controller/dist/bundle/main.js", import.meta.url),
);

/** A 2048-bit key (fast to generate; the controller accepts any RSA size). */
export function testKey(): Promise<GeneratedKey> {
  return generatePrivateKeyAndCert({ keySize: 2048, now: new Date(), random: randomBytes });
}

/** Writes `key` as the reference does: kubernetes.io/tls, generateName, label active. */
export async function createKeySecret(namespace: string, key: GeneratedKey): Promise<string> {
  const res = await api(`/api/v1/namespaces/${namespace}/secrets`, {
    method: "POST",
    body: {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        generateName: "sealed-secrets-key",
        labels: { [SEALED_SECRETS_KEY_LABEL]: "active" },
      },
      type: "kubernetes.io/tls",
      data: {
        "tls.crt": Buffer.from(key.certificatePem).toString("base64"),
        "tls.key": Buffer.from(key.privateKeyPem).toString("base64"),
      },
    },
  });
  if (res.status !== 201) throw new Error(`key Secret: ${res.status} ${res.body}`);
  return (res.json as { metadata: { name: string } }).metadata.name;
}

export interface SealSpec {
  namespace: string;
  name: string;
  data: Record<string, string>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  type?: string;
  immutable?: boolean;
}

/** Seals a Secret with `key`'s certificate, as kubeseal would. */
export function seal(key: GeneratedKey, spec: SealSpec): SealedSecret {
  const secret: Secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      ...(spec.labels && { labels: spec.labels }),
      ...(spec.annotations && { annotations: spec.annotations }),
    },
    ...(spec.type && { type: spec.type }),
    ...(spec.immutable !== undefined && { immutable: spec.immutable }),
    stringData: spec.data,
  };
  return sealSecret(secret, {
    certificate: parseSealingCertificate(key.certificatePem, new Date()),
    random: randomBytes,
  });
}

const ssPath = (ns: string, name?: string): string =>
  `/apis/bitnami.com/v1alpha1/namespaces/${ns}/sealedsecrets${name ? `/${name}` : ""}`;

/** Creates the SealedSecret in the namespace its metadata names. */
export async function createSealedSecret(ss: SealedSecret): Promise<SealedSecret> {
  const res = await api(ssPath(ss.metadata.namespace ?? ""), { method: "POST", body: ss });
  if (res.status !== 201) throw new Error(`create SealedSecret: ${res.status} ${res.body}`);
  return res.json as SealedSecret;
}

/** Replaces the spec of an existing SealedSecret (bumps its generation). */
export async function updateSealedSecret(ss: SealedSecret): Promise<SealedSecret> {
  const { namespace = "", name = "" } = ss.metadata;
  const res = await api(ssPath(namespace, name), {
    method: "PATCH",
    contentType: "application/merge-patch+json",
    body: { spec: ss.spec },
  });
  if (res.status !== 200) throw new Error(`update SealedSecret: ${res.status} ${res.body}`);
  return res.json as SealedSecret;
}

export async function getSealedSecret(ns: string, name: string): Promise<SealedSecret> {
  const res = await api(ssPath(ns, name));
  if (res.status !== 200) throw new Error(`get SealedSecret: ${res.status}`);
  return res.json as SealedSecret;
}

export async function getSecret(ns: string, name: string): Promise<Secret | undefined> {
  const res = await api(`/api/v1/namespaces/${ns}/secrets/${name}`);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`get Secret: ${res.status}`);
  return res.json as Secret;
}

export async function createSecret(ns: string, secret: Secret): Promise<void> {
  const res = await api(`/api/v1/namespaces/${ns}/secrets`, { method: "POST", body: secret });
  if (res.status !== 201) throw new Error(`create Secret: ${res.status} ${res.body}`);
}

export async function deleteSecret(ns: string, name: string): Promise<void> {
  await api(`/api/v1/namespaces/${ns}/secrets/${name}`, { method: "DELETE" });
}

export interface KubeEvent {
  reason: string;
  message: string;
  type: string;
  count?: number;
  source?: { component?: string };
  involvedObject: { name: string; kind: string };
}

export async function events(ns: string, name?: string): Promise<KubeEvent[]> {
  const res = await api(`/api/v1/namespaces/${ns}/events`);
  const items = (res.json as { items: KubeEvent[] }).items;
  return items.filter((e) => name === undefined || e.involvedObject.name === name);
}

const WAIT_MS = 30_000;

/** Waits until the SealedSecret's Synced condition has `status` for its current generation. */
export function waitSynced(
  ns: string,
  name: string,
  status: "True" | "False",
  generation = 1,
): Promise<SealedSecret> {
  return waitFor(
    `SealedSecret ${ns}/${name} Synced=${status} at generation ${generation}`,
    async () => {
      const ss = await getSealedSecret(ns, name);
      const synced = ss.status?.conditions?.find((c) => c.type === "Synced");
      return ss.status?.observedGeneration === generation && synced?.status === status
        ? ss
        : undefined;
    },
    WAIT_MS,
    100,
  );
}

/** Waits until the Secret exists and `check` accepts it. */
export function waitSecret(
  ns: string,
  name: string,
  what: string,
  check: (s: Secret) => boolean = () => true,
): Promise<Secret> {
  return waitFor(
    `Secret ${ns}/${name}: ${what}`,
    async () => {
      const s = await getSecret(ns, name);
      return s && check(s) ? s : undefined;
    },
    WAIT_MS,
    100,
  );
}

export function waitEvent(ns: string, name: string, reason: string): Promise<KubeEvent> {
  return waitFor(
    `event ${reason} on ${ns}/${name}`,
    async () => (await events(ns, name)).find((e) => e.reason === reason),
    WAIT_MS,
    100,
  );
}

export const b64 = (s: string): string => Buffer.from(s).toString("base64");
export const unb64 = (s: string | undefined): string =>
  Buffer.from(s ?? "", "base64").toString("utf8");

/** A distinctive plaintext; every one made is grepped for in logs, events and statuses. */
export function plaintext(tag: string, made: string[]): string {
  const value = `pt-${tag}-${randomBytes(6).toString("hex")}`;
  made.push(value);
  return value;
}

export interface RunningController {
  srv: NetnsServer;
  /** Everything the controller wrote to stdout and stderr so far. */
  log(): string;
}

/**
 * Starts the built controller in a network namespace, registered as Service
 * `sealed-secrets-controller` in `namespace` (also its own namespace, where keys live), and
 * waits until /healthz through the service proxy says ready.
 */
export async function startController(
  namespace: string,
  extraArgs: readonly string[] = [],
): Promise<RunningController> {
  const srv = await serveInNetns({
    namespace,
    name: "sealed-secrets-controller",
    port: 8080,
    command: process.execPath,
    args: [
      ...controllerNodeFlags(CONTROLLER_MAIN),
      CONTROLLER_MAIN,
      "--listen-addr=:8080",
      "--listen-metrics-addr=:8081",
      "--key-renew-period=0",
      "--log-level=DEBUG",
      // The reference's 5 QPS default would make these tests wait on the client throttle.
      "--kubeclient-qps=100",
      "--kubeclient-burst=200",
      ...extraArgs,
    ],
    env: { POD_NAMESPACE: namespace },
  });
  const log = (): string => readFileSync(srv.process.logFile, "utf8");
  try {
    await waitFor(
      "controller /healthz to report ready",
      async () => {
        const res = await api(`${srv.proxyPath}/healthz`);
        return res.status === 200 ? true : undefined;
      },
      60_000,
      200,
    );
  } catch (err) {
    const tail = srv.process.tail(40);
    await srv.stop();
    throw new Error(`${(err as Error).message}\ncontroller log:\n${tail}`, { cause: err });
  }
  return { srv, log };
}

export interface LocalController {
  proc: ManagedProcess;
  /** http://127.0.0.1:PORT of the HTTP API. */
  url: string;
  metricsUrl: string;
  log(): string;
}

/**
 * Starts the built controller as a plain process with the admin kubeconfig (`--kubeconfig`,
 * the development mode), its API and metrics on free loopback ports; waits for /healthz unless
 * `waitReady` is false.
 */
export async function startLocalController(
  namespace: string,
  extraArgs: readonly string[] = [],
  waitReady = true,
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<LocalController> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const logFile = join(cluster().runDir, `controller-${namespace}-${port}.log`);
  const proc = spawnManaged(
    "signet-controller",
    process.execPath,
    [
      ...controllerNodeFlags(CONTROLLER_MAIN),
      CONTROLLER_MAIN,
      `--kubeconfig=${cluster().adminKubeconfig}`,
      `--listen-addr=127.0.0.1:${port}`,
      `--listen-metrics-addr=127.0.0.1:${metricsPort}`,
      "--key-renew-period=0",
      "--log-level=DEBUG",
      // The reference's 5 QPS default would make these tests wait on the client throttle.
      "--kubeclient-qps=100",
      "--kubeclient-burst=200",
      ...extraArgs,
    ],
    { logFile, env: { ...process.env, ...extraEnv, POD_NAMESPACE: namespace, KUBECONFIG: "" } },
  );
  const ctl = {
    proc,
    url: `http://127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    log: () => readFileSync(logFile, "utf8"),
  };
  if (waitReady) await waitReadyOrThrow(ctl);
  return ctl;
}

/** Waits until /healthz answers 200; fails with the log tail (or the exit) otherwise. */
export async function waitReadyOrThrow(ctl: LocalController, timeoutMs = 60_000): Promise<void> {
  const ready = waitFor(
    "controller /healthz to report ready",
    async () => ((await fetch(`${ctl.url}/healthz`)).status === 200 ? true : undefined),
    timeoutMs,
    100,
  );
  const exited = ctl.proc.exited.then((code) => {
    throw new Error(`controller exited (${code}) before ready:\n${ctl.proc.tail(40)}`);
  });
  try {
    await Promise.race([ready, exited]);
  } catch (err) {
    await ctl.proc.stop();
    throw new Error(`${(err as Error).message}\n${ctl.proc.tail(40)}`, { cause: err });
  }
}

/** The key Secrets (label active) of `namespace`, oldest first. */
export async function keySecrets(namespace: string): Promise<Secret[]> {
  const res = await api(
    `/api/v1/namespaces/${namespace}/secrets?labelSelector=${encodeURIComponent(`${SEALED_SECRETS_KEY_LABEL}=active`)}`,
  );
  return (res.json as { items: Secret[] }).items;
}

/**
 * Deletes every SealedSecret of `namespaces`, so controllers of later test files (which watch
 * all namespaces) do not find objects in namespaces that are still being torn down.
 */
export async function deleteSealedSecrets(namespaces: readonly string[]): Promise<void> {
  for (const n of namespaces) {
    await api(`/apis/bitnami.com/v1alpha1/namespaces/${n}/sealedsecrets`, { method: "DELETE" });
  }
}
