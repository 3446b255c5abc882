// `npm run package`: builds `signet` as one executable for linux-x64 (dist/signet): a Node.js
// single executable application on the current LTS (scripts/node-versions.json) with a V8 start-up
// snapshot of the CLI, made by `node --build-sea`. It needs no Node.js on the machine it runs on
// (only glibc >= 2.28, libstdc++ and libatomic, like the official Node.js binary it is built from).
//
// Why a snapshot: for one seal, start-up is the CLI's whole cost. Deserializing a snapshot in which
// the CLI is already loaded is cheaper than compiling or even code-cache-loading it (BENCHMARKS.md).
// NODE_OPTIONS and the other ways of passing Node.js flags are ignored (`execArgvExtension: none`):
// the executable behaves the same whatever Node.js settings the user's shell carries.
//
// V8's young generation is held to 1 MiB semi-spaces: a CLI run is short and allocates mostly
// short-lived objects, and V8's default lets the young generation grow to tens of MiB before
// collecting it. Measured on the hostile inputs of BENCHMARKS.md, this cuts peak RSS by 30-100
// MiB (1 MiB of empty documents: 165 -> 97 MiB) at no CPU cost on the 1,000-Secret stream.
//
// The old generation may grow by 20 % of what survived the last full collection before the next
// (V8's own factor is up to 4x): the reader's intermediate trees are garbage once the next stage
// is built, and a 1 MiB hostile document otherwise took the heap from 18 to 82 MiB before V8
// collected it (150,000 `stringData` values: 168 -> 134-140 MiB peak RSS; no CPU cost measured on the
// 1,000-Secret stream).
//
// TurboFan compiles on the main thread (`--no-concurrent-recompilation`), as the controller does:
// on V8's worker threads each compile job left its zone memory in that thread's malloc arena
// (61,680 small documents: ~100 -> ~95 MiB, the 1,000-Secret stream 97 -> 87 MiB peak RSS, CPU
// unchanged).
//
// Sparkplug, V8's baseline compiler, is off: one seal runs a few hundred functions once each, and
// compiling ~100 of them to baseline code on V8's worker threads cost ~6 % of its CPU (measured on
// one offline seal; the 1,000-Secret stream, where the optimizing tiers do the work, is unchanged).
//
//   npm run package                            # dist/signet
//   node scripts/package.mjs --out FILE        # elsewhere (the build itself must have run)
//   node scripts/package.mjs --floor --out F   # the same kind of executable with an empty
//                                              # program: the start-up floor (npm run bench)
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { bundleSea } from "../packages/cli/scripts/bundle.mjs";
import { ensureNode } from "./node-runtime.mjs";

/**
 * Node.js flags baked into the executable (the floor gets the same, to stay comparable). A run is
 * too short for TurboFan to pay off: `--max-opt=2` stops at Maglev, and measured side by side it
 * took 4-9 MiB off the peak of the bad-input rows (TurboFan's compile memory) and no time.
 */
const CLI_V8_FLAGS = [
  "--max-semi-space-size=1",
  "--heap-growing-percent=20",
  "--no-concurrent-recompilation",
  "--no-sparkplug",
  "--max-opt=2",
];
const REPO = fileURLToPath(new URL("../", import.meta.url));
/** A public test certificate: the build-time warm-up seals with it and keeps nothing. */
const WARMUP_CERT = join(REPO, "test/fixtures/keys/test-only-sealing-cert.pem");

/** `strip` from binutils when the machine has it: the official binary carries ~33 MB of debug info. */
function strippedCopy(bin, dir) {
  const out = join(dir, "node");
  copyFileSync(bin, out);
  const res = spawnSync("strip", ["--strip-all", out], { encoding: "utf8" });
  if (res.error || res.status !== 0) {
    process.stderr.write(
      "package: `strip` unavailable or failed; the executable keeps Node.js debug info\n",
    );
    copyFileSync(bin, out);
    return { path: out, stripped: false };
  }
  return { path: out, stripped: true };
}

/** A start-up snapshot entry that does nothing at run time (the floor). */
const FLOOR_MAIN = `require("node:v8").startupSnapshot.setDeserializeMainFunction(() => {});`;

/**
 * Builds the single-file CLI at `out` (or, with `floor`, the same executable around an empty
 * program) and returns what went into it.
 * @param {{ out: string, floor?: boolean }} options
 */
export async function packageCli({ out, floor = false }) {
  const runtime = ensureNode("lts");
  const work = mkdtempSync(join(tmpdir(), "signet-package-"));
  try {
    if (floor) {
      writeFileSync(join(work, "sea-main.cjs"), FLOOR_MAIN);
      writeFileSync(join(work, "signet-kube.cjs"), "");
    } else {
      await bundleSea(work);
    }
    const executable = strippedCopy(runtime.bin, work);
    const config = join(work, "sea-config.json");
    const built = join(work, "signet");
    writeFileSync(
      config,
      JSON.stringify({
        main: join(work, "sea-main.cjs"),
        mainFormat: "commonjs",
        executable: executable.path,
        output: built,
        disableExperimentalSEAWarning: true,
        useSnapshot: true,
        execArgv: CLI_V8_FLAGS,
        execArgvExtension: "none",
        assets: { "signet-kube.cjs": join(work, "signet-kube.cjs") },
      }),
    );
    execFileSync(runtime.bin, ["--build-sea", config], {
      cwd: work,
      env: { ...process.env, SIGNET_SEA_WARMUP_CERT: WARMUP_CERT, NODE_OPTIONS: "" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    // A smoke run with an empty environment: no PATH, no Node.js to fall back on.
    const version =
      execFileSync(built, ["--version"], { env: {}, encoding: "utf8" }).trim() || "floor";
    // Copied next to the target, then renamed: a failed build never leaves half a binary at `out`.
    mkdirSync(dirname(out), { recursive: true });
    const partial = `${out}.partial`;
    copyFileSync(built, partial);
    chmodSync(partial, 0o755);
    renameSync(partial, out);
    return {
      out,
      node: runtime.version,
      stripped: executable.stripped,
      version,
      bytes: statSync(out).size,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const floor = args.includes("--floor");
  const rest = args.filter((a) => a !== "--floor");
  const at = rest.indexOf("--out");
  const out = at === -1 ? join(REPO, "dist", "signet") : rest[at + 1];
  if (!out || rest.length > (at === -1 ? 0 : 2)) {
    console.error("usage: node scripts/package.mjs [--floor] [--out FILE]");
    process.exitCode = 2;
  } else {
    const started = Date.now();
    const made = await packageCli({ out, floor });
    const mb = (made.bytes / 2 ** 20).toFixed(1);
    console.log(
      `${made.out}: ${made.version}, Node.js ${made.node}${made.stripped ? ", stripped" : ""}, ` +
        `${mb} MiB, built in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}
