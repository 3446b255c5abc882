/// <reference types="node" />
// The controller started from an install's own settings — the Deployment's args and env, the
// ServiceAccount's token and nothing but the manifest's RBAC — unseals a SealedSecret.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { sleep } from "../../cluster/api.js";
import { createNamespace, deleteNamespace } from "../../cluster/testing.js";
import {
  createSealedSecret,
  getSealedSecret,
  install,
  sealFor,
  startInstalled,
  uninstallClusterScoped,
  waitSecretData,
  waitStatus,
} from "./installed.js";
import type { Running } from "./installed.js";
import { ensureHelm, renderHelm, renderKustomize } from "./render.js";
import type { K8sObject } from "./render.js";

interface Variant {
  name: string;
  render: (ns: string) => K8sObject[];
  /** Whether the controller is expected to write status. */
  updatesStatus: boolean;
}

const VARIANTS: Variant[] = [
  {
    name: "kustomize",
    render: (ns) => renderKustomize({ namespace: ns }),
    updatesStatus: true,
  },
  { name: "helm default values", render: (ns) => renderHelm(ns), updatesStatus: true },
  {
    name: "helm with updateStatus=false",
    render: (ns) => renderHelm(ns, ["updateStatus=false"]),
    updatesStatus: false,
  },
];

beforeAll(() => {
  ensureHelm();
});

describe.each(VARIANTS)("the controller installed by $name", (v) => {
  let ns: string;
  let apps: string;
  let applied: K8sObject[] = [];
  let ctl: Running | undefined;

  beforeAll(async () => {
    ns = await createNamespace("install");
    apps = await createNamespace("install-apps");
    applied = install(v.render(ns), ns);
    ctl = await startInstalled(applied, ns);
  });

  afterAll(async () => {
    await ctl?.srv.stop();
    uninstallClusterScoped(applied);
    await deleteNamespace(ns);
    await deleteNamespace(apps);
  });

  it("generates a key in its namespace and serves the certificate", () => {
    expect(ctl?.certPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it("unseals a SealedSecret in another namespace with only the manifest's RBAC", async () => {
    if (!ctl) throw new Error("controller not started");
    await createSealedSecret(sealFor(ctl.certPem, apps, "db", { password: "hunter2" }));
    expect(await waitSecretData(apps, "db")).toEqual({ password: "hunter2" });
  });

  it(
    v.updatesStatus
      ? "writes status (Synced=True at the object's generation)"
      : "writes no status (--update-status=false really switches it off)",
    async () => {
      if (v.updatesStatus) {
        const ss = await waitStatus(apps, "db", "True");
        expect(ss.status?.conditions?.map((c) => c.type)).toContain("Ready");
      } else {
        await sleep(1000);
        expect((await getSealedSecret(apps, "db")).status).toBeUndefined();
      }
    },
  );
});
