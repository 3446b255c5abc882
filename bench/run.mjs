// `npm run bench`: compiles bench/main.ts (and what it imports from test/) with esbuild into a
// temporary module and runs it. Benchmarks are not tests: they print ratios measured side by side
// in one run and rewrite BENCHMARKS.md.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { build } from "esbuild";

const dir = mkdtempSync(join(tmpdir(), "signet-bench-"));
try {
  const outfile = join(dir, "bench.mjs");
  await build({
    entryPoints: [new URL("./main.ts", import.meta.url).pathname],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    // Bundling gives every module the temp file's URL; the only module that reads
    // import.meta.url (reference-tools.ts, to find the repository root) gets its own back.
    define: {
      "import.meta.url": JSON.stringify(
        new URL("../test/interop/reference-tools.ts", import.meta.url).href,
      ),
    },
    logLevel: "warning",
  });
  const { main } = await import(pathToFileURL(outfile).href);
  await main(process.argv.slice(2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
