import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { repoRoot } from "../test/interop/reference-tools.js";
import { cliBenchmark } from "./cli.js";
import { controllerBenchmark } from "./controller.js";
import { imageBenchmark } from "./image.js";
import type { Name } from "./controller-report.js";

const PARTS = ["cli", "controller", "image"] as const;
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

const CONTROLLERS: readonly Name[] = ["signet", "reference"];

/** `--controllers signet` runs one controller alone (profiling); both by default. */
function controllersFlag(argv: readonly string[]): Name[] {
  const raw = flag(argv, "controllers");
  if (raw === undefined) return [...CONTROLLERS];
  const names = raw.split(",");
  const bad = names.find((n) => !CONTROLLERS.includes(n as Name));
  if (bad !== undefined)
    throw new Error(`--controllers wants ${CONTROLLERS.join(",")}, got ${bad}`);
  return names as Name[];
}

/**
 * `npm run bench [-- --only cli|controller|image] [--quick]`; controller part: `--count N` (default
 * 2000), `--keys N` (12), `--old-share F` (0.1), `--repetitions N` (1), `--timeout-min N` (60),
 * `--controllers signet|reference` (both).
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
    const controllers = controllersFlag(argv);
    const text = await controllerBenchmark({
      count: numberFlag(argv, "count", 2000),
      keys: numberFlag(argv, "keys", 12),
      oldShare: numberFlag(argv, "old-share", 0.1),
      repetitions: numberFlag(argv, "repetitions", 1),
      timeoutMs: numberFlag(argv, "timeout-min", 60) * 60_000,
      controllers,
    });
    // A profiling run of one controller prints its section but keeps BENCHMARKS.md's comparison.
    if (controllers.length === CONTROLLERS.length) writeSection("controller", text);
    else process.stdout.write(`${text}\n`);
  }
}

const HEADER = `# Benchmarks

Written by \`npm run bench\` (benchmarks are not tests). Each section is measured side by side in
one run and rewritten only by the part that ran: \`npm run bench -- --only cli\`,
\`--only controller\` or \`--only image\`; the other sections are kept as they were.
`;

const marker = (part: Part, edge: "start" | "end"): string => `<!-- bench:${part}:${edge} -->`;

/** Replaces one part's section of BENCHMARKS.md (between its markers), keeping the others. */
function writeSection(part: Part, text: string): void {
  const file = join(repoRoot, "BENCHMARKS.md");
  const old = existsSync(file) ? readFileSync(file, "utf8") : "";
  const sections = PARTS.map((p) => {
    if (p === part) return text.trim();
    const start = old.indexOf(marker(p, "start"));
    const end = old.indexOf(marker(p, "end"));
    return start !== -1 && end > start
      ? old.slice(start + marker(p, "start").length, end).trim()
      : undefined;
  });
  const body = PARTS.flatMap((p, i) => {
    const s = sections[i];
    return s === undefined ? [] : [`${marker(p, "start")}\n\n${s}\n\n${marker(p, "end")}\n`];
  });
  writeFileSync(file, [HEADER, ...body].join("\n"));
  if (part === "controller") process.stdout.write(`${text}\n`);
}
