import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Offline subcommands must never load @kubernetes/client-node (spawns the built binary with a
// preload that reports the load, as ../startup.test.ts does for the top level).
const BIN = fileURLToPath(new URL("../../bin/signet.cjs", import.meta.url));
const PRELOAD = fileURLToPath(new URL("../test-support/report-client-node.cjs", import.meta.url));
const KEYS = fileURLToPath(new URL("../../../../test/fixtures/keys/", import.meta.url));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "signet-sub-startup-"));
  writeFileSync(join(dir, "kubeconfig"), "apiVersion: v1\nkind: Config\nclusters: []\n");
  writeFileSync(
    join(dir, "ss.yaml"),
    "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: a\n  namespace: b\nspec:\n  encryptedData: {}\n",
  );
});
beforeAll(() => {
  writeFileSync(
    join(dir, "clean.json"),
    '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}}',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function signet(args: string[]): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, ["-r", PRELOAD, BIN, ...args], {
    encoding: "utf8",
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: dir },
  });
  return { status: run.status, stderr: run.stderr };
}

// Each case spawns node; on a loaded machine that can take more than the default 5 s.
describe("subcommand start-up cost", { timeout: 30_000 }, () => {
  const cert = join(KEYS, "test-only-sealing-cert.pem");
  const key = join(KEYS, "test-only-sealing-key.pem");
  it.each([
    ["inspect", ["inspect", "ss.yaml"]],
    ["offline reseal", ["reseal", "--cert", cert, "--recovery-private-key", key, "ss.yaml"]],
    ["reseal --check by the hint", ["reseal", "--check", "--cert", cert, "ss.yaml"]],
    ["keys --help", ["keys", "--help"]],
    ["lint with allowed certificates", ["lint", "--cert", cert, "--format", "sarif", "clean.json"]],
  ])("does not load @kubernetes/client-node for %s", (_, args) => {
    const run = signet(args);
    expect(run.stderr).not.toContain("LOADED client-node");
    expect(run.status).toBe(0);
  });

  it.each([
    ["reseal through the controller", ["reseal", "ss.yaml"]],
    ["keys list", ["keys", "list"]],
  ])("loads it for %s", (_, args) => {
    const run = signet([...args, "--kubeconfig", join(dir, "kubeconfig")]);
    expect(run.stderr).toContain("LOADED client-node");
    expect(run.status).toBe(1);
  });
});
