/// <reference types="node" />
// deploy/Containerfile, built from the repository with buildah (pulls off, stand-in base images,
// see image.ts and deploy/README.md) and run with podman: the controller from the image, as user
// 65532 on a read-only root file system, unseals SealedSecrets on the test control plane, and the
// `signet` CLI from the same image seals offline.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePrivateKeyPem, unsealSealedSecret } from "@signet/core";
import type { SealedSecret } from "@signet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "../../cluster/api.js";
import { api, createNamespace, deleteNamespace, serveInNetns } from "../../cluster/testing.js";
import type { NetnsServer } from "../../cluster/testing.js";
import {
  buildTestImage,
  containerfileArgs,
  deploymentRunFlags,
  ensureContainerTools,
  ensureStandIns,
  PODMAN,
  podman,
  RUN_IMAGE,
} from "./image.js";
import type { Built } from "./image.js";
import {
  createSealedSecret,
  deploymentCommand,
  install,
  sealFor,
  serviceAccountToken,
  uninstallClusterScoped,
  waitSecretData,
} from "./installed.js";
import { controllerNodeFlags, nodeFlagsOfHashbang } from "../controller/node-flags.js";
import { REPO, renderKustomize } from "./render.js";
import type { K8sObject } from "./render.js";

const CONTAINERFILE = readFileSync(join(REPO, "deploy/Containerfile"), "utf8");
/** Instructions with line continuations joined; comments dropped. */
const INSTRUCTIONS = CONTAINERFILE.replace(/\\\n/g, " ")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"));
const ARGS = containerfileArgs();
const VERSION = (
  JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }
).version;
/** The image's ENTRYPOINT: node, the flags the built bundle names, the bundle. */
const ENTRYPOINT = [
  "/nodejs/bin/node",
  ...controllerNodeFlags(join(REPO, "packages/controller/dist/bundle/main.js")),
  "/app/controller/main.js",
];
const PINNED = JSON.parse(readFileSync(join(REPO, "scripts/node-versions.json"), "utf8")) as {
  lts: string;
  lines: Record<string, { version: string }>;
};
const KEYS = join(REPO, "test/fixtures/keys");
const TAG = "localhost/signet:e2e";
const SA = "sealed-secrets-controller";

describe("deploy/Containerfile, as written", () => {
  it("builds on the pinned Node.js LTS and runs on distroless cc as 65532", () => {
    const lts = PINNED.lines[PINNED.lts]?.version;
    expect(ARGS["NODE_VERSION"]).toBe(lts);
    expect(ARGS["BUILD_IMAGE"]).toBe(`docker.io/library/node:${lts}-trixie`);
    expect(ARGS["RUNTIME_IMAGE"]).toBe("gcr.io/distroless/cc-debian13:nonroot");
    expect(INSTRUCTIONS.filter((l) => l.startsWith("FROM "))).toHaveLength(2);
    expect(INSTRUCTIONS.filter((l) => l.startsWith("USER ")).at(-1)).toBe("USER 65532:65532");
  });

  it("names the Node.js lines that engines, README and the pinned runtimes name", () => {
    const root = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
      engines: { node: string };
    };
    const lines = Object.keys(PINNED.lines).sort();
    const ranges = root.engines.node.split("||").map((r) => /\d+/.exec(r)?.[0]);
    expect(ranges.sort()).toEqual(lines);
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const listed = `**${lines.slice(0, -1).join(", ")} and ${lines.at(-1)}**`;
    expect(readme).toContain(`Supported Node.js lines: ${listed}`);
    expect(readme).toContain(`current LTS, **Node.js ${PINNED.lts}**`);
    expect(CONTAINERFILE).toContain("the current LTS (scripts/node-versions.json");
  });

  it("labels the image with the package version", () => {
    expect(ARGS["VERSION"]).toBe(VERSION);
  });

  it("keeps the build context to the workspace (.dockerignore and .containerignore agree)", () => {
    const ignore = readFileSync(join(REPO, ".dockerignore"), "utf8");
    expect(readFileSync(join(REPO, ".containerignore"), "utf8")).toBe(ignore);
    const patterns = ignore.split("\n").filter((l) => l && !l.startsWith("#"));
    expect(patterns).toEqual(
      expect.arrayContaining(["**/node_modules", "**/dist", ".git", "test"]),
    );
    expect(patterns).not.toContain("packages");
  });
  it("ships a controller bundle that runs without node_modules next to it", () => {
    const dir = mkdtempSync(join(tmpdir(), "signet-bundle-"));
    try {
      cpSync(join(REPO, "packages/controller/dist/bundle"), dir, { recursive: true });
      const v = spawnSync(process.execPath, [join(dir, "main.js"), "--version"], {
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(v.stdout + v.stderr).toMatch(/^controller version: v\d+\.\d+\.\d+/);
      expect(v.status).toBe(0);
      // Copied on its own (as into the image's /app/controller), the bundle still says its
      // files are ES modules: otherwise Node.js compiles main.js twice (first as CommonJS),
      // which cost 13 MiB of RSS on Node 26.
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { type?: string };
      expect(pkg.type).toBe("module");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("starts the controller with the Node.js flags its bundle's first line names", () => {
    expect(INSTRUCTIONS.filter((l) => l.startsWith("ENTRYPOINT "))).toEqual([
      `ENTRYPOINT ${JSON.stringify(ENTRYPOINT).replace(/","/g, '", "')}`,
    ]);
    expect(ENTRYPOINT).toContain("--optimize-for-size");
  });
  it.each([
    ["no flags", "#!/usr/bin/env node", []],
    ["one flag", "#!/usr/bin/env -S node --optimize-for-size", ["--optimize-for-size"]],
    ["two flags", "#!/usr/bin/env -S node --a=1 --b", ["--a=1", "--b"]],
    ["not a hashbang", 'import { x } from "y";', []],
    ["another interpreter", "#!/usr/bin/env -S deno --a", []],
  ])("reads the controller's Node.js flags from a first line with %s", (_, line, flags) => {
    expect(nodeFlagsOfHashbang(line)).toEqual(flags);
  });
  it("ships a controller bundle that is ASCII, so V8 keeps its source text at one byte a character", () => {
    // One character outside Latin-1 (a comment's arrow, a regular expression's micro sign) makes
    // the ~4 MB source a two-byte string on the heap for the process's lifetime: ~3.9 MiB more.
    const dir = join(REPO, "packages/controller/dist/bundle");
    const files = readdirSync(dir).filter((f) => f.endsWith(".js"));
    expect(files).toContain("main.js");
    for (const file of files) {
      const bundle = readFileSync(join(dir, file));
      const at = bundle.findIndex((b) => b > 0x7f);
      expect(
        at === -1 ? "ASCII" : bundle.subarray(Math.max(0, at - 40), at + 8).toString(),
        file,
      ).toBe("ASCII");
    }
  });
});

/** Pulls the one SealedSecret out of `signet`'s JSON output. */
const sealedFrom = (stdout: string): SealedSecret => JSON.parse(stdout) as SealedSecret;

const SECRET = (ns: string, name: string, value: string): string =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: ns },
    data: { password: Buffer.from(value).toString("base64") },
  });

describe("the image built from the repository", { timeout: 180_000 }, () => {
  let image: Built;
  let work: string;

  beforeAll(() => {
    ensureContainerTools();
    ensureStandIns();
    image = buildTestImage(TAG);
    // Mounted into containers that run as 65532.
    work = mkdtempSync(join(tmpdir(), "signet-image-"));
    chmodSync(work, 0o755);
  }, 3_000_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("runs the controller as 65532 from a Node.js binary, with no shell", () => {
    const inspect = podman(["image", "inspect", image.ref, "--format", "{{json .Config}}"]);
    expect(inspect.status, inspect.stderr).toBe(0);
    const config = JSON.parse(inspect.stdout) as {
      User: string;
      Entrypoint: string[];
      Labels: Record<string, string>;
    };
    expect(config.User).toBe("65532:65532");
    expect(config.Entrypoint).toEqual(ENTRYPOINT);
    expect(config.Labels["org.opencontainers.image.version"]).toBe(VERSION);
    const shell = podman(["run", "--rm", "--entrypoint", "/bin/sh", image.ref, "-c", "true"]);
    expect(shell.status).not.toBe(0);
  });

  it.each([
    ["the controller (entrypoint)", [], /^controller version: v\d+\.\d+\.\d+/],
    ["signet", ["--entrypoint", "signet"], new RegExp(`^signet version: ${VERSION}`)],
  ])("%s prints its version on a read-only root file system", (_, entry, version) => {
    const run = podman(["run", "--rm", ...deploymentRunFlags(), ...entry, image.ref, "--version"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(version);
  });

  it("seals offline with `signet` from the image, and the test key opens what it sealed", () => {
    writeFileSync(join(work, "cert.pem"), readFileSync(join(KEYS, "test-only-sealing-cert.pem")));
    const plaintext = `p-${randomBytes(6).toString("hex")}`;
    const run = podman(
      [
        "run",
        "--rm",
        "-i",
        ...deploymentRunFlags(),
        "-v",
        `${work}:/input:ro`,
        "--entrypoint",
        "signet",
        image.ref,
        "--cert",
        "/input/cert.pem",
      ],
      { input: SECRET("apps", "db", plaintext) },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).not.toContain(plaintext);
    expect(run.stdout).not.toContain(Buffer.from(plaintext).toString("base64"));
    const key = parsePrivateKeyPem(readFileSync(join(KEYS, "test-only-sealing-key.pem"), "utf8"));
    const opened = unsealSealedSecret(sealedFrom(run.stdout), {
      keys: [key!],
      acceptDeprecatedV1Data: false,
    });
    expect(Buffer.from(opened.secret.data?.["password"] ?? "", "base64").toString()).toBe(
      plaintext,
    );
  });

  describe("its controller on the test control plane", () => {
    let ns: string;
    let apps: string;
    let applied: K8sObject[] = [];
    let srv: NetnsServer | undefined;
    let certPem = "";
    const name = `signet-e2e-${process.pid}`;

    beforeAll(async () => {
      ns = await createNamespace("image");
      apps = await createNamespace("image-apps");
      applied = install(renderKustomize({ namespace: ns }), ns);
      const { args, env } = deploymentCommand(applied);
      const token = await serviceAccountToken(ns);
      const envFlags = Object.entries({ ...env, POD_NAMESPACE: ns, POD_NAME: name }).flatMap(
        ([k, v]) => ["-e", `${k}=${v}`],
      );
      srv = await serveInNetns({
        namespace: ns,
        name: "signet-image",
        port: 8080,
        command: process.execPath,
        args: [
          RUN_IMAGE,
          name,
          image.ref,
          token,
          "--",
          ...PODMAN,
          "--",
          ...deploymentRunFlags(),
          ...envFlags,
          "--",
          ...args,
        ],
        identity: { name: `system:serviceaccount:${ns}:${SA}`, token },
        env: { SIGNET_HOST_MOUNT_NS: `/proc/${process.pid}/ns/mnt` },
        readyTimeoutMs: 120_000,
      });
      certPem = await waitFor(
        "the controller in the image to serve its certificate",
        async () => {
          const res = await api(`${srv!.proxyPath}/v1/cert.pem`);
          return res.status === 200 ? res.body : undefined;
        },
        120_000,
        250,
      );
    }, 300_000);

    afterAll(async () => {
      await srv?.stop();
      podman(["rm", "-f", "--ignore", name]);
      uninstallClusterScoped(applied);
      await deleteNamespace(ns);
      await deleteNamespace(apps);
    });

    it("runs as 65532 and cannot write to its root file system", () => {
      const probe = podman([
        "exec",
        name,
        "/nodejs/bin/node",
        "-e",
        `let code = "written"; try { require("fs").writeFileSync("/probe", "x"); } catch (e) { code = e.code; }
         console.log(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), code }));`,
      ]);
      expect(probe.status, probe.stderr).toBe(0);
      expect(JSON.parse(probe.stdout)).toEqual({ uid: 65532, gid: 65532, code: "EROFS" });
      const rootfs = podman(["inspect", name, "--format", "{{.HostConfig.ReadonlyRootfs}}"]);
      expect(rootfs.stdout.trim()).toBe("true");
    });

    it("authenticates with a kubeconfig credential plugin and unseals a SealedSecret", async () => {
      expect(certPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
      await createSealedSecret(sealFor(certPem, apps, "db", { password: "from-core" }));
      expect(await waitSecretData(apps, "db")).toEqual({ password: "from-core" });
    });

    it("unseals what `signet` from the same image sealed offline with its certificate", async () => {
      writeFileSync(join(work, "controller.pem"), certPem);
      const plaintext = `p-${randomBytes(6).toString("hex")}`;
      const run = podman(
        [
          "run",
          "--rm",
          "-i",
          ...deploymentRunFlags(),
          "-v",
          `${work}:/input:ro`,
          "--entrypoint",
          "signet",
          image.ref,
          "--cert",
          "/input/controller.pem",
        ],
        { input: SECRET(apps, "api", plaintext) },
      );
      expect(run.status, run.stderr).toBe(0);
      await createSealedSecret(sealedFrom(run.stdout));
      expect(await waitSecretData(apps, "api")).toEqual({ password: plaintext });
    });
  });
});
