// Bundles the controller into one ES module, dist/bundle/main.js. Start-up then skips the
// node_modules walk and loads only the parts of express and prom-client it reaches.
// @kubernetes/client-node stays external: it is imported only for kubeconfig credential plugins
// (exec, auth-provider), and bundling it would put its whole generated API into main.js.
import { build } from "esbuild";

const dist = new URL("../dist/", import.meta.url).pathname;

await build({
  entryPoints: { main: `${dist}main.js` },
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
