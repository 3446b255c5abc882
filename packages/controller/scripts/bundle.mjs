// Bundles the controller into ES modules in dist/bundle/ that need no node_modules: the container
// image and the npm package carry only this directory. Start-up skips the node_modules walk and
// loads only the parts of express and prom-client it reaches.
//
// - main.js: the controller;
// - kube-config.js: the only part of @kubernetes/client-node the controller uses (KubeConfig, for
//   kubeconfig credential plugins: exec, auth-provider), imported only then. Bundling the whole
//   package would put its generated API clients (~16 MB) into the image.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const KUBE_EXPORTS = ["KubeConfig"];
const KUBE_SUBSET = `export { ${KUBE_EXPORTS.join(", ")} } from "@kubernetes/client-node/dist/config.js";`;

/** Every name the compiled controller takes from @kubernetes/client-node must be in KUBE_EXPORTS. */
function checkKubeExports(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "bundle") checkKubeExports(path);
    if (!entry.isFile() || !entry.name.endsWith(".js")) continue;
    const text = readFileSync(path, "utf8");
    const uses = [
      ...text.matchAll(/\{([^{}]*)\}\s*=\s*await import\("@kubernetes\/client-node"\)/g),
    ].flatMap((m) => m[1].split(",").map((n) => n.trim().split(/\s*:/)[0]));
    const namespace =
      /=\s*await import\("@kubernetes\/client-node"\)/.test(text) && uses.length === 0;
    const missing = uses.filter((n) => n && !KUBE_EXPORTS.includes(n));
    if (namespace || missing.length > 0) {
      throw new Error(
        `packages/controller/scripts/bundle.mjs: ${path} takes ${namespace ? "the whole module" : missing.join(", ")} ` +
          "from @kubernetes/client-node; the bundle carries only KUBE_EXPORTS",
      );
    }
  }
}

checkKubeExports(dist);

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Bundled CommonJS dependencies still call require() for Node's built-in modules.
  banner: {
    js: 'import { createRequire as signetCreateRequire } from "node:module"; const require = signetCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: { main: `${dist}main.js` },
  outdir: `${dist}bundle`,
  plugins: [
    {
      name: "client-node-subset",
      setup(b) {
        b.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({
          path: "./kube-config.js",
          external: true,
        }));
      },
    },
  ],
});

await build({
  ...common,
  stdin: { contents: KUBE_SUBSET, resolveDir: dist, sourcefile: "kube-config.mjs" },
  outfile: `${dist}bundle/kube-config.js`,
  // tr46 and whatwg-url mean the npm package: Node.js's own punycode is deprecated (DEP0040).
  alias: { punycode: "punycode/" },
  minify: true,
  legalComments: "eof",
});
