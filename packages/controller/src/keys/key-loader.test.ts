import { beforeAll, describe, expect, it } from "vitest";

import type { GeneratedKey, Secret } from "@signet/core";

import { generateTestKey, keySecret } from "../test-support/keys.js";
import { applyKeySecretChange, loadKeySecrets } from "./key-loader.js";
import { KeyRegistry } from "./key-registry.js";

const PREFIX = "sealed-secrets-key";
let a: GeneratedKey;
let b: GeneratedKey;
let weak: GeneratedKey;

beforeAll(async () => {
  // The loader refuses keys under 2048 bits, so these tests use real-size keys.
  [a, b, weak] = await Promise.all([
    generateTestKey(new Date("2026-01-01T00:00:00Z"), 2048),
    generateTestKey(new Date("2026-02-01T00:00:00Z"), 2048),
    generateTestKey(new Date("2026-03-01T00:00:00Z"), 1024),
  ]);
}, 60_000);

const broken = (name: string): Secret => ({
  metadata: { name, labels: { "sealedsecrets.bitnami.com/sealed-secrets-key": "active" } },
  data: { "tls.key": "", "tls.crt": "" },
});

describe("loading key Secrets", () => {
  it("registers labelled and legacy key Secrets and ignores others", () => {
    const registry = new KeyRegistry("CertNotBefore");
    const report = loadKeySecrets(
      registry,
      [
        keySecret(a, { name: PREFIX, labelled: false }),
        keySecret(b, { name: "sealed-secrets-keyxyz12" }),
        keySecret(b, { name: "unrelated", labelled: false }),
      ],
      PREFIX,
    );
    expect(report).toEqual({ loaded: [PREFIX, "sealed-secrets-keyxyz12"], skipped: [] });
    expect(registry.size).toBe(2);
  });

  it("skips an unreadable key Secret, reporting its name and code, and keeps the others", () => {
    const registry = new KeyRegistry("CertNotBefore");
    const report = loadKeySecrets(
      registry,
      [broken("bad"), keySecret(a, { name: "good" })],
      PREFIX,
    );
    expect(report.loaded).toEqual(["good"]);
    expect(report.skipped).toEqual([
      {
        secretName: "bad",
        reason: "unreadable",
        code: "ERR_PRIVATE_KEY",
        message: expect.stringContaining('"bad"'),
      },
    ]);
  });
});

/** A labelled key Secret holding `key`, changed by `edit`. */
function keySecretWith(key: GeneratedKey, edit: (s: Secret) => void): Secret {
  const secret = keySecret(key, { name: "sealed-secrets-keyabcde" });
  edit(secret);
  return secret;
}

const sealedSecretOwner = {
  apiVersion: "bitnami.com/v1alpha1",
  kind: "SealedSecret",
  name: "app",
  uid: "u-1",
  controller: true,
};

describe("refused key Secrets", () => {
  it.each([
    [
      "a Secret owned by a SealedSecret",
      (s: Secret) => (s.metadata!.ownerReferences = [sealedSecretOwner]),
    ],
    [
      "a Secret owned (not as controller) by a SealedSecret of another version",
      (s: Secret) =>
        (s.metadata!.ownerReferences = [
          { apiVersion: "v1", kind: "ConfigMap", name: "c", uid: "u-2" },
          { ...sealedSecretOwner, apiVersion: "bitnami.com/v1beta1", controller: false },
        ]),
    ],
    [
      "a Secret a SealedSecret may take over (managed)",
      (s: Secret) => (s.metadata!.annotations = { "sealedsecrets.bitnami.com/managed": "true" }),
    ],
    [
      "a Secret the controller produced without owner reference (its marker)",
      (s: Secret) => (s.metadata!.annotations = { "signet.dev/unsealed-from": "u-1" }),
    ],
    [
      "a Secret a SealedSecret may patch",
      (s: Secret) => (s.metadata!.annotations = { "sealedsecrets.bitnami.com/patch": "true" }),
    ],
    [
      "the legacy key Secret (named like the prefix, no label) owned by a SealedSecret",
      (s: Secret) => {
        s.metadata = { name: PREFIX, ownerReferences: [sealedSecretOwner] };
      },
    ],
  ])("refuses %s, whatever its labels", (_, edit) => {
    const registry = new KeyRegistry("CertNotBefore");
    const report = loadKeySecrets(registry, [keySecretWith(a, edit)], PREFIX);
    expect(report.loaded).toEqual([]);
    expect(report.skipped).toEqual([
      expect.objectContaining({ reason: "sealedsecret-output", code: "ERR_KEY_REFUSED" }),
    ]);
    expect(registry.size).toBe(0);
  });

  it.each([
    [
      "owned by something else",
      (s: Secret) =>
        (s.metadata!.ownerReferences = [
          { apiVersion: "v1", kind: "ConfigMap", name: "c", uid: "u" },
        ]),
    ],
    [
      "annotated managed=false",
      (s: Secret) => (s.metadata!.annotations = { "sealedsecrets.bitnami.com/managed": "false" }),
    ],
  ])("still loads a key Secret %s", (_, edit) => {
    const registry = new KeyRegistry("CertNotBefore");
    expect(loadKeySecrets(registry, [keySecretWith(a, edit)], PREFIX).skipped).toEqual([]);
    expect(registry.size).toBe(1);
  });

  it("refuses a 1024-bit key, naming the Secret and the size, never its content", () => {
    const registry = new KeyRegistry("CertNotBefore");
    const report = loadKeySecrets(
      registry,
      [keySecret(weak, { name: "small" }), keySecret(a, { name: "good" })],
      PREFIX,
    );
    expect(report.loaded).toEqual(["good"]);
    expect(report.skipped).toEqual([
      {
        secretName: "small",
        reason: "weak",
        code: "ERR_KEY_REFUSED",
        message:
          'key Secret "small" is refused: it holds a 1024-bit RSA key (at least 2048 bits are required)',
      },
    ]);
    expect(registry.latest()?.entry.secretName).toBe("good");
  });

  it("drops a registered key whose Secret becomes owned by a SealedSecret", () => {
    const registry = new KeyRegistry("CertNotBefore");
    applyKeySecretChange(registry, "added", keySecret(a, { name: "k1" }), PREFIX);
    const owned = keySecret(a, { name: "k1" });
    owned.metadata!.ownerReferences = [sealedSecretOwner];
    const result = applyKeySecretChange(registry, "updated", owned, PREFIX);
    expect(result).toMatchObject({ changed: true, skipped: { reason: "sealedsecret-output" } });
    expect(registry.size).toBe(0);
  });

  it("refuses a weak key arriving through the watch without registering it", () => {
    const registry = new KeyRegistry("CertNotBefore");
    const result = applyKeySecretChange(registry, "added", keySecret(weak, { name: "w" }), PREFIX);
    expect(result).toMatchObject({ changed: false, added: false, skipped: { reason: "weak" } });
    expect(registry.latest()).toBeUndefined();
  });
});

describe("key Secret watch events", () => {
  it("registers an added key, reporting that a new key arrived", () => {
    const registry = new KeyRegistry("CertNotBefore");
    const result = applyKeySecretChange(registry, "added", keySecret(a, { name: "k1" }), PREFIX);
    expect(result).toEqual({ changed: true, added: true });
  });

  it("ignores an update that leaves the key as it was", () => {
    const registry = new KeyRegistry("CertNotBefore");
    applyKeySecretChange(registry, "added", keySecret(a, { name: "k1" }), PREFIX);
    expect(applyKeySecretChange(registry, "updated", keySecret(a, { name: "k1" }), PREFIX)).toEqual(
      {
        changed: false,
        added: false,
      },
    );
  });

  it("drops a key relabelled away from active (compromised)", () => {
    const registry = new KeyRegistry("CertNotBefore");
    applyKeySecretChange(registry, "added", keySecret(a, { name: "k1" }), PREFIX);
    const relabelled = keySecret(a, { name: "k1", labelled: false });
    relabelled.metadata!.labels = { "sealedsecrets.bitnami.com/sealed-secrets-key": "compromised" };
    expect(applyKeySecretChange(registry, "updated", relabelled, PREFIX).changed).toBe(true);
    expect(registry.size).toBe(0);
  });

  it("drops a deleted key", () => {
    const registry = new KeyRegistry("CertNotBefore");
    applyKeySecretChange(registry, "added", keySecret(a, { name: "k1" }), PREFIX);
    applyKeySecretChange(registry, "deleted", keySecret(a, { name: "k1" }), PREFIX);
    expect(registry.size).toBe(0);
  });

  it("replaces the key of a Secret whose content changed", () => {
    const registry = new KeyRegistry("CertNotBefore");
    applyKeySecretChange(registry, "added", keySecret(a, { name: "k1" }), PREFIX);
    const result = applyKeySecretChange(registry, "updated", keySecret(b, { name: "k1" }), PREFIX);
    expect(result).toEqual({ changed: true, added: true });
    expect(registry.size).toBe(1);
  });

  it("drops the key of a Secret that became unreadable, reporting it", () => {
    const registry = new KeyRegistry("CertNotBefore");
    applyKeySecretChange(registry, "added", keySecret(a, { name: "k1" }), PREFIX);
    const result = applyKeySecretChange(registry, "updated", broken("k1"), PREFIX);
    expect(result.skipped?.secretName).toBe("k1");
    expect(registry.size).toBe(0);
  });

  it("ignores Secrets that never were keys", () => {
    const registry = new KeyRegistry("CertNotBefore");
    const other = keySecret(a, { name: "db", labelled: false });
    expect(applyKeySecretChange(registry, "added", other, PREFIX)).toEqual({
      changed: false,
      added: false,
    });
  });
});
