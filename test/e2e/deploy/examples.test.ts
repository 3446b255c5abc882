/// <reference types="node" />
// The Argo CD and Flux examples point at paths that exist, their SealedSecrets are accepted by
// the CRD, and the health check offered for older Argo CD versions is the one the tests run.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { kubectl } from "../../cluster/testing.js";
import { asList, parseObjects, REPO } from "./render.js";
import type { K8sObject } from "./render.js";

const load = (path: string): K8sObject[] => parseObjects(readFileSync(join(REPO, path), "utf8"));

describe("examples", () => {
  it.each([
    ["examples/argocd/signet.yaml", "Application", "deploy/helm/signet"],
    ["examples/argocd/sealed-secrets.yaml", "Application", "examples/argocd/sealed"],
  ])("%s is an Argo CD %s syncing %s", (file, kind, path) => {
    const [app] = load(file);
    expect(app?.kind).toBe(kind);
    expect(app?.apiVersion).toBe("argoproj.io/v1alpha1");
    const source = (app?.["spec"] as { source: { path: string } }).source;
    expect(source.path).toBe(path);
    expect(existsSync(join(REPO, path))).toBe(true);
  });

  it.each([
    ["examples/flux/signet.yaml", "./deploy/kustomize"],
    ["examples/flux/sealed-secrets.yaml", "./examples/flux/sealed"],
  ])("%s is a Flux Kustomization of %s that waits for health", (file, path) => {
    const ks = load(file).find((o) => o.kind === "Kustomization");
    expect(ks?.apiVersion).toBe("kustomize.toolkit.fluxcd.io/v1");
    expect(ks?.["spec"]).toMatchObject({ path, wait: true });
    expect(existsSync(join(REPO, path))).toBe(true);
  });

  it("offers Argo CD the newest health check, byte for byte the one the tests run", () => {
    const [cm] = load("examples/argocd/argocd-cm-health.yaml");
    const lua = (cm?.["data"] as Record<string, string>)[
      "resource.customizations.health.bitnami.com_SealedSecret"
    ];
    expect(lua).toBe(readFileSync(join(REPO, "test/e2e/gitops/argocd/health-v3.lua"), "utf8"));
  });

  it.each(["examples/argocd/sealed", "examples/flux/sealed"])(
    "%s holds SealedSecrets the API server accepts, without status or null timestamps",
    (dir) => {
      const objects = parseObjects(kubectl(["kustomize", join(REPO, dir)]));
      expect(objects.map((o) => o.kind)).toEqual(["SealedSecret"]);
      const text = JSON.stringify(objects);
      expect(text).not.toContain('"status"');
      expect(text).not.toContain("creationTimestamp");
      kubectl(["apply", "--dry-run=server", "-f", "-"], {
        input: asList(
          objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: "default" } })),
        ),
      });
    },
  );
});
