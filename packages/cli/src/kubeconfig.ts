import { decodeKubeconfig, mergeKubeconfigs, SignetError } from "@signet/core";
import type { KubeconfigFile, MergedKubeconfig, ResolvedNamespace } from "@signet/core";

import { describeFsError } from "./cert-source.js";
import type { Io } from "./io.js";
import type { ClusterFlags } from "./options.js";

/**
 * Kubeconfig files in client-go's loading order: `--kubeconfig`, else the files of `$KUBECONFIG`
 * (empty entries dropped, each file once), else ~/.kube/config.
 */
export function kubeconfigPaths(flags: ClusterFlags, io: Io): string[] {
  if (flags.kubeconfig) return [flags.kubeconfig];
  const list = io.env.KUBECONFIG?.split(":").filter((p) => p !== "");
  if (list && list.length > 0) return [...new Set(list)];
  return [`${io.homeDir}/.kube/config`];
}

function isMissing(cause: unknown): boolean {
  return (cause as { code?: string }).code === "ENOENT";
}

/**
 * Reads and merges the kubeconfig files as client-go's `ClientConfigLoadingRules.Load`: a
 * missing `--kubeconfig` is an error, missing `$KUBECONFIG` files are skipped, a file that
 * cannot be read or decoded is an error naming it (client-go's words), and the files are merged
 * (the first to define a name wins it). Undefined when no file exists.
 */
export async function loadKubeconfig(
  flags: ClusterFlags,
  io: Io,
): Promise<MergedKubeconfig | undefined> {
  const files: KubeconfigFile[] = [];
  for (const path of kubeconfigPaths(flags, io)) {
    let bytes: Buffer;
    try {
      bytes = await io.readFile(path);
    } catch (cause) {
      if (isMissing(cause) && !flags.kubeconfig) continue;
      const reason = describeFsError(cause);
      const message = isMissing(cause)
        ? `stat ${path}: ${reason}`
        : `error loading config file "${path}": read ${path}: ${reason}`;
      throw new SignetError("ERR_KUBECONFIG", message, { cause });
    }
    files.push(decodeKubeconfig(bytes, path));
  }
  return files.length === 0 ? undefined : mergeKubeconfigs(files);
}

/**
 * client-go's `ConfirmUsable` for a context that is not there: the context and, unless
 * `--server` or an existing `--cluster` supplies one, the server are missing.
 */
function contextNotFound(name: string, config: MergedKubeconfig, flags: ClusterFlags): never {
  const hasServer = flags.server !== "" || !!config.clusters.get(flags.cluster)?.server;
  const missing = `context was not found for specified context: ${name}`;
  throw new SignetError(
    "ERR_KUBECONFIG",
    hasServer
      ? `invalid configuration: ${missing}`
      : `invalid configuration: [${missing}, cluster has no server defined]`,
  );
}

/**
 * The namespace client-go's config would report (`DirectClientConfig.Namespace`,
 * tools/clientcmd/client_config.go; docs/flags.md#kubeconfig-and-namespace) without loading a
 * Kubernetes client, and whether it was chosen explicitly:
 * - `-n` or `SEALED_SECRETS_NAMESPACE` (client-go's namespace override): explicit;
 * - else the kubeconfig context's namespace (`default` when it has none). A context named with
 *   `--context` is an explicit choice too when it sets a namespace; the current context is not
 *   (a manifest's own namespace wins over it, as with kubectl). A context that does not exist is
 *   client-go's configuration error (its context's cluster needs no server here, where
 *   client-go would report the whole configuration unusable);
 * - without any kubeconfig file, the in-cluster `POD_NAMESPACE`, or "".
 * The first file that sets a value wins, as in client-go's merge. An explicit namespace that
 * disagrees with the input's is refused when sealing.
 */
export async function resolveClientNamespace(
  flags: ClusterFlags,
  io: Io,
): Promise<ResolvedNamespace> {
  if (flags.namespace !== "") return { namespace: flags.namespace, explicit: true };
  const config = await loadKubeconfig(flags, io);
  if (!config) {
    if (flags.context !== "") contextNotFound(flags.context, emptyConfig(), flags);
    return { namespace: io.env.POD_NAMESPACE ?? "", explicit: false };
  }
  const name = flags.context || config.currentContext;
  const context = config.contexts.get(name);
  if (name !== "" && !context) contextNotFound(name, config, flags);
  const namespace = context?.namespace || "default";
  return { namespace, explicit: flags.context !== "" && !!context?.namespace };
}

function emptyConfig(): MergedKubeconfig {
  return { currentContext: "", clusters: new Map(), users: new Map(), contexts: new Map() };
}
