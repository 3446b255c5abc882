// Rollout on change (issue 17, docs/rollout.md) on the real control plane, whose
// kube-controller-manager runs the deployment, StatefulSet and DaemonSet controllers: a changed
// sealed value restarts the named Deployment as `kubectl rollout restart` does, which the
// deployment controller turns into a new ReplicaSet (a StatefulSet's and a DaemonSet's
// controllers into a new ControllerRevision); creation, a re-seal to the same value, resyncs, a controller restart
// and a drift repair create none; a missing target shows in status without blocking the Secret.
import { afterAll, describe, expect, it } from "vitest";

import type { SealedSecret } from "@signet/core";

import { waitFor } from "../../cluster/api.js";
import { deleteNamespace } from "../../cluster/testing.js";
import {
  call,
  createSealed,
  listSealed,
  makeNamespace,
  putKey,
  resealTo,
  sharedEndpoint,
  ssPath,
  startControllerOn,
  waitConverged,
} from "./fault-support.js";
import type { Controller } from "./fault-support.js";
import { deleteSealedSecrets, seal, testKey } from "./support.js";

const RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
const ARGS = ["--rollout-workloads", "--resync-period=1s"];

describe("rollout on change", () => {
  const ep = sharedEndpoint();
  const controllers: Controller[] = [];
  const namespaces: string[] = [];
  afterAll(async () => {
    await Promise.all(controllers.map((c) => c.proc.stop()));
    await deleteSealedSecrets(namespaces);
    await Promise.all(namespaces.map((ns) => deleteNamespace(ns)));
  });

  async function ok(path: string, req: Parameters<typeof call>[2] = {}): Promise<unknown> {
    const res = await call(ep, path, req);
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${req.method ?? "GET"} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
    }
    return res.json;
  }

  /** A Deployment with no replicas: the deployment controller still makes a ReplicaSet per template. */
  const createDeployment = (ns: string, name: string) =>
    ok(`/apis/apps/v1/namespaces/${ns}/deployments`, {
      method: "POST",
      body: {
        metadata: { name },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: "app", image: "registry.invalid/app:1" }] },
          },
        },
      },
    });

  async function replicaSets(ns: string, owner: string): Promise<string[]> {
    const list = (await ok(`/apis/apps/v1/namespaces/${ns}/replicasets`)) as {
      items: { metadata: { name: string; ownerReferences?: { name: string }[] } }[];
    };
    return list.items
      .filter((rs) => rs.metadata.ownerReferences?.some((o) => o.name === owner))
      .map((rs) => rs.metadata.name)
      .sort();
  }

  const waitReplicaSets = (ns: string, owner: string, count: number) =>
    waitFor(
      `${count} ReplicaSet(s) of deployment/${owner}`,
      async () => {
        const names = await replicaSets(ns, owner);
        return names.length === count ? names : undefined;
      },
      60_000,
      200,
    );

  async function restartedAt(ns: string, name: string): Promise<string | undefined> {
    const d = (await ok(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`)) as {
      spec: { template: { metadata?: { annotations?: Record<string, string> } } };
    };
    return d.spec.template.metadata?.annotations?.[RESTARTED_AT];
  }

  const rolloutCondition = async (ns: string, name: string) => {
    const ss = (await listSealed(ep, ns)).find((s) => s.metadata.name === name);
    return ss?.status?.conditions?.find((c) => c.type === "Rollout");
  };

  const annotated = (ss: SealedSecret, targets: string): SealedSecret => ({
    ...ss,
    metadata: {
      ...ss.metadata,
      annotations: { ...ss.metadata.annotations, "signet.dev/rollout": targets },
    },
  });

  /** Lets the controller's resync run a few passes before asserting that nothing happened. */
  const settle = () => new Promise((r) => setTimeout(r, 3_000));

  it("a changed sealed value makes one new ReplicaSet; creation, re-seal, resync, restart and drift repair make none", async () => {
    const ns = await makeNamespace(ep, "rollout");
    namespaces.push(ns);
    const key = await testKey();
    await putKey(ep, ns, key);
    await createDeployment(ns, "api");
    const [initial] = await waitReplicaSets(ns, "api", 1);
    let ctl = await startControllerOn(ep, ns, ARGS);
    controllers.push(ctl);
    const values: Record<string, string> = { app: "one" };

    // Creation: the Secret is born, nothing restarts.
    await createSealed(
      ep,
      annotated(seal(key, { namespace: ns, name: "app", data: { k: "one" } }), "deployment/api"),
    );
    await waitConverged(ep, ns, (n) => values[n] ?? "", 60_000);
    await settle();
    expect(await replicaSets(ns, "api")).toEqual([initial]);

    // Re-sealed to the same value: new ciphertext and generation, same data.
    await resealTo(ep, seal(key, { namespace: ns, name: "app", data: { k: "one" } }));
    await waitConverged(ep, ns, (n) => values[n] ?? "", 60_000);
    await settle();
    expect(await replicaSets(ns, "api")).toEqual([initial]);

    // Controller restart: every object is reconciled again, nothing restarts.
    await ctl.proc.stop();
    ctl = await startControllerOn(ep, ns, ARGS);
    controllers.push(ctl);
    await settle();
    expect(await replicaSets(ns, "api")).toEqual([initial]);

    // Drift repair: the Secret's data edited behind the controller's back is restored.
    const drifted = await call(ep, `/api/v1/namespaces/${ns}/secrets/app`, {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { data: { k: Buffer.from("tampered").toString("base64") } },
    });
    expect(drifted.status).toBe(200);
    await waitConverged(ep, ns, (n) => values[n] ?? "", 60_000);
    await settle();
    expect(await replicaSets(ns, "api")).toEqual([initial]);
    expect(await restartedAt(ns, "api")).toBeUndefined();
    expect(ctl.log()).not.toContain("workloads restarted");

    // A changed value: one restart, one new ReplicaSet.
    values["app"] = "second-value-7c1e";
    await resealTo(ep, seal(key, { namespace: ns, name: "app", data: { k: "second-value-7c1e" } }));
    await waitConverged(ep, ns, (n) => values[n] ?? "", 60_000);
    const after = await waitReplicaSets(ns, "api", 2);
    expect(after).toContain(initial);
    expect(await restartedAt(ns, "api")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await rolloutCondition(ns, "app")).toMatchObject({
      status: "True",
      reason: "Restarted",
    });
    await settle();
    expect(await replicaSets(ns, "api")).toHaveLength(2);
    const log = ctl.log();
    expect(log.match(/workloads restarted/g)).toHaveLength(1);
    expect(log).not.toContain("second-value-7c1e");
  }, 240_000);

  it("a missing target shows in status and events; the Secret is still written", async () => {
    const ns = await makeNamespace(ep, "rollout-missing");
    namespaces.push(ns);
    const key = await testKey();
    await putKey(ep, ns, key);
    const ctl = await startControllerOn(ep, ns, ARGS);
    controllers.push(ctl);
    const values: Record<string, string> = { app: "one" };
    await createSealed(
      ep,
      annotated(seal(key, { namespace: ns, name: "app", data: { k: "one" } }), "deployment/gone"),
    );
    await waitConverged(ep, ns, (n) => values[n] ?? "", 60_000);
    values["app"] = "second-value-7c1e";
    await resealTo(ep, seal(key, { namespace: ns, name: "app", data: { k: "second-value-7c1e" } }));
    await waitConverged(ep, ns, (n) => values[n] ?? "", 60_000);
    const condition = await waitFor(
      "Rollout condition TargetNotFound",
      async () => {
        const c = await rolloutCondition(ns, "app");
        return c?.reason === "TargetNotFound" ? c : undefined;
      },
      30_000,
      200,
    );
    expect(condition).toMatchObject({
      status: "False",
      message: expect.stringContaining("deployment/gone: not found") as unknown,
    });
    // Events are sent asynchronously (held back while the work queue is busy, at most 30 s).
    const failed = await waitFor(
      "an ErrRolloutFailed event",
      async () => {
        const events = (await ok(`/api/v1/namespaces/${ns}/events`)) as {
          items: { reason: string; type: string; message: string }[];
        };
        expect(JSON.stringify(events.items)).not.toContain("second-value-7c1e");
        const found = events.items.filter((e) => e.reason === "ErrRolloutFailed");
        return found.length > 0 ? found : undefined;
      },
      60_000,
      500,
    );
    expect(failed[0]).toMatchObject({
      type: "Warning",
      message: expect.stringContaining("deployment/gone: not found") as unknown,
    });

    // The Deployment appears: the retry restarts it for the same change.
    await createDeployment(ns, "gone");
    await waitFor(
      "Rollout condition Restarted after the target appeared",
      async () => ((await rolloutCondition(ns, "app"))?.reason === "Restarted" ? true : undefined),
      120_000,
      500,
    );
    expect(await restartedAt(ns, "gone")).toBeDefined();
    expect(await call(ep, ssPath(ns, "app"))).toMatchObject({ status: 200 });
  }, 240_000);

  /** A workload of `kind` with a pod template (no node runs its pods: revisions are what count). */
  const createWorkload = (ns: string, kind: "statefulsets" | "daemonsets", name: string) =>
    ok(`/apis/apps/v1/namespaces/${ns}/${kind}`, {
      method: "POST",
      body: {
        metadata: { name },
        spec: {
          ...(kind === "statefulsets" ? { replicas: 0, serviceName: name } : {}),
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: "app", image: "registry.invalid/app:1" }] },
          },
        },
      },
    });

  async function revisions(ns: string, owner: string): Promise<string[]> {
    const list = (await ok(`/apis/apps/v1/namespaces/${ns}/controllerrevisions`)) as {
      items: { metadata: { name: string; ownerReferences?: { name: string }[] } }[];
    };
    return list.items
      .filter((r) => r.metadata.ownerReferences?.some((o) => o.name === owner))
      .map((r) => r.metadata.name)
      .sort();
  }

  const waitRevisions = (ns: string, owner: string, count: number) =>
    waitFor(
      `${count} ControllerRevision(s) of ${owner}`,
      async () => {
        const names = await revisions(ns, owner);
        return names.length === count ? names : undefined;
      },
      60_000,
      200,
    );

  it("a changed sealed value restarts a named StatefulSet and DaemonSet once each (one new ControllerRevision); creation restarts neither", async () => {
    const ns = await makeNamespace(ep, "rollout-sts-ds");
    namespaces.push(ns);
    const key = await testKey();
    await putKey(ep, ns, key);
    await createWorkload(ns, "statefulsets", "db");
    await createWorkload(ns, "daemonsets", "agent");
    const [dbInitial] = await waitRevisions(ns, "db", 1);
    const [agentInitial] = await waitRevisions(ns, "agent", 1);
    const ctl = await startControllerOn(ep, ns, ARGS);
    controllers.push(ctl);
    const values: Record<string, string> = { app: "one" };
    await createSealed(
      ep,
      annotated(
        seal(key, { namespace: ns, name: "app", data: { k: "one" } }),
        "sts/db, daemonset/agent",
      ),
    );
    await waitConverged(ep, ns, (n) => values[n] ?? "", 60_000);
    await settle();
    expect(await revisions(ns, "db")).toEqual([dbInitial]);
    expect(await revisions(ns, "agent")).toEqual([agentInitial]);

    values["app"] = "second-value-5d2a";
    await resealTo(ep, seal(key, { namespace: ns, name: "app", data: { k: "second-value-5d2a" } }));
    await waitConverged(ep, ns, (n) => values[n] ?? "", 60_000);
    expect(await waitRevisions(ns, "db", 2)).toContain(dbInitial);
    expect(await waitRevisions(ns, "agent", 2)).toContain(agentInitial);
    expect(await rolloutCondition(ns, "app")).toMatchObject({
      status: "True",
      reason: "Restarted",
    });
    await settle();
    expect(await revisions(ns, "db")).toHaveLength(2);
    expect(await revisions(ns, "agent")).toHaveLength(2);
    expect(ctl.log()).not.toContain("second-value-5d2a");
  }, 240_000);
});
