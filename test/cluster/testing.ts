/// <reference types="node" />
// Helpers for e2e tests running against the control plane started by globalSetup.ts.
//
//   const ns = await testNamespace();                 // fresh namespace, deleted after the test
//   kubectl(["apply", "-n", ns, "-f", "-"], { input }) // kubectl as admin (or { as: "user" })
//   const srv = await serveInNetns({ namespace: ns, name: "web", port: 8080, command, args });
//   await proxyGet(`${srv.proxyPath}/healthz`)         // through the apiserver's service proxy
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { inject, onTestFinished } from "vitest";
import { apiCall, apiRequest, type ApiResponse, type ApiRequest } from "./api.js";
import { writeFileSync } from "node:fs";
import { kubeconfig, type ClusterInfo } from "./controlPlane.js";
import { createNetns, registerService, startRelay, waitForTcp } from "./netns.js";
import { run, type ManagedProcess } from "./proc.js";

export type { ClusterInfo } from "./controlPlane.js";

/** Connection info of the shared control plane (kubeconfigs, tokens, CA, server URL). */
export function cluster(): ClusterInfo {
  const info = inject("signetCluster");
  if (!info) throw new Error("no control plane: run these tests with `vitest --project e2e`");
  return info;
}

/** Admin endpoint for the small REST helpers in api.ts. */
export function admin(): { server: string; caPem: string; token: string } {
  const c = cluster();
  return { server: c.server, caPem: c.caPem, token: c.adminToken };
}

/** Raw API request as admin (default) or as the unprivileged user. */
export function api(
  path: string,
  req: Omit<ApiRequest, "token"> & { as?: Identity } = {},
): Promise<ApiResponse> {
  const c = cluster();
  const { token } = identity(c, req.as);
  return apiRequest({ server: c.server, caPem: c.caPem }, path, { ...req, token });
}

/**
 * Token users: "admin" (system:masters), "user" (no grants), "controller"
 * (system:serviceaccount:kube-system:sealed-secrets-controller, no grants until RBAC is applied),
 * or any `{ name, token }`.
 */
export type Identity = "admin" | "user" | "controller" | { name: string; token: string };

function identity(c: ClusterInfo, id: Identity = "admin"): { name: string; token: string } {
  switch (id) {
    case "admin":
      return { name: "e2e-admin", token: c.adminToken };
    case "user":
      return { name: c.userName, token: c.userToken };
    case "controller":
      return { name: c.controllerUser, token: c.controllerToken };
    default:
      return id;
  }
}

/** Runs the version-matched kubectl; returns stdout, throws (with stderr) on failure. */
export function kubectl(
  args: readonly string[],
  opts: { input?: string; as?: Identity } = {},
): string {
  const c = cluster();
  const auth =
    opts.as === undefined || opts.as === "admin"
      ? [`--kubeconfig=${c.adminKubeconfig}`]
      : opts.as === "user"
        ? [`--kubeconfig=${c.userKubeconfig}`]
        : [`--kubeconfig=${c.adminKubeconfig}`, `--token=${identity(c, opts.as).token}`];
  return run(c.kubectl, [...auth, ...args], opts.input);
}

/** Creates a uniquely named namespace; returns its name. Delete it with deleteNamespace. */
export async function createNamespace(prefix = "e2e"): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString("hex")}`;
  await apiCall(admin(), "/api/v1/namespaces", {
    token: admin().token,
    method: "POST",
    body: { apiVersion: "v1", kind: "Namespace", metadata: { name } },
  });
  return name;
}

/** Starts namespace deletion (the namespace controller finishes it); does not wait. */
export async function deleteNamespace(name: string): Promise<void> {
  await apiCall(admin(), `/api/v1/namespaces/${name}`, {
    token: admin().token,
    method: "DELETE",
    okStatuses: [404],
  });
}

/** A fresh namespace for the current test, deleted when the test finishes. */
export async function testNamespace(prefix = "e2e"): Promise<string> {
  const name = await createNamespace(prefix);
  onTestFinished(() => deleteNamespace(name));
  return name;
}

export interface NetnsServer {
  /** `/api/v1/namespaces/NS/services/http:NAME:PORTNAME/proxy` (append the request path). */
  proxyPath: string;
  /** Address of the server inside its network namespace. */
  ip: string;
  port: number;
  /**
   * Kubeconfig usable from inside the network namespace (server = a relay on the veth's root
   * end, `tls-server-name: localhost`); also passed to the process as KUBECONFIG.
   */
  kubeconfig: string;
  process: ManagedProcess;
  /** Stops the process and removes the network namespace (the Service stays in NS). */
  stop(): Promise<void>;
}

export interface NetnsServerSpec {
  /** Kubernetes namespace for the Service + EndpointSlice. */
  namespace: string;
  /** Service name. */
  name: string;
  /** Port the process listens on (inside the network namespace, any address). */
  port: number;
  portName?: string;
  command: string;
  args: readonly string[];
  /** Identity in the netns kubeconfig (default "admin"). */
  identity?: Identity;
  /**
   * Extra environment. SIGNET_NETNS_IP and SIGNET_NETNS_PORT are always set; KUBECONFIG
   * defaults to the netns kubeconfig.
   */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long to wait for the port to accept connections. Default 30 s. */
  readyTimeoutMs?: number;
}

/**
 * Runs a process in a fresh network namespace, waits until it accepts TCP connections on
 * `port`, and registers it as Service `name` in `namespace`, reachable through the apiserver's
 * service proxy. Call stop() when done (process exit also cleans up).
 */
export async function serveInNetns(spec: NetnsServerSpec): Promise<NetnsServer> {
  const c = cluster();
  const netns = createNetns();
  const relay = await startRelay(netns.hostIp, Number(new URL(c.server).port));
  const id = identity(c, spec.identity);
  const nsKubeconfig = join(c.runDir, `${netns.name}.kubeconfig`);
  const server = `https://${netns.hostIp}:${relay.port}`;
  writeFileSync(
    nsKubeconfig,
    kubeconfig({
      server,
      caFile: c.caFile,
      user: id.name,
      token: id.token,
      tlsServerName: "localhost",
    }),
  );
  const proc = netns.spawn(spec.name, spec.command, spec.args, {
    logFile: join(c.runDir, `${netns.name}-${spec.name}.log`),
    cwd: spec.cwd,
    env: {
      ...process.env,
      KUBECONFIG: nsKubeconfig,
      ...spec.env,
      SIGNET_NETNS_IP: netns.ip,
      SIGNET_NETNS_PORT: String(spec.port),
    },
  });
  const stop = async (): Promise<void> => {
    await proc.stop();
    relay.close();
    netns.destroy();
  };
  try {
    await Promise.race([
      waitForTcp(netns.ip, spec.port, spec.readyTimeoutMs),
      proc.exited.then((c) => {
        throw new Error(`${spec.name} exited (${c}) before listening:\n${proc.tail()}`);
      }),
    ]);
    const proxyPath = await registerService(admin(), {
      namespace: spec.namespace,
      name: spec.name,
      ip: netns.ip,
      port: spec.port,
      portName: spec.portName,
    });
    return {
      proxyPath,
      ip: netns.ip,
      port: spec.port,
      kubeconfig: nsKubeconfig,
      process: proc,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
