/**
 * The workload port of rollout on change (docs/rollout.md): restarting a Deployment,
 * StatefulSet or DaemonSet of a SealedSecret's namespace. `src/kube/workloads.ts` implements it.
 */

/** Workload kinds that may be restarted (apps/v1, same namespace only). */
export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet";

export interface RolloutTarget {
  kind: WorkloadKind;
  name: string;
}

/**
 * Restarts a workload the way `kubectl rollout restart` does (reconcile/rollout.ts
 * `restartPatch`); throws the API's errors (classified with `ApiErrorInfo`).
 */
export interface WorkloadRestarter {
  restart(namespace: string, target: RolloutTarget, restartedAt: string): Promise<void>;
}
