/// <reference types="node" />
// Parity with the reference controller (Bitnami sealed-secrets v0.36.6, built from the Go module
// proxy by reference-controller.sh): the real binary runs against the test control plane and
// unseals SealedSecrets; for each one Signet's pure decision, fed the same object, the same
// pre-existing Secret and the key the reference generated, must produce the same Secret — or the
// same status message when the reference refuses. It also shows Signet reads the reference's key
// Secrets and that `/v1/verify` answers alike.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { parseSealingCertificate, sealSecret } from "@signet/core";
import type { SealedSecret, Secret, SealingCertificate } from "@signet/core";

import { waitFor } from "../../cluster/api.js";
import { spawnManaged } from "../../cluster/proc.js";
import type { ManagedProcess } from "../../cluster/proc.js";
import { api, cluster, createNamespace, deleteNamespace } from "../../cluster/testing.js";
import { startLocalController } from "./support.js";
import { decide } from "../../../packages/controller/src/reconcile/decide.js";
import { nextStatus } from "../../../packages/controller/src/reconcile/status.js";
import { immutableApiMessage } from "../../../packages/controller/src/reconcile/failure.js";
import {
  isActiveKeySecret,
  keyEntryFromSecret,
} from "../../../packages/controller/src/keys/key-secrets.js";
import type { KeyEntry } from "../../../packages/controller/src/keys/key-secrets.js";
import { verifySealedSecret } from "../../../packages/controller/src/http/verify-rotate.js";
import { sealed, sealingKey } from "../../../packages/controller/src/test-support/sealed.js";

const BUILD = fileURLToPath(new URL("./reference-controller.sh", import.meta.url));
/** Runs the controller with in-cluster config: a private /run holding the service account. */
const IN_CLUSTER = `set -e
mount -t tmpfs tmpfs /run
d=/run/secrets/kubernetes.io/serviceaccount
mkdir -p "$d"
cp "$SA_DIR/token" "$SA_DIR/ca.crt" "$SA_DIR/namespace" "$d/"
exec "$@"`;

let ns: string;
/** The in-cluster files the reference reads (an admin token among them): removed afterwards. */
let saDir: string | undefined;
let controller: ManagedProcess;
let httpPort: number;
let key: KeyEntry;
let cert: SealingCertificate;
/** Secrets the reference wrote, with the Secret that existed before it (for the replay). */
const produced = new Map<
  string,
  { theirs: Secret; before?: { metadata: Secret["metadata"]; data: Record<string, string> } }
>();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const secretsPath = (name = ""): string => `/api/v1/namespaces/${ns}/secrets${name && `/${name}`}`;
const sealedPath = (name = ""): string =>
  `/apis/bitnami.com/v1alpha1/namespaces/${ns}/sealedsecrets${name && `/${name}`}`;

beforeAll(async () => {
  const bin = execFileSync("bash", [BUILD], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  })
    .trim()
    .split("\n")
    .at(-1)!;
  ns = await createNamespace("parity");
  const c = cluster();
  saDir = mkdtempSync(join(tmpdir(), "signet-sa-"));
  writeFileSync(join(saDir, "token"), c.adminToken);
  writeFileSync(join(saDir, "ca.crt"), c.caPem);
  writeFileSync(join(saDir, "namespace"), ns);
  httpPort = await freePort();
  const metricsPort = await freePort();
  const url = new URL(c.server);
  controller = spawnManaged(
    "reference-controller",
    "unshare",
    [
      "--mount",
      "--propagation",
      "private",
      "sh",
      "-c",
      IN_CLUSTER,
      "sh",
      bin,
      "--key-size=2048",
      "--all-namespaces=false",
      `--listen-addr=127.0.0.1:${httpPort}`,
      `--listen-metrics-addr=127.0.0.1:${metricsPort}`,
    ],
    {
      logFile: join(c.runDir, "reference-controller.log"),
      env: {
        ...process.env,
        SA_DIR: saDir,
        POD_NAMESPACE: ns,
        KUBERNETES_SERVICE_HOST: url.hostname,
        KUBERNETES_SERVICE_PORT: url.port,
      },
    },
  );
  const keySecret = await waitFor(
    "the reference controller's key Secret",
    async () => {
      const list = (
        await api(
          `${secretsPath()}?labelSelector=sealedsecrets.bitnami.com/sealed-secrets-key%3Dactive`,
        )
      ).json as {
        items?: Secret[];
      };
      return list.items?.[0];
    },
    120_000,
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}\n${controller.tail()}`);
  });
  key = keyEntryFromSecret(keySecret);
  cert = parseSealingCertificate(key.certificatePem, new Date());
}, 900_000);

afterAll(async () => {
  await controller?.stop();
  if (saDir) rmSync(saDir, { recursive: true, force: true });
  if (!ns) return;
  // Leave no SealedSecret for controllers of later test files that watch all namespaces.
  await api(sealedPath(), { method: "DELETE" });
  await deleteNamespace(ns);
});

/** Seals for the reference's key and creates the SealedSecret; returns it as stored. */
async function create(
  name: string,
  secret: Omit<Secret, "metadata"> & { metadata?: Secret["metadata"] },
): Promise<SealedSecret> {
  const ss = sealSecret(
    {
      apiVersion: "v1",
      kind: "Secret",
      ...secret,
      metadata: { ...secret.metadata, name, namespace: ns },
    },
    { certificate: cert, random: randomBytes },
  );
  const res = await api(sealedPath(), { method: "POST", body: ss });
  expect(res.status, res.body).toBe(201);
  return res.json as SealedSecret;
}

async function createSecret(
  name: string,
  metadata: Secret["metadata"],
  data: Record<string, string>,
): Promise<Secret> {
  const res = await api(secretsPath(), {
    method: "POST",
    body: { apiVersion: "v1", kind: "Secret", metadata: { ...metadata, name }, data },
  });
  expect(res.status, res.body).toBe(201);
  return res.json as Secret;
}

/** Waits until the reference wrote status for generation 1; returns the object. */
function synced(name: string): Promise<SealedSecret> {
  return waitFor(
    `status of ${name}`,
    async () => {
      const ss = (await api(sealedPath(name))).json as SealedSecret;
      return ss.status?.observedGeneration === 1 && ss.status.conditions?.length ? ss : undefined;
    },
    60_000,
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}\n${controller.tail()}`);
  });
}

/** The fields either controller writes, for comparison. */
function shape(secret: Secret): unknown {
  const m = secret.metadata ?? {};
  return {
    data: secret.data ?? {},
    type: secret.type ?? "Opaque",
    immutable: secret.immutable ?? false,
    labels: m.labels ?? {},
    annotations: m.annotations ?? {},
    ownerReferences: m.ownerReferences ?? [],
  };
}

const options = () => ({
  keys: [key.key],
  preferred: [],
  acceptDeprecatedV1Data: true,
  renderTemplates: undefined,
  allowPrivilegedSecretTypes: false,
  keyGuard: { namespace: ns, keyPrefix: "sealed-secrets-key" },
});

const b64 = (s: string): string => Buffer.from(s).toString("base64");
const MANAGED = { "sealedsecrets.bitnami.com/managed": "true" };
const PATCH = { "sealedsecrets.bitnami.com/patch": "true" };

describe("parity with the reference controller v0.36.6", () => {
  it("reads the key Secret the reference wrote", () => {
    expect(key.secretName).toMatch(/^sealed-secrets-key[a-z0-9]{5}$/);
    expect(key.key.modulusBytes).toBe(256);
  });

  it.each<
    [
      string,
      Omit<Secret, "metadata"> & { metadata?: Secret["metadata"] },
      { metadata: Secret["metadata"]; data: Record<string, string> } | undefined,
    ]
  >([
    [
      "a plain Secret with template metadata",
      {
        metadata: { labels: { app: "web" }, annotations: { note: "n" } },
        stringData: { foo: "bar", baz: "q" },
      },
      undefined,
    ],
    [
      "a dockerconfigjson Secret",
      {
        type: "kubernetes.io/dockerconfigjson",
        stringData: { ".dockerconfigjson": '{"auths":{}}' },
      },
      undefined,
    ],
    [
      "a namespace-wide Secret",
      {
        metadata: { annotations: { "sealedsecrets.bitnami.com/namespace-wide": "true" } },
        stringData: { a: "1" },
      },
      undefined,
    ],
    [
      "a cluster-wide Secret",
      {
        metadata: { annotations: { "sealedsecrets.bitnami.com/cluster-wide": "true" } },
        stringData: { a: "1" },
      },
      undefined,
    ],
    ["an immutable Secret", { immutable: true, stringData: { a: "1" } }, undefined],
    [
      "a managed existing Secret",
      { metadata: { labels: { app: "web" } }, stringData: { foo: "bar" } },
      {
        metadata: { annotations: { ...MANAGED, x: "y" }, labels: { old: "1" } },
        data: { extra: b64("e") },
      },
    ],
    [
      "a managed + patch existing Secret",
      { metadata: { labels: { app: "web" } }, stringData: { foo: "bar" } },
      {
        metadata: { annotations: { ...MANAGED, ...PATCH }, labels: { old: "1" } },
        data: { extra: b64("e") },
      },
    ],
    [
      "a patch-only existing Secret",
      { metadata: { labels: { app: "web" } }, stringData: { foo: "bar" } },
      { metadata: { annotations: PATCH, labels: { old: "1" } }, data: { extra: b64("e") } },
    ],
    [
      "an empty patch-only existing Secret",
      { metadata: { labels: { app: "web" } }, stringData: { foo: "bar" } },
      { metadata: { annotations: PATCH }, data: {} },
    ],
  ])("writes the same Secret for %s", async (_, secret, preexisting) => {
    const name = `s-${randomBytes(3).toString("hex")}`;
    const before =
      preexisting && (await createSecret(name, preexisting.metadata, preexisting.data));
    const ss = await synced((await create(name, secret)).metadata.name!);
    expect(ss.status?.conditions?.[0]).toMatchObject({ type: "Synced", status: "True" });
    const theirs = (await api(secretsPath(name))).json as Secret;
    const d = decide(ss, before, options());
    if (d.action !== "create" && d.action !== "update")
      throw new Error(`signet decided ${d.action}`);
    expect(shape(d.secret)).toEqual(shape(theirs));
    produced.set(name, { theirs, ...(preexisting && { before: preexisting }) });
  });

  it.each<[string, boolean]>([
    ["a SealedSecret sealed for another key", false],
    ["an unowned existing Secret", true],
  ])("reports the same status message for %s", async (_, unowned) => {
    const name = `f-${randomBytes(3).toString("hex")}`;
    if (unowned) await createSecret(name, {}, { extra: b64("e") });
    const created = unowned
      ? await create(name, { stringData: { foo: "bar" } })
      : await (async () => {
          const foreign = sealed(await sealingKey(2048), {
            name,
            namespace: ns,
            data: { foo: "bar" },
          });
          delete foreign.metadata.uid;
          delete foreign.metadata.generation;
          const res = await api(sealedPath(), { method: "POST", body: foreign });
          return res.json as SealedSecret;
        })();
    const ss = await synced(created.metadata.name!);
    const theirs = ss.status?.conditions?.[0];
    expect(theirs).toMatchObject({ type: "Synced", status: "False" });
    const existing = unowned ? ((await api(secretsPath(name))).json as Secret) : undefined;
    const d = decide(ss, existing, options());
    expect(d.action === "fail" && d.failure.statusMessage).toBe(theirs?.message);
  });

  it("gives the same Synced condition shape on first sync as Signet's status", async () => {
    const ss = await synced(
      (await create(`c-${randomBytes(3).toString("hex")}`, { stringData: { a: "1" } })).metadata
        .name!,
    );
    const theirs = ss.status!.conditions![0]!;
    const ours = nextStatus(
      { ...ss, status: undefined },
      { ok: true, keyFingerprint: key.fingerprint },
      new Date(theirs.lastUpdateTime!),
    );
    expect(ours.status.conditions?.[0]).toEqual(theirs);
    expect(theirs.lastTransitionTime).toBe(theirs.lastUpdateTime);
  });

  it("reports the same failure and event for new data on an immutable Secret", async () => {
    const name = `i-${randomBytes(3).toString("hex")}`;
    await synced((await create(name, { immutable: true, stringData: { a: "1" } })).metadata.name!);
    const live = (await api(secretsPath(name))).json as Secret;
    const current = (await api(sealedPath(name))).json as SealedSecret;
    const next = sealSecret(
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, namespace: ns },
        immutable: true,
        stringData: { a: "2" },
      },
      { certificate: cert, random: randomBytes },
    );
    const res = await api(sealedPath(name), {
      method: "PUT",
      body: { ...current, spec: next.spec },
    });
    expect(res.status, res.body).toBe(200);
    const ss = await waitFor(
      "generation 2 status",
      async () => {
        const got = (await api(sealedPath(name))).json as SealedSecret;
        return got.status?.observedGeneration === 2 ? got : undefined;
      },
      60_000,
    );
    const d = decide(ss, live, options());
    if (d.action !== "fail") throw new Error(`signet decided ${d.action}`);
    // The reference puts the API's refusal in the status; Signet puts its explanation there too.
    expect(ss.status?.conditions?.[0]).toMatchObject({
      status: "False",
      message: immutableApiMessage(name),
    });
    expect(d.failure.statusMessage).toBe(d.failure.eventMessage);
    const events = await waitFor(
      "an ErrUpdateFailed event",
      async () => {
        const list = (
          await api(`/api/v1/namespaces/${ns}/events?fieldSelector=involvedObject.name%3D${name}`)
        ).json as {
          items: { reason: string; message: string; source?: { component?: string } }[];
        };
        const failed = list.items.filter((e) => e.reason === "ErrUpdateFailed");
        return failed.length > 0 ? failed : undefined;
      },
      60_000,
    );
    expect(events[0]).toMatchObject({
      message: d.failure.eventMessage,
      source: { component: "sealed-secrets" },
    });
  });

  it("answers /v1/verify as Signet's verify does, and serves the key Signet read", async () => {
    const good = await create(`v-${randomBytes(3).toString("hex")}`, { stringData: { a: "1" } });
    const bad = sealed(await sealingKey(2048), { name: "x", namespace: ns, data: { a: "1" } });
    for (const [ss, ok] of [
      [good, true],
      [bad, false],
    ] as const) {
      const res = await fetch(`http://127.0.0.1:${httpPort}/v1/verify`, {
        method: "POST",
        body: JSON.stringify(ss),
      });
      expect(res.status).toBe(ok ? 200 : 409);
      expect(verifySealedSecret(ss, { keys: [key.key], acceptDeprecatedV1Data: true })).toBe(ok);
    }
    const pem = await (await fetch(`http://127.0.0.1:${httpPort}/v1/cert.pem`)).text();
    expect(pem.trim()).toBe(key.certificatePem.trim());
    expect(
      isActiveKeySecret(
        {
          metadata: {
            name: key.secretName,
            labels: { "sealedsecrets.bitnami.com/sealed-secrets-key": "active" },
          },
        },
        "sealed-secrets-key",
      ),
    ).toBe(true);
  });

  it("signet-controller, on the same namespace, key and SealedSecrets, writes the same Secrets", async () => {
    expect(produced.size).toBeGreaterThan(0);
    await controller.stop();
    for (const [name, { before }] of produced) {
      await api(secretsPath(name), { method: "DELETE" });
      await waitFor(
        `${name} deleted`,
        async () => ((await api(secretsPath(name))).status === 404 ? true : undefined),
        30_000,
      );
      if (before) await createSecret(name, before.metadata, before.data);
    }
    const signet = await startLocalController(ns, ["--all-namespaces=false"]);
    try {
      for (const [name, { theirs }] of produced) {
        const current = async (): Promise<Secret> => (await api(secretsPath(name))).json as Secret;
        await waitFor(
          `signet's ${name}`,
          async () => {
            const ours = await current();
            return JSON.stringify(shape(ours)) === JSON.stringify(shape(theirs)) ? true : undefined;
          },
          30_000,
        ).catch(() => undefined);
        expect(shape(await current()), name).toEqual(shape(theirs));
      }
    } finally {
      await signet.proc.stop();
    }
  });
});
