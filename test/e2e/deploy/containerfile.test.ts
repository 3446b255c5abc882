/// <reference types="node" />
// deploy/Containerfile cannot be built here (no container engine), so this checks what can be:
// every build-stage COPY source exists, the build output the runtime stage relies on exists after
// `npm run build`, the entrypoint runs, and the image is non-root with pinned-major Node 20 bases.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { REPO } from "./render.js";

const CONTAINERFILE = readFileSync(join(REPO, "deploy/Containerfile"), "utf8");
/** Instructions with line continuations joined; comments dropped. */
const INSTRUCTIONS = CONTAINERFILE.replace(/\\\n/g, " ")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"));
const ARGS = Object.fromEntries(
  INSTRUCTIONS.filter((l) => l.startsWith("ARG ") && l.includes("="))
    .map((l) => l.slice(4).split("="))
    .map(([k, v]) => [k ?? "", v ?? ""]),
);
const IN_IMAGE = "/app/";
const local = (imagePath: string): string => join(REPO, imagePath.slice(IN_IMAGE.length));

const entrypoint = (): string[] => {
  const line = INSTRUCTIONS.find((l) => l.startsWith("ENTRYPOINT "));
  return JSON.parse(line?.slice("ENTRYPOINT ".length) ?? "[]") as string[];
};

function runNode(script: string, args: string[]): { status: number | null; out: string } {
  const res = spawnSync(process.execPath, [script, ...args], { encoding: "utf8", timeout: 30_000 });
  return { status: res.status, out: res.stdout + res.stderr };
}

describe("deploy/Containerfile", () => {
  it("builds on Node 20 and runs on distroless Node 20 as a non-root user", () => {
    expect(ARGS["NODE_BUILD_IMAGE"]).toMatch(/^docker\.io\/library\/node:20-/);
    expect(ARGS["NODE_RUNTIME_IMAGE"]).toMatch(/^gcr\.io\/distroless\/nodejs20-debian12:nonroot$/);
    const user = INSTRUCTIONS.filter((l) => l.startsWith("USER ")).at(-1);
    expect(user).toBe("USER 65532:65532");
    expect(INSTRUCTIONS.filter((l) => l.startsWith("FROM "))).toHaveLength(2);
  });

  it("copies only files that exist in the repository into the build stage", () => {
    const sources = INSTRUCTIONS.filter((l) => l.startsWith("COPY ") && !l.includes("--from="))
      .map((l) => l.split(/\s+/).slice(1, -1))
      .flat();
    expect(sources.length).toBeGreaterThan(5);
    const missing = sources.filter((s) => !existsSync(join(REPO, s)));
    expect(missing).toEqual([]);
  });

  it("keeps the build context small but complete (.dockerignore and .containerignore agree)", () => {
    const ignore = readFileSync(join(REPO, ".dockerignore"), "utf8");
    expect(readFileSync(join(REPO, ".containerignore"), "utf8")).toBe(ignore);
    const patterns = ignore.split("\n").filter((l) => l && !l.startsWith("#"));
    expect(patterns).toEqual(expect.arrayContaining(["**/node_modules", "**/dist", ".git"]));
    expect(patterns).not.toContain("packages");
  });

  it("uses an entrypoint whose script exists after npm run build", () => {
    const [node, script] = entrypoint();
    expect(node).toBe("/nodejs/bin/node");
    expect(script?.startsWith(IN_IMAGE)).toBe(true);
    expect(existsSync(local(script ?? ""))).toBe(true);
  });

  it.each([
    ["controller", () => local(entrypoint()[1] ?? ""), /^controller version: v\d+\.\d+\.\d+/],
    ["signet CLI", () => join(REPO, "packages/cli/bin/signet.cjs"), /\d+\.\d+\.\d+/],
  ])("the %s in the image runs --version and --help", (_name, script, version) => {
    const v = runNode(script(), ["--version"]);
    expect(v.status).toBe(0);
    expect(v.out).toMatch(version);
    const h = runNode(script(), ["--help"]);
    expect(h.status).toBe(0);
    expect(h.out).toMatch(/usage/i);
  });

  it("ships a controller bundle that runs without node_modules next to it", () => {
    const dir = mkdtempSync(join(tmpdir(), "signet-bundle-"));
    try {
      cpSync(join(REPO, "packages/controller/dist/bundle"), dir, { recursive: true });
      const v = runNode(join(dir, "main.js"), ["--version"]);
      expect(v.out).toMatch(/^controller version: v\d+\.\d+\.\d+/);
      expect(v.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names the CLI path it documents for `--entrypoint /nodejs/bin/node`", () => {
    expect(CONTAINERFILE).toContain("/app/packages/cli/bin/signet.cjs");
    expect(existsSync(join(REPO, "packages/cli/dist/signet.bundle.cjs"))).toBe(true);
  });
});
