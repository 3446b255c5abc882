import { SignetError } from "../errors.js";
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
