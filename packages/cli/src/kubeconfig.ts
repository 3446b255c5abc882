import { loadKubeconfig as loadKubeconfigFiles, SignetError } from "@signet/core";
import type { KubeconfigContext, MergedKubeconfig, ResolvedNamespace } from "@signet/core";

import type { Io } from "./io.js";
import type { ClusterFlags } from "./options.js";

/**
 * The kubeconfig of this invocation, read with kubectl's rules by core's one loader (shared
 * with the controller): `--kubeconfig`, else the files of `$KUBECONFIG` merged, else
 * ~/.kube/config. Undefined when no file exists.
 */
export function loadKubeconfig(
  flags: Pick<ClusterFlags, "kubeconfig">,
  io: Pick<Io, "env" | "homeDir" | "readFile">,
): Promise<MergedKubeconfig | undefined> {
  return loadKubeconfigFiles({
    explicitPath: flags.kubeconfig,
    kubeconfigEnv: io.env.KUBECONFIG,
    defaultPath: `${io.homeDir}/.kube/config`,
    readFile: (path) => io.readFile(path),
  });
}

/**
 * The context `--context` names, else the current one (undefined when neither names one);
 * a named context that does not exist is client-go's configuration error.
 */
export function selectedContext(
  config: MergedKubeconfig,
  flags: ClusterFlags,
): KubeconfigContext | undefined {
  const name = flags.context || config.currentContext;
  const context = config.contexts.get(name);
  if (name !== "" && !context) contextNotFound(name, config, flags);
  return context;
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
  const context = selectedContext(config, flags);
  const namespace = context?.namespace || "default";
  return { namespace, explicit: flags.context !== "" && !!context?.namespace };
}

export function emptyConfig(): MergedKubeconfig {
  return { currentContext: "", clusters: new Map(), users: new Map(), contexts: new Map() };
}
