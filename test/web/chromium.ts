/// <reference types="node" />
// The real browser for the page's tests: Debian's Chromium, driven by playwright-core (browser
// downloads are not possible here, so playwright's own builds are never fetched). Installed by
// the test set-up with apt-get on a fresh machine, like lua5.1 for the Argo CD checks.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

import { chromium } from "playwright-core";
import type { Browser, LaunchOptions } from "playwright-core";

/** Where Debian puts the browser binary (/usr/bin/chromium is a shell wrapper around it). */
const CANDIDATES = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"];

export const CHROMIUM_INSTALL =
  "apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core";

/** The Chromium binary to drive: $SIGNET_CHROMIUM, else Debian's. */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env["SIGNET_CHROMIUM"];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return CANDIDATES.find((path) => existsSync(path) && works(path));
}

function works(path: string): boolean {
  const res = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 60_000 });
  return res.status === 0 && /Chromium|Chrome/.test(res.stdout);
}

const DPKG_BUSY = /Could not get lock|dpkg frontend lock|Unable to acquire the dpkg/;

/**
 * Makes sure Chromium is installed: as root with apt-get, installs Debian's package (waiting
 * and retrying while another apt or dpkg run holds the lock); otherwise fails with the command.
 */
export function ensureChromium(): string {
  const found = chromiumPath();
  if (found) return found;
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) {
    throw new Error(`Chromium is missing: run \`${CHROMIUM_INSTALL}\` as root`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  let output = "";
  for (let attempt = 1; attempt <= 30; attempt++) {
    const res = spawnSync("sh", ["-c", CHROMIUM_INSTALL], {
      encoding: "utf8",
      env,
      timeout: 900_000,
    });
    output = `${res.stderr}${res.stdout}`;
    const installed = chromiumPath();
    if (res.status === 0 && installed) return installed;
    if (!DPKG_BUSY.test(output)) break;
    spawnSync("sleep", ["20"]);
  }
  throw new Error(`installing Chromium failed (${CHROMIUM_INSTALL}):\n${output.slice(-4000)}`);
}

/** Launches the installed Chromium headless (no sandbox: the tests run as root). */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error("Chromium is not installed (see ensureChromium)");
  return chromium.launch({ executablePath, headless: true, ...options });
}
