/// <reference types="node" />
// Named recipients (issue 18): every output `signet --cert NAME=SOURCE ...` writes is an ordinary
// SealedSecret that the REAL kubeseal v0.36.6 opens with `--recovery-unseal` and its recipient's
// key, and not with another recipient's; the signet.dev/recipient annotation is harmless. One
// recipient is an offline recovery certificate whose key (a controller key backup) never reaches
// a cluster.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ensureKubeseal, fixturesDir, runKubeseal, runSignet } from "./reference-tools.js";

const keys = join(fixturesDir, "keys");
const PROD_CERT = join(keys, "test-only-sealing-cert.pem");
const PROD_KEY = join(keys, "test-only-sealing-key.pem");
/** The break-glass recipient: its certificate, and its key as a controller key backup (List). */
const RECOVERY_CERT = join(keys, "test-only-other-cert.pem");
const RECOVERY_BACKUP = join(keys, "test-only-other-key-backup-list.json");
const PLAINTEXT = "break-glass-value";
const SECRET = JSON.stringify({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "db", namespace: "app" },
  data: { password: Buffer.from(PLAINTEXT).toString("base64") },
});
const NO_KEY = /no key could decrypt secret/;
const RECIPIENTS = ["--cert", `prod=${PROD_CERT}`, "--cert", `recovery=${RECOVERY_CERT}`];

let scratch = "";

beforeAll(() => {
  ensureKubeseal();
  scratch = mkdtempSync(join(tmpdir(), "signet-recipients-"));
  for (const name of ["prod", "recovery"])
    mkdirSync(join(scratch, "clusters", name), { recursive: true });
  const sealed = runSignet([...RECIPIENTS, "-w", "clusters/{name}/db.yaml"], {
    input: SECRET,
    cwd: scratch,
  });
  if (sealed.status !== 0) throw new Error(`signet failed: ${sealed.stderr}`);
});

afterAll(() => {
  if (scratch !== "") rmSync(scratch, { recursive: true, force: true });
});

const output = (name: string): string =>
  readFileSync(join(scratch, "clusters", name, "db.yaml"), "utf8");

/** The password `tool --recovery-unseal` reads from `sealed` with `key`, or its error. */
function unseal(tool: typeof runKubeseal, sealed: string, key: string): string {
  const result = tool(["--recovery-unseal", "--recovery-private-key", key, "-o", "json"], {
    input: sealed,
  });
  if (result.status !== 0) return result.stderr;
  const secret = JSON.parse(result.stdout) as { data: { password: string } };
  return Buffer.from(secret.data.password, "base64").toString();
}

describe("named recipients opened by the real kubeseal", () => {
  it("writes an ordinary SealedSecret per recipient, annotated with its name", () => {
    expect(output("prod")).toContain("signet.dev/recipient: prod\n");
    expect(output("recovery")).toContain("signet.dev/recipient: recovery\n");
    expect(output("prod")).not.toContain(PLAINTEXT);
  });

  it.each([
    ["kubeseal", runKubeseal],
    ["signet", runSignet],
  ])("%s --recovery-unseal opens each output with its recipient's key only", (_, tool) => {
    expect(unseal(tool, output("prod"), PROD_KEY)).toBe(PLAINTEXT);
    expect(unseal(tool, output("recovery"), RECOVERY_BACKUP)).toBe(PLAINTEXT);
    // The mismatch: the cluster's key does not open the break-glass copy, nor the reverse.
    expect(unseal(tool, output("recovery"), PROD_KEY)).toMatch(NO_KEY);
    expect(unseal(tool, output("prod"), RECOVERY_BACKUP)).toMatch(NO_KEY);
  });

  it("kubeseal opens each --raw value of a recipient's line", () => {
    const raw = runSignet([...RECIPIENTS, "--raw", "--scope", "cluster-wide"], {
      input: PLAINTEXT,
    });
    expect(raw.status).toBe(0);
    const lines = Object.fromEntries(
      raw.stdout
        .trimEnd()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    const wrap = (value: string): string =>
      JSON.stringify({
        apiVersion: "bitnami.com/v1alpha1",
        kind: "SealedSecret",
        metadata: {
          name: "db",
          namespace: "app",
          annotations: { "sealedsecrets.bitnami.com/cluster-wide": "true" },
        },
        spec: { encryptedData: { password: value } },
      });
    expect(Object.keys(lines)).toEqual(["prod", "recovery"]);
    expect(unseal(runKubeseal, wrap(lines["prod"]!), PROD_KEY)).toBe(PLAINTEXT);
    expect(unseal(runKubeseal, wrap(lines["recovery"]!), RECOVERY_BACKUP)).toBe(PLAINTEXT);
    expect(unseal(runKubeseal, wrap(lines["recovery"]!), PROD_KEY)).toMatch(NO_KEY);
  });
});
