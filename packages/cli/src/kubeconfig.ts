import { load } from "js-yaml";

import type { ResolvedNamespace } from "@signet/core";

import type { Io } from "./io.js";
import type { ClusterFlags } from "./options.js";

interface KubeconfigFile {
  "current-context"?: string;
  contexts?: { name?: string; context?: { namespace?: string } }[];
}

/** Kubeconfig files in client-go's loading order: `--kubeconfig`, else `$KUBECONFIG`, else ~/.kube/config. */
export function kubeconfigPaths(flags: ClusterFlags, io: Io): string[] {
  if (flags.kubeconfig) return [flags.kubeconfig];
  const list = io.env.KUBECONFIG?.split(":").filter((p) => p !== "");
  if (list && list.length > 0) return list;
  return [`${io.homeDir}/.kube/config`];
}

async function readKubeconfigs(paths: string[], io: Io): Promise<KubeconfigFile[]> {
  const files: KubeconfigFile[] = [];
  for (const path of paths) {
    const text = await io.readFile(path).then(
      (b) => b.toString("utf8"),
      () => undefined,
    );
    if (text === undefined) continue;
    const parsed: unknown = load(text);
    if (parsed && typeof parsed === "object") files.push(parsed);
  }
  return files;
}

/**
 * The namespace client-go's config would report (`DirectClientConfig.Namespace`,
 * tools/clientcmd/client_config.go; docs/flags.md#kubeconfig-and-namespace) without loading a
 * Kubernetes client:
 * explicit `-n` first, then the current (or `--context`) context's namespace, then `default` when
 * a kubeconfig exists, then the in-cluster `POD_NAMESPACE`; empty when nothing is configured.
 * The first file that sets a value wins, as in client-go's merge.
 */
export async function resolveClientNamespace(
  flags: ClusterFlags,
  io: Io,
): Promise<ResolvedNamespace> {
  if (flags.namespace !== "")
    return { namespace: flags.namespace, explicit: flags.namespaceExplicit };
  const files = await readKubeconfigs(kubeconfigPaths(flags, io), io);
  if (files.length === 0) return { namespace: io.env.POD_NAMESPACE ?? "", explicit: false };
  const current =
    flags.context || files.find((f) => f["current-context"])?.["current-context"] || "";
  for (const file of files) {
    const context = file.contexts?.find((c) => c.name === current);
    if (context) return { namespace: context.context?.namespace || "default", explicit: false };
  }
  return { namespace: "default", explicit: false };
}
