import { existsSync, readFileSync } from "node:fs";
import { isIPv6 } from "node:net";
import { dirname, isAbsolute, join } from "node:path";

import { decodeKubeconfig } from "@signet/core";

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

/** Loads the connection from `--kubeconfig`, `KUBECONFIG` (its first file) or the pod. */
export async function loadConnection(
  kubeconfigFlag: string,
  env: Readonly<Record<string, string | undefined>>,
  sources: ConnectionSources = {},
): Promise<ApiConnection> {
  const path = kubeconfigFlag || env["KUBECONFIG"]?.split(":").find((p) => p !== "") || "";
  if (path === "") return inClusterConnection(env, sources);
  return kubeconfigConnection(path) ?? clientNodeConnection(path);
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

interface NamedEntry {
  name?: string;
  [field: string]: unknown;
}

interface KubeconfigCluster {
  server?: string;
  "certificate-authority"?: string;
  "certificate-authority-data"?: string;
  "insecure-skip-tls-verify"?: boolean;
  "tls-server-name"?: string;
}

interface KubeconfigUser {
  token?: string;
  tokenFile?: string;
  "client-certificate"?: string;
  "client-certificate-data"?: string;
  "client-key"?: string;
  "client-key-data"?: string;
  username?: string;
  password?: string;
  as?: string;
  exec?: unknown;
  "auth-provider"?: unknown;
}

interface KubeconfigFile {
  "current-context"?: string;
  contexts?: NamedEntry[];
  clusters?: NamedEntry[];
  users?: NamedEntry[];
}

/** The entry `name` of a kubeconfig list, e.g. `clusters[name].cluster`. */
function entry<T>(list: NamedEntry[] | undefined, name: string, field: string): T | undefined {
  const found = (list ?? []).find((e) => e.name === name);
  return found?.[field] as T | undefined;
}

/**
 * The current context's cluster and user from the kubeconfig at `path`, or undefined when the
 * user needs a credential plugin (then client-node reads the file). Relative file references
 * are relative to the kubeconfig's directory, as in kubectl.
 */
export function kubeconfigConnection(path: string): ApiConnection | undefined {
  // Decoded as client-go decodes it (YAML 1.1, typed v1.Config, its errors).
  const file = decodeKubeconfig(readFileSync(path), path) as KubeconfigFile;
  const context = entry<{ cluster?: string; user?: string }>(
    file.contexts,
    file["current-context"] ?? "",
    "context",
  );
  const cluster = entry<KubeconfigCluster>(file.clusters, context?.cluster ?? "", "cluster");
  if (!cluster?.server) throw new Error(`kubeconfig ${path} has no current cluster`);
  const user = entry<KubeconfigUser>(file.users, context?.user ?? "", "user") ?? {};
  if (user.exec !== undefined || user["auth-provider"] !== undefined) return undefined;
  const headers = userHeaders(user, dirname(path));
  return {
    server: cluster.server.replace(/\/$/, ""),
    tls: tlsOf(cluster, user, dirname(path)),
    authenticate: () => Promise.resolve(headers),
  };
}

function tlsOf(cluster: KubeconfigCluster, user: KubeconfigUser, base: string): ConnectionTls {
  return {
    ca: fileOrData(base, cluster["certificate-authority"], cluster["certificate-authority-data"]),
    cert: fileOrData(base, user["client-certificate"], user["client-certificate-data"]),
    key: fileOrData(base, user["client-key"], user["client-key-data"]),
    ...(cluster["insecure-skip-tls-verify"] === true && { rejectUnauthorized: false }),
    ...(cluster["tls-server-name"] && { servername: cluster["tls-server-name"] }),
  };
}

function userHeaders(user: KubeconfigUser, base: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const token = user.token || fileOrData(base, user.tokenFile)?.toString("utf8").trim();
  if (token) headers["authorization"] = `Bearer ${token}`;
  else if (user.username) {
    const basic = Buffer.from(`${user.username}:${user.password ?? ""}`).toString("base64");
    headers["authorization"] = `Basic ${basic}`;
  }
  if (user.as) headers["impersonate-user"] = user.as;
  return headers;
}

function fileOrData(base: string, file?: string, data?: string): Buffer | undefined {
  if (file) return readFileSync(isAbsolute(file) ? file : join(base, file));
  return data ? Buffer.from(data, "base64") : undefined;
}

/** A kubeconfig whose user runs a credential plugin: client-node's `KubeConfig` authenticates. */
async function clientNodeConnection(path: string): Promise<ApiConnection> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig ${path} has no current cluster`);
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
