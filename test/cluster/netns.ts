/// <reference types="node" />
// A "test host" for servers under test: a network namespace created by the harness, joined to
// the root namespace by a veth pair with a private /30 (10.213.x.y/30, host end .1, namespace
// end .2). The kube-apiserver refuses loopback endpoints, so a server that must be reachable
// through the apiserver's service proxy runs inside such a namespace and is registered as a
// selector-less Service + EndpointSlice pointing at the namespace address.
import { randomBytes, randomInt } from "node:crypto";
import { connect, createServer, type Socket } from "node:net";
import { apiCall, waitFor, type ApiEndpoint } from "./api.js";
import { onCleanup, pidAlive, run, spawnManaged, type ManagedProcess } from "./proc.js";

const NETNS_PREFIX = "signet-";
const SUBNET_PREFIX = "10.213.";

export interface NetnsHost {
  /** Network namespace name (`ip netns` name). */
  readonly name: string;
  /** Address of the veth end inside the namespace (where servers listen). */
  readonly ip: string;
  /** Address of the veth end in the root namespace. */
  readonly hostIp: string;
  /** Spawns a long-running process inside the namespace (own process group, log to logFile). */
  spawn(
    name: string,
    command: string,
    args: readonly string[],
    opts: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string },
  ): ManagedProcess;
  /** Removes the namespace (and with it the veth pair). Processes must be stopped first. */
  destroy(): void;
}

function reapStaleNetns(): void {
  const list = run("ip", ["netns", "list"]);
  for (const line of list.split("\n")) {
    const name = line.split(" ")[0] ?? "";
    const m = new RegExp(`^${NETNS_PREFIX}(\\d+)-`).exec(name);
    if (m?.[1] && !pidAlive(Number(m[1]))) {
      try {
        run("ip", ["netns", "del", name]);
      } catch {
        // raced with another reaper
      }
    }
  }
}

function pickSubnet(): { hostIp: string; ip: string } {
  const used = run("ip", ["-4", "route", "show", "table", "all"]);
  for (let i = 0; i < 100; i++) {
    const a = randomInt(0, 256);
    const b = randomInt(0, 64) * 4;
    const net = `${SUBNET_PREFIX}${a}.${b}`;
    if (!used.includes(`${net}/30`)) {
      return { hostIp: `${SUBNET_PREFIX}${a}.${b + 1}`, ip: `${SUBNET_PREFIX}${a}.${b + 2}` };
    }
  }
  throw new Error("no free /30 in 10.213.0.0/16");
}

/** Creates a network namespace + veth pair; removed automatically on process exit. */
export function createNetns(): NetnsHost {
  if (process.getuid?.() !== 0) {
    throw new Error("createNetns needs root (ip netns add); the e2e tests must run as root");
  }
  reapStaleNetns();
  const id = randomBytes(3).toString("hex");
  const name = `${NETNS_PREFIX}${process.pid}-${id}`;
  const hostIf = `sg${id}h`;
  const nsIf = `sg${id}n`;
  const { hostIp, ip } = pickSubnet();
  run("ip", ["netns", "add", name]);
  const destroy = onCleanup(() => {
    try {
      run("ip", ["netns", "del", name]);
    } catch {
      // already gone
    }
    try {
      run("ip", ["link", "del", hostIf]);
    } catch {
      // deleted together with its peer
    }
  });
  try {
    run("ip", ["link", "add", hostIf, "type", "veth", "peer", "name", nsIf, "netns", name]);
    run("ip", ["addr", "add", `${hostIp}/30`, "dev", hostIf]);
    run("ip", ["link", "set", hostIf, "up"]);
    run("ip", ["-n", name, "addr", "add", `${ip}/30`, "dev", nsIf]);
    run("ip", ["-n", name, "link", "set", nsIf, "up"]);
    run("ip", ["-n", name, "link", "set", "lo", "up"]);
  } catch (err) {
    destroy();
    throw err;
  }
  return {
    name,
    ip,
    hostIp,
    destroy,
    spawn(procName, command, args, opts) {
      return spawnManaged(procName, "ip", ["netns", "exec", name, command, ...args], opts);
    },
  };
}

/**
 * A TCP relay from `hostIp:<free port>` (the root end of a netns veth) to 127.0.0.1:`port`, so a
 * process inside the network namespace can reach the apiserver, which listens on loopback only.
 * Closed on cleanup.
 */
export async function startRelay(
  hostIp: string,
  port: number,
): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect({ host: "127.0.0.1", port });
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.once("close", () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
    inbound.on("error", () => outbound.destroy());
    outbound.on("error", () => inbound.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, hostIp, resolve);
  });
  const addr = server.address();
  const close = onCleanup(() => {
    server.close();
    for (const s of sockets) s.destroy();
  });
  return { port: typeof addr === "object" && addr ? addr.port : 0, close };
}

/** Resolves once a TCP connection to ip:port succeeds (from the root namespace). */
export function waitForTcp(ip: string, port: number, timeoutMs = 30_000): Promise<true> {
  const attempt = (): Promise<true | undefined> =>
    new Promise((resolve) => {
      const s = connect({ host: ip, port, timeout: 1000 });
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(undefined));
      s.once("timeout", () => {
        s.destroy();
        resolve(undefined);
      });
    });
  return waitFor(`tcp ${ip}:${port}`, attempt, timeoutMs);
}

export interface ServiceSpec {
  namespace: string;
  name: string;
  /** Address the server listens on (a NetnsHost's `ip`). */
  ip: string;
  /** Service port; also the target port unless `targetPort` is given. */
  port: number;
  targetPort?: number;
  /** Service/EndpointSlice port name. Default "http". */
  portName?: string;
}

/**
 * Registers the server at `ip:targetPort` so the apiserver's service proxy
 * (`/api/v1/namespaces/NS/services/http:NAME:PORT/proxy/...`) reaches it, and returns that
 * proxy path prefix (without trailing slash). Creates, in `namespace`:
 *
 * - Pod `NAME-netns`: a placeholder (never scheduled: there is no scheduler or kubelet) whose
 *   status is set to Running with podIP = `ip`. kube-apiserver 1.34 only proxies to endpoint
 *   addresses whose targetRef is a Pod with a matching status.podIPs
 *   (pkg/registry/core/service/storage: isValidAddress).
 * - Service `NAME` without selector (so no controller manages its endpoints).
 * - Endpoints `NAME` (what the service proxy reads in 1.34) and EndpointSlice `NAME-netns`
 *   (what clients following the current API read), both pointing at the Pod.
 */
export async function registerService(
  admin: ApiEndpoint & { token: string },
  spec: ServiceSpec,
): Promise<string> {
  const portName = spec.portName ?? "http";
  const targetPort = spec.targetPort ?? spec.port;
  const t = { token: admin.token, method: "POST" };
  const ns = `/api/v1/namespaces/${spec.namespace}`;
  const podName = `${spec.name}-netns`;
  const pod = await apiCall(admin, `${ns}/pods`, {
    ...t,
    body: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: podName, labels: { "signet.dev/netns-host": spec.name } },
      spec: {
        containers: [{ name: "server", image: "netns-host.signet.invalid/placeholder" }],
        terminationGracePeriodSeconds: 0,
      },
    },
  });
  const podObj = pod.json as { metadata: { uid: string }; status?: object };
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  await apiCall(admin, `${ns}/pods/${podName}/status`, {
    ...t,
    method: "PATCH",
    contentType: "application/merge-patch+json",
    body: {
      status: {
        phase: "Running",
        podIP: spec.ip,
        podIPs: [{ ip: spec.ip }],
        startTime: now,
        conditions: [{ type: "Ready", status: "True", lastTransitionTime: now }],
      },
    },
  });
  const targetRef = {
    kind: "Pod",
    namespace: spec.namespace,
    name: podName,
    uid: podObj.metadata.uid,
  };
  await apiCall(admin, `${ns}/services`, {
    ...t,
    body: {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: spec.name },
      spec: {
        type: "ClusterIP",
        ports: [{ name: portName, port: spec.port, targetPort, protocol: "TCP" }],
      },
    },
  });
  await apiCall(admin, `${ns}/endpoints`, {
    ...t,
    body: {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { name: spec.name },
      subsets: [
        {
          addresses: [{ ip: spec.ip, targetRef }],
          ports: [{ name: portName, port: targetPort, protocol: "TCP" }],
        },
      ],
    },
  });
  await apiCall(admin, `/apis/discovery.k8s.io/v1/namespaces/${spec.namespace}/endpointslices`, {
    ...t,
    body: {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: {
        name: podName,
        labels: {
          "kubernetes.io/service-name": spec.name,
          "endpointslice.kubernetes.io/managed-by": "signet-e2e-harness",
        },
      },
      addressType: "IPv4",
      endpoints: [{ addresses: [spec.ip], conditions: { ready: true }, targetRef }],
      ports: [{ name: portName, port: targetPort, protocol: "TCP" }],
    },
  });
  return `${ns}/services/http:${spec.name}:${portName}/proxy`;
}
