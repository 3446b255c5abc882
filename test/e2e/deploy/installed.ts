/// <reference types="node" />
// Runs the built controller the way an install manifest runs it: the Deployment's own args and
// env, the ServiceAccount's own token (so only the manifest's RBAC applies), in a network
// namespace reachable through the API server's service proxy.
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseSealingCertificate, sealSecret } from "@signet/core";
import type { SealedSecret } from "@signet/core";

import { waitFor } from "../../cluster/api.js";
import { api, kubectl, serveInNetns } from "../../cluster/testing.js";
import type { NetnsServer } from "../../cluster/testing.js";
import { asList, find, isolate } from "./render.js";
import type { K8sObject } from "./render.js";

export const CONTROLLER_MAIN = fileURLToPath(
  new URL("../../../packages/controller/dist/bundle/main.js", import.meta.url),
);
const SA = "sealed-secrets-controller";

interface Container {
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
}

/** The controller container's args and plain env values from a rendered Deployment. */
export function deploymentCommand(objects: readonly K8sObject[]): {
  args: string[];
  env: Record<string, string>;
} {
  const d = find(objects, "Deployment", SA) as unknown as {
    spec: { template: { spec: { containers: Container[] } } };
  };
  const c = d.spec.template.spec.containers[0] ?? {};
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return { args: c.args ?? [], env };
}

/** A token for the ServiceAccount (TokenRequest API). */
export async function serviceAccountToken(ns: string, sa = SA): Promise<string> {
  const res = await api(`/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
    method: "POST",
    body: {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: { expirationSeconds: 3600 },
    },
  });
  if (res.status !== 201) throw new Error(`TokenRequest: ${res.status} ${res.body}`);
  return (res.json as { status: { token: string } }).status.token;
}

/** Applies `objects` (cluster-scoped RBAC suffixed with `ns`); returns what was applied. */
export function install(objects: readonly K8sObject[], ns: string): K8sObject[] {
  const isolated = isolate(objects, ns);
  kubectl(["apply", "--server-side", "--field-manager=signet-e2e", "-f", "-"], {
    input: asList(isolated),
  });
  return isolated;
}

export function uninstallClusterScoped(objects: readonly K8sObject[]): void {
  const cluster = objects.filter(
    (o) => o.kind === "ClusterRole" || o.kind === "ClusterRoleBinding",
  );
  if (cluster.length) {
    kubectl(["delete", "--ignore-not-found", "-f", "-"], { input: asList(cluster) });
  }
}

export interface Running {
  srv: NetnsServer;
  certPem: string;
  log(): string;
}

/**
 * Starts the controller with the Deployment's args/env from `objects`, as its ServiceAccount in
 * `ns` (the install's namespace), and waits until it serves its certificate.
 */
export async function startInstalled(objects: readonly K8sObject[], ns: string): Promise<Running> {
  const { args, env } = deploymentCommand(objects);
  const token = await serviceAccountToken(ns);
  const srv = await serveInNetns({
    namespace: ns,
    // Not the manifest's Service name: that Service exists already, with a Pod selector.
    name: "signet-under-test",
    port: 8080,
    command: process.execPath,
    args: [CONTROLLER_MAIN, ...args],
    env: { ...env, POD_NAMESPACE: ns, POD_NAME: "signet-under-test" },
    identity: { name: `system:serviceaccount:${ns}:${SA}`, token },
    readyTimeoutMs: 60_000,
  });
  const log = (): string => srv.process.tail(60);
  try {
    const certPem = await waitFor(
      "controller to serve its certificate",
      async () => {
        const res = await api(`${srv.proxyPath}/v1/cert.pem`);
        return res.status === 200 ? res.body : undefined;
      },
      60_000,
      200,
    );
    return { srv, certPem, log };
  } catch (err) {
    const tail = log();
    await srv.stop();
    throw new Error(`${(err as Error).message}\ncontroller log:\n${tail}`, { cause: err });
  }
}

/** Seals `data` for ns/name with the controller's certificate, as kubeseal does. */
export function sealFor(
  certPem: string,
  ns: string,
  name: string,
  data: Record<string, string>,
): SealedSecret {
  return sealSecret(
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name, namespace: ns },
      stringData: data,
    },
    { certificate: parseSealingCertificate(certPem, new Date()), random: randomBytes },
  );
}

const ssPath = (ns: string, name = ""): string =>
  `/apis/bitnami.com/v1alpha1/namespaces/${ns}/sealedsecrets${name ? `/${name}` : ""}`;

export async function createSealedSecret(ss: SealedSecret): Promise<void> {
  const res = await api(ssPath(ss.metadata.namespace ?? ""), { method: "POST", body: ss });
  if (res.status !== 201) throw new Error(`create SealedSecret: ${res.status} ${res.body}`);
}

export async function getSealedSecret(ns: string, name: string): Promise<SealedSecret> {
  const res = await api(ssPath(ns, name));
  if (res.status !== 200) throw new Error(`get SealedSecret: ${res.status} ${res.body}`);
  return res.json as SealedSecret;
}

export async function patchSealedSecretSpec(
  ns: string,
  name: string,
  spec: Record<string, unknown>,
): Promise<SealedSecret> {
  const res = await api(ssPath(ns, name), {
    method: "PATCH",
    contentType: "application/merge-patch+json",
    body: { spec },
  });
  if (res.status !== 200) throw new Error(`patch SealedSecret: ${res.status} ${res.body}`);
  return res.json as SealedSecret;
}

/** Waits for the Secret ns/name and returns its decoded data. */
export function waitSecretData(ns: string, name: string): Promise<Record<string, string>> {
  return waitFor(
    `Secret ${ns}/${name}`,
    async () => {
      const res = await api(`/api/v1/namespaces/${ns}/secrets/${name}`);
      if (res.status !== 200) return undefined;
      const data = (res.json as { data?: Record<string, string> }).data ?? {};
      return Object.fromEntries(
        Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
      );
    },
    30_000,
    100,
  );
}

/** Waits until the SealedSecret's status has observed `generation` with Synced = `synced`. */
export function waitStatus(
  ns: string,
  name: string,
  synced: "True" | "False",
  generation = 1,
): Promise<SealedSecret> {
  return waitFor(
    `SealedSecret ${ns}/${name} Synced=${synced} at generation ${generation}`,
    async () => {
      const ss = await getSealedSecret(ns, name);
      const c = ss.status?.conditions?.find((x) => x.type === "Synced");
      return ss.status?.observedGeneration === generation && c?.status === synced ? ss : undefined;
    },
    30_000,
    100,
  );
}
