import { beforeAll, describe, expect, it } from "vitest";

import type { GeneratedKey, Secret } from "@signet/core";

import { generateTestKey, keySecret } from "../test-support/keys.js";
import { applyKeySecretChange, loadKeySecrets } from "./key-loader.js";
import { KeyRegistry } from "./key-registry.js";

const PREFIX = "sealed-secrets-key";
let a: GeneratedKey;
let b: GeneratedKey;

beforeAll(async () => {
  [a, b] = await Promise.all([
    generateTestKey(new Date("2026-01-01T00:00:00Z")),
    generateTestKey(new Date("2026-02-01T00:00:00Z")),
  ]);
});

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
      { secretName: "bad", code: "ERR_PRIVATE_KEY", message: expect.stringContaining('"bad"') },
    ]);
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
