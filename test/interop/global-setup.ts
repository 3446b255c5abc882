/// <reference types="node" />
// vitest globalSetup for the `interop` project: builds (or reuses) the real kubeseal once, before
// any test file runs, so parallel workers never race on the `go install`.
import { ensureKubeseal, KUBESEAL_VERSION } from "./reference-tools.js";

export default function setup(): void {
  const { buildMs } = ensureKubeseal();
  if (buildMs !== undefined) {
    console.log(`interop: built kubeseal ${KUBESEAL_VERSION} in ${(buildMs / 1000).toFixed(1)} s`);
  }
}
