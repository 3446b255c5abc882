/// <reference types="node" />
// vitest globalSetup for the `browser` project: installs (or finds) Chromium and builds (or
// reuses) the real kubeseal once, before any test file runs, and checks the page is built.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { ensureKubeseal, KUBESEAL_VERSION } from "../interop/reference-tools.js";
import { ensureChromium } from "./chromium.js";

const BUILT = ["packages/web/dist/page/index.html", "packages/cli/dist/signet.bundle.cjs"];

export default function setup(): void {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const missing = BUILT.filter((path) => !existsSync(`${root}${path}`));
  if (missing.length > 0) {
    throw new Error(`run \`npm run build\` first (missing ${missing.join(", ")})`);
  }
  const chromium = ensureChromium();
  const { buildMs } = ensureKubeseal();
  console.log(`browser tests: Chromium at ${chromium}`);
  if (buildMs !== undefined) {
    console.log(
      `browser tests: built kubeseal ${KUBESEAL_VERSION} in ${(buildMs / 1000).toFixed(1)} s`,
    );
  }
}
