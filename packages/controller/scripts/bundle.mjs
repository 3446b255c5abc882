// Bundles the controller (and its decide thread) into two ES modules in dist/bundle/. Start-up then
// skips the node_modules walk and loads only the parts of @kubernetes/client-node, express and
// prom-client it reaches: measured on the cold-start benchmark, ~20 MiB less peak RSS than the
// unbundled dist/main.js (BENCHMARKS.md). The thread script keeps its name, decide-worker.js, next
// to main.js, where decide-pool's `new URL("./decide-worker.js", import.meta.url)` looks for it.
import { build } from "esbuild";

const dist = new URL("../dist/", import.meta.url).pathname;

await build({
  entryPoints: {
    main: `${dist}main.js`,
    "decide-worker": `${dist}controller/decide-worker.js`,
  },
  outdir: `${dist}bundle`,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Bundled CommonJS dependencies still call require() for Node's built-in modules.
  banner: {
    js: 'import { createRequire as signetCreateRequire } from "node:module"; const require = signetCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
});
