import { SignetError } from "../errors.js";
import { goErrnoText } from "../gocompat/errno.js";
import { plainGoValue } from "./to-model.js";
import { KUBECONFIG_TYPE } from "./go-types.js";
import { decodeUniversal } from "./universal.js";
import { utf8Bytes } from "./utf8.js";

/**
 * Kubeconfig files as client-go v0.35.3 reads them (`clientcmd.Load`: its codec turns every
 * file, JSON included, into JSON with sigs.k8s.io/yaml and decodes it into `v1.Config` with the
 * API machinery's case-sensitive decoder, YAML 1.1 meaning included: `namespace: n` is a
 * boolean and an error), and merged as `ClientConfigLoadingRules.Load` merges several.
 */

/** A `clusters[].cluster` entry; `[]byte` fields as standard base64. */
export interface KubeconfigCluster {
  server?: string;
  "tls-server-name"?: string;
  "insecure-skip-tls-verify"?: boolean;
  "certificate-authority"?: string;
  "certificate-authority-data"?: string;
  "proxy-url"?: string;
  "disable-compression"?: boolean;
}

/** A `users[].user` entry; `[]byte` fields as standard base64. */
export interface KubeconfigUser {
  "client-certificate"?: string;
  "client-certificate-data"?: string;
  "client-key"?: string;
  "client-key-data"?: string;
  token?: string;
  tokenFile?: string;
  as?: string;
  "as-uid"?: string;
  "as-groups"?: string[];
  username?: string;
  password?: string;
  "auth-provider"?: { name?: string; config?: Record<string, string> };
  exec?: { command?: string; args?: string[]; env?: { name?: string; value?: string }[] };
}

/** A `contexts[].context` entry. */
export interface KubeconfigContext {
  cluster?: string;
  user?: string;
  namespace?: string;
}

/**
 * One kubeconfig file as decoded into client-go's `v1.Config`: its JSON field names, zero
 * values left out (a missing `name` is the empty name).
 */
export interface KubeconfigFile {
  kind?: string;
  apiVersion?: string;
  clusters?: { name?: string; cluster?: KubeconfigCluster }[];
  users?: { name?: string; user?: KubeconfigUser }[];
  contexts?: { name?: string; context?: KubeconfigContext }[];
  "current-context"?: string;
}

const CONFIG_GVK = { group: "", version: "v1", kind: "Config" };

type NamedList = "clusters" | "users" | "contexts";

/** client-go's conversion names each list's Go types in its duplicate-name error. */
const LIST_TYPES: readonly [NamedList, string][] = [
  ["clusters", "*[]NamedCluster into *map[string]*api.Cluster"],
  ["users", "*[]NamedAuthInfo into *map[string]*api.AuthInfo"],
  ["contexts", "*[]NamedContext into *map[string]*api.Context"],
];

/**
 * The first duplicate name of a list, in the order client-go converts the lists. client-go's
 * message goes on with the whole list (credentials included); Signet's stops at the name.
 */
function duplicateName(file: KubeconfigFile): string | undefined {
  for (const [list, types] of LIST_TYPES) {
    const seen = new Set<string>();
    for (const entry of file[list] ?? []) {
      const name = entry.name ?? "";
      if (seen.has(name)) return `error converting ${types}: duplicate name "${name}" in list`;
      seen.add(name);
    }
  }
  return undefined;
}

/**
 * One kubeconfig file as `clientcmd.Load` reads it; an empty file is an empty config. Errors
 * read as client-go's loader words them: `error loading config file "PATH": ...`.
 */
export function decodeKubeconfig(input: Uint8Array | string, source: string): KubeconfigFile {
  const bytes = typeof input === "string" ? utf8Bytes(input) : input;
  if (bytes.length === 0) return {};
  const result = decodeUniversal(bytes, KUBECONFIG_TYPE, CONFIG_GVK, {
    yamlOnly: true,
    scheme: "target",
  });
  const failure = result.ok
    ? duplicateName(plainGoValue(result.value) as KubeconfigFile)
    : result.refusal !== undefined
      ? `${source}: ${result.refusal}`
      : result.error;
  if (failure !== undefined) {
    throw new SignetError("ERR_INVALID_INPUT", `error loading config file "${source}": ${failure}`);
  }
  return plainGoValue(result.ok ? result.value : {}) as KubeconfigFile;
}

/** Several kubeconfig files merged: named entries by name, and the current context. */
export interface MergedKubeconfig {
  currentContext: string;
  clusters: ReadonlyMap<string, KubeconfigCluster>;
  users: ReadonlyMap<string, KubeconfigUser>;
  contexts: ReadonlyMap<string, KubeconfigContext>;
}

function firstByName<T>(
  files: readonly KubeconfigFile[],
  pick: (file: KubeconfigFile) => { name?: string; value?: T }[] | undefined,
): Map<string, T> {
  const map = new Map<string, T>();
  for (const file of files) {
    for (const entry of pick(file) ?? []) {
      const name = entry.name ?? "";
      if (!map.has(name)) map.set(name, entry.value ?? ({} as T));
    }
  }
  return map;
}

/**
 * `ClientConfigLoadingRules.Load`'s merge of the files of `KUBECONFIG`, in order: the first
 * file to define a cluster, user or context name wins it, and the first file that sets
 * `current-context` wins that.
 */
export function mergeKubeconfigs(files: readonly KubeconfigFile[]): MergedKubeconfig {
  return {
    currentContext: files.find((f) => f["current-context"])?.["current-context"] ?? "",
    clusters: firstByName(files, (f) =>
      f.clusters?.map((e) => ({ name: e.name, value: e.cluster })),
    ),
    users: firstByName(files, (f) => f.users?.map((e) => ({ name: e.name, value: e.user }))),
    contexts: firstByName(files, (f) =>
      f.contexts?.map((e) => ({ name: e.name, value: e.context })),
    ),
  };
}

/**
 * The kubeconfig files to read, in client-go's order (`ClientConfigLoadingRules`, kubectl's
 * rules): the explicit `--kubeconfig` alone, else the entries of `KUBECONFIG` split on `:`
 * (empty entries dropped, each file once, first place kept), else `defaultPath`
 * (`~/.kube/config` for the CLI; the controller has none and falls back to its pod).
 */
export function kubeconfigPaths(
  explicitPath: string,
  kubeconfigEnv: string | undefined,
  defaultPath?: string,
): string[] {
  if (explicitPath !== "") return [explicitPath];
  const list = (kubeconfigEnv ?? "").split(":").filter((p) => p !== "");
  if (list.length > 0) return [...new Set(list)];
  return defaultPath === undefined ? [] : [defaultPath];
}

/** Where the kubeconfig comes from and how files are read (the caller's I/O). */
export interface KubeconfigSources {
  /** `--kubeconfig`, "" when not given: a missing explicit file is an error. */
  explicitPath: string;
  /** `$KUBECONFIG`: missing files of the list are skipped, as client-go skips them. */
  kubeconfigEnv: string | undefined;
  /** Read when neither is set; skipped when missing. */
  defaultPath?: string;
  /** Reads a whole file; a failure carries Node's `code` (`ENOENT`, ...). */
  readFile(path: string): Promise<Uint8Array>;
}

/** `PATH` relative to the directory of `file`, as client-go's `ResolveLocalPaths` makes it. */
function relativeTo(file: string, path: string | undefined): string | undefined {
  if (path === undefined || path === "" || path.startsWith("/")) return path;
  const slash = file.lastIndexOf("/");
  return slash === -1 ? path : `${file.slice(0, slash + 1)}${path}`;
}

/** One file with its file references (CA, client certificate and key, token file) resolved. */
function withLocalPaths(file: KubeconfigFile, path: string): KubeconfigFile {
  return {
    ...file,
    clusters: file.clusters?.map((e) => {
      if (!e.cluster) return e;
      const ca = relativeTo(path, e.cluster["certificate-authority"]);
      return { ...e, cluster: { ...e.cluster, ...(ca && { "certificate-authority": ca }) } };
    }),
    users: file.users?.map((e) => {
      if (!e.user) return e;
      const user = { ...e.user };
      for (const key of ["client-certificate", "client-key", "tokenFile"] as const) {
        const resolved = relativeTo(path, user[key]);
        if (resolved) user[key] = resolved;
      }
      return { ...e, user };
    }),
  };
}

/**
 * Reads and merges the kubeconfig files as client-go's `ClientConfigLoadingRules.Load` does
 * (kubectl's `KUBECONFIG` semantics): a missing `--kubeconfig` is an error (`stat PATH: ...`),
 * missing files of `KUBECONFIG` (or the default) are skipped, a file that cannot be read or
 * decoded is an error naming it in client-go's words, relative file references are resolved
 * against the directory of the file that holds them, and the files are merged by
 * {@link mergeKubeconfigs} (the first file to define a name wins it; `current-context` comes
 * from the first file that sets it). Undefined when no file exists. The one loader of the CLI
 * and the controller.
 */
export async function loadKubeconfig(
  sources: KubeconfigSources,
): Promise<MergedKubeconfig | undefined> {
  const explicit = sources.explicitPath !== "";
  const files: KubeconfigFile[] = [];
  const paths = kubeconfigPaths(sources.explicitPath, sources.kubeconfigEnv, sources.defaultPath);
  for (const path of paths) {
    let bytes: Uint8Array;
    try {
      bytes = await sources.readFile(path);
    } catch (cause) {
      const missing = (cause as { code?: string } | undefined)?.code === "ENOENT";
      if (missing && !explicit) continue;
      const reason = goErrnoText(cause);
      const message = missing
        ? `stat ${path}: ${reason}`
        : `error loading config file "${path}": read ${path}: ${reason}`;
      throw new SignetError("ERR_KUBECONFIG", message, { cause });
    }
    files.push(withLocalPaths(decodeKubeconfig(bytes, path), path));
  }
  return files.length === 0 ? undefined : mergeKubeconfigs(files);
}
