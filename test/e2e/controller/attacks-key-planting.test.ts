// Issue 11 items 1 and 6 on the real control plane: a tenant who may only create, update and get
// SealedSecrets (no Secret access) tries to make the controller write a Secret its own key
// loader would take as a sealing key; the loader refuses Secrets produced for SealedSecrets and
// weak RSA keys; a certificate NotBefore in the future cannot keep a key "newest" forever.
import { randomBytes, X509Certificate } from "node:crypto";

import {
  encryptionLabel,
  generatePrivateKeyAndCert,
  hybridEncrypt,
  MANAGED_ANNOTATION,
  parseSealingCertificate,
  publicKeyFingerprint,
  SEALED_SECRETS_KEY_LABEL,
} from "@signet/core";
import type { GeneratedKey, SealedSecret, Secret } from "@signet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "../../cluster/api.js";
import { api, createNamespace, deleteNamespace } from "../../cluster/testing.js";
import {
  emitted,
  expectNoLeak,
  grantTenant,
  readyOf,
  tenantCreate,
  tenantUpdate,
  verdict,
} from "./attacker.js";
import {
  b64,
  createKeySecret,
  createSealedSecret,
  createSecret,
  deleteSealedSecrets,
  getSecret,
  seal,
  startLocalController,
  testKey,
} from "./support.js";
import type { LocalController } from "./support.js";

const KEY_LABEL = SEALED_SECRETS_KEY_LABEL;

let ctlNs: string;
let tenantNs: string;
let controllerKey: GeneratedKey;
let attackerKey: GeneratedKey;
let ctl: LocalController;

beforeAll(async () => {
  ctlNs = await createNamespace("plant-ctl");
  tenantNs = await createNamespace("plant-tenant");
  controllerKey = await testKey();
  await createKeySecret(ctlNs, controllerKey);
  // Made after the controller's key: with the reference's ranking it would become the newest.
  attackerKey = await testKey();
  ctl = await startLocalController(ctlNs, [`--additional-namespaces=${tenantNs}`]);
  await grantTenant(ctlNs);
  await grantTenant(tenantNs);
});

afterAll(async () => {
  await ctl?.proc.stop();
  await deleteSealedSecrets([ctlNs, tenantNs].filter(Boolean));
  await Promise.all([ctlNs, tenantNs].filter(Boolean).map((n) => deleteNamespace(n)));
});

const fingerprintOf = (pem: string): string =>
  publicKeyFingerprint(new X509Certificate(pem).publicKey);

/** Fingerprint of the certificate the controller serves for sealing. */
async function servedFingerprint(): Promise<string> {
  const res = await fetch(`${ctl.url}/v1/cert.pem`);
  expect(res.status).toBe(200);
  return fingerprintOf(await res.text());
}

/** The key material an attacker wants the controller to write as a key Secret. */
const keyData = (key: GeneratedKey): Record<string, string> => ({
  "tls.crt": key.certificatePem,
  "tls.key": key.privateKeyPem,
});

/** A SealedSecret carrying `key` as literal template data: no ciphertext needed. */
function literalKeyObject(
  namespace: string,
  name: string,
  key: GeneratedKey,
  labels: Record<string, string> | undefined,
): SealedSecret {
  return {
    apiVersion: "bitnami.com/v1alpha1",
    kind: "SealedSecret",
    metadata: { name, namespace },
    spec: {
      encryptedData: {},
      template: {
        type: "kubernetes.io/tls",
        metadata: { ...(labels && { labels }) },
        data: keyData(key),
      },
    },
  };
}

/** A pre-v0.7 object: the whole Secret (metadata included) sealed as one `spec.data` blob. */
function v1KeyObject(namespace: string, name: string, key: GeneratedKey): SealedSecret {
  const secret: Secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace, labels: { [KEY_LABEL]: "active" } },
    type: "kubernetes.io/tls",
    data: { "tls.crt": b64(key.certificatePem), "tls.key": b64(key.privateKeyPem) },
  };
  const cert = parseSealingCertificate(controllerKey.certificatePem, new Date());
  const blob = hybridEncrypt(
    cert.publicKey,
    Buffer.from(JSON.stringify(secret)),
    encryptionLabel(namespace, name, "strict"),
    randomBytes,
  );
  return {
    apiVersion: "bitnami.com/v1alpha1",
    kind: "SealedSecret",
    metadata: { name, namespace },
    spec: { data: blob.toString("base64"), encryptedData: {} },
  };
}

/**
 * Asserts the controller refused the object as a would-be key, and echoed none of the planted
 * key material into statuses, events or its log.
 */
async function expectRefusedAsKey(namespace: string, name: string, generation = 1) {
  const judged = await verdict(namespace, name, generation);
  expect(readyOf(judged)).toMatchObject({ status: "False", reason: "PolicyRejected" });
  expect(readyOf(judged)?.message).toMatch(/sealing key/);
  const texts = { ...(await emitted([namespace])), "controller log": ctl.log() };
  expectNoLeak(texts, [attackerKey.privateKeyPem.split("\n")[1]!]);
}

describe("a SealedSecret-only tenant cannot plant a sealing key", () => {
  it.each([
    ["template labels the Secret as an active key", "innocent", { [KEY_LABEL]: "active" }],
    ["template carries the key label with another value", "backup-me", { [KEY_LABEL]: "x" }],
    ["the object is named exactly like the key prefix", "sealed-secrets-key", undefined],
    ["the object is named with the key prefix", "sealed-secrets-keyzz9zz", undefined],
  ])(
    "in the controller's namespace, refuses an object whose %s (literal template data, no ciphertext)",
    async (_, name, labels) => {
      const before = await servedFingerprint();
      await tenantCreate(literalKeyObject(ctlNs, name, attackerKey, labels));
      await expectRefusedAsKey(ctlNs, name);
      expect(await getSecret(ctlNs, name)).toBeUndefined();
      expect(await servedFingerprint()).toBe(before);
      expect(before).toBe(fingerprintOf(controllerKey.certificatePem));
    },
  );

  it("refuses the key label sealed as ordinary encryptedData with the cluster's own certificate", async () => {
    const ss = seal(controllerKey, {
      namespace: ctlNs,
      name: "sealed-plant",
      type: "kubernetes.io/tls",
      labels: { [KEY_LABEL]: "active" },
      data: keyData(attackerKey),
    });
    await tenantCreate(ss);
    await expectRefusedAsKey(ctlNs, "sealed-plant");
    expect(await getSecret(ctlNs, "sealed-plant")).toBeUndefined();
    expect(await servedFingerprint()).toBe(fingerprintOf(controllerKey.certificatePem));
  });

  it("refuses a legacy v1 object whose sealed Secret metadata carries the key label", async () => {
    await tenantCreate(v1KeyObject(ctlNs, "legacy-plant", attackerKey));
    await expectRefusedAsKey(ctlNs, "legacy-plant");
    expect(await getSecret(ctlNs, "legacy-plant")).toBeUndefined();
    expect(await servedFingerprint()).toBe(fingerprintOf(controllerKey.certificatePem));
  });

  it("refuses an update that adds the key label to an object that unsealed before", async () => {
    await tenantCreate(literalKeyObject(ctlNs, "later", attackerKey, { team: "a" }));
    const first = await verdict(ctlNs, "later");
    expect(readyOf(first)?.status).toBe("True");
    await tenantUpdate(literalKeyObject(ctlNs, "later", attackerKey, { [KEY_LABEL]: "active" }));
    await expectRefusedAsKey(ctlNs, "later", 2);
    const secret = await getSecret(ctlNs, "later");
    expect(secret?.metadata?.labels?.[KEY_LABEL]).toBeUndefined();
    expect(await servedFingerprint()).toBe(fingerprintOf(controllerKey.certificatePem));
  });

  it("refuses to label a `patch`-annotated Secret of the controller's namespace as a key", async () => {
    await createSecret(ctlNs, {
      metadata: { name: "shared", annotations: { "sealedsecrets.bitnami.com/patch": "true" } },
      type: "kubernetes.io/tls",
      data: { "tls.crt": b64("x"), "tls.key": b64("y") },
    });
    await tenantCreate(literalKeyObject(ctlNs, "shared", attackerKey, { [KEY_LABEL]: "active" }));
    await expectRefusedAsKey(ctlNs, "shared");
    expect((await getSecret(ctlNs, "shared"))?.metadata?.labels?.[KEY_LABEL]).toBeUndefined();
    expect(await servedFingerprint()).toBe(fingerprintOf(controllerKey.certificatePem));
  });

  it("refuses the key label in any namespace (another controller may load keys there)", async () => {
    await tenantCreate(
      literalKeyObject(tenantNs, "elsewhere", attackerKey, { [KEY_LABEL]: "active" }),
    );
    await expectRefusedAsKey(tenantNs, "elsewhere");
    expect(await getSecret(tenantNs, "elsewhere")).toBeUndefined();
  });

  it("still unseals an ordinary TLS Secret in the controller's namespace", async () => {
    await tenantCreate(literalKeyObject(ctlNs, "ingress-tls", attackerKey, { app: "web" }));
    const judged = await verdict(ctlNs, "ingress-tls");
    expect(readyOf(judged)?.status).toBe("True");
    expect((await getSecret(ctlNs, "ingress-tls"))?.type).toBe("kubernetes.io/tls");
    expect(await servedFingerprint()).toBe(fingerprintOf(controllerKey.certificatePem));
  });
});

/** Waits until the controller has seen the key Secret `name` (registered it or refused it). */
function seenKeySecret(name: string): Promise<true> {
  return waitFor(
    `the controller to see key Secret ${name}`,
    () => Promise.resolve(ctl.log().includes(name) ? true : undefined),
    15_000,
    100,
  );
}

async function metric(name: string, labels: string): Promise<number | undefined> {
  const text = await (await fetch(ctl.metricsUrl)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

/** Creates a labelled key Secret (as admin) with extra metadata; returns its name. */
async function adminKeySecret(
  name: string,
  key: { certificatePem: string; privateKeyPem: string },
  meta: Partial<NonNullable<Secret["metadata"]>> = {},
): Promise<string> {
  await createSecret(ctlNs, {
    metadata: { name, labels: { [KEY_LABEL]: "active" }, ...meta },
    type: "kubernetes.io/tls",
    data: { "tls.crt": b64(key.certificatePem), "tls.key": b64(key.privateKeyPem) },
  });
  return name;
}

describe("the key loader", () => {
  it("never loads a Secret produced for a SealedSecret (owner reference), whatever its labels", async () => {
    const owner = await createSealedSecret(
      seal(controllerKey, { namespace: ctlNs, name: "owner", data: { k: "v" } }),
    );
    // A key of its own: a key already registered would not show in the log either way.
    const name = await adminKeySecret("sealed-secrets-keyowned", await testKey(), {
      ownerReferences: [
        {
          apiVersion: "bitnami.com/v1alpha1",
          kind: "SealedSecret",
          name: "owner",
          uid: owner.metadata.uid ?? "",
          controller: true,
        },
      ],
    });
    await seenKeySecret(name);
    expect(await servedFingerprint()).toBe(fingerprintOf(controllerKey.certificatePem));
    expect(ctl.log()).toMatch(/refus|skipping unusable key Secret/);
    expect(
      await metric("signet_key_secrets_refused", 'reason="sealedsecret-output"'),
    ).toBeGreaterThanOrEqual(1);
  });

  it("never loads a key Secret a SealedSecret may write into (`managed` annotation)", async () => {
    const name = await adminKeySecret("sealed-secrets-keymanaged", await testKey(), {
      annotations: { [MANAGED_ANNOTATION]: "true" },
    });
    await seenKeySecret(name);
    expect(await servedFingerprint()).toBe(fingerprintOf(controllerKey.certificatePem));
    expect(
      await metric("signet_key_secrets_refused", 'reason="sealedsecret-output"'),
    ).toBeGreaterThanOrEqual(2);
  });

  it("refuses 1024-bit RSA keys: logged, counted, never served, and the controller keeps running", async () => {
    const weak = await generatePrivateKeyAndCert({
      keySize: 1024,
      now: new Date(),
      random: randomBytes,
    });
    const name = await adminKeySecret("sealed-secrets-keyweak1", weak);
    await seenKeySecret(name);
    expect(await servedFingerprint()).toBe(fingerprintOf(controllerKey.certificatePem));
    expect(await metric("signet_key_secrets_refused", 'reason="weak"')).toBe(1);
    expect((await fetch(`${ctl.url}/healthz`)).status).toBe(200);
  });
});

describe("key ranking", () => {
  it("a certificate NotBefore in the future does not keep its key the sealing key after a renewal", async () => {
    const future = await generatePrivateKeyAndCert({
      keySize: 2048,
      now: new Date("2099-01-01T00:00:00Z"),
      random: randomBytes,
    });
    const name = await adminKeySecret("sealed-secrets-keyfuture", future);
    await seenKeySecret(name);
    const keySecrets = async (): Promise<Secret[]> => {
      const res = await api(
        `/api/v1/namespaces/${ctlNs}/secrets?labelSelector=${encodeURIComponent(`${KEY_LABEL}=active`)}`,
      );
      return (res.json as { items: Secret[] }).items;
    };
    const known = new Set((await keySecrets()).map((s) => s.metadata?.name));
    process.kill(ctl.proc.child.pid!, "SIGUSR1");
    const renewed = await waitFor(
      "a key generated on SIGUSR1",
      async () => (await keySecrets()).find((s) => !known.has(s.metadata?.name)),
      60_000,
      200,
    );
    const fresh = fingerprintOf(
      Buffer.from(renewed.data?.["tls.crt"] ?? "", "base64").toString("utf8"),
    );
    await waitFor(
      "the renewed key to be served",
      async () => ((await servedFingerprint()) === fresh ? true : undefined),
      30_000,
      100,
    ).catch(async () => {
      expect(await servedFingerprint(), "the served key after renewal").toBe(fresh);
    });
  });
});
