// `signet reseal` through the controller and `signet keys` on the real control plane: a full
// rotation drill. The built controller runs in a network namespace behind the API server's
// service proxy; the built `signet` binary is spawned with the admin kubeconfig.
//   seal N files with the old key → the controller opens them (status records the key) →
//   keys list / retire refused → renew (second key Secret) → reseal --check fails → reseal →
//   apply → keys list shows the old key unused → retire succeeds → every Secret still correct.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { encodeObject, SEALED_SECRETS_KEY_LABEL } from "@signet/core";
import type { GeneratedKey, SealedSecret, Secret } from "@signet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

import { waitFor } from "../../cluster/api.js";
import { api, cluster, createNamespace, deleteNamespace } from "../../cluster/testing.js";
import {
  createKeySecret,
  createSealedSecret,
  seal,
  startController,
  testKey,
  unb64,
  updateSealedSecret,
} from "../controller/support.js";
import type { RunningController } from "../controller/support.js";

const BIN = fileURLToPath(new URL("../../../packages/cli/bin/signet.cjs", import.meta.url));
const N = 200;
const HINT = "signet.dev/sealed-with";

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

interface KeyRowJson {
  name: string;
  fingerprint: string;
  active: boolean;
  newest: boolean;
  label: string;
  expires?: string;
  sealedSecrets: number;
}

let ctlNs = "";
let appNs = "";
let dir = "";
let ctl: RunningController | undefined;
let oldKey: GeneratedKey;
let newKey: GeneratedKey;
const values = new Map<string, string>();

/** Runs the built CLI in the scratch directory; cluster commands get the admin kubeconfig. */
function signet(args: readonly string[]): Run {
  const c = cluster();
  const clusterFlags =
    args[0] === "inspect"
      ? []
      : ["--kubeconfig", c.adminKubeconfig, "--controller-namespace", ctlNs];
  const run = spawnSync(process.execPath, [BIN, ...args, ...clusterFlags], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: dir },
    cwd: dir,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function keyRows(): KeyRowJson[] {
  const run = signet(["keys", "list", "-o", "json"]);
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return (JSON.parse(run.stdout) as { keys: KeyRowJson[] }).keys;
}

async function sealedSecretsInApp(): Promise<SealedSecret[]> {
  const res = await api(`/apis/bitnami.com/v1alpha1/namespaces/${appNs}/sealedsecrets`);
  return (res.json as { items: SealedSecret[] }).items;
}

/** Waits until every SealedSecret of the app namespace records `fingerprint` as its key. */
function waitAllOpenedWith(fingerprint: string): Promise<true> {
  return waitFor(
    `${N} SealedSecrets opened with ${fingerprint}`,
    async () => {
      const items = await sealedSecretsInApp();
      const done = items.filter(
        (ss) =>
          (ss.status?.["signet"] as { keyFingerprint?: string })?.keyFingerprint === fingerprint,
      );
      return items.length === N && done.length === N ? true : undefined;
    },
    120_000,
    500,
  );
}

const fileOf = (i: number): string => join(dir, "apps", `team-${i % 4}`, `secret-${i}.yaml`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "signet-e2e-cli-"));
  ctlNs = await createNamespace("cli-ctl");
  appNs = await createNamespace("cli-app");
  oldKey = await testKey();
  await createKeySecret(ctlNs, oldKey);
  ctl = await startController(ctlNs, [
    "--all-namespaces=false",
    `--additional-namespaces=${appNs}`,
    // At the default 2 requests/s, rotating 200 objects would take 100 s (reseal waits and
    // retries on "limit exceeded"; 200 rotations in a row still go faster than 25/s here).
    "--rate-limit=25",
    "--rate-limit-burst=25",
  ]);
  for (let i = 0; i < N; i++) {
    const value = `value-${i}-${Math.random().toString(36).slice(2)}`;
    values.set(`s${i}`, value);
    const ss = seal(oldKey, {
      namespace: appNs,
      name: `s${i}`,
      data: { password: value },
      ...(i % 10 === 0 && { annotations: { "sealedsecrets.bitnami.com/namespace-wide": "true" } }),
    });
    const path = fileOf(i);
    mkdirSync(join(path, ".."), { recursive: true });
    const other = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unrelated\n";
    writeFileSync(path, `# secret ${i}: do not edit by hand\n${other}${encodeObject(ss, "yaml")}`);
    await createSealedSecret(ss);
  }
}, 600_000);

afterAll(async () => {
  await ctl?.srv.stop();
  if (appNs !== "") {
    // Delete the SealedSecrets now (not with the namespace, later) so that the all-namespace
    // controllers of the next test files never see objects sealed with this file's keys.
    await api(`/apis/bitnami.com/v1alpha1/namespaces/${appNs}/sealedsecrets`, { method: "DELETE" });
    await waitFor(
      "the SealedSecrets to be gone",
      async () => ((await sealedSecretsInApp()).length === 0 ? true : undefined),
      60_000,
      200,
    );
    await deleteNamespace(appNs);
  }
  if (ctlNs !== "") await deleteNamespace(ctlNs);
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

describe("a key rotation drill with signet reseal and signet keys", () => {
  let oldFp = "";
  let newFp = "";

  it("keys list shows the one key and how many SealedSecrets it opens", async () => {
    const [row] = keyRows();
    oldFp = row!.fingerprint;
    await waitAllOpenedWith(oldFp);
    const [again, ...rest] = keyRows();
    expect(rest).toEqual([]);
    expect(again).toMatchObject({ active: true, newest: true, label: "active", sealedSecrets: N });
    expect(Date.parse(again!.expires!)).toBeGreaterThan(Date.now());
    const text = signet(["keys", "list"]);
    expect(text.stdout).toMatch(
      /^FINGERPRINT\s+SECRET\s+CREATED\s+EXPIRES\s+ACTIVE\s+SEALEDSECRETS\n/,
    );
    expect(text.stdout).toContain(`yes (newest)  ${N}\n`);
  });

  it("keys retire refuses while SealedSecrets depend on the key", () => {
    const run = signet(["keys", "retire", oldFp]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`^error: refusing to retire: key \\S+ still opens ${N} SealedSecret`),
    );
  });

  it("after renewal, reseal --check through the controller fails and reseal rewrites every file", async () => {
    newKey = await testKey();
    await createKeySecret(ctlNs, newKey);
    await waitFor(
      "the controller to serve the new certificate",
      async () => {
        const res = await api(`${ctl!.srv.proxyPath}/v1/cert.pem`);
        return res.body.trim() === newKey.certificatePem.trim() ? true : undefined;
      },
      30_000,
      200,
    );
    newFp = keyRows().find((r) => r.fingerprint !== oldFp)!.fingerprint;
    const check = signet(["reseal", "--check", dir]);
    expect(check.status).toBe(3);
    expect(check.stdout).toContain(`${N} files scanned, ${N} SealedSecrets: ${N} stale`);
    const before = readFileSync(fileOf(7), "utf8");
    const run = signet(["reseal", dir]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      `${N} resealed, 0 up to date (skipped), 0 failed; ${N} files written`,
    );
    const after = readFileSync(fileOf(7), "utf8");
    expect(
      after.startsWith("# secret 7: do not edit by hand\napiVersion: v1\nkind: ConfigMap\n"),
    ).toBe(true);
    expect(after).toContain(`${HINT}: ${newFp}\n`);
    const strip = (t: string): string =>
      t
        .replace(/password: \S+/, "")
        .replace(/^ .*sealed-with.*\n/m, "")
        .replace(/^ {2}annotations:\n/m, "");
    expect(strip(after)).toBe(strip(before));
    expect(signet(["reseal", "--check", dir]).status).toBe(0);
    writeFileSync(join(dir, "cert.pem"), newKey.certificatePem);
    const inspect = signet(["inspect", "--cert", "cert.pem", fileOf(10)]);
    expect(inspect.stdout).toContain("scope:    namespace-wide");
    expect(inspect.stdout).toContain(`key hint: ${newFp} (matches --cert)`);
  });

  it("the resealed files open in the cluster with the new key and keep their scope", async () => {
    for (let i = 0; i < N; i++) {
      const docs = parseAllDocuments(readFileSync(fileOf(i), "utf8")).map(
        (d) => d.toJS() as SealedSecret,
      );
      const ss = docs.find((d) => d.kind === "SealedSecret")!;
      await updateSealedSecret(ss);
    }
    expect(readFileSync(fileOf(10), "utf8")).toContain(
      'sealedsecrets.bitnami.com/namespace-wide: "true"',
    );
    await waitAllOpenedWith(newFp);
    const rows = keyRows();
    expect(rows.find((r) => r.fingerprint === oldFp)).toMatchObject({
      sealedSecrets: 0,
      newest: false,
    });
    expect(rows.find((r) => r.fingerprint === newFp)).toMatchObject({
      sealedSecrets: N,
      newest: true,
    });
  });

  it("keys retire refuses the newest key, then retires the old one by relabelling it", async () => {
    const newest = signet(["keys", "retire", newFp]);
    expect(newest.status).toBe(1);
    expect(newest.stderr).toMatch(/still opens|newest active key/);
    const run = signet(["keys", "retire", oldFp]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^retired key SHA256:\S+: Secret \S+ relabelled sealedsecrets\.bitnami\.com\/sealed-secrets-key=retired; nothing deleted\.\n/,
    );
    const secrets = (await api(`/api/v1/namespaces/${ctlNs}/secrets`)).json as { items: Secret[] };
    const labels = secrets.items
      .filter((s) => s.metadata?.labels?.[SEALED_SECRETS_KEY_LABEL] !== undefined)
      .map((s) => s.metadata!.labels![SEALED_SECRETS_KEY_LABEL]);
    expect(labels.sort()).toEqual(["active", "retired"]);
    const old = keyRows().find((r) => r.fingerprint === oldFp);
    expect(old).toMatchObject({ active: false, label: "retired" });
    expect(signet(["keys", "retire", oldFp]).stdout).toMatch(/is not active .*nothing to do/);
  });

  it("every Secret is still correct after the old key is retired", async () => {
    for (let i = 0; i < N; i += 1) {
      const res = await api(`/api/v1/namespaces/${appNs}/secrets/s${i}`);
      expect(res.status).toBe(200);
      expect(unb64((res.json as Secret).data?.["password"])).toBe(values.get(`s${i}`));
    }
  });

  it("reseal through the controller fails only the object no key opens, and --dry-run writes nothing", async () => {
    const sub = join(dir, "extra");
    mkdirSync(sub, { recursive: true });
    const foreign = seal(await testKey(), { namespace: appNs, name: "foreign", data: { v: "x" } });
    const unhinted = seal(newKey, { namespace: appNs, name: "unhinted", data: { v: "y" } });
    writeFileSync(join(sub, "a-foreign.yaml"), encodeObject(foreign, "yaml"));
    writeFileSync(join(sub, "b-unhinted.json"), encodeObject(unhinted, "json"));
    const dry = signet(["reseal", "--dry-run", sub]);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain("2 to reseal");
    const run = signet(["reseal", sub]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `error: ${join(sub, "a-foreign.yaml")}:2: ${appNs}/foreign: unable to rotate secret\n`,
    );
    expect(run.stdout).toContain("2 SealedSecrets: 1 resealed, 0 up to date (skipped), 1 failed");
    expect(readFileSync(join(sub, "a-foreign.yaml"), "utf8")).toBe(encodeObject(foreign, "yaml"));
    const json = JSON.parse(readFileSync(join(sub, "b-unhinted.json"), "utf8")) as SealedSecret;
    expect(json.metadata.annotations?.[HINT]).toBe(newFp);
    expect(json.spec.encryptedData["v"]).not.toBe(unhinted.spec.encryptedData["v"]);
    rmSync(sub, { recursive: true });
  });

  it("keys backup writes both key Secrets with mode 0600 and a loud warning", () => {
    const run = signet(["keys", "backup", "-w", "keys-backup.yaml"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^WARNING: keys-backup\.yaml holds the PRIVATE sealing keys/);
    const file = join(dir, "keys-backup.yaml");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const list = parseAllDocuments(readFileSync(file, "utf8"))[0]!.toJS() as {
      kind: string;
      items: Secret[];
    };
    expect(list.kind).toBe("List");
    expect(list.items).toHaveLength(2);
    expect(list.items[0]!.metadata).not.toHaveProperty("resourceVersion");
    // The backup is a recovery key file: offline, every resealed file is current for the new key.
    const offline = signet([
      "reseal",
      "--check",
      "--cert",
      "cert.pem",
      "--recovery-private-key",
      "keys-backup.yaml",
      dir,
    ]);
    expect(offline.stdout).toContain(`${N} up to date (skipped), 0 failed`);
    expect(offline.status).toBe(0);
    // A backup file made read-only is not replaced.
    chmodSync(file, 0o400);
    const refused = signet(["keys", "backup", "-w", "keys-backup.yaml"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe("error: write keys-backup.yaml: permission denied\n");
    expect(statSync(file).mode & 0o777).toBe(0o400);
  });
});
