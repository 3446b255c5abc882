// `npm run bench`: compiles bench/main.ts (and what it imports from test/) with esbuild into a
// temporary module and runs it. Benchmarks are not tests: they print ratios measured side by side
// in one run and rewrite their sections of BENCHMARKS.md. `-- --only cli|controller` runs one part.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { build } from "esbuild";

/** Gives every bundled TypeScript file its own `import.meta.url` (they locate repository files). */
const ownImportMetaUrl = {
  name: "own-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, "utf8").replace(
        /\bimport\.meta\.url\b/g,
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: "ts",
    }));
  },
};

// Inside node_modules (ignored by git) so the bundle resolves workspace packages (@signet/core).
const cache = fileURLToPath(new URL("../node_modules/.cache/", import.meta.url));
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, "signet-bench-"));
try {
  const outfile = join(dir, "bench.mjs");
  await build({
    entryPoints: [fileURLToPath(new URL("./main.ts", import.meta.url))],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    plugins: [ownImportMetaUrl],
    logLevel: "warning",
  });
  const { main } = await import(pathToFileURL(outfile).href);
  await main(process.argv.slice(2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
