// Bundles the CLI. Three shapes, one source (the tsc output in dist/):
//
// - `node bundle.mjs` (part of `npm run build`): dist/signet.bundle.cjs, one CommonJS file, so
//   start-up skips both the node_modules walk and the ESM loader (see BENCHMARKS.md).
//   @kubernetes/client-node stays external and is imported lazily on cluster paths only.
// - bundleStandalone(dir), also written to dist/standalone/ by the build: the same CLI with no
//   node_modules at all (npm package, container image): signet.bundle.cjs plus signet-kube.cjs, which holds the only part of @kubernetes/client-node
//   the CLI uses (KubeConfig) and is required only when a command talks to a cluster.
// - bundleSea(dir): the input of the single-file executable (scripts/package.mjs): sea-main.cjs
//   (the V8 start-up snapshot entry, see sea-main.mjs) and signet-kube.cjs, which the executable
//   carries as an asset and compiles only on cluster paths.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const scripts = fileURLToPath(new URL("./", import.meta.url));
const CLIENT_NODE = /^@kubernetes\/client-node$/;

/**
 * What the CLI takes from @kubernetes/client-node. The standalone and single-file shapes carry only
 * these (the whole package, with its generated API clients, is ~16 MB of JavaScript);
 * checkKubeExports() fails the build when the CLI's code uses anything else.
 */
export const KUBE_EXPORTS = ["KubeConfig"];
const KUBE_SUBSET = `export { ${KUBE_EXPORTS.join(", ")} } from "@kubernetes/client-node/dist/config.js";`;

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  logLevel: "warning",
};

/** Every `k8s.<name>` the CLI's compiled code reads must be one KUBE_EXPORTS provides. */
function checkKubeExports() {
  const used = new Set();
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".js")) {
        const text = readFileSync(path, "utf8");
        if (!text.includes("@kubernetes/client-node")) continue;
        for (const m of text.matchAll(/\bk8s\.([A-Za-z_$][\w$]*)/g)) used.add(m[1]);
        for (const m of text.matchAll(
          /\{([^{}]*)\}\s*=\s*await import\("@kubernetes\/client-node"\)/g,
        ))
          for (const name of m[1].split(",")) used.add(name.trim().split(/\s*:/)[0]);
      }
    }
  };
  walk(dist);
  const missing = [...used].filter((name) => name && !KUBE_EXPORTS.includes(name));
  if (missing.length > 0) {
    throw new Error(
      `packages/cli/scripts/bundle.mjs: the CLI uses @kubernetes/client-node's ${missing.join(", ")}; ` +
        "add it to KUBE_EXPORTS so the standalone and single-file builds carry it",
    );
  }
}

/** Maps `@kubernetes/client-node` to `replacement` (a module path or source text). */
function clientNodeAs(replacement) {
  return {
    name: "client-node-subset",
    setup(b) {
      b.onResolve({ filter: CLIENT_NODE }, () =>
        replacement.external
          ? { path: replacement.external, external: true }
          : { path: "client-node", namespace: "signet-kube" },
      );
      b.onLoad({ filter: /.*/, namespace: "signet-kube" }, () => ({
        contents: replacement.contents,
        resolveDir: dist,
      }));
    },
  };
}

/** The KubeConfig subset of @kubernetes/client-node as one CommonJS file with no imports. */
async function bundleKubeSubset(outfile) {
  await build({
    ...common,
    stdin: { contents: KUBE_SUBSET, resolveDir: dist, sourcefile: "signet-kube.mjs" },
    outfile,
    // tr46 and whatwg-url mean the npm package: Node.js's own punycode is deprecated (DEP0040)
    // and warns when reached from outside node_modules.
    alias: { punycode: "punycode/" },
    minify: true,
    legalComments: "eof",
  });
}

/** Development bundle (client-node external), the one bin/signet.cjs loads in this repository. */
export async function bundleDev() {
  await build({
    ...common,
    entryPoints: [join(dist, "main.js")],
    outfile: join(dist, "signet.bundle.cjs"),
    external: ["@kubernetes/client-node"],
  });
}

/** The CLI without node_modules: `dir`/signet.bundle.cjs and `dir`/signet-kube.cjs. */
export async function bundleStandalone(dir) {
  checkKubeExports();
  await build({
    ...common,
    entryPoints: [join(dist, "main.js")],
    outfile: join(dir, "signet.bundle.cjs"),
    plugins: [clientNodeAs({ external: "./signet-kube.cjs" })],
  });
  await bundleKubeSubset(join(dir, "signet-kube.cjs"));
}

/**
 * Input of the single-file executable: `dir`/sea-main.cjs (snapshot entry) and `dir`/signet-kube.cjs
 * (asset). Minified, names kept: the snapshot, and so the start-up, grows with the code's size.
 */
export async function bundleSea(dir) {
  checkKubeExports();
  await build({
    ...common,
    target: "node26",
    entryPoints: [join(scripts, "sea-main.mjs")],
    outfile: join(dir, "sea-main.cjs"),
    minify: true,
    keepNames: true,
    legalComments: "eof",
    // One non-ASCII character makes V8 hold the whole source as a two-byte string: twice the
    // bytes in the start-up snapshot, deserialized at every run.
    charset: "ascii",
    plugins: [
      clientNodeAs({
        contents: `import { loadAsset } from ${JSON.stringify(join(scripts, "sea-asset.mjs"))};
const kube = loadAsset("signet-kube.cjs");
export const { ${KUBE_EXPORTS.join(", ")} } = kube;`,
      }),
    ],
  });
  const main = readFileSync(join(dir, "sea-main.cjs"), "utf8");
  const wide = /[^\x00-\x7f]/.exec(main);
  if (wide) {
    throw new Error(
      `packages/cli/scripts/bundle.mjs: the single-file bundle holds ${JSON.stringify(wide[0])} ` +
        `(U+${wide[0].codePointAt(0).toString(16).toUpperCase()}) near ` +
        `${JSON.stringify(main.slice(Math.max(0, wide.index - 40), wide.index + 10))}; ` +
        "write it as a \\u escape in the source (a regular expression literal keeps it as it is)",
    );
  }
  await bundleKubeSubset(join(dir, "signet-kube.cjs"));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundleDev();
  await bundleStandalone(join(dist, "standalone"));
}
