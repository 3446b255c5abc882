import { beforeAll, describe, expect, it } from "vitest";

import { publicKeyFingerprint } from "@signet/core";
import type { GeneratedKey, Secret } from "@signet/core";
import { createPublicKey } from "node:crypto";

import { generateTestKey, keySecret } from "../test-support/keys.js";
import {
  isActiveKeySecret,
  keyEntryFromSecret,
  keySecretManifest,
  sortKeySecrets,
} from "./key-secrets.js";

const NOT_BEFORE = new Date("2026-01-01T00:00:00Z");
let key: GeneratedKey;
let other: GeneratedKey;

beforeAll(async () => {
  [key, other] = await Promise.all([generateTestKey(NOT_BEFORE), generateTestKey(NOT_BEFORE)]);
});

describe("key Secrets", () => {
  it("reads back a written key Secret: same key, same certificate", () => {
    const written = keySecretManifest(key, {
      namespace: "kube-system",
      keyPrefix: "sealed-secrets-key",
      labels: {},
      annotations: {},
    });
    const entry = keyEntryFromSecret({
      ...written,
      metadata: { ...written.metadata, name: "sealed-secrets-keyab1cd" },
    });
    expect(entry.fingerprint).toBe(publicKeyFingerprint(createPublicKey(key.privateKeyPem)));
    expect(entry.certificatePem.trim()).toBe(key.certificatePem.trim());
    expect(entry.certNotBefore.toISOString()).toBe(NOT_BEFORE.toISOString());
    expect(entry.secretName).toBe("sealed-secrets-keyab1cd");
  });

  it("writes a key the reference's way: generateName, TLS type, active label, extra labels and annotations", () => {
    const secret = keySecretManifest(key, {
      namespace: "kube-system",
      keyPrefix: "sealed-secrets-key",
      labels: { "example.com/team": "a.b/c", "sealedsecrets.bitnami.com/sealed-secrets-key": "x" },
      annotations: { "example.com/owner": "x.y/z" },
    });
    expect(secret).toMatchObject({
      type: "kubernetes.io/tls",
      metadata: {
        generateName: "sealed-secrets-key",
        namespace: "kube-system",
        labels: {
          "sealedsecrets.bitnami.com/sealed-secrets-key": "active",
          "example.com/team": "a.b/c",
        },
        annotations: { "example.com/owner": "x.y/z" },
      },
    });
    expect(secret.metadata?.name).toBeUndefined();
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(["tls.crt", "tls.key"]);
  });

  it("records the Secret's creation time for SecretCreationTimestamp ordering", () => {
    const entry = keyEntryFromSecret(
      keySecret(key, { name: "k", created: "2026-02-03T04:05:06Z" }),
    );
    expect(entry.secretCreationTime?.toISOString()).toBe("2026-02-03T04:05:06.000Z");
  });

  it.each<[string, (s: Secret) => Secret, string]>([
    ["no tls.key", (s) => ({ ...s, data: { "tls.crt": s.data!["tls.crt"]! } }), "ERR_PRIVATE_KEY"],
    ["no tls.crt", (s) => ({ ...s, data: { "tls.key": s.data!["tls.key"]! } }), "ERR_CERT_PARSE"],
    [
      "a garbage key",
      (s) => ({
        ...s,
        data: {
          ...s.data,
          "tls.key": Buffer.from(
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
          ).toString("base64"),
        },
      }),
      "ERR_PRIVATE_KEY",
    ],
    [
      "a certificate of another key",
      (s) => ({
        ...s,
        data: { ...s.data, "tls.crt": Buffer.from(other.certificatePem).toString("base64") },
      }),
      "ERR_CERT_PARSE",
    ],
  ])("refuses a key Secret with %s, naming the Secret and not its contents", (_, mutate, code) => {
    const secret = mutate(keySecret(key, { name: "broken-key" }));
    let caught: unknown;
    try {
      keyEntryFromSecret(secret);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code, message: expect.stringContaining("broken-key") });
    expect((caught as Error).message).not.toContain("BEGIN");
  });

  it.each<[string, Secret, boolean]>([
    [
      "a labelled key",
      {
        metadata: {
          name: "k1",
          labels: { "sealedsecrets.bitnami.com/sealed-secrets-key": "active" },
        },
      },
      true,
    ],
    [
      "a compromised key",
      {
        metadata: {
          name: "k1",
          labels: { "sealedsecrets.bitnami.com/sealed-secrets-key": "compromised" },
        },
      },
      false,
    ],
    ["the legacy single key Secret", { metadata: { name: "sealed-secrets-key" } }, true],
    ["an unrelated Secret", { metadata: { name: "db" } }, false],
  ])("decides whether %s is an active key", (_, secret, active) => {
    expect(isActiveKeySecret(secret, "sealed-secrets-key")).toBe(active);
  });

  it("sorts key Secrets oldest first by creation second", () => {
    const at = (name: string, created: string): Secret => ({
      metadata: { name, creationTimestamp: created },
    });
    const sorted = sortKeySecrets([
      at("c", "2026-01-03T00:00:00Z"),
      at("a", "2026-01-01T00:00:00Z"),
      at("b", "2026-01-02T00:00:00Z"),
    ]);
    expect(sorted.map((s) => s.metadata?.name)).toEqual(["a", "b", "c"]);
  });
});
