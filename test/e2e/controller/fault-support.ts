// Helpers for the fault tests: a private control plane whose components a test may kill,
// restart or freeze (the shared one serves every other test file), the built controller run
// against it, and watches that record every version of the objects they see.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ClientRequest } from "node:http";
import { request } from "node:https";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { SEALED_SECRETS_KEY_LABEL } from "@signet/core";
import type { GeneratedKey, SealedSecret, Secret } from "@signet/core";

import { apiRequest, waitFor } from "../../cluster/api.js";
import type { ApiEndpoint, ApiResponse } from "../../cluster/api.js";
import { freePort, startControlPlane } from "../../cluster/controlPlane.js";
import type { ControlPlane } from "../../cluster/controlPlane.js";
import { spawnManaged } from "../../cluster/proc.js";
import type { ManagedProcess } from "../../cluster/proc.js";
import { cluster } from "../../cluster/testing.js";
import { CONTROLLER_MAIN } from "./support.js";

const CRDS = fileURLToPath(new URL("../../../crds/", import.meta.url));

/** An API endpoint with its admin token: the shared control plane's or a private one's. */
export interface Endpoint extends ApiEndpoint {
  token: string;
  /** Admin kubeconfig for the controller. */
  kubeconfig: string;
  /** Where controller logs go. */
  runDir: string;
}

/** A control plane of this test file's own (etcd + kube-apiserver + the CRDs). */
export async function privatePlane(): Promise<{ plane: ControlPlane; endpoint: Endpoint }> {
  const plane = await startControlPlane({
    binDir: cluster().binDir,
    manifests: [CRDS],
    controllerManager: false,
    timeoutMs: 240_000,
  });
  const endpoint = {
    ...plane.admin,
    kubeconfig: plane.info.adminKubeconfig,
    runDir: plane.info.runDir,
  };
  return { plane, endpoint };
}

/** The shared control plane as an `Endpoint`. */
export function sharedEndpoint(): Endpoint {
  const c = cluster();
  return {
    server: c.server,
    caPem: c.caPem,
    token: c.adminToken,
    kubeconfig: c.adminKubeconfig,
    runDir: c.runDir,
  };
}

export function call(
  ep: Endpoint,
  path: string,
  req: { method?: string; body?: unknown; contentType?: string; timeoutMs?: number } = {},
): Promise<ApiResponse> {
  return apiRequest(ep, path, { ...req, token: ep.token });
}

async function ok(ep: Endpoint, path: string, req: Parameters<typeof call>[2]): Promise<unknown> {
  const res = await call(ep, path, req);
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`${req?.method ?? "GET"} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
  }
  return res.json;
}

export async function makeNamespace(ep: Endpoint, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString("hex")}`;
  await ok(ep, "/api/v1/namespaces", { method: "POST", body: { metadata: { name } } });
  return name;
}

/** Writes `key` as the reference does (kubernetes.io/tls, label active). */
export async function putKey(ep: Endpoint, ns: string, key: GeneratedKey): Promise<void> {
  await ok(ep, `/api/v1/namespaces/${ns}/secrets`, {
    method: "POST",
    body: {
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
}

export const ssPath = (ns: string, name?: string): string =>
  `/apis/bitnami.com/v1alpha1/namespaces/${ns}/sealedsecrets${name === undefined ? "" : `/${name}`}`;

export async function createSealed(ep: Endpoint, ss: SealedSecret): Promise<void> {
  await ok(ep, ssPath(ss.metadata.namespace ?? ""), { method: "POST", body: ss });
}

/** Replaces the spec (a re-seal): the generation moves. */
export async function resealTo(ep: Endpoint, ss: SealedSecret): Promise<void> {
  const { namespace = "", name = "" } = ss.metadata;
  await ok(ep, ssPath(namespace, name), {
    method: "PATCH",
    contentType: "application/merge-patch+json",
    body: { spec: ss.spec },
  });
}

export async function listSealed(ep: Endpoint, ns: string): Promise<SealedSecret[]> {
  return ((await ok(ep, ssPath(ns), {})) as { items: SealedSecret[] }).items;
}

/** The resourceVersion of a collection now (a watch from it sees only later changes). */
export async function collectionVersion(ep: Endpoint, path: string): Promise<string> {
  const list = (await ok(ep, `${path}?limit=1`, {})) as { metadata: { resourceVersion: string } };
  return list.metadata.resourceVersion;
}

export async function listSecrets(ep: Endpoint, ns: string): Promise<Map<string, Secret>> {
  const { items } = (await ok(ep, `/api/v1/namespaces/${ns}/secrets`, {})) as { items: Secret[] };
  return new Map(items.map((s) => [s.metadata?.name ?? "", s]));
}

const synced = (ss: SealedSecret): boolean =>
  ss.status?.observedGeneration === ss.metadata.generation &&
  ss.status?.conditions?.some((c) => c.type === "Synced" && c.status === "True") === true;

/** The SealedSecrets of `ns` whose status does not say Synced for their current generation. */
export async function notSynced(ep: Endpoint, ns: string): Promise<string[]> {
  return (await listSealed(ep, ns)).filter((ss) => !synced(ss)).map((ss) => ss.metadata.name ?? "");
}

/**
 * Waits until every SealedSecret of `ns` is Synced at its generation and its Secret holds
 * `expected(name)` under key `k`; returns how long that took. On timeout the error lists the
 * objects still out of line.
 */
export async function waitConverged(
  ep: Endpoint,
  ns: string,
  expected: (name: string) => string,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  let behind: string[] = [];
  try {
    await waitFor(
      `every SealedSecret of ${ns} Synced with its Secret written`,
      async () => {
        const [objects, secrets] = await Promise.all([listSealed(ep, ns), listSecrets(ep, ns)]);
        behind = objects
          .filter((ss) => {
            const name = ss.metadata.name ?? "";
            const data = secrets.get(name)?.data?.["k"];
            return !synced(ss) || Buffer.from(data ?? "", "base64").toString() !== expected(name);
          })
          .map((ss) => ss.metadata.name ?? "");
        return objects.length > 0 && behind.length === 0 ? true : undefined;
      },
      timeoutMs,
      250,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; still behind: ${behind.join(", ")}`, {
      cause: err,
    });
  }
  return Date.now() - started;
}

export interface Controller {
  proc: ManagedProcess;
  url: string;
  metricsUrl: string;
  log(): string;
}

/** Starts the built controller as a process with the endpoint's admin kubeconfig. */
export async function startControllerOn(
  ep: Endpoint,
  ns: string,
  args: readonly string[] = [],
): Promise<Controller> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const logFile = join(ep.runDir, `controller-${ns}-${port}.log`);
  const proc = spawnManaged(
    "signet-controller",
    process.execPath,
    [
      CONTROLLER_MAIN,
      `--kubeconfig=${ep.kubeconfig}`,
      `--listen-addr=127.0.0.1:${port}`,
      `--listen-metrics-addr=127.0.0.1:${metricsPort}`,
      "--key-renew-period=0",
      "--log-level=DEBUG",
      "--all-namespaces=false",
      "--kubeclient-qps=100",
      "--kubeclient-burst=200",
      ...args,
    ],
    { logFile, env: { ...process.env, POD_NAMESPACE: ns, KUBECONFIG: "" } },
  );
  const ctl = {
    proc,
    url: `http://127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    log: () => readFileSync(logFile, "utf8"),
  };
  const ready = waitFor(
    "controller /healthz",
    async () => ((await fetch(`${ctl.url}/healthz`)).status === 200 ? true : undefined),
    90_000,
    100,
  );
  const exited = proc.exited.then((code) => {
    throw new Error(`controller exited (${code}) before ready:\n${proc.tail(40)}`);
  });
  await Promise.race([ready, exited]);
  exited.catch(() => undefined);
  return ctl;
}

/** The value of one counter or gauge (summed over its label sets) on a /metrics page. */
export async function metric(ctl: Controller, name: string): Promise<number> {
  const text = await (await fetch(ctl.metricsUrl)).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
}

/** One version of an object as a watch delivered it. */
export interface Version {
  type: string;
  name: string;
  resourceVersion: string;
  /** When the event arrived (ms since epoch). */
  at: number;
  /** Secrets: the value of data key `k`; SealedSecrets: "". */
  value: string;
  /** SHA-256 of type + data (Secrets). */
  content: string;
  /** SealedSecrets: status.observedGeneration and Synced status. */
  observedGeneration: number | undefined;
  synced: string | undefined;
  generation: number | undefined;
  /** Leases: spec.holderIdentity. */
  holder: string | undefined;
}

/**
 * Records every version of every object of a collection through one watch: from now on
 * (existing objects first, as ADDED), or after `resourceVersion` (a list's).
 */
export function recordVersions(
  ep: Endpoint,
  collectionPath: string,
  resourceVersion?: string,
): { versions: Version[]; stop(): void } {
  const versions: Version[] = [];
  let buffered = "";
  const req: ClientRequest = request(
    new URL(
      `${collectionPath}?watch=true${resourceVersion ? `&resourceVersion=${resourceVersion}` : ""}`,
      ep.server,
    ),
    { ca: ep.caPem, headers: { authorization: `Bearer ${ep.token}` } },
    (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffered += chunk;
        for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim() !== "") versions.push(toVersion(line));
        }
      });
      res.on("error", () => undefined);
    },
  );
  req.on("error", () => undefined);
  req.end();
  return { versions, stop: () => req.destroy() };
}

function toVersion(line: string): Version {
  const event = JSON.parse(line) as {
    type: string;
    object: {
      metadata?: { name?: string; resourceVersion?: string; generation?: number };
      type?: string;
      data?: Record<string, string>;
      status?: SealedSecret["status"];
      spec?: { holderIdentity?: string };
    };
  };
  const { metadata = {}, data = {}, type = "", status, spec } = event.object;
  const sorted = Object.keys(data)
    .sort()
    .map((k) => [k, data[k]]);
  return {
    type: event.type,
    name: metadata.name ?? "",
    resourceVersion: metadata.resourceVersion ?? "",
    at: Date.now(),
    value: Buffer.from(data["k"] ?? "", "base64").toString(),
    content: createHash("sha256")
      .update(JSON.stringify([type, sorted]))
      .digest("hex"),
    observedGeneration: status?.observedGeneration,
    synced: status?.conditions?.find((c) => c.type === "Synced")?.status,
    generation: metadata.generation,
    holder: spec?.holderIdentity,
  };
}

/** Lines of a controller log whose message starts with `msg`. */
export const logLines = (ctl: Controller, msg: string): string[] =>
  ctl
    .log()
    .split("\n")
    .filter((l) => l.includes(`msg="${msg}`));
