import { isConflict, isNotFound } from "../kube/rest.js";
import type { KubeRest } from "../kube/rest.js";
import { LeaseConflictError } from "./elector.js";
import type { LeasePort } from "./elector.js";
import type { LeaseRecord, ObservedLease } from "./lease.js";

/**
 * The Lease port against the API server: `coordination.k8s.io/v1` Lease `name` in `namespace`.
 * Needs create on leases and get/patch on that name (the chart's Role). Updates are JSON merge
 * patches carrying `metadata.resourceVersion`, which the API server checks (409 when stale), so
 * they are as optimistic as a PUT while keeping fields this controller does not know
 * (labels, `spec.strategy`, …).
 */
interface LeaseObject {
  metadata?: { resourceVersion?: string };
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

const GROUP_PATH = "/apis/coordination.k8s.io/v1";

export function kubeLeasePort(rest: KubeRest, namespace: string, name: string): LeasePort {
  const collection = `${GROUP_PATH}/namespaces/${encodeURIComponent(namespace)}/leases`;
  const item = `${collection}/${encodeURIComponent(name)}`;
  const conflicts = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      if (isConflict(err))
        throw new LeaseConflictError(`${what} lease ${namespace}/${name}: conflict`);
      throw err;
    }
  };
  return {
    async get(timeoutMs) {
      try {
        return fromObject(await rest.request<LeaseObject>(item, { timeoutMs }));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    create: (record, timeoutMs) =>
      conflicts("create", async () =>
        fromObject(
          await rest.request<LeaseObject>(collection, {
            method: "POST",
            timeoutMs,
            body: {
              apiVersion: "coordination.k8s.io/v1",
              kind: "Lease",
              metadata: { name, namespace },
              spec: record,
            },
          }),
        ),
      ),
    update: (record, resourceVersion, timeoutMs) =>
      conflicts("update", async () =>
        fromObject(
          await rest.request<LeaseObject>(item, {
            method: "PATCH",
            contentType: "application/merge-patch+json",
            timeoutMs,
            body: { metadata: { resourceVersion }, spec: record },
          }),
        ),
      ),
  };
}

/** The record of a Lease as the API server returned it (absent fields: Go zero values). */
export function fromObject(obj: LeaseObject): ObservedLease {
  const spec = obj.spec ?? {};
  const record: LeaseRecord = {
    holderIdentity: spec.holderIdentity ?? "",
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: spec.acquireTime,
    renewTime: spec.renewTime,
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
  return { record, resourceVersion: obj.metadata?.resourceVersion ?? "" };
}
