/// <reference types="node" />
// Locates the reference tools the interop tests run side by side: the real kubeseal (built once
// with `go install` into a cache outside the repository) and Signet's own CLI.
import { spawnSync } from "node:child_process";
import type { SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const KUBESEAL_VERSION = "v0.36.6";
export const KUBESEAL_MODULE = "github.com/bitnami-labs/sealed-secrets/cmd/kubeseal";

/** Repository root, derived from this file's location (never a machine path). */
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
/** `test/fixtures` of this repository. */
export const fixturesDir = join(repoRoot, "test", "fixtures");

/** `${SIGNET_CACHE:-$HOME/.cache/signet}`: build caches that must stay outside the repository. */
export function cacheDir(): string {
  const fromEnv = process.env["SIGNET_CACHE"];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : join(homedir(), ".cache", "signet");
}

/** Where the cached kubeseal binary lives (it may not exist yet). */
export function kubesealPath(): string {
  return join(cacheDir(), "kubeseal", KUBESEAL_VERSION, "kubeseal");
}

export interface EnsureResult {
  path: string;
  /** Wall time of the `go install`, or undefined when the cached binary was reused. */
  buildMs: number | undefined;
}

/**
 * Returns the path of the real kubeseal, building it with
 * `GOBIN=<cache>/kubeseal/<version> nice -n 10 go install <module>@<version>` when it is missing.
 * The build goes to a private temporary GOBIN that is renamed into place, so concurrent callers
 * never see a half-written binary.
 */
export function ensureKubeseal(): EnsureResult {
  const target = kubesealPath();
  if (existsSync(target)) return { path: target, buildMs: undefined };

  const versionDir = join(cacheDir(), "kubeseal", KUBESEAL_VERSION);
  mkdirSync(join(cacheDir(), "kubeseal"), { recursive: true });
  const gobin = mkdtempSync(`${versionDir}.tmp-`);
  const started = Date.now();
  const build = spawnSync(
    "nice",
    ["-n", "10", "go", "install", `${KUBESEAL_MODULE}@${KUBESEAL_VERSION}`],
    { env: { ...process.env, GOBIN: gobin }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  const buildMs = Date.now() - started;
  try {
    if (build.error) throw new Error(`cannot run go install for kubeseal: ${build.error.message}`);
    if (build.status !== 0) {
      throw new Error(`go install ${KUBESEAL_MODULE}@${KUBESEAL_VERSION} failed:\n${build.stderr}`);
    }
    if (!existsSync(target)) {
      try {
        renameSync(gobin, versionDir);
      } catch (error) {
        // Another process won the race; its binary is as good as ours.
        if (!existsSync(target)) throw error;
      }
    }
  } finally {
    rmSync(gobin, { recursive: true, force: true });
  }
  return { path: target, buildMs };
}

/**
 * Path of Signet's CLI entry point: the `bin.signet` of `packages/cli/package.json`
 * (`bin/signet.mjs` when the manifest does not say).
 */
export function signetBinPath(): string {
  const cliDir = join(repoRoot, "packages", "cli");
  const manifest = JSON.parse(readFileSync(join(cliDir, "package.json"), "utf8")) as {
    bin?: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.["signet"];
  return join(cliDir, bin ?? "bin/signet.mjs");
}

/**
 * How to run `signet`: `node <signetBinPath()>`, or the executable named by
 * `SIGNET_BIN` (to test a bundled or installed build, or to check the harness against kubeseal).
 */
export function signetCommand(): { command: string; args: string[] } {
  const override = process.env["SIGNET_BIN"];
  if (override !== undefined && override !== "") return { command: override, args: [] };
  return { command: process.execPath, args: [signetBinPath()] };
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Bytes or text written to the process's stdin (default: empty). */
  input?: string | Buffer;
  cwd?: string;
  /** Extra environment variables, applied after the hermetic base environment. */
  env?: Record<string, string>;
}

/**
 * Environment for both tools: the caller's environment minus everything that changes kubeseal's
 * behaviour behind a test's back (SEALED_SECRETS_* flag defaults, KUBECONFIG, in-cluster hints).
 */
export function hermeticEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("SEALED_SECRETS_")) continue;
    if (["KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"].includes(key))
      continue;
    if (key === "POD_NAMESPACE") continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

function runProcess(command: string, args: string[], options: RunOptions): RunResult {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, {
    input: options.input ?? "",
    cwd: options.cwd,
    env: hermeticEnv(options.env),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the real kubeseal with the given flags (no shell). */
export function runKubeseal(args: string[], options: RunOptions = {}): RunResult {
  return runProcess(kubesealPath(), args, options);
}

/** Runs `signet` with the given (kubeseal-compatible) flags (no shell). */
export function runSignet(args: string[], options: RunOptions = {}): RunResult {
  const { command, args: prefix } = signetCommand();
  return runProcess(command, [...prefix, ...args], options);
}
