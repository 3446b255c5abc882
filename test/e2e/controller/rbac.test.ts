// The controller as it is deployed: in kube-system, under the sealed-secrets-controller service
// account with exactly the RBAC of deploy/kustomize/rbac.yaml, reached through the API server's
// service proxy the way kubeseal --fetch-cert reaches it.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "../../cluster/api.js";
import { api, kubectl, serveInNetns, testNamespace } from "../../cluster/testing.js";
import type { NetnsServer } from "../../cluster/testing.js";
import {
  CONTROLLER_MAIN,
  createSealedSecret,
  deleteSealedSecrets,
  deleteSecret,
  events,
  keySecrets,
  seal,
  unb64,
  updateSealedSecret,
  waitSecret,
  waitSynced,
} from "./support.js";

const RBAC = fileURLToPath(new URL("../../../deploy/kustomize/rbac.yaml", import.meta.url));
const ROLLOUT_RBAC = fileURLToPath(
  new URL("../../../deploy/kustomize/components/rollout/rbac.yaml", import.meta.url),
);
const NS = "kube-system";
const PROXY = `/api/v1/namespaces/${NS}/services/http:sealed-secrets-controller:http/proxy`;

const pem = (text: string): string => text.replace(/\r\n/g, "\n").trim();

describe("signet-controller with the shipped RBAC", () => {
  let srv: NetnsServer;
  let rbac: string;
  const used: string[] = [];

  beforeAll(async () => {
    rbac = readFileSync(RBAC, "utf8").replace(/namespace: default\b.*$/gm, `namespace: ${NS}`);
    kubectl(["apply", "-n", NS, "-f", "-"], { input: rbac });
    srv = await serveInNetns({
      namespace: NS,
      name: "sealed-secrets-controller",
      port: 8080,
      identity: "controller",
      command: process.execPath,
      args: [
        CONTROLLER_MAIN,
        "--key-size=2048",
        "--key-renew-period=0",
        "--kubeclient-qps=100",
        "--kubeclient-burst=200",
        // On, as the rollout component turns it on; its RBAC is applied by the test that needs it.
        "--rollout-workloads",
      ],
      env: { POD_NAMESPACE: NS },
    });
    await waitFor(
      "controller /healthz through the service proxy",
      async () => ((await api(`${PROXY}/healthz`)).status === 200 ? true : undefined),
      60_000,
      200,
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${srv.process.tail(40)}`, { cause: err });
    });
  });

  afterAll(async () => {
    await srv?.stop();
    await deleteSealedSecrets(used);
    for (const k of await keySecrets(NS)) {
      await api(`/api/v1/namespaces/${NS}/secrets/${k.metadata?.name}`, { method: "DELETE" });
    }
    kubectl(["delete", "-n", NS, "--ignore-not-found", "-f", "-"], { input: rbac });
    kubectl(["delete", "--ignore-not-found", "-f", "-"], { input: rolloutRbac() });
  });

  /** The rollout component's RBAC, bound to the service account in the test's namespace. */
  const rolloutRbac = (): string =>
    readFileSync(ROLLOUT_RBAC, "utf8").replace(/namespace: default\b.*$/gm, `namespace: ${NS}`);

  it("generates its key in its namespace and serves the certificate through the service proxy", async () => {
    const keys = await keySecrets(NS);
    expect(keys).toHaveLength(1);
    const res = await api(`${PROXY}/v1/cert.pem`);
    expect(res.status).toBe(200);
    expect(pem(res.body)).toBe(pem(unb64(keys[0]?.data?.["tls.crt"])));
  });

  it("creates, updates and re-creates Secrets, writes status and events, without a single refusal", async () => {
    const res = await api(`${PROXY}/v1/cert.pem`);
    const key = { certificatePem: res.body, privateKeyPem: "" };
    const n = await testNamespace("rbac");
    used.push(n);
    await createSealedSecret(seal(key, { namespace: n, name: "app", data: { k: "one" } }));
    await waitSynced(n, "app", "True");
    await updateSealedSecret(seal(key, { namespace: n, name: "app", data: { k: "two" } }));
    await waitSynced(n, "app", "True", 2);
    await waitSecret(n, "app", "updated", (s) => unb64(s.data?.["k"]) === "two");
    await deleteSecret(n, "app");
    await waitSecret(n, "app", "re-created");
    await waitFor(
      "Unsealed events (created, then aggregated with a patch)",
      async () => {
        const unsealed = (await events(n, "app")).filter((e) => e.reason === "Unsealed");
        return unsealed.reduce((sum, e) => sum + (e.count ?? 1), 0) >= 3 ? true : undefined;
      },
      10_000,
    );
    const log = readFileSync(srv.process.logFile, "utf8");
    // RBAC refusals name the user and verb (other 403s, e.g. writes into namespaces other tests
    // are deleting, are not about RBAC).
    expect(log).not.toMatch(
      /User \\?"system:serviceaccount:kube-system:sealed-secrets-controller\\?" cannot/,
    );
  });

  it("restarts a named Deployment only once the rollout component's RBAC is applied (Forbidden in status before, the Secret written all along)", async () => {
    const res = await api(`${PROXY}/v1/cert.pem`);
    const key = { certificatePem: res.body, privateKeyPem: "" };
    const n = await testNamespace("rbac-rollout");
    used.push(n);
    const deployment = {
      metadata: { name: "api" },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "api" } },
        template: {
          metadata: { labels: { app: "api" } },
          spec: { containers: [{ name: "app", image: "registry.invalid/app:1" }] },
        },
      },
    };
    expect(
      (await api(`/apis/apps/v1/namespaces/${n}/deployments`, { method: "POST", body: deployment }))
        .status,
    ).toBe(201);
    const annotated = (value: string) => {
      const ss = seal(key, { namespace: n, name: "app", data: { k: value } });
      ss.metadata.annotations = {
        ...ss.metadata.annotations,
        "signet.dev/rollout": "deployment/api",
      };
      return ss;
    };
    const rollout = async () => {
      const got = await api(`/apis/bitnami.com/v1alpha1/namespaces/${n}/sealedsecrets/app`);
      const ss = JSON.parse(got.body) as {
        status?: { conditions?: { type: string; reason?: string; message?: string }[] };
      };
      return ss.status?.conditions?.find((c) => c.type === "Rollout");
    };
    const restartedAt = async () => {
      const got = await api(`/apis/apps/v1/namespaces/${n}/deployments/api`);
      const d = JSON.parse(got.body) as {
        spec: { template: { metadata?: { annotations?: Record<string, string> } } };
      };
      return d.spec.template.metadata?.annotations?.["kubectl.kubernetes.io/restartedAt"];
    };

    await createSealedSecret(annotated("one"));
    await waitSynced(n, "app", "True");
    await updateSealedSecret(annotated("two"));
    await waitSecret(n, "app", "updated", (s) => unb64(s.data?.["k"]) === "two");
    const forbidden = await waitFor(
      "Rollout condition Forbidden under the base RBAC",
      async () => {
        const c = await rollout();
        return c?.reason === "Forbidden" ? c : undefined;
      },
      60_000,
      250,
    );
    expect(forbidden.message).toContain("deployment/api");
    expect(JSON.stringify(forbidden)).not.toContain("two");
    expect(await restartedAt()).toBeUndefined();

    // The component's RBAC: the retry (with backoff) restarts the Deployment for the same change.
    kubectl(["apply", "-f", "-"], { input: rolloutRbac() });
    await waitFor(
      "Rollout condition Restarted once the component's RBAC is in place",
      async () => ((await rollout())?.reason === "Restarted" ? true : undefined),
      180_000,
      500,
    );
    expect(await restartedAt()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  }, 300_000);
});
