// Bundles the CLI into one ESM file so start-up does not walk node_modules (rule 14 still holds:
// @kubernetes/client-node stays external and is imported lazily on cluster paths only).
import { build } from "esbuild";

await build({
  entryPoints: [new URL("../dist/main.js", import.meta.url).pathname],
  outfile: new URL("../dist/signet.bundle.mjs", import.meta.url).pathname,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["@kubernetes/client-node"],
  banner: {
    js: "import { createRequire as __signetCreateRequire } from 'node:module'; const require = __signetCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
