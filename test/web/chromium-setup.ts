/// <reference types="node" />
// vitest globalSetup (projects `browser` and `e2e`): makes sure Debian's Chromium is installed
// before any test file runs, outside every hook timeout. scripts/test.sh installs it first, so
// on `npm test` this only finds it; a single-project run on a fresh machine installs it here.
import { ensureChromium } from "./chromium.js";

export default function setup(): void {
  const started = Date.now();
  const path = ensureChromium();
  const took = Date.now() - started;
  process.stderr.write(
    `[test/web] Chromium at ${path}${took > 5_000 ? ` (installed in ${(took / 1000).toFixed(0)} s)` : ""}\n`,
  );
}
