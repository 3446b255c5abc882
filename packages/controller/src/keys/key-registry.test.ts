import { beforeAll, describe, expect, it } from "vitest";

import type { GeneratedKey } from "@signet/core";

import { generateTestKey, keyEntry } from "../test-support/keys.js";
import { KeyRegistry } from "./key-registry.js";

let older: GeneratedKey;
let newer: GeneratedKey;
let newest: GeneratedKey;
let future: GeneratedKey;

/** The registry's clock in these tests (stands in for a missing creationTimestamp). */
const NOW = new Date("2026-06-01T00:00:00Z");

beforeAll(async () => {
  [older, newer, newest, future] = await Promise.all([
    generateTestKey(new Date("2026-01-01T00:00:00Z")),
    generateTestKey(new Date("2026-02-01T00:00:00Z")),
    generateTestKey(new Date("2026-03-01T00:00:00Z")),
    generateTestKey(new Date("2099-01-01T00:00:00Z")),
  ]);
});

describe("key registry", () => {
  it("has no latest key when empty", () => {
    const registry = new KeyRegistry("CertNotBefore", () => NOW);
    expect(registry.latest()).toBeUndefined();
    expect(registry.unsealingKeys()).toEqual([]);
  });

  it("selects the most recent key and ignores an older key registered later", () => {
    const registry = new KeyRegistry("CertNotBefore", () => NOW);
    registry.add(keyEntry(newer, { name: "b" }));
    registry.add(keyEntry(older, { name: "a" }));
    expect(registry.latest()?.entry.secretName).toBe("b");
  });

  it("orders unsealing keys newest first", () => {
    const registry = new KeyRegistry("CertNotBefore", () => NOW);
    const entries = [older, newest, newer].map((k, i) => keyEntry(k, { name: `k${i}` }));
    for (const e of entries) registry.add(e);
    expect(registry.unsealingKeys().map((k) => k.fingerprint)).toEqual([
      entries[1]!.fingerprint,
      entries[2]!.fingerprint,
      entries[0]!.fingerprint,
    ]);
  });

  it("orders by Secret creation time under SecretCreationTimestamp (a BYO key with an old cert wins)", () => {
    const registry = new KeyRegistry("SecretCreationTimestamp", () => NOW);
    registry.add(keyEntry(newest, { name: "generated", created: "2026-03-01T00:00:00Z" }));
    registry.add(keyEntry(older, { name: "byo", created: "2026-04-01T00:00:00Z" }));
    expect(registry.latest()?.entry.secretName).toBe("byo");
  });

  describe("a certificate NotBefore the controller cannot trust", () => {
    it.each([
      ["stored after the other key", "2026-04-01T00:00:00Z", "future"],
      ["stored before the other key", "2026-02-15T00:00:00Z", "current"],
    ])(
      "ranks a key whose certificate is dated 2099 by its Secret's creation (%s)",
      (_, created, latest) => {
        const registry = new KeyRegistry("CertNotBefore", () => NOW);
        registry.add(keyEntry(newest, { name: "current", created: "2026-03-01T00:00:05Z" }));
        registry.add(keyEntry(future, { name: "future", created }));
        expect(registry.latest()?.entry.secretName).toBe(latest);
        expect(registry.latest()?.orderingTime.getTime()).toBeLessThan(Date.parse("2027-01-01"));
      },
    );

    it("lets a key renewed later displace a future-dated key", () => {
      const registry = new KeyRegistry("CertNotBefore", () => NOW);
      registry.add(keyEntry(future, { name: "future", created: "2026-04-01T00:00:00Z" }));
      registry.add(keyEntry(newest, { name: "renewed" }), new Date("2026-05-01T00:00:00Z"));
      expect(registry.latest()?.entry.secretName).toBe("renewed");
    });

    it("ranks a future-dated key without creationTimestamp by the time it was registered", () => {
      const registry = new KeyRegistry("CertNotBefore", () => NOW);
      registry.add(keyEntry(future, { name: "future" }));
      expect(registry.latest()?.orderingTime).toEqual(NOW);
    });

    it("keeps ranking a bring-your-own certificate issued before it was stored by its NotBefore", () => {
      const registry = new KeyRegistry("CertNotBefore", () => NOW);
      registry.add(keyEntry(older, { name: "byo", created: "2026-05-01T00:00:00Z" }));
      registry.add(keyEntry(newer, { name: "generated", created: "2026-02-01T00:00:01Z" }));
      expect(registry.latest()?.entry.secretName).toBe("generated");
      expect(registry.unsealingKeys().map((k) => k.fingerprint)[1]).toBe(
        keyEntry(older, { name: "x" }).fingerprint,
      );
    });
  });

  it("keeps the earlier registered key when ordering times tie", () => {
    const registry = new KeyRegistry("SecretCreationTimestamp", () => NOW);
    registry.add(keyEntry(newer, { name: "first", created: "2026-05-01T00:00:00Z" }));
    registry.add(keyEntry(newest, { name: "second", created: "2026-05-01T00:00:00Z" }));
    expect(registry.latest()?.entry.secretName).toBe("first");
  });

  it("collapses the same key stored in two Secrets and keeps it until both are gone", () => {
    const registry = new KeyRegistry("CertNotBefore", () => NOW);
    expect(registry.add(keyEntry(older, { name: "a" }))).toBe(true);
    expect(registry.add(keyEntry(older, { name: "copy" }))).toBe(false);
    expect(registry.size).toBe(1);
    expect(registry.removeSecret("a")).toEqual([]);
    expect(registry.size).toBe(1);
    expect(registry.removeSecret("copy")).toHaveLength(1);
    expect(registry.size).toBe(0);
  });

  it("forgets a deleted key Secret, so the previous key seals again", () => {
    const registry = new KeyRegistry("CertNotBefore", () => NOW);
    registry.add(keyEntry(older, { name: "a" }));
    registry.add(keyEntry(newer, { name: "b" }));
    registry.removeSecret("b");
    expect(registry.latest()?.entry.secretName).toBe("a");
    expect(registry.fingerprints()).toHaveLength(1);
  });

  it("bumps its version on every add and remove, not on no-ops", () => {
    const registry = new KeyRegistry("CertNotBefore", () => NOW);
    const v0 = registry.version;
    registry.add(keyEntry(older, { name: "a" }));
    registry.add(keyEntry(older, { name: "a" }));
    const v1 = registry.version;
    registry.removeSecret("nope");
    expect(registry.version).toBe(v1);
    registry.removeSecret("a");
    expect([v1 - v0, registry.version - v1]).toEqual([1, 1]);
  });
});
