/// <reference types="node" />
// The container image, built and run for real on a machine with no registry access: buildah builds
// deploy/Containerfile with pulls off on top of local stand-ins for its base images
// (stand-in-bases.sh), podman runs it (runc: crun refuses this machine's hybrid cgroup layout).
// Everything lives in one container storage under ${SIGNET_CACHE:-~/.cache/signet}/containers
// (driver vfs), shared with `npm run release` through scripts/image.mjs's build cache.
import { execFileSync, spawnSync } from "node:child_process";
import type { SpawnSyncReturns } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { cacheDir } from "../../interop/reference-tools.js";

// Not render.ts's REPO: this module is also used by the benchmarks, outside vitest.
const REPO = fileURLToPath(new URL("../../../", import.meta.url));

export const CONTAINERS = join(cacheDir(), "containers");
/** Global flags every buildah and podman call gets: the test's own storage. */
export const STORAGE = [
  "--root",
  join(CONTAINERS, "storage"),
  "--runroot",
  join(CONTAINERS, "run"),
  "--storage-driver",
  "vfs",
];
/** podman's global flags on this machine (no systemd, hybrid cgroups, no events journal). */
export const PODMAN = [
  ...STORAGE,
  "--cgroup-manager",
  "cgroupfs",
  "--events-backend",
  "none",
  "--runtime",
  "runc",
];
const TOOLS = ["buildah", "podman", "runc", "mmdebstrap"];
const PACKAGES = ["buildah", "podman", "runc", "mmdebstrap"];
const STAND_IN_SCRIPT = fileURLToPath(new URL("./stand-in-bases.sh", import.meta.url));
export const RUN_IMAGE = fileURLToPath(new URL("./run-image.mjs", import.meta.url));

/** The environment scripts/image.mjs and scripts/release.mjs read to use this storage. */
export function engineEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SIGNET_CONTAINER_ENGINE: "buildah",
    SIGNET_CONTAINER_ENGINE_ARGS: STORAGE.join(" "),
    SIGNET_CONTAINER_PULL: "never",
  };
}

const works = (tool: string): boolean =>
  spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0;

/**
 * Installs Debian's buildah, podman, runc and mmdebstrap when one is missing (root on a fresh
 * machine), waiting for another apt-get's lock rather than failing on it.
 */
export function ensureContainerTools(): void {
  if (TOOLS.every(works)) return;
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) {
    throw new Error(`missing ${TOOLS.filter((t) => !works(t)).join(", ")}: apt-get install them`);
  }
  const apt = (args: string[]): void => {
    const res = spawnSync("apt-get", ["-q", "-o", "DPkg::Lock::Timeout=900", ...args], {
      encoding: "utf8",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      timeout: 1_200_000,
    });
    if (res.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed:\n${res.stderr}`);
  };
  apt(["update"]);
  apt(["install", "-y", "--no-install-recommends", ...PACKAGES]);
}

/** The Containerfile's ARG defaults (`${VAR}` substituted), as scripts/image.mjs reads them. */
export function containerfileArgs(): Record<string, string> {
  const args: Record<string, string> = {};
  for (const line of readFileSync(join(REPO, "deploy/Containerfile"), "utf8").split("\n")) {
    const m = /^ARG\s+([A-Za-z_]\w*)=(\S+)\s*$/.exec(line.trim());
    if (m) args[m[1]!] = m[2]!.replace(/\$\{(\w+)\}/g, (_, v: string) => args[v] ?? "");
  }
  return args;
}

/** Path of the pinned Node.js binary of `line` (downloaded once by scripts/node-runtime.mjs). */
export function nodeRuntime(line: string): string {
  const out = execFileSync(process.execPath, [join(REPO, "scripts/node-runtime.mjs"), line], {
    encoding: "utf8",
  });
  return out.trim().split("\n").at(-1) ?? "";
}

/**
 * Builds (or finds current) the stand-ins for BUILD_IMAGE and RUNTIME_IMAGE, and for `staticImage`
 * (distroless static, the reference controller's base) when given.
 */
export function ensureStandIns(staticImage?: string): void {
  const args = containerfileArgs();
  const npmVersion = execFileSync("npm", ["--version"], { encoding: "utf8" }).trim();
  const res = spawnSync("bash", [STAND_IN_SCRIPT], {
    encoding: "utf8",
    env: {
      ...process.env,
      SIGNET_BUILDAH: ["buildah", ...STORAGE].join(" "),
      BUILD_IMAGE: args["BUILD_IMAGE"],
      RUNTIME_IMAGE: args["RUNTIME_IMAGE"],
      NODE_BIN: nodeRuntime("lts"),
      NPM_VERSION: npmVersion,
      STAND_IN_CACHE: join(CONTAINERS, "stand-in"),
      ...(staticImage ? { STATIC_IMAGE: staticImage } : {}),
    },
    timeout: 1_500_000,
  });
  if (res.status !== 0) throw new Error(`stand-in base images failed:\n${res.stderr}`);
}

export interface Built {
  ref: string;
  key: string;
  built: boolean;
  seconds: number;
}

/** `node scripts/image.mjs build TAG` against the test storage (cached by build key). */
export function buildTestImage(tag: string): Built {
  const res = spawnSync(process.execPath, [join(REPO, "scripts/image.mjs"), "build", tag], {
    encoding: "utf8",
    env: engineEnv(),
    timeout: 1_500_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) throw new Error(`image build failed:\n${res.stdout}\n${res.stderr}`);
  return JSON.parse(res.stdout.trim().split("\n").at(-1) ?? "{}") as Built;
}

export function podman(
  args: readonly string[],
  options: { input?: string | Buffer; timeout?: number } = {},
): SpawnSyncReturns<string> {
  return spawnSync("podman", [...PODMAN, ...args], {
    encoding: "utf8",
    input: options.input,
    timeout: options.timeout ?? 180_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** A limit from /proc/self/limits (`Max open files` → its hard value). */
function hardLimit(name: string): string {
  const line = readFileSync("/proc/self/limits", "utf8")
    .split("\n")
    .find((l) => l.startsWith(name));
  return line?.slice(name.length).trim().split(/\s+/)[1] ?? "1024";
}

/**
 * `podman run` flags that mirror the Deployment's securityContext: user 65532, read-only root
 * file system with a 64 MiB /tmp, no capabilities, no privilege escalation. The rlimits are this
 * machine's own: podman's defaults are above what an unprivileged container may set here.
 */
export function deploymentRunFlags(): string[] {
  const nofile = hardLimit("Max open files");
  return [
    "--user",
    "65532:65532",
    "--read-only",
    "--read-only-tmpfs=false",
    "--tmpfs",
    "/tmp:rw,size=64m,mode=1777",
    "--cap-drop=ALL",
    "--security-opt=no-new-privileges",
    "--ulimit",
    `nofile=${nofile}:${nofile}`,
    "--ulimit",
    "nproc=4096:4096",
  ];
}
