import type { WorkloadRestarter } from "../controller/ports.js";
import { restartPatch, WORKLOAD_RESOURCE } from "../reconcile/rollout.js";
import type { KubeRest } from "./rest.js";

/**
 * `WorkloadRestarter` against the API server: the strategic-merge patch `kubectl rollout
 * restart` sends (only the pod template's `restartedAt` annotation), on apps/v1 Deployments,
 * StatefulSets and DaemonSets. Errors are the REST client's `KubeApiError`s.
 */
export function kubeWorkloadRestarter(rest: KubeRest): WorkloadRestarter {
  return {
    async restart(namespace, target, restartedAt) {
      const path = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${
        WORKLOAD_RESOURCE[target.kind]
      }/${encodeURIComponent(target.name)}`;
      await rest.request<unknown>(path, {
        method: "PATCH",
        contentType: "application/strategic-merge-patch+json",
        body: restartPatch(restartedAt),
      });
    },
  };
}
