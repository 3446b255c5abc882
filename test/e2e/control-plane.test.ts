/// <reference types="node" />
// Smoke tests for the e2e control plane (test/cluster): a real kube-apiserver + etcd +
// kube-controller-manager, the SealedSecret CRD, RBAC, and the service proxy into a netns.
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { waitFor } from "../cluster/api.js";
import {
  api,
  cluster,
  createNamespace,
  deleteNamespace,
  kubectl,
  serveInNetns,
  testNamespace,
} from "../cluster/testing.js";

const ECHO_SERVER = fileURLToPath(new URL("./fixtures/netns-echo-server.mjs", import.meta.url));

const sealedSecret = (ns: string): string => `
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: demo
  namespace: ${ns}
spec:
  encryptedData:
    password: AgBy3i4OJSWK+PiTySYZZA==
  template:
    metadata:
      labels: { app: demo }
    type: Opaque
`;

describe("control plane", () => {
  it("serves the pinned Kubernetes version", async () => {
    const res = await api("/version");
    expect(res.status).toBe(200);
    expect((res.json as { gitVersion: string }).gitVersion).toBe(`v${cluster().version}`);
  });

  it("has the SealedSecret CRD installed and accepts a SealedSecret applied with kubectl", async () => {
    const ns = await testNamespace();
    kubectl(["apply", "-f", "-"], { input: sealedSecret(ns) });
    const got = JSON.parse(kubectl(["get", "sealedsecret", "demo", "-n", ns, "-o", "json"]));
    expect(got.spec.encryptedData).toEqual({ password: "AgBy3i4OJSWK+PiTySYZZA==" });
    expect(got.spec.template.metadata.labels).toEqual({ app: "demo" });
    const table = kubectl(["get", "sealedsecrets", "-n", ns]);
    expect(table.split("\n")[0]).toMatch(/^NAME\s+STATUS\s+SYNCED\s+AGE/);
  });

  it("rejects a SealedSecret without spec.encryptedData (CRD schema)", async () => {
    const ns = await testNamespace();
    const bad = sealedSecret(ns).replace(/ {2}encryptedData:\n.*\n/, "");
    expect(() => kubectl(["apply", "-f", "-"], { input: bad })).toThrow(/encryptedData/);
  });

  it("garbage-collects a Secret when its owner ConfigMap is deleted", async () => {
    const ns = await testNamespace();
    const owner = await api(`/api/v1/namespaces/${ns}/configmaps`, {
      method: "POST",
      body: { metadata: { name: "owner" } },
    });
    expect(owner.status).toBe(201);
    const uid = (owner.json as { metadata: { uid: string } }).metadata.uid;
    const secret = await api(`/api/v1/namespaces/${ns}/secrets`, {
      method: "POST",
      body: {
        metadata: {
          name: "owned",
          ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "owner", uid }],
        },
        stringData: { k: "v" },
      },
    });
    expect(secret.status).toBe(201);
    expect(
      (await api(`/api/v1/namespaces/${ns}/configmaps/owner`, { method: "DELETE" })).status,
    ).toBe(200);
    await waitFor(
      "owned Secret to be garbage-collected",
      async () =>
        (await api(`/api/v1/namespaces/${ns}/secrets/owned`)).status === 404 ? true : undefined,
      60_000,
    );
  });

  it("finishes deleting a namespace (namespace controller)", async () => {
    const ns = await createNamespace("e2e-del");
    await api(`/api/v1/namespaces/${ns}/configmaps`, {
      method: "POST",
      body: { metadata: { name: "x" } },
    });
    await deleteNamespace(ns);
    await waitFor(
      "namespace to disappear",
      async () => ((await api(`/api/v1/namespaces/${ns}`)).status === 404 ? true : undefined),
      60_000,
    );
  });

  it("reaches a server in a network namespace through the apiserver service proxy", async () => {
    const ns = await testNamespace();
    const srv = await serveInNetns({
      namespace: ns,
      name: "echo",
      port: 8080,
      command: process.execPath,
      args: [ECHO_SERVER],
    });
    onTestFinished(() => srv.stop());
    expect(srv.proxyPath).toBe(`/api/v1/namespaces/${ns}/services/http:echo:http/proxy`);
    const viaName = await api(`${srv.proxyPath}/v1/cert.pem`);
    expect(viaName.status).toBe(200);
    expect(viaName.body).toBe(`hello from ${srv.ip} path=/v1/cert.pem`);
    const viaNumber = await api(`/api/v1/namespaces/${ns}/services/http:echo:8080/proxy/x`);
    expect(viaNumber.body).toBe(`hello from ${srv.ip} path=/x`);
  });

  it("lets a server in a network namespace call the apiserver with the netns kubeconfig", async () => {
    const ns = await testNamespace();
    const srv = await serveInNetns({
      namespace: ns,
      name: "caller",
      port: 8080,
      command: process.execPath,
      args: [ECHO_SERVER],
    });
    onTestFinished(() => srv.stop());
    const version = await api(`${srv.proxyPath}/apiserver-version`);
    expect(version.body).toBe(`v${cluster().version}`);
  });

  it("refuses the unprivileged token with 403 where RBAC grants nothing", async () => {
    const ns = await testNamespace();
    const secrets = await api(`/api/v1/namespaces/${ns}/secrets`, { as: "user" });
    expect(secrets.status).toBe(403);
    expect((secrets.json as { message: string }).message).toContain(
      `User "${cluster().userName}" cannot list resource "secrets"`,
    );
    const create = await api(`/apis/bitnami.com/v1alpha1/namespaces/${ns}/sealedsecrets`, {
      as: "user",
      method: "POST",
      body: {
        apiVersion: "bitnami.com/v1alpha1",
        kind: "SealedSecret",
        metadata: { name: "x" },
        spec: { encryptedData: {} },
      },
    });
    expect(create.status).toBe(403);
    expect(() => kubectl(["get", "secrets", "-n", ns], { as: "user" })).toThrow(/Forbidden/);
    // Authenticated (not 401): discovery is open to every authenticated user.
    expect((await api("/api", { as: "user" })).status).toBe(200);
  });

  it("lets the controller identity do exactly what a RoleBinding grants it", async () => {
    const ns = await testNamespace();
    const who = cluster().controllerUser;
    expect(() => kubectl(["get", "secrets", "-n", ns], { as: "controller" })).toThrow(/Forbidden/);
    kubectl([
      "create",
      "role",
      "secrets-reader",
      "-n",
      ns,
      "--verb=get,list",
      "--resource=secrets",
    ]);
    kubectl(["create", "rolebinding", "ctrl", "-n", ns, "--role=secrets-reader", `--user=${who}`]);
    await waitFor(
      "RBAC grant to take effect",
      async () =>
        (await api(`/api/v1/namespaces/${ns}/secrets`, { as: "controller" })).status === 200
          ? true
          : undefined,
      30_000,
    );
    expect((await api(`/api/v1/namespaces/${ns}/configmaps`, { as: "controller" })).status).toBe(
      403,
    );
  });

  it("rejects an unknown token with 401", async () => {
    const c = cluster();
    const { apiRequest } = await import("../cluster/api.js");
    const res = await apiRequest({ server: c.server, caPem: c.caPem }, "/api", { token: "nope" });
    expect(res.status).toBe(401);
  });
});
