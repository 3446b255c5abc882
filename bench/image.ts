import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { repoRoot } from "../test/interop/reference-tools.js";
import {
  buildTestImage,
  deploymentRunFlags,
  ensureContainerTools,
  ensureStandIns,
  podman,
  STORAGE,
} from "../test/e2e/deploy/image.js";

const REFERENCE_VERSION = "v0.36.6";
/** What the reference's docker/controller.Dockerfile starts from (distroless static). */
const STATIC = "gcr.io/distroless/static-debian13:nonroot";

interface Size {
  name: string;
  ref: string;
  /** Sum of the layers as stored (uncompressed). */
  bytes: number;
  /** The OCI archive: gzip-compressed layers, what a registry transfers. */
  archiveBytes: number;
}

function buildah(args: readonly string[]): string {
  return execFileSync("buildah", [...STORAGE, ...args], { encoding: "utf8" }).trim();
}

/**
 * The reference controller image, rebuilt as its docker/controller.Dockerfile builds it:
 * distroless static (a stand-in made of the same Debian packages), the controller binary in
 * /usr/local/bin (built from the Go module proxy as .goreleaser.yml does: CGO_ENABLED=0, not
 * stripped), USER 1001. Cached by the binary's hash.
 */
function referenceImage(): string {
  const script = join(repoRoot, "test/e2e/controller/reference-controller.sh");
  const bin = execFileSync("bash", [script], { encoding: "utf8" }).trim().split("\n").at(-1) ?? "";
  const hash = createHash("sha256").update(readFileSync(bin)).digest("hex").slice(0, 12);
  const ref = `localhost/reference-sealed-secrets-controller:${REFERENCE_VERSION.slice(1)}-${hash}`;
  if (podman(["image", "exists", ref]).status === 0) return ref;
  const ctr = buildah(["from", "--pull-never", STATIC]);
  buildah(["copy", "--chmod", "0755", ctr, bin, "/usr/local/bin/controller"]);
  buildah(["config", "--user", "1001", "--entrypoint", '["controller"]', ctr]);
  buildah(["commit", "--rm", "-q", ctr, ref]);
  return ref;
}

function measure(name: string, ref: string, dir: string): Size {
  const inspect = podman(["image", "inspect", ref, "--format", "{{.Size}}"]);
  if (inspect.status !== 0) throw new Error(`inspect ${ref}: ${inspect.stderr}`);
  const archive = join(dir, `${name.replace(/\W+/g, "-")}.oci.tar`);
  const push = spawnSync("buildah", [...STORAGE, "push", "-q", ref, `oci-archive:${archive}`], {
    encoding: "utf8",
  });
  if (push.status !== 0) throw new Error(`export ${ref}: ${push.stderr}`);
  return { name, ref, bytes: Number(inspect.stdout.trim()), archiveBytes: statSync(archive).size };
}

const mib = (n: number): string => (n / 2 ** 20).toFixed(1);

/** `npm run bench -- --only image`: the image-size section of BENCHMARKS.md. */
export function imageBenchmark(): string {
  ensureContainerTools();
  ensureStandIns(STATIC);
  const ours = buildTestImage("localhost/signet:bench");
  const dir = mkdtempSync(join(tmpdir(), "signet-bench-image-"));
  try {
    const rows = [
      measure("signet (deploy/Containerfile)", ours.ref, dir),
      measure(`reference controller ${REFERENCE_VERSION}, rebuilt here`, referenceImage(), dir),
    ];
    const [signet, reference] = rows;
    const parts = podman([
      "run",
      "--rm",
      ...deploymentRunFlags(),
      "--entrypoint",
      "/nodejs/bin/node",
      ours.ref,
      "-e",
      `const fs = require("fs"), p = require("path");
       const du = (d) => fs.readdirSync(d).reduce((n, f) => { const s = fs.statSync(p.join(d, f)); return n + (s.isDirectory() ? du(p.join(d, f)) : s.size); }, 0);
       console.log(JSON.stringify({ node: fs.statSync("/nodejs/bin/node").size, app: du("/app") }));`,
    ]);
    if (parts.status !== 0) throw new Error(`measuring inside ${ours.ref}: ${parts.stderr}`);
    const inImage = JSON.parse(parts.stdout) as { node: number; app: number };
    const lines = rows.map((r) => `| ${r.name} | ${mib(r.bytes)} | ${mib(r.archiveBytes)} |`);
    const text = `## Container image size

Measured by \`npm run bench -- --only image\` on ${new Date().toISOString().slice(0, 10)}. The
registries are not reachable from these machines, so the reference's published image could not be
inspected: its row is that image rebuilt the way its \`docker/controller.Dockerfile\` and
\`.goreleaser.yml\` build it (distroless static plus the controller binary, \`CGO_ENABLED=0\`, not
stripped; built here with \`go install -trimpath\` from the Go module proxy, as the interop tests
build it). Both base images are stand-ins made of the Debian 13 packages the distroless images are
made of (deploy/README.md). Stored = the layers uncompressed; archive = the OCI archive with
gzip-compressed layers, about what a pull transfers.

| image | stored MiB | archive MiB |
|---|---|---|
${lines.join("\n")}

- Signet's image is **${(signet!.bytes / reference!.bytes).toFixed(2)}x** the reference's stored size
  (${(signet!.archiveBytes / reference!.archiveBytes).toFixed(2)}x compressed): the goal (smaller than
  the reference) is **${signet!.bytes < reference!.bytes ? "met" : "not met"}**.
- Of Signet's image, the Node.js 26 binary alone (debug info stripped) is ${mib(inImage.node)} MiB and
  the application (both bundles) ${mib(inImage.app)} MiB; the rest is distroless cc. A Go binary
  needs no runtime, so a Node.js image cannot get below the reference without a smaller Node.js
  build (without its ICU data, for example), which would have to be compiled from source.
`;
    process.stdout.write(text);
    return text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
