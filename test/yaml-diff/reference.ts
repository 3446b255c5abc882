import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The Go side of the differential tests: builds the program in this folder (k8s.io/apimachinery,
 * k8s.io/api, sigs.k8s.io/yaml and go-yaml v2 at the versions sealed-secrets v0.36.6 pins, with
 * its v1alpha1 types) into a cache directory outside the repository, and runs a batch of cases
 * through it in one process.
 */

export type Mode =
  "secrets" | "sealedsecrets" | "universal" | "list" | "generic" | "encode" | "readback";

export interface GoCase {
  id: string;
  mode: Mode;
  input: Uint8Array;
}

export interface GoEvent {
  /** The canonical JSON text of the object after the call (absent when empty). */
  value?: string;
  empty: boolean;
  error?: string;
}

export interface GoResult {
  id: string;
  events?: GoEvent[];
  loops?: boolean;
  /** Canonical JSON text of the decoded value (universal, list, readback). */
  value?: string;
  /** base64 of the output bytes (generic, encode). */
  output?: string;
  error?: string;
}

const here = fileURLToPath(new URL(".", import.meta.url));
const cacheRoot = process.env["SIGNET_CACHE"] || join(homedir(), ".cache", "signet");
const binDir = join(cacheRoot, "yaml-diff");

/** Builds the Go program (one binary per test file, so parallel workers do not collide). */
export function buildReference(name: string): string {
  mkdirSync(binDir, { recursive: true });
  const bin = join(binDir, `yaml-diff-${name}`);
  execFileSync("go", ["build", "-o", bin, "."], { cwd: here, stdio: "inherit" });
  return bin;
}

/** Runs every case through the Go program in one process run. */
export function runReference(bin: string, cases: readonly GoCase[]): Map<string, GoResult> {
  const request = {
    cases: cases.map((c) => ({
      id: c.id,
      mode: c.mode,
      input: Buffer.from(c.input).toString("base64"),
    })),
  };
  const stdout = execFileSync(bin, [], {
    input: JSON.stringify(request),
    env: { ...process.env, TZ: "UTC" },
    maxBuffer: 512 * 1024 * 1024,
  });
  const response = JSON.parse(stdout.toString("utf8")) as { results: GoResult[] };
  return new Map(response.results.map((r) => [r.id, r]));
}
