import { request as httpRequest } from "node:http";
import type { RequestOptions } from "node:https";
import { request as httpsRequest } from "node:https";

import type * as ClientNodeModule from "@kubernetes/client-node";

import { SignetError } from "@signet/core";

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

/** Loads kubeconfig as client-go would: `--kubeconfig`, else KUBECONFIG / ~/.kube/config / in-cluster. */
function loadKubeconfig(k8s: ClientNode, flags: ClusterFlags): KubeConfig {
  const kc = new k8s.KubeConfig();
  try {
    if (flags.kubeconfig !== "") kc.loadFromFile(flags.kubeconfig);
    else kc.loadFromDefault();
  } catch (cause) {
    const where = flags.kubeconfig || "the default kubeconfig";
    const code = (cause as { code?: string }).code;
    const reason = code === "ENOENT" ? "no such file or directory" : (cause as Error).message;
    throw new SignetError("ERR_NEEDS_CLUSTER", `cannot load kubeconfig ${where}: ${reason}`, {
      cause,
    });
  }
  if (flags.context !== "") kc.setCurrentContext(flags.context);
  return kc;
}

/** The cluster and user of the current context with the kubectl-style flags applied on top. */
function withOverrides(k8s: ClientNode, kc: KubeConfig, flags: ClusterFlags): KubeConfig {
  const context = kc.getContextObject(kc.getCurrentContext());
  const cluster = kc.getCluster(flags.cluster || context?.cluster || "") ?? kc.getCurrentCluster();
  const user = kc.getUser(flags.user || context?.user || "") ?? kc.getCurrentUser();
  const effective = new k8s.KubeConfig();
  effective.loadFromClusterAndUser(clusterWithOverrides(cluster, flags), {
    ...(user ?? { name: "user" }),
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
 * Builds a client from kubeconfig and the kubectl-style override flags. `@kubernetes/client-node`
 * is imported here, lazily, so offline commands never pay for loading it (about 0.5 s).
 */
export async function connect(flags: ClusterFlags): Promise<KubeClient> {
  const k8s = await import("@kubernetes/client-node");
  const kc = withOverrides(k8s, loadKubeconfig(k8s, flags), flags);
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
