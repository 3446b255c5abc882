// Bundles the controller (and its decide thread) into two ES modules in dist/bundle/. Start-up then
// skips the node_modules walk and loads only the parts of express and prom-client it reaches.
// @kubernetes/client-node stays external: it is imported only for kubeconfig credential plugins
// (exec, auth-provider), and bundling it would put its whole generated API into main.js. The thread script keeps its name, decide-worker.js, next
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
  external: ["@kubernetes/client-node"],
  // Bundled CommonJS dependencies still call require() for Node's built-in modules.
  banner: {
    js: 'import { createRequire as signetCreateRequire } from "node:module"; const require = signetCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
});
