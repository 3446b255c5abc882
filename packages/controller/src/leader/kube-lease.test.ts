import { describe, expect, it } from "vitest";

import { KubeApiError } from "../kube/rest.js";
import type { KubeRest, RestRequest } from "../kube/rest.js";
import { LeaseConflictError } from "./elector.js";
import { kubeLeasePort } from "./kube-lease.js";

const PATH = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/sealed-secrets-controller";

function fakeRest(answer: (path: string, req: RestRequest) => unknown) {
  const calls: { path: string; req: RestRequest }[] = [];
  const rest: KubeRest = {
    request: async <T>(path: string, req: RestRequest = {}): Promise<T> => {
      calls.push({ path, req });
      await Promise.resolve();
      return answer(path, req) as T;
    },
    close: () => undefined,
  };
  return { rest, calls };
}

const record = {
  holderIdentity: "me",
  leaseDurationSeconds: 15,
  acquireTime: "2026-06-01T00:00:00.000000Z",
  renewTime: "2026-06-01T00:00:02.000000Z",
  leaseTransitions: 2,
};

describe("kubeLeasePort", () => {
  it("reads a Lease (absent fields are Go zero values) and a missing one as undefined", async () => {
    const { rest } = fakeRest((path) => {
      if (path === PATH)
        return { metadata: { resourceVersion: "7" }, spec: { holderIdentity: "x" } };
      throw new KubeApiError(404, "NotFound", "not found");
    });
    const port = kubeLeasePort(rest, "kube-system", "sealed-secrets-controller");
    expect(await port.get(1000)).toEqual({
      resourceVersion: "7",
      record: {
        holderIdentity: "x",
        leaseDurationSeconds: 0,
        acquireTime: undefined,
        renewTime: undefined,
        leaseTransitions: 0,
      },
    });
    const other = kubeLeasePort(rest, "kube-system", "other");
    expect(await other.get(1000)).toBeUndefined();
  });

  it("updates with a merge patch carrying the resourceVersion read; 409 is a LeaseConflictError", async () => {
    let conflict = false;
    const { rest, calls } = fakeRest((_path, req) => {
      if (conflict) throw new KubeApiError(409, "Conflict", "the object has been modified");
      return {
        metadata: { resourceVersion: "8" },
        spec: req.body && (req.body as { spec: unknown }).spec,
      };
    });
    const port = kubeLeasePort(rest, "kube-system", "sealed-secrets-controller");
    expect(await port.update(record, "7", 500)).toEqual({ record, resourceVersion: "8" });
    expect(calls[0]).toEqual({
      path: PATH,
      req: {
        method: "PATCH",
        contentType: "application/merge-patch+json",
        timeoutMs: 500,
        body: { metadata: { resourceVersion: "7" }, spec: record },
      },
    });
    conflict = true;
    await expect(port.update(record, "7", 500)).rejects.toBeInstanceOf(LeaseConflictError);
    await expect(port.create(record, 500)).rejects.toBeInstanceOf(LeaseConflictError);
  });

  it("creates the Lease in the collection", async () => {
    const { rest, calls } = fakeRest(() => ({ metadata: { resourceVersion: "1" }, spec: record }));
    const port = kubeLeasePort(rest, "kube-system", "sealed-secrets-controller");
    await port.create(record, 500);
    expect(calls[0]?.path).toBe("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases");
    expect(calls[0]?.req.body).toEqual({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "sealed-secrets-controller", namespace: "kube-system" },
      spec: record,
    });
  });
});
