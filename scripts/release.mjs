// `npm run release`: writes every release artifact to dist/release/ (emptied first), for the
// version in package.json, after checking that every place naming the version agrees:
//
//   signet-<v>-linux-x64.tar.gz   the single-file CLI (scripts/package.mjs) + Node.js's licence
//   signet-<v>-image.oci.tar      the container image (deploy/Containerfile) as an OCI archive
//   signet-<v>.tgz                the Helm chart (`helm package`, after `helm lint`)
//   signet-core-<v>.tgz, signet-cli-<v>.tgz, signet-controller-<v>.tgz   npm packages
//   signet-<v>.yaml               CRD + controller manifests (`kubectl kustomize deploy/kustomize`)
//   signet-<v>.cdx.json           CycloneDX SBOM of the shipped npm dependencies (from
//                                 package-lock.json, `npm sbom`) and the embedded Node.js runtime
//   SHA256SUMS                    `sha256sum` lines for all of the above
//
// Tools: a container engine (see scripts/image.mjs), helm (HELM, else `helm` on PATH) and kubectl
// (KUBECTL, else `kubectl` on PATH). The build (`npm run build`) must have run; `npm run release`
// runs it first.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

import {
  buildImage,
  containerfileArgs,
  engine,
  pruneBuildCache,
  saveOciArchive,
} from "./image.mjs";
import { ensureNode, nodeVersions } from "./node-runtime.mjs";
import { packageCli } from "./package.mjs";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const OUT = join(REPO, "dist", "release");
const IMAGE = "ghcr.io/signet-dev/signet";
const readJson = (path) => JSON.parse(readFileSync(join(REPO, path), "utf8"));
const rootManifest = readJson("package.json");
const VERSION = rootManifest.version;

/** The engines range every published package declares: the maintained Node.js lines. */
export const ENGINES = rootManifest.engines.node;

function log(message) {
  process.stderr.write(`release: ${message}\n`);
}

function tool(envName, name) {
  return process.env[envName] || name;
}

/** Every file that names the release version must name the same one. */
function checkVersions() {
  const found = {
    "package.json": VERSION,
    ...Object.fromEntries(
      ["core", "cli", "controller"].map((p) => [
        `packages/${p}/package.json`,
        readJson(`packages/${p}/package.json`).version,
      ]),
    ),
    "packages/cli/src/version.ts": /VERSION = "([^"]+)"/.exec(
      readFileSync(join(REPO, "packages/cli/src/version.ts"), "utf8"),
    )?.[1],
    "deploy/Containerfile ARG VERSION": containerfileArgs().VERSION,
  };
  const chart = readFileSync(join(REPO, "deploy/helm/signet/Chart.yaml"), "utf8");
  found["Chart.yaml version"] = /^version:\s*"?([^"\s]+)"?/m.exec(chart)?.[1];
  found["Chart.yaml appVersion"] = /^appVersion:\s*"?([^"\s]+)"?/m.exec(chart)?.[1];
  const kustomization = readFileSync(join(REPO, "deploy/kustomize/kustomization.yaml"), "utf8");
  found["kustomization.yaml newTag"] = /newTag:\s*"?([^"\s]+)"?/.exec(kustomization)?.[1];
  const wrong = Object.entries(found).filter(([, v]) => v !== VERSION);
  if (wrong.length > 0) {
    throw new Error(
      `release: version ${VERSION} (package.json) differs from ${wrong.map(([k, v]) => `${k}: ${v}`).join(", ")}`,
    );
  }
}

/** The CLI as a tarball: the executable, and Node.js's licence (it is embedded). */
async function singleFileCli() {
  const dir = mkdtempSync(join(tmpdir(), "signet-release-cli-"));
  try {
    const made = await packageCli({ out: join(dir, "signet") });
    cpSync(ensureNode("lts").license, join(dir, "LICENSE.node"));
    const file = `signet-${VERSION}-linux-x64.tar.gz`;
    execFileSync("tar", ["-czf", join(OUT, file), "-C", dir, "signet", "LICENSE.node"]);
    return { file, node: made.node };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function image() {
  const e = engine();
  const ref = `${IMAGE}:${VERSION}`;
  // The Containerfile's own ARG VERSION (checkVersions() made sure it is this one).
  const made = buildImage({ tag: ref, engine: e });
  log(
    `image ${ref} ${made.built ? "built" : "cached"} (${made.seconds.toFixed(0)} s, key ${made.key})`,
  );
  const file = `signet-${VERSION}-image.oci.tar`;
  saveOciArchive(ref, join(OUT, file), e);
  pruneBuildCache(e);
  return file;
}

function helmChart() {
  const helm = tool("HELM", "helm");
  const chart = join(REPO, "deploy/helm/signet");
  execFileSync(helm, ["lint", "--strict", chart], { stdio: ["ignore", "ignore", "inherit"] });
  execFileSync(helm, ["package", chart, "--destination", OUT], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const file = `signet-${VERSION}.tgz`;
  execFileSync(helm, ["lint", "--strict", join(OUT, file)], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  return file;
}

function manifestBundle() {
  const kubectl = tool("KUBECTL", "kubectl");
  const yaml = execFileSync(kubectl, ["kustomize", join(REPO, "deploy/kustomize")], {
    encoding: "utf8",
  });
  const file = `signet-${VERSION}.yaml`;
  writeFileSync(
    join(OUT, file),
    `# Signet ${VERSION}: the SealedSecret CRD and the controller in kube-system.\n` +
      `#   kubectl apply --server-side -f ${file}\n${yaml}`,
  );
  return file;
}

const PUBLISHED = {
  repository: { type: "git", url: "https://github.com/signet-dev/signet.git" },
  homepage: "https://github.com/signet-dev/signet",
  engines: { node: ENGINES },
};

/** Copies `from` into `to`, leaving out source maps and build metadata. */
function copyBuilt(from, to) {
  cpSync(from, to, {
    recursive: true,
    filter: (src) => !src.endsWith(".map") && !src.endsWith(".tsbuildinfo"),
  });
}

/** Stages each package with its published manifest and packs it with `npm pack`. */
function npmPackages() {
  const stage = mkdtempSync(join(tmpdir(), "signet-release-npm-"));
  const own = (p) => readJson(`packages/${p}/package.json`);
  const base = (p) => {
    const { private: _private, devDependencies: _dev, ...rest } = own(p);
    return { ...rest, ...PUBLISHED };
  };
  const packages = {
    // The library: ES modules and types, its dependencies installed from the registry.
    core: {
      manifest: base("core"),
      files: (dir) => copyBuilt(join(REPO, "packages/core/dist"), join(dir, "dist")),
    },
    // The CLI: one bundle and its lazily loaded KubeConfig part, no dependencies.
    cli: {
      manifest: (({ exports: _e, dependencies: _d, ...m }) => ({
        ...m,
        files: ["bin", "dist"],
      }))(base("cli")),
      files: (dir) => {
        cpSync(join(REPO, "packages/cli/bin"), join(dir, "bin"), { recursive: true });
        cpSync(join(REPO, "packages/cli/dist/standalone"), join(dir, "dist"), { recursive: true });
      },
    },
    // The controller: dist/bundle only, no dependencies.
    controller: {
      manifest: (({ exports: _e, dependencies: _d, ...m }) => ({
        ...m,
        files: ["dist/bundle"],
      }))(base("controller")),
      files: (dir) =>
        cpSync(join(REPO, "packages/controller/dist/bundle"), join(dir, "dist/bundle"), {
          recursive: true,
        }),
    },
  };
  try {
    return Object.entries(packages).map(([name, p]) => {
      const dir = join(stage, name);
      mkdirSync(dir);
      p.files(dir);
      writeFileSync(join(dir, "package.json"), `${JSON.stringify(p.manifest, null, 2)}\n`);
      const [packed] = JSON.parse(
        execFileSync("npm", ["pack", "--json", "--pack-destination", OUT], {
          cwd: dir,
          encoding: "utf8",
          stdio: ["ignore", "pipe", "inherit"],
        }),
      );
      return packed.filename;
    });
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/**
 * What the packages need at run time, from package-lock.json: every lockfile path reachable from
 * the workspace packages through dependencies, optional dependencies and required peers (Node.js
 * module resolution over the lockfile's node_modules paths), as `name@version`.
 */
function productionPackages(lock) {
  const pkgs = lock.packages;
  const resolve = (from, name) => {
    let dir = from;
    for (;;) {
      const candidate = `${dir ? `${dir}/` : ""}node_modules/${name}`;
      if (pkgs[candidate]) return pkgs[candidate].link ? pkgs[candidate].resolved : candidate;
      if (!dir) return undefined;
      const up = dir.lastIndexOf("/node_modules/");
      dir = up === -1 ? "" : dir.slice(0, up);
    }
  };
  const seen = new Set();
  const refs = new Set();
  const visit = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    const p = pkgs[path];
    const name = p.name ?? path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    refs.add(`${name}@${p.version}`);
    const optionalPeers = Object.keys(p.peerDependenciesMeta ?? {}).filter(
      (n) => p.peerDependenciesMeta[n].optional,
    );
    const wanted = {
      ...p.dependencies,
      ...p.optionalDependencies,
      ...Object.fromEntries(
        Object.entries(p.peerDependencies ?? {}).filter(([n]) => !optionalPeers.includes(n)),
      ),
    };
    for (const dep of Object.keys(wanted)) {
      const at = resolve(path, dep);
      if (at) visit(at);
    }
  };
  for (const ws of lock.packages[""].workspaces) visit(ws);
  return refs;
}

/**
 * CycloneDX from the lockfile: `npm sbom` of the whole tree, narrowed to what the packages need at
 * run time (productionPackages; `npm sbom --omit dev` also drops production packages that a
 * development tool shares, such as yaml), plus the Node.js runtime it embeds.
 */
function sbom(nodeVersion) {
  const bom = JSON.parse(
    execFileSync("npm", ["sbom", "--sbom-format", "cyclonedx", "--package-lock-only"], {
      cwd: REPO,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  const keep = productionPackages(readJson("package-lock.json"));
  const rootRef = bom.metadata.component["bom-ref"];
  bom.components = bom.components.filter((c) => keep.has(c["bom-ref"]));
  const kept = new Set([rootRef, ...bom.components.map((c) => c["bom-ref"])]);
  bom.dependencies = (bom.dependencies ?? [])
    .filter((d) => kept.has(d.ref))
    .map((d) => ({ ...d, dependsOn: (d.dependsOn ?? []).filter((r) => kept.has(r)) }));
  for (const c of bom.components) {
    // Workspace packages are named after their folders; publish names are scoped.
    if (c["bom-ref"].startsWith("@signet/"))
      c.name = c["bom-ref"].slice(0, c["bom-ref"].lastIndexOf("@"));
  }
  bom.metadata.component = {
    ...bom.metadata.component,
    type: "application",
    name: "signet",
    version: VERSION,
    purl: `pkg:npm/signet@${VERSION}`,
  };
  const node = {
    type: "platform",
    "bom-ref": `node@${nodeVersion}`,
    name: "node",
    version: nodeVersion,
    description: "Node.js runtime embedded in the single-file CLI and the container image",
    purl: `pkg:generic/nodejs/node@${nodeVersion}`,
    licenses: [{ license: { id: "MIT" } }],
  };
  bom.components = [node, ...bom.components];
  bom.dependencies.push({ ref: node["bom-ref"], dependsOn: [] });
  const file = `signet-${VERSION}.cdx.json`;
  writeFileSync(join(OUT, file), `${JSON.stringify(bom, null, 2)}\n`);
  return file;
}

function checksums(files) {
  const lines = files.sort().map(
    (f) =>
      `${createHash("sha256")
        .update(readFileSync(join(OUT, f)))
        .digest("hex")}  ${f}`,
  );
  writeFileSync(join(OUT, "SHA256SUMS"), `${lines.join("\n")}\n`);
}

export async function release() {
  checkVersions();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const step = async (name, fn) => {
    const started = Date.now();
    const result = await fn();
    log(`${name} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    return result;
  };
  const cli = await step("single-file CLI", singleFileCli);
  const files = [
    cli.file,
    await step("container image", image),
    await step("Helm chart", helmChart),
    ...(await step("npm packages", npmPackages)),
    await step("CRD and manifests", manifestBundle),
    await step("SBOM", () => sbom(cli.node)),
  ];
  checksums(files);
  const present = readdirSync(OUT).filter((f) => f !== "SHA256SUMS");
  const unexpected = present.filter((f) => !files.includes(f));
  if (unexpected.length > 0) throw new Error(`release: unexpected files ${unexpected.join(", ")}`);
  return { dir: OUT, files: [...files, "SHA256SUMS"], version: VERSION, node: nodeVersions().lts };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const made = await release();
  for (const f of made.files)
    console.log(join(basename(made.dir) === "release" ? "dist/release" : made.dir, f));
}
