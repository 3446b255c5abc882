import { request as httpRequest } from "node:http";
import type { RequestOptions } from "node:https";
import { request as httpsRequest } from "node:https";

import type * as ClientNodeModule from "@kubernetes/client-node";

import { SignetError } from "@signet/core";
import type { KubeconfigCluster, KubeconfigUser, MergedKubeconfig } from "@signet/core";

import type { Io } from "../io.js";
import { loadKubeconfig, selectedContext } from "../kubeconfig.js";
import type { ClusterFlags } from "../options.js";

/** A response from the API server: status and raw body. */
export interface KubeResponse {
  status: number;
  body: Buffer;
}

/** The one port the cluster commands need: raw requests to the API server, authenticated. */
export interface KubeClient {
  request(method: string, path: string, body?: string): Promise<KubeResponse>;
}

type ClientNode = typeof ClientNodeModule;
type KubeConfig = ClientNodeModule.KubeConfig;
type Cluster = ClientNodeModule.Cluster;
type User = ClientNodeModule.User;

/** What connecting reads: the kubeconfig files and the environment. */
export type ConnectIo = Pick<Io, "env" | "homeDir" | "readFile">;

/**
 * The cluster and user of the context (`--context`, else the current one) of the kubeconfig
 * that core's one loader read with kubectl's rules, `--cluster`/`--user` choosing others.
 */
async function fromKubeconfig(
  config: MergedKubeconfig,
  flags: ClusterFlags,
  io: ConnectIo,
): Promise<{ cluster: Cluster | null; user: User | null }> {
  const context = selectedContext(config, flags);
  const clusterName = flags.cluster || context?.cluster || "";
  const userName = flags.user || context?.user || "";
  const cluster = config.clusters.get(clusterName);
  const user = config.users.get(userName);
  return {
    cluster: cluster ? clientNodeCluster(clusterName, cluster) : null,
    user: user ? await clientNodeUser(userName, user, io) : null,
  };
}

function clientNodeCluster(name: string, cluster: KubeconfigCluster): Cluster {
  return {
    name,
    server: cluster.server ?? "",
    caData: cluster["certificate-authority-data"],
    caFile: cluster["certificate-authority"],
    skipTLSVerify: cluster["insecure-skip-tls-verify"] === true,
    tlsServerName: cluster["tls-server-name"],
    proxyUrl: cluster["proxy-url"],
  };
}

async function clientNodeUser(name: string, user: KubeconfigUser, io: ConnectIo): Promise<User> {
  // kubectl reads `tokenFile` when `token` is empty.
  const token =
    user.token || (user.tokenFile && (await io.readFile(user.tokenFile)).toString("utf8").trim());
  return {
    name,
    certData: user["client-certificate-data"],
    certFile: user["client-certificate"],
    keyData: user["client-key-data"],
    keyFile: user["client-key"],
    exec: user.exec,
    authProvider: user["auth-provider"],
    token: token || undefined,
    username: user.username,
    password: user.password,
    impersonateUser: user.as,
  };
}

/** The pod's service account, as client-go falls back to when no kubeconfig file exists. */
function inCluster(k8s: ClientNode, io: ConnectIo): { cluster: Cluster | null; user: User | null } {
  if (!io.env.KUBERNETES_SERVICE_HOST || !io.env.KUBERNETES_SERVICE_PORT) {
    return { cluster: null, user: null };
  }
  const kc = new k8s.KubeConfig();
  kc.loadFromCluster();
  return { cluster: kc.getCurrentCluster(), user: kc.getCurrentUser() };
}

/** The chosen cluster and user with the kubectl-style flags applied on top. */
function withOverrides(
  k8s: ClientNode,
  chosen: { cluster: Cluster | null; user: User | null },
  flags: ClusterFlags,
): KubeConfig {
  const effective = new k8s.KubeConfig();
  effective.loadFromClusterAndUser(clusterWithOverrides(chosen.cluster, flags), {
    ...(chosen.user ?? { name: "user" }),
    ...userOverrides(flags),
  });
  return effective;
}

function clusterWithOverrides(found: Cluster | null, flags: ClusterFlags): Cluster {
  const cluster: Partial<Cluster> = found ?? {};
  const server = flags.server || cluster.server;
  if (!server) {
    throw new SignetError(
      "ERR_NEEDS_CLUSTER",
      "invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable",
    );
  }
  const ca = flags.certificateAuthority
    ? { caFile: flags.certificateAuthority }
    : { caFile: cluster.caFile, caData: cluster.caData };
  return {
    ...cluster,
    ...ca,
    name: cluster.name ?? "cluster",
    server,
    skipTLSVerify: flags.insecureSkipTlsVerify || cluster.skipTLSVerify === true,
    tlsServerName: flags.tlsServerName || cluster.tlsServerName,
  };
}

function userOverrides(flags: ClusterFlags): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (flags.token) out.token = flags.token;
  if (flags.clientCertificate)
    Object.assign(out, { certFile: flags.clientCertificate, certData: undefined });
  if (flags.clientKey) Object.assign(out, { keyFile: flags.clientKey, keyData: undefined });
  if (flags.username) Object.assign(out, { username: flags.username, password: flags.password });
  return out;
}

/**
 * Builds a client from kubeconfig (kubectl's rules: `--kubeconfig`, else `$KUBECONFIG`'s files
 * merged, else ~/.kube/config, else the pod's service account) and the kubectl-style override
 * flags. `@kubernetes/client-node` is imported here, lazily, so offline commands never pay for
 * loading it (about 0.5 s).
 */
export async function connect(flags: ClusterFlags, io: ConnectIo): Promise<KubeClient> {
  const config = await loadKubeconfig(flags, io);
  const k8s = await import("@kubernetes/client-node");
  const chosen = config ? await fromKubeconfig(config, flags, io) : inCluster(k8s, io);
  const kc = withOverrides(k8s, chosen, flags);
  const server = kc.getCurrentCluster()!.server;
  const timeout = flags.requestTimeoutMs;
  return {
    request: async (method, path, body) => {
      const options: RequestOptions = { method, headers: impersonation(flags) };
      await kc.applyToHTTPSOptions(options);
      return send(new URL(path, server), options, { body, timeout });
    },
  };
}

function impersonation(flags: ClusterFlags): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = { Accept: "application/json, */*" };
  if (flags.as) headers["Impersonate-User"] = flags.as;
  if (flags.asUid) headers["Impersonate-Uid"] = flags.asUid;
  if (flags.asGroup.length > 0) headers["Impersonate-Group"] = flags.asGroup;
  return headers;
}

function send(
  url: URL,
  options: RequestOptions,
  extra: { body?: string; timeout: number },
): Promise<KubeResponse> {
  const headers = { ...(options.headers as Record<string, string>) };
  if (extra.body !== undefined) {
    headers["Content-Type"] = "application/json";
    headers["Content-Length"] = String(Buffer.byteLength(extra.body));
  }
  const request = url.protocol === "http:" ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { ...options, headers, timeout: extra.timeout || undefined },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("context deadline exceeded")));
    req.on("error", reject);
    req.end(extra.body);
  });
}
