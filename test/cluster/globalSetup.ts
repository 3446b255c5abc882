/// <reference types="node" />
// vitest globalSetup for the `e2e` project: one control plane per run, CRDs from crds/ installed,
// connection info handed to tests with provide/inject (see testing.ts).
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { startControlPlane, type ClusterInfo } from "./controlPlane.js";

declare module "vitest" {
  export interface ProvidedContext {
    signetCluster: ClusterInfo;
  }
}

const CRDS = fileURLToPath(new URL("../../crds/", import.meta.url));

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const plane = await startControlPlane({ manifests: [CRDS] });
  process.stderr.write(
    `[test/cluster] control plane v${plane.info.version} ready at ${plane.info.server} ` +
      `in ${((Date.now() - started) / 1000).toFixed(1)} s (admin kubeconfig ${plane.info.adminKubeconfig})\n`,
  );
  project.provide("signetCluster", plane.info);
  return () => plane.stop();
}
