import type { WorkloadRestarter } from "../ports/workloads.js";
import { restartPatch, WORKLOAD_RESOURCE } from "../reconcile/rollout.js";
import type { KubeRest } from "./rest.js";

/** The managedFields manager of the restart patches. */
export const ROLLOUT_FIELD_MANAGER = "signet-rollout";

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
        // A named field manager, so GitOps tools using server-side apply see the annotation
        // as someone else's field and leave it alone (docs/rollout.md#argo-cd-and-flux).
        query: { fieldManager: ROLLOUT_FIELD_MANAGER },
        body: restartPatch(restartedAt),
      });
    },
  };
}
