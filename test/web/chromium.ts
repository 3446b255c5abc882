/// <reference types="node" />
// The real browser for the page's tests: Debian's Chromium, driven by playwright-core (browser
// downloads are not possible here, so playwright's own builds are never fetched). Installed by
// the test set-up (test/web/install-chromium.sh from scripts/test.sh) on a fresh machine.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";
import type { Browser, LaunchOptions } from "playwright-core";

/** Where Debian puts the browser binary (/usr/bin/chromium is a shell wrapper around it). */
const CANDIDATES = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"];

/** The installer scripts/test.sh runs before vitest (apt-get as root, waiting for dpkg locks). */
export const CHROMIUM_INSTALL = fileURLToPath(new URL("install-chromium.sh", import.meta.url));

/** The Chromium binary to drive: $SIGNET_CHROMIUM, else Debian's. */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env["SIGNET_CHROMIUM"];
  const candidates = fromEnv !== undefined && fromEnv !== "" ? [fromEnv] : CANDIDATES;
  return candidates.find((path) => existsSync(path) && works(path));
}

function works(path: string): boolean {
  const res = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 60_000 });
  return res.status === 0 && /Chromium|Chrome/.test(res.stdout);
}

/**
 * Makes sure Chromium is installed: finds it, else runs the same installer as scripts/test.sh
 * (root and apt-get). Called from the projects' global set-up (chromium-setup.ts), never from a
 * test hook: an install takes minutes on a fresh machine.
 */
export function ensureChromium(): string {
  const found = chromiumPath();
  if (found) return found;
  // apt's progress goes to the terminal: an install on a fresh machine takes minutes.
  const res = spawnSync("bash", [CHROMIUM_INSTALL], {
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 1_800_000,
  });
  const installed = chromiumPath();
  if (res.status === 0 && installed) return installed;
  throw new Error(`Chromium is missing and \`bash ${CHROMIUM_INSTALL}\` failed (see above)`);
}

/** Launches the installed Chromium headless (no sandbox: the tests run as root). */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath)
    throw new Error(`Chromium is not installed: run \`bash ${CHROMIUM_INSTALL}\` as root`);
  return chromium.launch({ executablePath, headless: true, ...options });
}
