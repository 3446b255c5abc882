import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { isIPv6 } from "node:net";
import { join } from "node:path";

import { kubeconfigPaths, loadKubeconfig } from "@signet/core";
import type { KubeconfigCluster, KubeconfigUser, MergedKubeconfig } from "@signet/core";

/**
 * How the controller reaches the API server: `--kubeconfig` when given, else `KUBECONFIG`
 * (development), else the in-cluster service account (the reference's only mode:
 * `rest.InClusterConfig` in `Main`, pkg/controller/main.go).
 *
 * The in-cluster service account and kubeconfig users with a token, a client certificate or a
 * password are read here, without @kubernetes/client-node: importing that package loads its
 * whole generated API (thousands of modules, ~60 MiB of resident memory the controller would
 * carry for its lifetime). Users that need a credential plugin (`exec`, `auth-provider`) are
 * handed to client-node's `KubeConfig`, imported only then.
 */
export interface ApiConnection {
  /** The API server's base URL, e.g. `https://10.96.0.1:443`. */
  server: string;
  /** TLS settings of the connection (read once, when the connection is loaded). */
  tls: ConnectionTls;
  /**
   * Headers that authenticate one request (`authorization`, `impersonate-user`); called for
   * every request, so a rotated service-account token or plugin credential is picked up.
   */
  authenticate(): Promise<Readonly<Record<string, string>>>;
}

export interface ConnectionTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** Where the pod's service account is mounted. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Where the pod's service-account namespace is mounted (reference `getMyNamespace`). */
export const SERVICE_ACCOUNT_NAMESPACE_FILE = `${SERVICE_ACCOUNT_DIR}/namespace`;

/** A projected service-account token is rotated on disk; it is re-read this often (client-go's period). */
export const TOKEN_REREAD_MS = 60_000;

export interface ConnectionSources {
  /** The service-account directory (tests point it elsewhere). */
  serviceAccountDir?: string;
  now?: () => number;
}

/**
 * Loads the connection from `--kubeconfig`, else the files of `KUBECONFIG` merged with kubectl's
 * rules (core's `loadKubeconfig`, the loader the CLI uses too), else the pod's service account.
 */
export async function loadConnection(
  kubeconfigFlag: string,
  env: Readonly<Record<string, string | undefined>>,
  sources: ConnectionSources = {},
): Promise<ApiConnection> {
  const config = await loadKubeconfig({
    explicitPath: kubeconfigFlag,
    kubeconfigEnv: env["KUBECONFIG"],
    readFile: (path) => readFile(path),
  });
  if (!config) return inClusterConnection(env, sources);
  const where = `kubeconfig ${kubeconfigPaths(kubeconfigFlag, env["KUBECONFIG"]).join(":")}`;
  return kubeconfigConnection(config, where) ?? clientNodeConnection(config, where);
}

/** The pod's service account, as client-go's `InClusterConfig`. */
export function inClusterConnection(
  env: Readonly<Record<string, string | undefined>>,
  sources: ConnectionSources = {},
): ApiConnection {
  const host = env["KUBERNETES_SERVICE_HOST"];
  const port = env["KUBERNETES_SERVICE_PORT"];
  if (!host || !port) {
    throw new Error(
      "not running in a cluster (KUBERNETES_SERVICE_HOST/PORT unset) and no --kubeconfig given",
    );
  }
  const dir = sources.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  // Same scheme choice as client-node's loadFromCluster (plain HTTP on the usual proxy ports).
  const scheme = ["80", "8080", "8001"].includes(port) ? "http" : "https";
  const token = rereadingFile(join(dir, "token"), sources.now ?? Date.now);
  return {
    server: `${scheme}://${isIPv6(host) ? `[${host}]` : host}:${port}`,
    tls: { ca: readFileSync(join(dir, "ca.crt")) },
    authenticate: () => Promise.resolve({ authorization: `Bearer ${token()}` }),
  };
}

/** The file's content, read again once it is older than {@link TOKEN_REREAD_MS}. */
function rereadingFile(path: string, now: () => number): () => string {
  let value = "";
  let readAt = -Infinity;
  return () => {
    if (now() - readAt > TOKEN_REREAD_MS) {
      value = readFileSync(path, "utf8").trim();
      readAt = now();
    }
    return value;
  };
}

/** The current context's cluster (with a server) and user of a loaded kubeconfig. */
function currentEntries(
  config: MergedKubeconfig,
  where: string,
): { cluster: KubeconfigCluster & { server: string }; user: KubeconfigUser } {
  const context = config.contexts.get(config.currentContext);
  const cluster = config.clusters.get(context?.cluster ?? "");
  if (!cluster?.server) throw new Error(`${where} has no current cluster`);
  return {
    cluster: { ...cluster, server: cluster.server },
    user: config.users.get(context?.user ?? "") ?? {},
  };
}

/**
 * The current context's cluster and user of the kubeconfig (file references already resolved
 * against the file holding them by the loader, as in kubectl), or undefined when the user needs
 * a credential plugin (then client-node authenticates).
 */
export function kubeconfigConnection(
  config: MergedKubeconfig,
  where = "kubeconfig",
): ApiConnection | undefined {
  const { cluster, user } = currentEntries(config, where);
  if (user.exec !== undefined || user["auth-provider"] !== undefined) return undefined;
  const headers = userHeaders(user);
  return {
    server: cluster.server.replace(/\/$/, ""),
    tls: tlsOf(cluster, user),
    authenticate: () => Promise.resolve(headers),
  };
}

function tlsOf(cluster: KubeconfigCluster, user: KubeconfigUser): ConnectionTls {
  return {
    ca: fileOrData(cluster["certificate-authority"], cluster["certificate-authority-data"]),
    cert: fileOrData(user["client-certificate"], user["client-certificate-data"]),
    key: fileOrData(user["client-key"], user["client-key-data"]),
    ...(cluster["insecure-skip-tls-verify"] === true && { rejectUnauthorized: false }),
    ...(cluster["tls-server-name"] && { servername: cluster["tls-server-name"] }),
  };
}

function userHeaders(user: KubeconfigUser): Record<string, string> {
  const headers: Record<string, string> = {};
  const token = user.token || fileOrData(user.tokenFile)?.toString("utf8").trim();
  if (token) headers["authorization"] = `Bearer ${token}`;
  else if (user.username) {
    const basic = Buffer.from(`${user.username}:${user.password ?? ""}`).toString("base64");
    headers["authorization"] = `Basic ${basic}`;
  }
  if (user.as) headers["impersonate-user"] = user.as;
  return headers;
}

function fileOrData(file?: string, data?: string): Buffer | undefined {
  if (file) return readFileSync(file);
  return data ? Buffer.from(data, "base64") : undefined;
}

/** A kubeconfig whose user runs a credential plugin: client-node's `KubeConfig` authenticates. */
async function clientNodeConnection(
  config: MergedKubeconfig,
  where: string,
): Promise<ApiConnection> {
  const { cluster: found, user } = currentEntries(config, where);
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  const cluster = {
    name: "cluster",
    server: found.server,
    caData: found["certificate-authority-data"],
    caFile: found["certificate-authority"],
    skipTLSVerify: found["insecure-skip-tls-verify"] === true,
    tlsServerName: found["tls-server-name"],
  };
  kc.loadFromClusterAndUser(cluster, {
    name: "user",
    exec: user.exec,
    authProvider: user["auth-provider"],
    certData: user["client-certificate-data"],
    certFile: user["client-certificate"],
    keyData: user["client-key-data"],
    keyFile: user["client-key"],
    impersonateUser: user.as,
  });
  const options = async (): Promise<ClientNodeOptions> => {
    const opts: ClientNodeOptions = { headers: {} };
    await kc.applyToHTTPSOptions(opts);
    return opts;
  };
  const first = await options();
  return {
    server: cluster.server,
    tls: {
      ca: first.ca,
      cert: first.cert,
      key: first.key,
      ...(first.rejectUnauthorized !== undefined && {
        rejectUnauthorized: first.rejectUnauthorized,
      }),
      ...(first.servername !== undefined && { servername: first.servername }),
    },
    async authenticate() {
      const opts = await options();
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(opts.headers)) {
        if (typeof v === "string") headers[k.toLowerCase()] = v;
      }
      if (opts.auth !== undefined) {
        headers["authorization"] = `Basic ${Buffer.from(opts.auth).toString("base64")}`;
      }
      return headers;
    },
  };
}

interface ClientNodeOptions {
  headers: Record<string, unknown>;
  auth?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

/**
 * The controller's own namespace, where keys live (reference `myNamespace`,
 * pkg/controller/main.go): `POD_NAMESPACE`, else the service-account namespace file (trimmed), else
 * `default`.
 */
export function ownNamespace(
  env: Readonly<Record<string, string | undefined>>,
  file = SERVICE_ACCOUNT_NAMESPACE_FILE,
): string {
  const fromEnv = env["POD_NAMESPACE"];
  if (fromEnv) return fromEnv;
  if (existsSync(file)) {
    const text = readFileSync(file, "utf8").trim();
    if (text !== "") return text;
  }
  return "default";
}
