/// <reference types="node" />
/// <reference lib="dom" />
// The seal page served by the controller (--web-ui, as the kustomize component and the Helm value
// turn it on) on the test control plane, opened in a real Chromium through the API server's
// service proxy by a user who holds only the service-proxier role: a Secret sealed there is
// unsealed by the controller, and no request the page made carries the plaintext. `signet ui`
// without --cert serves the same page with the certificate it fetched from that controller.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";

import { decodeDocuments, parseSealingCertificate } from "@signet/core";
import type { SealedSecret } from "@signet/core";

import { api, cluster, createNamespace, deleteNamespace, kubectl } from "../../cluster/testing.js";
import { launchChromium } from "../../web/chromium.js";
import {
  fillNewSecret,
  leaks,
  openSealPage,
  screenshot,
  sealAndRead,
  startSignetUi,
} from "../../web/page.js";
import type { SealPage } from "../../web/page.js";
import {
  deleteSealedSecrets,
  keySecrets,
  startController,
  unb64,
  waitSecret,
  waitSynced,
} from "../controller/support.js";
import type { RunningController } from "../controller/support.js";
import { find, KUSTOMIZE_DIR, renderHelm, renderKustomize } from "../deploy/render.js";
import type { K8sObject } from "../deploy/render.js";

const WEB_UI_COMPONENT = join(KUSTOMIZE_DIR, "components/web-ui");
const PROXIER_RBAC = join(KUSTOMIZE_DIR, "components/service-proxier/rbac.yaml");
const NAME = "sealed-secrets-controller";

const controllerArgs = (objects: K8sObject[]): string[] =>
  (
    find(objects, "Deployment", NAME) as unknown as {
      spec: { template: { spec: { containers: { args?: string[] }[] } } };
    }
  ).spec.template.spec.containers[0]?.args ?? [];

describe("the seal page served by the controller", () => {
  /** Exactly the component's RBAC, bound to the unprivileged test user (idempotent). */
  const grantServiceProxier = (): void => {
    const user = cluster().userName;
    const rbac = readFileSync(PROXIER_RBAC, "utf8").replace(
      /subjects:[\s\S]*$/,
      `subjects:\n  - apiGroup: rbac.authorization.k8s.io\n    kind: User\n    name: ${user}\n`,
    );
    kubectl(["apply", "-n", ns, "-f", "-"], { input: rbac });
  };
  const latestFingerprint = async (): Promise<string> => {
    const [key] = await keySecrets(ns);
    return parseSealingCertificate(unb64(key?.data?.["tls.crt"]), new Date()).fingerprint;
  };

  let browser: Browser;
  let ctl: RunningController;
  let ns: string;
  let appNs: string;
  let componentArgs: string[];
  const pages: SealPage[] = [];
  const plaintexts: (string | Buffer)[] = [];

  beforeAll(async () => {
    componentArgs = controllerArgs(renderKustomize({ components: [WEB_UI_COMPONENT] }));
    [browser, ns, appNs] = await Promise.all([
      launchChromium(),
      createNamespace("webui"),
      createNamespace("webapp"),
    ]);
    ctl = await startController(ns, ["--key-size=2048", ...componentArgs]);
  });

  afterAll(async () => {
    for (const p of pages) await p.close();
    await browser?.close();
    await deleteSealedSecrets([appNs]);
    await ctl?.srv.stop();
    await Promise.all([deleteNamespace(ns), deleteNamespace(appNs)]);
  });

  it("is turned on by the kustomize component and the Helm value, and off by default", () => {
    expect(componentArgs).toEqual(["--web-ui"]);
    expect(controllerArgs(renderKustomize())).not.toContain("--web-ui");
    expect(controllerArgs(renderHelm("kube-system"))).not.toContain("--web-ui");
    const helm = renderHelm("kube-system", ["webUi.enabled=true", "ingress.enabled=true"]);
    expect(controllerArgs(helm)).toContain("--web-ui");
    const ingress = find(helm, "Ingress", NAME) as unknown as {
      spec: { rules: { http: { paths: { path: string; pathType: string }[] } }[] };
    };
    expect(ingress.spec.rules[0]?.http.paths.map((p) => [p.path, p.pathType])).toEqual([
      ["/v1/cert.pem", "ImplementationSpecific"],
      ["/ui", "Prefix"],
    ]);
    const plain = find(renderHelm("kube-system", ["ingress.enabled=true"]), "Ingress", NAME);
    expect(JSON.stringify(plain)).not.toContain('"/ui"');
  });

  it("is refused through the service proxy to a user without the service-proxier role", async () => {
    const res = await api(`${ctl.srv.proxyPath}/ui/`, { as: "user" });
    expect(res.status).toBe(403);
  });

  it("seals a Secret in the browser that the controller then unseals", async () => {
    grantServiceProxier();
    const url = `${cluster().server}${ctl.srv.proxyPath}/ui/`;
    const p = await openSealPage(browser, url, {
      ignoreHTTPSErrors: true,
      extraHTTPHeaders: { Authorization: `Bearer ${cluster().userToken}` },
    });
    pages.push(p);
    await p.page.waitForSelector("#cert-fingerprint");
    const fingerprint = await latestFingerprint();
    expect(await p.page.textContent("#cert-fingerprint")).toBe(fingerprint);

    const token = `pt-web-${randomBytes(8).toString("hex")}`;
    const blob = Buffer.concat([Buffer.from([0, 0xff, 0x80]), randomBytes(2048)]);
    plaintexts.push(token, blob.subarray(3, 64));
    await fillNewSecret(p.page, {
      name: "made-in-the-browser",
      namespace: appNs,
      items: [
        { key: "token", text: token },
        { key: "blob.bin", file: { name: "blob.bin", bytes: blob } },
      ],
      labels: { "app.kubernetes.io/name": "shop" },
    });
    p.phase("seal");
    const out = await sealAndRead(p.page);
    await screenshot(p.page, "e2e-controller-page");
    expect(p.requests.filter((r) => r.phase === "seal")).toEqual([]);

    const sealed = decodeDocuments(out.yaml, "page output")[0] as SealedSecret;
    expect(sealed.metadata.annotations?.["signet.dev/sealed-with"]).toBe(fingerprint);
    const created = await api(`/apis/bitnami.com/v1alpha1/namespaces/${appNs}/sealedsecrets`, {
      method: "POST",
      body: sealed,
    });
    expect(created.status).toBe(201);
    await waitSynced(appNs, "made-in-the-browser", "True");
    const secret = await waitSecret(appNs, "made-in-the-browser", "unsealed");
    expect(unb64(secret.data?.["token"])).toBe(token);
    expect(Buffer.from(secret.data?.["blob.bin"] ?? "", "base64")).toEqual(blob);
    expect(secret.metadata?.labels).toMatchObject({ "app.kubernetes.io/name": "shop" });

    expect(leaks(p.requests, plaintexts)).toEqual([]);
    const unexpected = p.requests.filter(
      (r) =>
        r.method !== "GET" ||
        !new URL(r.url).pathname.startsWith(`${ctl.srv.proxyPath}/`) ||
        !/\/(ui\/(app\.js|app\.css|icon\.svg)?|v1\/cert\.pem)$/.test(new URL(r.url).pathname),
    );
    expect(unexpected.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    expect(p.problems).toEqual([]);
    expect(ctl.log()).not.toContain(token);
  });
  it("is what signet ui serves without --cert, with the cluster's certificate fetched as --fetch-cert does", async () => {
    grantServiceProxier();
    const local = await startSignetUi([
      "--kubeconfig",
      cluster().userKubeconfig,
      "--controller-namespace",
      ns,
    ]);
    try {
      const fingerprint = await latestFingerprint();
      expect(local.stdout()).toContain(
        `Certificate: ${fingerprint} from the cluster (${ns}/${NAME}), expires `,
      );
      const p = await openSealPage(browser, local.url);
      pages.push(p);
      await p.page.waitForSelector("#cert-fingerprint");
      expect(await p.page.textContent("#cert-fingerprint")).toBe(fingerprint);
      expect(await p.page.textContent("#cert-status")).toContain("Certificate from this server");

      const token = `pt-ui-${randomBytes(8).toString("hex")}`;
      plaintexts.push(token);
      await fillNewSecret(p.page, {
        name: "made-with-signet-ui",
        namespace: appNs,
        scope: "namespace-wide",
        items: [{ key: "token", text: token }],
      });
      p.phase("seal");
      const out = await sealAndRead(p.page);
      expect(p.requests.filter((r) => r.phase === "seal")).toEqual([]);
      const sealed = decodeDocuments(out.yaml, "page output")[0] as SealedSecret;
      const created = await api(`/apis/bitnami.com/v1alpha1/namespaces/${appNs}/sealedsecrets`, {
        method: "POST",
        body: sealed,
      });
      expect(created.status).toBe(201);
      await waitSynced(appNs, "made-with-signet-ui", "True");
      const secret = await waitSecret(appNs, "made-with-signet-ui", "unsealed");
      expect(unb64(secret.data?.["token"])).toBe(token);
      expect(leaks(p.requests, plaintexts)).toEqual([]);
      expect(
        p.requests.every(
          (r) => r.method === "GET" && r.url.startsWith(local.url.replace(/ui\/$/, "")),
        ),
      ).toBe(true);
      expect(local.stdout()).not.toContain(token);
    } finally {
      expect(await local.stop()).toBe(0);
    }
  });
});
