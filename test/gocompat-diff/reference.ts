import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The reference side of the Go-compatibility differential test: builds main.go in this folder
 * (Go's strconv and time, github.com/spf13/pflag v1.0.10 as kubeseal and the controller v0.36
 * build with it) into `${SIGNET_CACHE:-~/.cache/signet}/gocompat-diff` and runs a batch of
 * cases through it in one process.
 */

export interface GoCase {
  id: string;
  op:
    | "bool"
    | "int"
    | "float"
    | "duration"
    | "durationString"
    | "quote"
    | "rfc1123z"
    | "flags"
    | "usage";
  text?: string;
  argv?: string[];
  env?: Record<string, string>;
}

export interface GoAnswer {
  id: string;
  ok: boolean;
  value?: string;
  error?: string;
  values?: Record<string, string>;
  changed?: string[];
  args?: string[];
  deprecation?: string;
  help?: boolean;
  usage?: string;
}

const here = fileURLToPath(new URL(".", import.meta.url));
const cacheRoot = process.env.SIGNET_CACHE || join(homedir(), ".cache", "signet");

/** Builds the Go program (Go's build cache makes a rebuild of unchanged sources a no-op). */
export function buildReference(): string {
  const dir = join(cacheRoot, "gocompat-diff");
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, "gocompat-diff");
  execFileSync("go", ["build", "-o", bin, "."], { cwd: here, stdio: "inherit" });
  return bin;
}

/** Runs every case through Go in one process. */
export function runReference(bin: string, cases: readonly GoCase[]): Map<string, GoAnswer> {
  const stdout = execFileSync(bin, [], {
    input: JSON.stringify(cases),
    maxBuffer: 256 * 1024 * 1024,
  });
  const answers = JSON.parse(stdout.toString("utf8")) as GoAnswer[];
  return new Map(answers.map((a) => [a.id, a]));
}
