import { existsSync, readFileSync } from "node:fs";

import { KubeConfig } from "@kubernetes/client-node";

/** Where the pod's service-account namespace is mounted (reference `getMyNamespace`). */
export const SERVICE_ACCOUNT_NAMESPACE_FILE =
  "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

/**
 * Loads the client configuration: `--kubeconfig` when given, else `KUBECONFIG` (development),
 * else the in-cluster service account (the reference's only mode, spec §4.1 step 3).
 */
export function loadKubeConfig(
  kubeconfigFlag: string,
  env: Readonly<Record<string, string | undefined>>,
): KubeConfig {
  const kc = new KubeConfig();
  const path = kubeconfigFlag || env["KUBECONFIG"]?.split(":").find((p) => p !== "") || "";
  if (path !== "") kc.loadFromFile(path);
  else kc.loadFromCluster();
  return kc;
}

/**
 * The controller's own namespace, where keys live (spec §4.1 step 4): `POD_NAMESPACE`, else the
 * service-account namespace file (trimmed), else `default`.
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
