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
  });

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
});
