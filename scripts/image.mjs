// Builds the container image from deploy/Containerfile with whichever engine the machine has
// (docker, podman or buildah), and exports it as an OCI archive. Used by `npm run release` and by
// the image tests, which share its cache: an image is tagged with a hash of everything the build
// reads (the Containerfile, the files its COPY instructions take from the repository, the build
// arguments and the base images' IDs), and a build whose tag already exists is skipped.
//
//   node scripts/image.mjs build TAG        # prints {"ref","key","built","seconds"}
//   node scripts/image.mjs save REF FILE    # OCI archive
//
// Engine selection: SIGNET_CONTAINER_ENGINE (docker | podman | buildah), else the first of those
// on PATH. SIGNET_CONTAINER_ENGINE_ARGS adds global flags (e.g. a storage root and driver), split
// on spaces; SIGNET_CONTAINER_PULL=never builds with base-image pulls off.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../", import.meta.url));
export const CONTAINERFILE = join(REPO, "deploy/Containerfile");
const ENGINES = ["docker", "podman", "buildah"];
/** Skipped inside COPY sources, as .containerignore does. */
const IGNORED = new Set(["node_modules", "dist", "coverage"]);

/** @typedef {{ name: string, command: string, args: string[], pullNever: boolean }} Engine */

/** @returns {Engine} */
export function engine() {
  const wanted = process.env.SIGNET_CONTAINER_ENGINE;
  const name =
    wanted || ENGINES.find((e) => spawnSync(e, ["--version"], { stdio: "ignore" }).status === 0);
  if (!name || !ENGINES.includes(name)) {
    throw new Error(
      `image: no container engine (${ENGINES.join(", ")}) on PATH; set SIGNET_CONTAINER_ENGINE`,
    );
  }
  const extra = (process.env.SIGNET_CONTAINER_ENGINE_ARGS ?? "").split(" ").filter(Boolean);
  return {
    name,
    command: name,
    args: extra,
    pullNever: process.env.SIGNET_CONTAINER_PULL === "never",
  };
}

/** Runs the engine; returns stdout. */
function run(e, args, options = {}) {
  return execFileSync(e.command, [...e.args, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", options.quiet ? "pipe" : "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Whether `ref` names a local image. */
export function imageExists(e, ref) {
  const args =
    e.name === "buildah" ? ["inspect", "--type", "image", ref] : ["image", "inspect", ref];
  return spawnSync(e.command, [...e.args, ...args], { stdio: "ignore" }).status === 0;
}

/** The image ID of a local image, or "" when it is missing. */
function imageId(e, ref) {
  if (!imageExists(e, ref)) return "";
  const args =
    e.name === "buildah"
      ? ["inspect", "--type", "image", "--format", "{{.FromImageID}}", ref]
      : ["image", "inspect", "--format", "{{.Id}}", ref];
  return run(e, args, { quiet: true }).trim();
}

/** The Containerfile's ARG defaults, with ${VAR} references to earlier ARGs substituted. */
export function containerfileArgs(text = readFileSync(CONTAINERFILE, "utf8")) {
  const args = {};
  for (const line of text.split("\n")) {
    const m = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)\s*$/.exec(line.trim());
    if (m) args[m[1]] = m[2].replace(/\$\{(\w+)\}/g, (_, v) => args[v] ?? "");
  }
  return args;
}

/** Repository paths the build stage COPYs (instructions without --from). */
export function copySources(text = readFileSync(CONTAINERFILE, "utf8")) {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("COPY ") && !l.includes("--from="))
    .flatMap((l) =>
      l
        .split(/\s+/)
        .slice(1, -1)
        .filter((p) => !p.startsWith("--")),
    )
    .map((p) => p.replace(/\/$/, ""));
}

function hashTree(hash, path) {
  const stat = statSync(path);
  if (stat.isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      if (IGNORED.has(name) || name.endsWith(".tsbuildinfo")) continue;
      hashTree(hash, join(path, name));
    }
    return;
  }
  hash.update(`${relative(REPO, path)}\0${stat.mode & 0o111 ? "x" : "-"}\0`);
  hash.update(readFileSync(path));
}

/** A hash of everything the build reads, base images included. */
export function buildKey(e, buildArgs = {}) {
  const text = readFileSync(CONTAINERFILE, "utf8");
  const args = { ...containerfileArgs(text), ...buildArgs };
  const hash = createHash("sha256").update(text);
  for (const source of copySources(text)) hashTree(hash, join(REPO, source));
  hash.update(JSON.stringify(args));
  for (const base of [args.BUILD_IMAGE, args.RUNTIME_IMAGE]) hash.update(imageId(e, base));
  return hash.digest("hex").slice(0, 16);
}

/**
 * Builds the image (unless an image with the same build key exists) and tags it `tag`.
 * @param {{ tag: string, buildArgs?: Record<string, string>, engine?: Engine }} options
 * @returns {{ ref: string, key: string, built: boolean, seconds: number }}
 */
export function buildImage({ tag, buildArgs = {}, engine: e = engine() }) {
  const started = Date.now();
  const key = buildKey(e, buildArgs);
  const cached = `localhost/signet-build:${key}`;
  const built = !imageExists(e, cached);
  if (built) {
    const flags = Object.entries(buildArgs).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
    if (e.pullNever) flags.push(e.name === "docker" ? "--pull=false" : "--pull-never");
    if (e.name === "buildah") flags.push("--isolation", "chroot");
    const verb = e.name === "buildah" ? "bud" : "build";
    run(e, [verb, ...flags, "-f", CONTAINERFILE, "-t", cached, REPO]);
  }
  run(e, ["tag", cached, tag], { quiet: true });
  return { ref: tag, key, built, seconds: (Date.now() - started) / 1000 };
}

/** Writes `ref` as an OCI archive (a tar of an OCI image layout) to `file`. */
export function saveOciArchive(ref, file, e = engine()) {
  if (existsSync(file)) throw new Error(`image: ${file} exists`);
  if (e.name === "buildah") run(e, ["push", "-q", ref, `oci-archive:${file}:${ref}`]);
  else if (e.name === "podman") run(e, ["save", "-q", "--format", "oci-archive", "-o", file, ref]);
  else run(e, ["save", "-o", file, ref]);
}

/** Removes build-cache tags other than the newest `keep` (their layers go with them). */
export function pruneBuildCache(e = engine(), keep = 2) {
  const listArgs =
    e.name === "buildah"
      ? ["images", "--format", "{{.Name}}:{{.Tag}} {{.CreatedAtRaw}}"]
      : ["images", "--format", "{{.Repository}}:{{.Tag}} {{.CreatedAt}}"];
  const rows = run(e, listArgs, { quiet: true })
    .split("\n")
    .filter((l) => l.startsWith("localhost/signet-build:"))
    .sort((a, b) => (a.split(" ").slice(1).join(" ") < b.split(" ").slice(1).join(" ") ? 1 : -1));
  for (const row of rows.slice(keep)) {
    spawnSync(e.command, [...e.args, "rmi", row.split(" ")[0]], { stdio: "ignore" });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [verb, a, b] = process.argv.slice(2);
  if (verb === "build" && a) {
    console.log(JSON.stringify(buildImage({ tag: a })));
  } else if (verb === "save" && a && b) {
    saveOciArchive(a, b);
  } else {
    console.error("usage: node scripts/image.mjs build TAG | save REF FILE");
    process.exitCode = 2;
  }
}
