/// <reference types="node" />
// `npm run release` (scripts/release.mjs), then every artifact in dist/release/ used the way a user
// uses it: the single-file CLI with no Node.js and an empty environment, the OCI archive loaded into
// an empty container storage, the Helm chart linted and rendered, each npm tarball installed with
// `npm install -g` into an empty prefix, the SBOM read, and the released manifests, the
// npm-installed controller and the single-file CLI together on the test control plane.
import { execFileSync, spawnSync } from "node:child_process";
import type { SpawnSyncReturns } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parsePrivateKeyPem, unsealSealedSecret } from "@signet/core";
import type { SealedSecret } from "@signet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "../../cluster/api.js";
import {
  api,
  cluster,
  createNamespace,
  deleteNamespace,
  serveInNetns,
} from "../../cluster/testing.js";
import type { NetnsServer } from "../../cluster/testing.js";
import {
  containerfileArgs,
  deploymentRunFlags,
  engineEnv,
  ensureContainerTools,
  ensureStandIns,
  nodeRuntime,
  podman,
} from "../deploy/image.js";
import {
  createSealedSecret,
  deploymentCommand,
  install,
  serviceAccountToken,
  uninstallClusterScoped,
  waitSecretData,
} from "../deploy/installed.js";
import { ensureHelm, parseObjects, REPO } from "../deploy/render.js";
import type { K8sObject } from "../deploy/render.js";

const VERSION = (
  JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }
).version;
const PINNED = JSON.parse(readFileSync(join(REPO, "scripts/node-versions.json"), "utf8")) as {
  lts: string;
  lines: Record<string, { version: string }>;
};
const LTS = PINNED.lines[PINNED.lts]!.version;
const OUT = join(REPO, "dist/release");
const KEYS = join(REPO, "test/fixtures/keys");
const CERT = join(KEYS, "test-only-sealing-cert.pem");
const KEY = parsePrivateKeyPem(readFileSync(join(KEYS, "test-only-sealing-key.pem"), "utf8"))!;
const ARTIFACTS = [
  `signet-${VERSION}-linux-x64.tar.gz`,
  `signet-${VERSION}-image.oci.tar`,
  `signet-${VERSION}.tgz`,
  `signet-core-${VERSION}.tgz`,
  `signet-cli-${VERSION}.tgz`,
  `signet-controller-${VERSION}.tgz`,
  `signet-${VERSION}.yaml`,
  `signet-${VERSION}.cdx.json`,
];

let work = "";
let cli = "";
let node = "";
let prefix = "";

function sh(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {},
): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 600_000,
    ...opts,
  });
}

function secret(ns: string, name: string, value: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: ns },
    data: { password: Buffer.from(value).toString("base64") },
  });
}

/** Opens `stdout` (signet's JSON) with the test key and returns the password. */
function openWithTestKey(stdout: string): string {
  const opened = unsealSealedSecret(JSON.parse(stdout) as SealedSecret, {
    keys: [KEY],
    acceptDeprecatedV1Data: false,
  });
  return Buffer.from(opened.secret.data?.["password"] ?? "", "base64").toString();
}

beforeAll(() => {
  ensureContainerTools();
  ensureStandIns();
  const res = sh(process.execPath, [join(REPO, "scripts/release.mjs")], {
    cwd: REPO,
    env: { ...engineEnv(), HELM: ensureHelm(), KUBECTL: cluster().kubectl },
    // On a fresh machine this builds the image too (the image test may not have run first): npm ci
    // inside the build stage on vfs storage takes well over 10 minutes on a loaded 2-core machine.
    timeout: 2_700_000,
  });
  if (res.status !== 0) throw new Error(`npm run release failed:\n${res.stderr}`);
  work = mkdtempSync(join(tmpdir(), "signet-release-"));
  node = nodeRuntime("lts");
}, 3_000_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("npm run release", () => {
  it("writes exactly the release artifacts and SHA256SUMS, which verifies each of them", () => {
    expect(readdirSync(OUT).sort()).toEqual([...ARTIFACTS, "SHA256SUMS"].sort());
    const sums = readFileSync(join(OUT, "SHA256SUMS"), "utf8").trim().split("\n");
    expect(sums.map((l) => l.split(/\s+/)[1]).sort()).toEqual([...ARTIFACTS].sort());
    const check = sh("sha256sum", ["--check", "--strict", "SHA256SUMS"], { cwd: OUT });
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });
});

describe("the single-file CLI", () => {
  beforeAll(() => {
    const dir = join(work, "cli");
    mkdirSync(dir);
    execFileSync("tar", ["-xzf", join(OUT, `signet-${VERSION}-linux-x64.tar.gz`), "-C", dir]);
    cli = join(dir, "signet");
  });

  it("ships the executable with Node.js's licence", () => {
    expect(readdirSync(dirname(cli)).sort()).toEqual(["LICENSE.node", "signet"]);
    expect(readFileSync(join(dirname(cli), "LICENSE.node"), "utf8")).toMatch(
      /Node\.js is licensed/,
    );
  });

  it("runs with an empty environment: no PATH, no Node.js installed", () => {
    const run = sh(cli, ["--version"], { env: {} });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(`signet version: ${VERSION}`);
  });

  it("seals offline with --cert; the test key opens it and the plaintext is nowhere in the output", () => {
    const value = `p-${randomBytes(8).toString("hex")}`;
    const run = sh(cli, ["--cert", CERT], { env: {}, input: secret("apps", "db", value) });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(value);
    expect(run.stdout).not.toContain(Buffer.from(value).toString("base64"));
    expect(openWithTestKey(run.stdout)).toBe(value);
  });

  it("draws fresh randomness on every run (the start-up snapshot holds no session key)", () => {
    const input = secret("apps", "db", "same");
    const seal = (): string => {
      const run = sh(cli, ["--cert", CERT, "-o", "yaml"], { env: {}, input });
      expect(run.status, run.stderr).toBe(0);
      return run.stdout;
    };
    const [a, b] = [seal(), seal()];
    const encrypted = (yaml: string): string => /password: (\S+)/.exec(yaml)?.[1] ?? "";
    expect(encrypted(a)).not.toBe("");
    expect(encrypted(a)).not.toBe(encrypted(b));
  });

  it.each([
    ["a --require of code to inject", "--require /nonexistent/inject.js"],
    ["a heap too small to start", "--max-old-space-size=1"],
  ])("ignores NODE_OPTIONS (%s)", (_, options) => {
    const env = { NODE_OPTIONS: options };
    const run = sh(cli, ["--cert", CERT], { env, input: secret("apps", "db", "x") });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
  });

  describe("on a machine with no Node.js: the distroless cc base (no node, no npm, no shell)", () => {
    // The stand-in for gcr.io/distroless/cc-debian13 (stand-in-bases.sh): glibc, libstdc++, no
    // libatomic. The executable is mounted read-only and run as 65532 on a read-only root.
    const base = containerfileArgs()["RUNTIME_IMAGE"]!;
    const libatomic = "/usr/lib/x86_64-linux-gnu/libatomic.so.1";
    const inBase = (extra: string[], args: string[], input?: string): SpawnSyncReturns<string> =>
      podman(
        [
          "run",
          "--rm",
          "-i",
          ...deploymentRunFlags(),
          "-v",
          `${cli}:/opt/signet:ro`,
          "-v",
          `${CERT}:/input/cert.pem:ro`,
          ...extra,
          "--entrypoint",
          "/opt/signet",
          base,
          ...args,
        ],
        { input },
      );

    it("holds no Node.js: a node entrypoint cannot start", () => {
      for (const entry of ["node", "/usr/local/bin/node", "/usr/bin/node", "/bin/sh"]) {
        const run = podman(["run", "--rm", ...deploymentRunFlags(), "--entrypoint", entry, base]);
        expect(run.status, `${entry}: ${run.stdout}`).not.toBe(0);
      }
    });

    it("seals there with libatomic added (the one library the README says to add)", () => {
      const value = `p-${randomBytes(8).toString("hex")}`;
      const run = inBase(
        ["-v", `${libatomic}:${libatomic}:ro`],
        ["--cert", "/input/cert.pem"],
        secret("apps", "db", value),
      );
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout + run.stderr).not.toContain(value);
      expect(openWithTestKey(run.stdout)).toBe(value);
    });

    it("names libatomic when it is missing", () => {
      const run = inBase([], ["--version"]);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/libatomic\.so\.1/);
    });
  });

  it("names the missing certificate file, as kubeseal does", () => {
    const run = sh(cli, ["--cert", "/nonexistent/cert.pem"], {
      env: {},
      input: secret("a", "b", "c"),
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error: .*\/nonexistent\/cert\.pem/);
  });
});

describe("the image archive", () => {
  it("is an OCI image layout that loads into an empty storage and runs signet", () => {
    const file = join(OUT, `signet-${VERSION}-image.oci.tar`);
    const listing = sh("tar", ["-tf", file]).stdout.split("\n");
    expect(listing).toEqual(expect.arrayContaining(["oci-layout", "index.json"]));
    const storage = join(work, "storage");
    const flags = [
      "--root",
      join(storage, "root"),
      "--runroot",
      join(storage, "run"),
      "--storage-driver",
      "vfs",
    ];
    const podmanHere = (args: string[]): SpawnSyncReturns<string> =>
      sh("podman", [
        ...flags,
        "--cgroup-manager",
        "cgroupfs",
        "--events-backend",
        "none",
        "--runtime",
        "runc",
        ...args,
      ]);
    try {
      const load = podmanHere(["load", "-q", "-i", file]);
      expect(load.status, load.stderr).toBe(0);
      expect(load.stdout).toContain(`ghcr.io/signet-dev/signet:${VERSION}`);
      const run = podmanHere([
        "run",
        "--rm",
        "--ulimit",
        "nofile=1024:1024",
        "--ulimit",
        "nproc=1024:1024",
        "--entrypoint",
        "signet",
        `ghcr.io/signet-dev/signet:${VERSION}`,
        "--version",
      ]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout.trim()).toBe(`signet version: ${VERSION}`);
    } finally {
      podmanHere(["rmi", "-a", "-f"]);
      rmSync(storage, { recursive: true, force: true });
    }
  });
});

describe("the Helm chart package", () => {
  const chart = (): string => join(OUT, `signet-${VERSION}.tgz`);

  it("passes helm lint --strict", () => {
    const lint = sh(ensureHelm(), ["lint", "--strict", chart()]);
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
  });

  it("renders the controller on the released image, with the CRD in crds/", () => {
    const out = sh(ensureHelm(), [
      "template",
      "sealed-secrets",
      chart(),
      "-n",
      "kube-system",
      "--include-crds",
      "--kube-version",
      cluster().version,
    ]);
    expect(out.status, out.stderr).toBe(0);
    const objects = parseObjects(out.stdout);
    const deployment = objects.find((o) => o.kind === "Deployment") as unknown as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    expect(deployment.spec.template.spec.containers[0]?.image).toBe(
      `ghcr.io/signet-dev/signet:${VERSION}`,
    );
    expect(objects.some((o) => o.kind === "CustomResourceDefinition")).toBe(true);
  });
});

describe("the npm packages", () => {
  beforeAll(() => {
    prefix = join(work, "prefix");
    mkdirSync(prefix);
    for (const pkg of ["core", "cli", "controller"]) {
      // From a directory of its own: the repository's .npmrc must not apply to a user's install.
      const res = sh(
        "npm",
        [
          "install",
          "-g",
          "--prefix",
          prefix,
          "--prefer-offline",
          "--no-audit",
          "--no-fund",
          join(OUT, `signet-${pkg}-${VERSION}.tgz`),
        ],
        { cwd: work, env: { ...process.env, PATH: `${dirname(node)}:${process.env.PATH ?? ""}` } },
      );
      if (res.status !== 0) throw new Error(`npm install -g signet-${pkg}: ${res.stderr}`);
    }
  }, 600_000);

  const onLts = (): NodeJS.ProcessEnv => ({ PATH: `${dirname(node)}:/usr/bin:/bin`, HOME: work });

  it.each([
    ["cli", "signet", new RegExp(`^signet version: ${VERSION}$`)],
    ["controller", "signet-controller", new RegExp(`^controller version: v${VERSION}$`)],
  ])("@signet/%s installs its bin, which runs on the LTS", (_, bin, version) => {
    const run = sh(join(prefix, "bin", bin), ["--version"], { env: onLts() });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toMatch(version);
  });

  it("the installed signet seals offline and the test key opens it", () => {
    const run = sh(join(prefix, "bin", "signet"), ["--cert", CERT], {
      env: onLts(),
      input: secret("apps", "db", "npm-installed"),
    });
    expect(run.status, run.stderr).toBe(0);
    expect(openWithTestKey(run.stdout)).toBe("npm-installed");
  });

  it("the installed signet keeps its compile cache in the user's cache directory, unless disabled", () => {
    const seal = (home: string, extra: NodeJS.ProcessEnv = {}): void => {
      mkdirSync(home, { recursive: true });
      const run = sh(join(prefix, "bin", "signet"), ["--cert", CERT], {
        env: { ...onLts(), HOME: home, ...extra },
        input: secret("apps", "db", "cached"),
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toBe("");
    };
    const cacheOf = (home: string): string => join(home, ".cache/signet/node-compile-cache");
    const listed = (dir: string): string[] =>
      sh("find", [dir, "-type", "f"]).stdout.split("\n").filter(Boolean);
    const home = join(work, "home-cached");
    seal(home);
    expect(listed(cacheOf(home)).length).toBeGreaterThan(0);
    const xdg = join(work, "xdg-cache");
    seal(join(work, "home-xdg"), { XDG_CACHE_HOME: xdg });
    expect(listed(join(xdg, "signet/node-compile-cache")).length).toBeGreaterThan(0);
    const off = join(work, "home-off");
    seal(off, { NODE_DISABLE_COMPILE_CACHE: "1" });
    expect(listed(join(off, ".cache"))).toEqual([]);
  });

  it("@signet/core imports from the prefix and seals", () => {
    const script = `
      import { readFileSync } from "node:fs";
      import { randomBytes } from "node:crypto";
      import { parseSealingCertificate, sealSecret } from "@signet/core";
      const certificate = parseSealingCertificate(readFileSync(${JSON.stringify(CERT)}, "utf8"), new Date());
      const ss = sealSecret(${secret("apps", "db", "from-core")}, { certificate, random: randomBytes });
      process.stdout.write(JSON.stringify(ss));`;
    const run = sh(node, ["--input-type=module", "-e", script], {
      cwd: join(prefix, "lib"),
      env: onLts(),
    });
    expect(run.status, run.stderr).toBe(0);
    expect(openWithTestKey(run.stdout)).toBe("from-core");
  });

  it.each(["cli", "controller", "core"])(
    "@signet/%s declares the supported Node.js lines and ships no sources or maps",
    (pkg) => {
      const dir = join(prefix, "lib/node_modules/@signet", pkg);
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        engines?: { node?: string };
        private?: boolean;
        dependencies?: Record<string, string>;
      };
      const root = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
        engines: { node: string };
      };
      expect(manifest.engines?.node).toBe(root.engines.node);
      expect(manifest.private).toBeUndefined();
      if (pkg !== "core") expect(manifest.dependencies ?? {}).toEqual({});
      const files = sh("find", [
        dir,
        "-path",
        `${dir}/node_modules`,
        "-prune",
        "-o",
        "-type",
        "f",
        "-print",
      ]).stdout;
      expect(files).not.toMatch(/\.map$|\.test\.|\/src\//m);
    },
  );
});

describe("the SBOM", () => {
  interface Bom {
    bomFormat: string;
    specVersion: string;
    metadata: { component: { name: string; version: string } };
    components: { name: string; version: string }[];
  }
  const bom = (): Bom =>
    JSON.parse(readFileSync(join(OUT, `signet-${VERSION}.cdx.json`), "utf8")) as Bom;

  it("is CycloneDX for signet at the release version", () => {
    const b = bom();
    expect(b.bomFormat).toBe("CycloneDX");
    expect(Number(b.specVersion)).toBeGreaterThanOrEqual(1.4);
    expect(b.metadata.component).toMatchObject({ name: "signet", version: VERSION });
  });

  it("lists the shipped dependencies and the embedded Node.js, and no development tools", () => {
    const names = new Map(bom().components.map((c) => [c.name, c.version]));
    expect(names.get("node")).toBe(LTS);
    for (const dep of [
      "yaml",
      "js-yaml",
      "node-forge",
      "pino",
      "prom-client",
      "@kubernetes/client-node",
    ]) {
      expect(names.has(dep), dep).toBe(true);
    }
    for (const dev of ["vitest", "eslint", "typescript", "esbuild", "prettier"]) {
      expect(names.has(dev), dev).toBe(false);
    }
  });
});

/** The released manifests moved to namespace `ns`, as kustomize's namespace transformer would. */
function intoNamespace(objects: readonly K8sObject[], ns: string): K8sObject[] {
  return objects.map((o) => {
    const copy = structuredClone(o);
    if (copy.metadata.namespace) copy.metadata.namespace = ns;
    const subjects = copy["subjects"] as { namespace?: string }[] | undefined;
    for (const s of subjects ?? []) if (s.namespace) s.namespace = ns;
    return copy;
  });
}

describe("the released manifests, the npm-installed controller and the single-file CLI", () => {
  let ns = "";
  let apps = "";
  let applied: K8sObject[] = [];
  let srv: NetnsServer | undefined;

  beforeAll(async () => {
    ns = await createNamespace("release");
    apps = await createNamespace("release-apps");
    const objects = parseObjects(readFileSync(join(OUT, `signet-${VERSION}.yaml`), "utf8"));
    applied = install(intoNamespace(objects, ns), ns);
    const { args, env } = deploymentCommand(applied);
    const token = await serviceAccountToken(ns);
    srv = await serveInNetns({
      namespace: ns,
      name: "signet-released",
      port: 8080,
      command: join(prefix, "bin", "signet-controller"),
      args,
      env: {
        ...env,
        PATH: `${dirname(node)}:${process.env.PATH ?? ""}`,
        POD_NAMESPACE: ns,
        POD_NAME: "signet-released",
      },
      identity: { name: `system:serviceaccount:${ns}:sealed-secrets-controller`, token },
      readyTimeoutMs: 120_000,
    });
    await waitFor(
      "the npm-installed controller to serve its certificate",
      async () => {
        const res = await api(`${srv!.proxyPath}/v1/cert.pem`);
        return res.status === 200 ? true : undefined;
      },
      120_000,
      250,
    );
  }, 600_000);

  afterAll(async () => {
    await srv?.stop();
    uninstallClusterScoped(applied);
    if (ns) await deleteNamespace(ns);
    if (apps) await deleteNamespace(apps);
  });

  it("ship the CRD and a Deployment of the released image", () => {
    const objects = parseObjects(readFileSync(join(OUT, `signet-${VERSION}.yaml`), "utf8"));
    expect(objects.find((o) => o.kind === "CustomResourceDefinition")?.metadata.name).toBe(
      "sealedsecrets.bitnami.com",
    );
    const deployment = objects.find((o) => o.kind === "Deployment") as unknown as {
      metadata: { namespace: string };
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    expect(deployment.metadata.namespace).toBe("kube-system");
    expect(deployment.spec.template.spec.containers[0]?.image).toBe(
      `ghcr.io/signet-dev/signet:${VERSION}`,
    );
  });

  it("seal through the cluster: the CLI fetches the certificate, the controller unseals", async () => {
    const value = `p-${randomBytes(8).toString("hex")}`;
    const run = sh(
      cli,
      [
        "--kubeconfig",
        cluster().adminKubeconfig,
        "--controller-namespace",
        ns,
        "--controller-name",
        "signet-released",
      ],
      { env: { HOME: work }, input: secret(apps, "db", value) },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    await createSealedSecret(JSON.parse(run.stdout) as SealedSecret);
    expect(await waitSecretData(apps, "db")).toEqual({ password: value });
  });
});
