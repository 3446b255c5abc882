import { describe, expect, it } from "vitest";

import { randomBytes } from "node:crypto";

import { generatePrivateKeyAndCert } from "@signet/core";
import type { Secret } from "@signet/core";

import { KeyRegistry } from "./key-registry.js";
import { generateAndStoreKey } from "./key-writer.js";

describe("generating a key", () => {
  it("creates a key Secret in the controller namespace and registers it as the latest key", async () => {
    const created: Secret[] = [];
    const registry = new KeyRegistry("CertNotBefore");
    const entry = await generateAndStoreKey(
      registry,
      {
        namespace: "kube-system",
        keyPrefix: "sealed-secrets-key",
        labels: { team: "a" },
        annotations: {},
        keySize: 1024,
        keyTtlMs: 3_600_000,
        commonName: "signet",
      },
      {
        generate: generatePrivateKeyAndCert,
        random: randomBytes,
        now: () => new Date("2026-06-01T00:00:00Z"),
        createSecret: (secret) => {
          created.push(secret);
          const name = `${secret.metadata?.generateName}ab1cd`;
          return Promise.resolve({ ...secret, metadata: { ...secret.metadata, name } });
        },
      },
    );
    expect(created).toHaveLength(1);
    expect(created[0]!.metadata).toMatchObject({
      namespace: "kube-system",
      generateName: "sealed-secrets-key",
      labels: { team: "a", "sealedsecrets.bitnami.com/sealed-secrets-key": "active" },
    });
    expect(entry.secretName).toBe("sealed-secrets-keyab1cd");
    expect(registry.latest()?.entry.fingerprint).toBe(entry.fingerprint);
    expect(entry.certNotBefore.toISOString()).toBe("2026-06-01T00:00:00.000Z");
  });

  it("makes a key renewed within the same second as the previous one the latest", async () => {
    const registry = new KeyRegistry("CertNotBefore");
    let clock = new Date("2026-06-01T00:00:00.100Z");
    let serial = 0;
    const ports = {
      generate: generatePrivateKeyAndCert,
      random: randomBytes,
      now: () => clock,
      createSecret: (secret: Secret) =>
        Promise.resolve({ ...secret, metadata: { ...secret.metadata, name: `key-${serial++}` } }),
    };
    const options = {
      namespace: "kube-system",
      keyPrefix: "sealed-secrets-key",
      labels: {},
      annotations: {},
      keySize: 1024,
      keyTtlMs: 3_600_000,
      commonName: "",
    };
    const first = await generateAndStoreKey(registry, options, ports);
    clock = new Date("2026-06-01T00:00:00.900Z");
    const second = await generateAndStoreKey(registry, options, ports);
    expect(first.certNotBefore.getTime()).toBe(second.certNotBefore.getTime());
    expect(registry.latest()?.entry.fingerprint).toBe(second.fingerprint);
  });
});
