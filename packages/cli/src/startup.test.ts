import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Spawns the built binary (CI builds before testing) with a preload that reports whether
// @kubernetes/client-node was loaded: offline paths must never pay for it.
const BIN = fileURLToPath(new URL("../bin/signet.cjs", import.meta.url));
const CERT = fileURLToPath(
  new URL("../../../test/fixtures/keys/test-only-sealing-cert.pem", import.meta.url),
);
const PRELOAD = fileURLToPath(new URL("./test-support/report-client-node.cjs", import.meta.url));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "signet-startup-"));
  writeFileSync(join(dir, "kubeconfig"), "apiVersion: v1\nkind: Config\nclusters: []\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function signet(args: string[], input = ""): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, ["-r", PRELOAD, BIN, ...args], {
    input,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: dir },
  });
  return { status: run.status, stderr: run.stderr };
}

// Spawning node under a loaded machine can take seconds; these tests check what loads, not time.
describe("start-up cost", { timeout: 60_000 }, () => {
  it.each([
    ["--version", ["--version"]],
    ["an offline seal with --cert", ["--cert", CERT]],
    ["--help", ["--help"]],
    ["help", ["help"]],
    ["help reseal", ["help", "reseal"]],
  ])("does not load @kubernetes/client-node for %s", (_, args) => {
    const secret = '{"kind":"Secret","metadata":{"name":"a","namespace":"b"},"data":{"k":"dg=="}}';
    const run = signet(args, secret);
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain("LOADED client-node");
  });

  it("loads it when the certificate must come from the cluster", () => {
    const run = signet(["--fetch-cert", "--kubeconfig", join(dir, "kubeconfig")]);
    expect(run.stderr).toContain("LOADED client-node");
    expect(run.status).toBe(1);
  });
});
