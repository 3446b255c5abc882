import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DATA, NOW } from "./corpus.js";

/**
 * The reference side of the differential tests: builds the Go program in this folder
 * (text/template + sprig v3.3.0 as the reference controller configures them) into a cache
 * directory outside the repository and renders a batch of templates through it in one run.
 */

/** One Go result: output bytes base64-encoded, or the error text. */
export interface GoResult {
  id: string;
  ok: boolean;
  output: string;
  error?: string;
}

/** A template to render on both sides. */
export interface DiffCase {
  id: string;
  template: string;
}

const here = fileURLToPath(new URL(".", import.meta.url));
const cacheRoot = process.env.SIGNET_CACHE ?? join(homedir(), ".cache", "signet");
const binDir = join(cacheRoot, "template-diff");

/** Builds the Go program (one binary per test file, so parallel workers do not collide). */
export function buildReference(name: string): string {
  mkdirSync(binDir, { recursive: true });
  const bin = join(binDir, `template-diff-${name}`);
  execFileSync("go", ["build", "-o", bin, "."], { cwd: here, stdio: "inherit" });
  return bin;
}

/** Deterministic stand-in for crypto randomness (SHA-256 in counter mode). */
export function seededRandom(): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 32) {
      const block = createHash("sha256").update(`seed-${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, n - i)), i);
    }
    return out;
  };
}

/** Go's text/template built-ins (funcs.go), which the Go program's map does not list. */
export const GO_BUILTINS = [
  "and",
  "call",
  "eq",
  "ge",
  "gt",
  "html",
  "index",
  "js",
  "le",
  "len",
  "lt",
  "ne",
  "not",
  "or",
  "print",
  "printf",
  "println",
  "slice",
  "urlquery",
];

/** Renders every case through the Go program in one process run. */
export function runReference(
  bin: string,
  all: readonly DiffCase[],
): { funcs: string[]; results: Map<string, GoResult> } {
  const data = Object.fromEntries(
    Object.entries(DATA).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
  );
  const request = {
    now: NOW,
    cases: all.map((c) => ({
      id: c.id,
      template: Buffer.from(c.template, "utf8").toString("base64"),
      data,
    })),
  };
  const stdout = execFileSync(bin, [], {
    input: JSON.stringify(request),
    env: { ...process.env, TZ: "UTC" },
    maxBuffer: 256 * 1024 * 1024,
  });
  const response = JSON.parse(stdout.toString("utf8")) as { funcs: string[]; results: GoResult[] };
  return { funcs: response.funcs, results: new Map(response.results.map((r) => [r.id, r])) };
}
