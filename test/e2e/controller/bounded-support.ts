// Helpers for the denial-of-service regressions (bounded-*.test.ts): the attacker's RBAC,
// requests through the API server's service proxy from a chosen source address, hostile
// payloads, and what the controller process spends (peak RSS, metrics).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request } from "node:https";

import type { GeneratedKey, SealedSecret } from "@signet/core";

import { api, cluster } from "../../cluster/testing.js";
import type { Identity } from "../../cluster/testing.js";
import { seal } from "./support.js";

const USER = "e2e-user";

async function apply(path: string, body: object): Promise<void> {
  const res = await api(path, { method: "POST", body });
  if (res.status !== 201 && res.status !== 409)
    throw new Error(`${path}: ${res.status} ${res.body}`);
}

/** A Role + RoleBinding in `namespace` giving e2e-user exactly `rules`. */
export async function grant(namespace: string, name: string, rules: object[]): Promise<void> {
  const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}`;
  await apply(`${rbac}/roles`, { metadata: { name }, rules });
  await apply(`${rbac}/rolebindings`, {
    metadata: { name },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: USER }],
  });
}

/** What kubeseal users get (deploy/kustomize/components/service-proxier): the API, nothing else. */
export function grantServiceProxy(controllerNamespace: string): Promise<void> {
  return grant(controllerNamespace, "service-proxier", [
    {
      apiGroups: [""],
      resources: ["services"],
      resourceNames: ["sealed-secrets-controller"],
      verbs: ["get"],
    },
    {
      apiGroups: [""],
      resources: ["services/proxy"],
      resourceNames: [
        "http:sealed-secrets-controller:",
        "http:sealed-secrets-controller:http",
        "sealed-secrets-controller",
      ],
      verbs: ["get", "create"],
    },
  ]);
}

/** A tenant who may manage SealedSecrets in its namespace (and read nothing else). */
export function grantSealedSecrets(namespace: string): Promise<void> {
  return grant(namespace, "sealedsecrets-editor", [
    {
      apiGroups: ["bitnami.com"],
      resources: ["sealedsecrets"],
      verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
    },
  ]);
}

export interface ProxyAnswer {
  status: number;
  body: string;
  ms: number;
}

/**
 * One request to the API server (a path under the service proxy, usually) as `as`, from the
 * local address `from` (any 127.x address: the API server sees distinct clients).
 */
export function viaApiServer(
  path: string,
  opts: {
    method?: string;
    body?: string;
    as?: Identity;
    from?: string;
    xff?: string;
    timeoutMs?: number;
  } = {},
): Promise<ProxyAnswer> {
  const c = cluster();
  const token = opts.as === "user" ? c.userToken : c.adminToken;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const r = request(
      new URL(path, c.server),
      {
        method: opts.method ?? "GET",
        ca: c.caPem,
        localAddress: opts.from ?? "127.0.0.1",
        timeout: opts.timeoutMs ?? 60_000,
        headers: {
          authorization: `Bearer ${token}`,
          ...(opts.xff !== undefined && { "x-forwarded-for": opts.xff }),
          ...(opts.body !== undefined && { "content-type": "application/json" }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            ms: performance.now() - started,
          }),
        );
        res.on("error", reject);
      },
    );
    r.on("timeout", () => r.destroy(new Error(`timeout: ${path}`)));
    r.on("error", reject);
    if (opts.body !== undefined) r.write(opts.body);
    r.end();
  });
}

/** A plain HTTP GET to `url` from `from`; "refused" when the connection is closed or refused. */
export function plainGet(
  url: string,
  from = "127.0.0.1",
  timeoutMs = 5000,
): Promise<number | string> {
  return new Promise((resolve) => {
    const r = httpRequest(url, { localAddress: from, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", () => resolve("refused"));
    });
    r.on("timeout", () => {
      r.destroy();
      resolve("timeout");
    });
    r.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? "refused"));
    r.end();
  });
}

/**
 * Polls `probe` every `everyMs` until `until` settles; resolves with every probe's outcome
 * (true: answered 200 in time).
 */
export async function probeWhile(
  until: Promise<unknown>,
  probe: () => Promise<boolean>,
  everyMs = 250,
): Promise<boolean[]> {
  const outcomes: boolean[] = [];
  let done = false;
  void until.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    outcomes.push(await probe().catch(() => false));
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return outcomes;
}

/** Peak resident memory (VmHWM) of a process, in MiB. */
export function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

/** The Node.js process of a managed process (setpriv and `ip netns exec` exec into it). */
export function nodePid(pid: number | undefined): number {
  if (pid === undefined) throw new Error("process has no pid");
  const comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  if (comm !== "node") throw new Error(`pid ${pid} is ${comm}, not node`);
  return pid;
}

/** A metric's value from Prometheus exposition text (0 when absent). */
export function metric(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/**
 * A value that looks sealed for a 4096-bit key (length prefix 512, a wrapped key below any
 * 4096-bit modulus, a short body) but that no key opens: every one costs an RSA operation per
 * key to the reference.
 */
export function fakeValue4096(): string {
  const blob = randomBytes(2 + 512 + 32);
  blob.writeUInt16BE(512, 0);
  blob[2] = 0x01;
  return blob.toString("base64");
}

/** Items named `v00000`... filling about `bytes` of JSON. */
export function fakeItems(bytes: number): Record<string, string> {
  const one = fakeValue4096().length + 12;
  const count = Math.floor(bytes / one);
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`v${String(i).padStart(5, "0")}`, fakeValue4096()]),
  );
}

/** A SealedSecret of `namespace/name` whose `encryptedData` is `items`. */
export function sealedWithItems(
  namespace: string,
  name: string,
  items: Record<string, string>,
): SealedSecret {
  return {
    apiVersion: "bitnami.com/v1alpha1",
    kind: "SealedSecret",
    metadata: { name, namespace },
    spec: { encryptedData: items, template: { metadata: { name, namespace } } },
  };
}

/** A SealedSecret whose `count` values all open with `key` (what anyone with the cert can make). */
export function validItems(
  key: GeneratedKey,
  namespace: string,
  name: string,
  count: number,
): SealedSecret {
  const data = Object.fromEntries(Array.from({ length: count }, (_, i) => [`v${i}`, `x${i}`]));
  return seal(key, { namespace, name, data });
}
