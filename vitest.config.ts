import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Most specific first: a string alias also matches as a prefix ("@signet/core/...").
const alias = {
  "@signet/core/browser": fileURLToPath(new URL("./packages/core/src/browser.ts", import.meta.url)),
  "@signet/core": fileURLToPath(new URL("./packages/core/src/index.ts", import.meta.url)),
  "@signet/web": fileURLToPath(new URL("./packages/web/src/index.ts", import.meta.url)),
};

export default defineConfig({
  resolve: { alias },
  test: {
    restoreMocks: true,
    clearMocks: true,
    unstubEnvs: true,
    unstubGlobals: true,
    // A hang guard, not a speed claim: some unit tests import @kubernetes/client-node or spawn the
    // CLI, which takes seconds on a loaded 2-core machine (speed is measured by `npm run bench`).
    testTimeout: 30_000,
    projects: [
      { extends: true, test: { name: "core", include: ["packages/core/src/**/*.test.ts"] } },
      { extends: true, test: { name: "web", include: ["packages/web/src/**/*.test.ts"] } },
      { extends: true, test: { name: "cli", include: ["packages/cli/src/**/*.test.ts"] } },
      {
        extends: true,
        test: { name: "controller", include: ["packages/controller/src/**/*.test.ts"] },
      },
      {
        // Cross-package tests against real reference binaries (kubeseal, Go text/template).
        extends: true,
        test: {
          name: "interop",
          include: [
            "test/interop/**/*.test.ts",
            "test/template-diff/**/*.test.ts",
            "test/yaml-diff/**/*.test.ts",
            "test/gocompat-diff/**/*.test.ts",
          ],
          globalSetup: ["test/interop/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
      {
        // The seal page in a real Chromium (Debian's, driven by playwright-core), checked against
        // core's unseal and the real kubeseal; needs `npm run build` (it serves the built page).
        extends: true,
        test: {
          name: "browser",
          include: ["test/web/**/*.test.ts"],
          globalSetup: ["test/web/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        // End-to-end on a real control plane (test/cluster).
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts", "test/cluster/**/*.test.ts"],
          // Starts etcd + kube-apiserver + kube-controller-manager once per run and installs
          // crds/; needs `bash test/cluster/build.sh` first (fails loudly otherwise).
          // Chromium (test/web/chromium-setup.ts) for the page the controller serves.
          globalSetup: ["test/web/chromium-setup.ts", "test/cluster/globalSetup.ts"],
          testTimeout: 120_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
