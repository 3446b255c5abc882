// Bundles the controller into ES modules in dist/bundle/ that need no node_modules: the container
// image and the npm package carry only this directory. Start-up skips the node_modules walk and
// loads only the parts of prom-client it reaches.
//
// - main.js: the controller, and chunk-*.js: the parts it imports on demand;
// - package.json: `"type": "module"` (see the end of this file);
// - kube-config.js: the only part of @kubernetes/client-node the controller uses (KubeConfig, for
//   kubeconfig credential plugins: exec, auth-provider), imported only then. Bundling the whole
//   package would put its generated API clients (~16 MB) into the image.
//
// The bundle must be ASCII: V8 keeps a module's source text on the heap for the process's
// lifetime, and one character outside Latin-1 anywhere (a comment, a regular expression) makes
// it a two-byte string, ~7.7 MiB instead of ~3.9 MiB. esbuild escapes strings but not regular
// expression literals or comments: those are escaped after the build (escapeNonAscii).
//
// main.js's first line names the Node.js flags the controller runs with (NODE_FLAGS): the image's
// ENTRYPOINT passes the same ones (a test compares them), and the benchmark and the end-to-end
// tests read them from that line. They cannot be set from inside the process: V8 sizes its heap
// when the isolate is created.
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const KUBE_EXPORTS = ["KubeConfig"];

/**
 * `--optimize-for-size`: V8's young generation stays at 1 MiB semi-spaces instead of growing to
 * 16 MiB and the old generation grows in smaller steps. On the cold-start benchmark (2,000
 * SealedSecrets) the peak RSS falls from ~142 to ~100 MiB for ~7 % more CPU on the main thread's
 * garbage collection (BENCHMARKS.md).
 *
 * `--no-concurrent-recompilation`: TurboFan compiles hot functions on the main thread instead of
 * V8's worker threads, whose malloc arenas each kept the compiler's peak zone memory: peak RSS
 * ~94 -> 86 MiB on the same benchmark, within the noise of its CPU-seconds.
 */
const NODE_FLAGS = ["--optimize-for-size", "--no-concurrent-recompilation"];
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
  // Strings and identifiers outside ASCII are written as escapes (see escapeNonAscii).
  charset: "ascii",
};

/** Sets `file`'s first line to `#!/usr/bin/env -S node <NODE_FLAGS>`. */
function setHashbang(file) {
  const text = readFileSync(file, "utf8");
  const body = text.startsWith("#!") ? text.slice(text.indexOf("\n") + 1) : text;
  writeFileSync(file, `#!/usr/bin/env -S node ${NODE_FLAGS.join(" ")}\n${body}`);
}

/**
 * Rewrites every non-ASCII UTF-16 unit of `file` as a `\\uXXXX` escape. What esbuild leaves are
 * comments and regular expression literals, where the escape means the same character (an
 * astral character becomes its surrogate pair, which both kinds of regular expression read as
 * that character).
 */
function escapeNonAscii(file) {
  const text = readFileSync(file, "utf8");
  const ascii = text.replace(
    /[^\x00-\x7f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  if (ascii !== text) writeFileSync(file, ascii);
}

rmSync(`${dist}bundle`, { recursive: true, force: true });

await build({
  ...common,
  entryPoints: { main: `${dist}main.js` },
  outdir: `${dist}bundle`,
  // What is imported on demand (node-forge for key generation, the seal page) is a chunk of
  // its own, read only when needed: V8 keeps each loaded file's source text for the process's
  // lifetime.
  splitting: true,
  chunkNames: "chunk-[hash]",
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

for (const file of readdirSync(`${dist}bundle`)) {
  if (file.endsWith(".js")) escapeNonAscii(`${dist}bundle/${file}`);
}
setHashbang(`${dist}bundle/main.js`);
// The bundle is copied on its own (the image's /app/controller, the npm package): this says
// its files are ES modules. Without it Node.js takes a `.js` file outside any `"type":
// "module"` package for CommonJS, fails to compile it as such and compiles it again as a
// module: the first attempt cost 13 MiB of RSS on Node 26 (8 MiB on Node 20), measured with
// `main.js --version`.
writeFileSync(`${dist}bundle/package.json`, `${JSON.stringify({ type: "module" })}\n`);
