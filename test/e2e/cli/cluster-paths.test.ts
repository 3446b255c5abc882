// kubeseal's cluster paths on the real control plane, for both CLIs against the Signet controller
// (built, in a network namespace behind the API server's service proxy): --fetch-cert, sealing
// without --cert, namespace from the kubeconfig context, --validate (valid / renamed) and
// --re-encrypt (in place), plus the missing-Service error. The real kubeseal v0.36.6 must work
// unchanged against Signet; signet must answer as kubeseal does.
import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import type { GeneratedKey, SealedSecret } from "@signet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";

import { waitFor } from "../../cluster/api.js";
import { api, cluster, createNamespace, deleteNamespace } from "../../cluster/testing.js";
import { ensureKubeseal } from "../../interop/reference-tools.js";
import {
  createKeySecret,
  createSealedSecret,
  getSecret,
  startController,
  testKey,
  unb64,
} from "../controller/support.js";
import type { RunningController } from "../controller/support.js";

const SIGNET = fileURLToPath(new URL("../../../packages/cli/bin/signet.cjs", import.meta.url));
const TOOLS = ["signet", "kubeseal"] as const;
type Tool = (typeof TOOLS)[number];

let kubeseal = "";
let ctlNs = "";
let appNs = "";
let dir = "";
let key: GeneratedKey;
let ctl: RunningController | undefined;
let contextKubeconfig = "";

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one CLI with the admin kubeconfig and the test controller's namespace. */
function run(tool: Tool, args: readonly string[], input = "", kubeconfig?: string): Run {
  const [cmd, pre] = tool === "signet" ? [process.execPath, [SIGNET]] : [kubeseal, []];
  const result = spawnSync(
    cmd,
    [
      ...pre,
      ...args,
      "--kubeconfig",
      kubeconfig ?? cluster().adminKubeconfig,
      "--controller-namespace",
      ctlNs,
    ],
    { input, encoding: "utf8", env: { PATH: process.env.PATH ?? "", HOME: dir }, cwd: dir },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function secretInput(name: string, value: string, namespace?: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, ...(namespace && { namespace }) },
    stringData: { password: value },
  });
}

function sealedBy(tool: Tool, name: string, value: string): SealedSecret {
  const out = run(tool, [], secretInput(name, value, appNs));
  expect(out.stderr).toBe("");
  expect(out.status).toBe(0);
  return JSON.parse(out.stdout) as SealedSecret;
}

function waitSecretValue(name: string, value: string): Promise<true> {
  return waitFor(
    `Secret ${appNs}/${name} with the sealed value`,
    async () => {
      const secret = await getSecret(appNs, name);
      return unb64(secret?.data?.["password"]) === value ? true : undefined;
    },
    60_000,
    250,
  );
}

beforeAll(async () => {
  kubeseal = ensureKubeseal().path;
  dir = mkdtempSync(join(tmpdir(), "signet-e2e-paths-"));
  ctlNs = await createNamespace("paths-ctl");
  appNs = await createNamespace("paths-app");
  key = await testKey();
  await createKeySecret(ctlNs, key);
  ctl = await startController(ctlNs, [
    "--all-namespaces=false",
    `--additional-namespaces=${appNs}`,
    "--rate-limit=50",
    "--rate-limit-burst=50",
  ]);
  // A kubeconfig whose current context names the app namespace (a scenario of the reference's
  // integration/kubeseal_test.go).
  const config = parse(readFileSync(cluster().adminKubeconfig, "utf8")) as {
    contexts: { context: Record<string, unknown> }[];
  };
  for (const c of config.contexts) c.context.namespace = appNs;
  contextKubeconfig = join(dir, "context.kubeconfig");
  writeFileSync(contextKubeconfig, stringify(config));
}, 900_000);

afterAll(async () => {
  await ctl?.srv.stop();
  for (const ns of [appNs, ctlNs]) if (ns) await deleteNamespace(ns);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(TOOLS)("%s against the Signet controller", (tool) => {
  it("fetches the certificate of the controller's latest key through the service proxy", () => {
    const out = run(tool, ["--fetch-cert"]);
    expect(out.stderr).toBe("");
    // The controller serves the certificate as Go's pem.Encode writes it (LF line ends).
    expect(out.stdout).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]*-----END CERTIFICATE-----\n$/);
    expect(new X509Certificate(out.stdout).raw).toEqual(
      new X509Certificate(key.certificatePem).raw,
    );
  });

  it("seals without --cert and the controller opens the result", async () => {
    const name = `${tool}-sealed`;
    await createSealedSecret(sealedBy(tool, name, `${tool}-value-1`));
    await waitSecretValue(name, `${tool}-value-1`);
  });

  it("takes the namespace from the kubeconfig context when the input has none", () => {
    const out = run(tool, [], secretInput(`${tool}-ctx`, "v"), contextKubeconfig);
    expect(out.stderr).toBe("");
    expect((JSON.parse(out.stdout) as SealedSecret).metadata.namespace).toBe(appNs);
  });

  it("validates a SealedSecret that opens and refuses one that was renamed", () => {
    const ss = sealedBy(tool, `${tool}-valid`, "v");
    const ok = run(tool, ["--validate"], JSON.stringify(ss));
    expect([ok.status, ok.stdout, ok.stderr]).toEqual([0, "", ""]);
    const renamed = { ...ss, metadata: { ...ss.metadata, name: `${tool}-renamed` } };
    const bad = run(tool, ["--validate"], JSON.stringify(renamed));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(`error: unable to decrypt sealed secret: ${tool}-renamed\n`);
  });

  it("re-encrypts a file in place with -f and no -w, and the result still opens", async () => {
    const name = `${tool}-rotated`;
    const file = join(dir, `${name}.json`);
    const original = sealedBy(tool, name, `${tool}-value-2`);
    writeFileSync(file, JSON.stringify(original));
    const out = run(tool, ["--re-encrypt", "-f", file]);
    expect(out.stderr).toBe("");
    expect(out.status).toBe(0);
    const rotated = JSON.parse(readFileSync(file, "utf8")) as SealedSecret;
    expect(rotated).toMatchObject({ apiVersion: "bitnami.com/v1alpha1", kind: "SealedSecret" });
    expect(rotated.spec.encryptedData["password"]).not.toBe(
      original.spec.encryptedData["password"],
    );
    await createSealedSecret(rotated);
    await waitSecretValue(name, `${tool}-value-2`);
  });

  it("fails in kubeseal's words when the controller Service does not exist", () => {
    const out = run(tool, ["--fetch-cert", "--controller-name", "no-such-controller"]);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(
      /^error: cannot get sealed secret service: services "no-such-controller" not found\.\nPlease, use the flag --controller-name and --controller-namespace to set up the name and namespace of the sealed secrets controller/,
    );
  });
});

describe("signet beyond kubeseal", () => {
  it("lists the controller Services that do exist when the named one is missing", async () => {
    const res = await api(`/api/v1/namespaces/${appNs}/services`, {
      method: "POST",
      body: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "my-sealer", labels: { "app.kubernetes.io/name": "sealed-secrets" } },
        spec: { ports: [{ name: "http", port: 8080 }] },
      },
    });
    expect(res.status).toBe(201);
    const out = run("signet", ["--fetch-cert", "--controller-name", "no-such-controller"]);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain(
      `Controller Services found in the cluster: ${appNs}/my-sealer (first port "http")`,
    );
  });
});
