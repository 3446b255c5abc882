import type { SealedSecret, Secret } from "@signet/core";

import type { RolloutTarget, WorkloadKind } from "../ports/workloads.js";
import { capMessage } from "./failure.js";

export type { RolloutTarget, WorkloadKind } from "../ports/workloads.js";

/**
 * Rollout on change (issue 17; docs/rollout.md), pure. A SealedSecret names the workloads of its
 * namespace to restart when the Secret it produces gets new data:
 *
 *     signet.dev/rollout: deployment/api, statefulset/db
 *
 * The restart is what `kubectl rollout restart` does: the pod template's
 * `kubectl.kubernetes.io/restartedAt` annotation is set to the time of the change, so each
 * workload controller rolls its pods the usual way (new ReplicaSet, ordered StatefulSet update).
 * Only the decision lives here: which targets, whether this write is new data, the patch body,
 * and the `Rollout` condition. The restart itself is a port (`WorkloadRestarter`).
 * Messages name kinds, workload names and annotation text, never Secret values.
 */

/** The SealedSecret annotation listing the workloads to restart. */
export const ROLLOUT_ANNOTATION = "signet.dev/rollout";

/** The pod-template annotation `kubectl rollout restart` sets (kubectl's `restartedAt`). */
export const RESTARTED_AT_ANNOTATION = "kubectl.kubernetes.io/restartedAt";

/** Condition type Signet adds beside the reference's `Synced` (never instead of it). */
export const ROLLOUT_CONDITION = "Rollout";

/** `reason` of the `Rollout` condition. */
export type RolloutReason =
  | "Restarted"
  | "InvalidRolloutAnnotation"
  | "KindNotAllowed"
  | "RolloutDisabled"
  | "TargetNotFound"
  | "Forbidden"
  | "RolloutFailed";

/** The `Rollout` condition to show: set, remove (no annotation), or leave as it is. */
export type RolloutCondition =
  | { type: "set"; status: "True" | "False"; reason: RolloutReason; message: string }
  | { type: "remove" };

/** What to do about rollout after a successful reconcile. */
export type RolloutPlan =
  | { kind: "none"; condition: RolloutCondition | undefined }
  | { kind: "restart"; targets: RolloutTarget[]; restartedAt: string };

/** Kind spellings accepted before the `/` (kubectl's names, plural and short forms, `.apps`). */
const KINDS: Readonly<Record<string, WorkloadKind>> = {
  deployment: "Deployment",
  deployments: "Deployment",
  deploy: "Deployment",
  statefulset: "StatefulSet",
  statefulsets: "StatefulSet",
  sts: "StatefulSet",
  daemonset: "DaemonSet",
  daemonsets: "DaemonSet",
  ds: "DaemonSet",
};

/** Path segment of each kind under /apis/apps/v1. */
export const WORKLOAD_RESOURCE: Readonly<Record<WorkloadKind, string>> = {
  Deployment: "deployments",
  StatefulSet: "statefulsets",
  DaemonSet: "daemonsets",
};

/** A DNS-1123 subdomain, what Kubernetes requires of these workloads' names. */
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Longest annotation entry quoted back in a message. */
const MAX_QUOTED = 80;

export type ParsedTargets =
  | { ok: true; targets: RolloutTarget[] }
  | { ok: false; reason: "InvalidRolloutAnnotation" | "KindNotAllowed"; message: string };

/**
 * Parses the annotation value: entries `kind/name` separated by commas and/or whitespace; kinds
 * case-insensitive; duplicates dropped, order kept. Undefined when there is nothing to parse
 * (absent or blank). A namespace (`ns/kind/name`), an empty name or an unknown kind is refused
 * as a whole: no target is restarted from a half-understood list.
 */
export function parseRolloutTargets(value: string | undefined): ParsedTargets | undefined {
  const entries = (value ?? "").split(/[\s,]+/).filter((e) => e !== "");
  if (entries.length === 0) return undefined;
  const targets: RolloutTarget[] = [];
  for (const entry of entries) {
    const parsed = parseEntry(entry);
    if (!parsed.ok) return parsed;
    const t = parsed.target;
    if (!targets.some((o) => o.kind === t.kind && o.name === t.name)) targets.push(t);
  }
  return { ok: true, targets };
}

function parseEntry(
  entry: string,
): { ok: true; target: RolloutTarget } | Extract<ParsedTargets, { ok: false }> {
  const quoted = JSON.stringify(
    entry.length > MAX_QUOTED ? `${entry.slice(0, MAX_QUOTED)}…` : entry,
  );
  const parts = entry.split("/");
  if (parts.length !== 2 || !NAME.test(parts[1] ?? "")) {
    return invalid(
      "InvalidRolloutAnnotation",
      `${ROLLOUT_ANNOTATION}: ${quoted} is not kind/name (same namespace only, e.g. deployment/api)`,
    );
  }
  const kindText = (parts[0] ?? "").toLowerCase().replace(/\.apps$/, "");
  const kind = KINDS[kindText];
  if (kind === undefined) {
    return invalid(
      "KindNotAllowed",
      `${ROLLOUT_ANNOTATION}: ${quoted}: only Deployments, StatefulSets and DaemonSets can be restarted`,
    );
  }
  return { ok: true, target: { kind, name: parts[1] ?? "" } };
}

const invalid = (
  reason: "InvalidRolloutAnnotation" | "KindNotAllowed",
  message: string,
): Extract<ParsedTargets, { ok: false }> => ({ ok: false, reason, message: capMessage(message) });

/** The inputs of `writesNewData`. */
export interface WriteFacts {
  /** What the reconcile wrote: "create", "update", or nothing ("none"). */
  action: "create" | "update" | "none";
  /** The Secret before the write, and the one written. */
  before: Pick<Secret, "data"> | undefined;
  after: Pick<Secret, "data"> | undefined;
  /** The SealedSecret's generation and status.observedGeneration. */
  generation: number | undefined;
  observedGeneration: number | undefined;
  /** The generation this process last reconciled successfully (undefined: none). */
  settledGeneration: number | undefined;
}

/**
 * True when a write put NEW data into an existing Secret because the SealedSecret changed:
 * - an update (a first creation is not a change of content);
 * - whose data differs from what the Secret held (metadata-only writes and re-sealed values that
 *   open to the same data are not);
 * - for a generation not yet reconciled: neither recorded in status (`observedGeneration`) nor
 *   by this process. A drift repair (someone edited the Secret) or a controller restart finds
 *   the generation already observed, so restoring the data restarts nothing.
 * With `--update-status=false` there is no observedGeneration: after a controller restart the
 * first repair of a drifted Secret counts as new data (documented).
 */
export function writesNewData(f: WriteFacts): boolean {
  if (f.action !== "update" || f.generation === undefined) return false;
  if (sameData(f.before?.data, f.after?.data)) return false;
  return f.generation !== f.observedGeneration && f.generation !== f.settledGeneration;
}

function sameData(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>> | undefined,
): boolean {
  const ka = Object.keys(a ?? {});
  const kb = Object.keys(b ?? {});
  return ka.length === kb.length && ka.every((k) => b?.[k] !== undefined && b[k] === a?.[k]);
}

/** The inputs of `planRollout`. */
export interface RolloutFacts {
  ss: Pick<SealedSecret, "metadata">;
  /** `--rollout-workloads` (off by default). */
  enabled: boolean;
  /** `writesNewData` for this reconcile. */
  newData: boolean;
  now: Date;
}

/**
 * What rollout does after a successful reconcile: restart the targets (only for new data, only
 * when enabled, only from a valid annotation), or only show a condition: a refused annotation
 * or a disabled feature is reported on every reconcile; without the annotation the condition is
 * removed; otherwise the condition is left as it is.
 */
export function planRollout(f: RolloutFacts): RolloutPlan {
  const parsed = parseRolloutTargets(f.ss.metadata.annotations?.[ROLLOUT_ANNOTATION]);
  if (parsed === undefined) return { kind: "none", condition: { type: "remove" } };
  if (!parsed.ok) return none("False", parsed.reason, parsed.message);
  if (!f.enabled) {
    return none(
      "False",
      "RolloutDisabled",
      `${ROLLOUT_ANNOTATION} is set but workload rollout is disabled in this controller (--rollout-workloads)`,
    );
  }
  if (!f.newData) return { kind: "none", condition: undefined };
  return { kind: "restart", targets: parsed.targets, restartedAt: restartedAt(f.now) };
}

const none = (status: "True" | "False", reason: RolloutReason, message: string): RolloutPlan => ({
  kind: "none",
  condition: { type: "set", status, reason, message },
});

/** kubectl's value: RFC 3339 at whole seconds (UTC here). */
function restartedAt(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, "Z");
}

/**
 * The strategic-merge patch `kubectl rollout restart` sends: only the pod template's
 * `restartedAt` annotation, so nothing else of the workload is touched.
 */
export function restartPatch(at: string): object {
  return { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: at } } } } };
}

/** How the restart of one target ended. */
export type RestartResult = "restarted" | "not-found" | "forbidden" | "failed";

export interface TargetOutcome {
  target: RolloutTarget;
  result: RestartResult;
}

/** `kind/name` as users write it (lower-case kind). */
export function targetText(t: RolloutTarget): string {
  return `${t.kind.toLowerCase()}/${t.name}`;
}

const FAILURE_REASON: Readonly<Record<Exclude<RestartResult, "restarted">, RolloutReason>> = {
  "not-found": "TargetNotFound",
  forbidden: "Forbidden",
  failed: "RolloutFailed",
};

const RESULT_TEXT: Readonly<Record<RestartResult, string>> = {
  restarted: "restarted",
  "not-found": "not found",
  forbidden: "forbidden (RBAC: see the rollout component of the Helm chart / kustomize)",
  failed: "restart failed, retrying",
};

/**
 * The `Rollout` condition after restarting: `True`/`Restarted` when every target was restarted,
 * else `False` with the first failure's reason; the message lists every target's result and
 * the restart time (the change it belongs to).
 */
export function rolloutCondition(outcomes: readonly TargetOutcome[], at: string): RolloutCondition {
  const failed = outcomes.find((o) => o.result !== "restarted");
  const list = outcomes.map((o) => `${targetText(o.target)}: ${RESULT_TEXT[o.result]}`).join("; ");
  const message = capMessage(`restartedAt ${at}: ${list}`);
  if (failed === undefined || failed.result === "restarted") {
    return { type: "set", status: "True", reason: "Restarted", message };
  }
  return { type: "set", status: "False", reason: FAILURE_REASON[failed.result], message };
}
