// Bundles the CLI into one CommonJS file: start-up then skips both the node_modules walk and the
// ESM loader (measured: see BENCHMARKS.md). @kubernetes/client-node stays external and is
// imported lazily on cluster paths only.
import { build } from "esbuild";

await build({
  entryPoints: [new URL("../dist/main.js", import.meta.url).pathname],
  outfile: new URL("../dist/signet.bundle.cjs", import.meta.url).pathname,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["@kubernetes/client-node"],
  logLevel: "warning",
});
