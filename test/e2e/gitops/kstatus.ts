// kstatus (sigs.k8s.io/cli-utils/pkg/kstatus/status) as Flux's health checks apply it to a kind
// without built-in rules, such as SealedSecret (cli-utils pkg/kstatus/status/generic.go): the
// generic properties decide, and when none applies the object is Current.
//
//   deletionTimestamp set                                   → Terminating
//   status.observedGeneration present and ≠ generation      → InProgress
//   condition Reconciling=True                              → InProgress
//   condition Stalled=True                                  → Failed
//   otherwise                                               → Current ("Resource is current")

export type KStatus = "InProgress" | "Failed" | "Current" | "Terminating";

export interface KResult {
  status: KStatus;
  message: string;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface Unstructured {
  kind?: string;
  metadata?: { generation?: number; deletionTimestamp?: string | null };
  status?: { observedGeneration?: number; conditions?: Condition[] } | null;
}

export function computeKstatus(u: Unstructured): KResult {
  if (u.metadata?.deletionTimestamp) {
    return { status: "Terminating", message: "Resource scheduled for deletion" };
  }
  const generation = u.metadata?.generation;
  const observed = u.status?.observedGeneration;
  if (generation !== undefined && observed !== undefined && observed !== generation) {
    return {
      status: "InProgress",
      message: `${u.kind ?? "Resource"} generation is ${generation}, but latest observed generation is ${observed}`,
    };
  }
  for (const c of u.status?.conditions ?? []) {
    if (c.type === "Reconciling" && c.status === "True") {
      return { status: "InProgress", message: c.message ?? "" };
    }
    if (c.type === "Stalled" && c.status === "True") {
      return { status: "Failed", message: c.message ?? "" };
    }
  }
  return { status: "Current", message: "Resource is current" };
}
