/// <reference types="node" />
// Argo CD's health check (three revisions, real lua5.1) and Flux's kstatus on statuses the real
// controller wrote on the real control plane — installed from deploy/kustomize, running as its
// ServiceAccount: a success, a failed unseal, and a stale generation (spec edited while the
// controller is stopped).
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SealedSecret } from "@signet/core";

import { createNamespace, deleteNamespace } from "../../cluster/testing.js";
import {
  createSealedSecret,
  getSealedSecret,
  install,
  patchSealedSecretSpec,
  sealFor,
  startInstalled,
  uninstallClusterScoped,
  waitSecretData,
  waitStatus,
} from "../deploy/installed.js";
import type { Running } from "../deploy/installed.js";
import { renderKustomize } from "../deploy/render.js";
import type { K8sObject } from "../deploy/render.js";
import { computeKstatus } from "./kstatus.js";
import type { KStatus } from "./kstatus.js";
import { ensureLua, runHealthScript } from "./lua.js";

const script = (rev: string): string =>
  fileURLToPath(new URL(`./argocd/health-${rev}.lua`, import.meta.url));

let ns: string;
let apps: string;
let applied: K8sObject[] = [];
let ctl: Running | undefined;
const live: Record<string, SealedSecret> = {};

beforeAll(async () => {
  ensureLua();
  ns = await createNamespace("gitops");
  apps = await createNamespace("gitops-apps");
  applied = install(renderKustomize({ namespace: ns }), ns);
  ctl = await startInstalled(applied, ns);
  const good = sealFor(ctl.certPem, apps, "good", { password: "hunter2" });
  await createSealedSecret(good);
  // Valid base64 that no key opens: the controller's failed unseal.
  await createSealedSecret({
    ...good,
    metadata: { name: "bad", namespace: apps },
    spec: { ...good.spec, encryptedData: { password: Buffer.alloc(600, 7).toString("base64") } },
  });
  await waitSecretData(apps, "good");
  live["success"] = await waitStatus(apps, "good", "True");
  live["failed unseal"] = await waitStatus(apps, "bad", "False");
  // Stop the controller, then edit the spec: generation 2 is never observed.
  await ctl.srv.stop();
  ctl = undefined;
  await patchSealedSecretSpec(apps, "good", { template: { type: "Opaque" } });
  live["stale generation"] = await getSealedSecret(apps, "good");
});

afterAll(async () => {
  await ctl?.srv.stop();
  uninstallClusterScoped(applied);
  await deleteNamespace(ns);
  await deleteNamespace(apps);
});

const CASES: [string, [string, string, string], KStatus][] = [
  ["success", ["Healthy", "Healthy", "Healthy"], "Current"],
  ["failed unseal", ["Degraded", "Degraded", "Degraded"], "Failed"],
  ["stale generation", ["Healthy", "Healthy", "Progressing"], "InProgress"],
];

describe("GitOps health of statuses the controller actually wrote", () => {
  it("recorded the stale object with generation 2 and observedGeneration 1", () => {
    const stale = live["stale generation"];
    expect(stale?.metadata.generation).toBe(2);
    expect(stale?.status?.observedGeneration).toBe(1);
  });

  describe.each(CASES)("%s", (name, argo, kstatus) => {
    it.each([
      ["v1", 0],
      ["v2", 1],
      ["v3", 2],
    ] as const)("Argo CD health.lua %s (lua5.1)", (rev, i) => {
      expect(runHealthScript(script(rev), live[name]).status).toBe(argo[i]);
    });

    it(`Flux kstatus is ${kstatus}`, () => {
      expect(computeKstatus(live[name] ?? {}).status).toBe(kstatus);
    });
  });

  it("shows the failure's message in Argo CD and a machine-readable Ready reason", () => {
    const bad = live["failed unseal"];
    const synced = bad?.status?.conditions?.find((c) => c.type === "Synced");
    const ready = bad?.status?.conditions?.find((c) => c.type === "Ready");
    expect(synced?.message).toBeTruthy();
    expect(runHealthScript(script("v3"), bad).message).toBe(synced?.message);
    expect(ready).toMatchObject({ status: "False" });
    expect(ready?.reason).toMatch(/^[A-Z][A-Za-z]+$/);
  });
});
