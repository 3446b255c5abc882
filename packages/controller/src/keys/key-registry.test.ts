import { beforeAll, describe, expect, it } from "vitest";

import type { GeneratedKey } from "@signet/core";

import { generateTestKey, keyEntry } from "../test-support/keys.js";
import { KeyRegistry } from "./key-registry.js";

let older: GeneratedKey;
let newer: GeneratedKey;
let newest: GeneratedKey;

beforeAll(async () => {
  [older, newer, newest] = await Promise.all([
    generateTestKey(new Date("2026-01-01T00:00:00Z")),
    generateTestKey(new Date("2026-02-01T00:00:00Z")),
    generateTestKey(new Date("2026-03-01T00:00:00Z")),
  ]);
});

describe("key registry", () => {
  it("has no latest key when empty", () => {
    const registry = new KeyRegistry("CertNotBefore");
    expect(registry.latest()).toBeUndefined();
    expect(registry.unsealingKeys()).toEqual([]);
  });

  it("selects the most recent key and ignores an older key registered later", () => {
    const registry = new KeyRegistry("CertNotBefore");
    registry.add(keyEntry(newer, { name: "b" }));
    registry.add(keyEntry(older, { name: "a" }));
    expect(registry.latest()?.entry.secretName).toBe("b");
  });

  it("orders unsealing keys newest first", () => {
    const registry = new KeyRegistry("CertNotBefore");
    const entries = [older, newest, newer].map((k, i) => keyEntry(k, { name: `k${i}` }));
    for (const e of entries) registry.add(e);
    expect(registry.unsealingKeys().map((k) => k.fingerprint)).toEqual([
      entries[1]!.fingerprint,
      entries[2]!.fingerprint,
      entries[0]!.fingerprint,
    ]);
  });

  it("orders by Secret creation time under SecretCreationTimestamp (a BYO key with an old cert wins)", () => {
    const registry = new KeyRegistry("SecretCreationTimestamp");
    registry.add(keyEntry(newest, { name: "generated", created: "2026-03-01T00:00:00Z" }));
    registry.add(keyEntry(older, { name: "byo", created: "2026-04-01T00:00:00Z" }));
    expect(registry.latest()?.entry.secretName).toBe("byo");
  });

  it("keeps the earlier registered key when ordering times tie", () => {
    const registry = new KeyRegistry("SecretCreationTimestamp");
    registry.add(keyEntry(newer, { name: "first", created: "2026-05-01T00:00:00Z" }));
    registry.add(keyEntry(newest, { name: "second", created: "2026-05-01T00:00:00Z" }));
    expect(registry.latest()?.entry.secretName).toBe("first");
  });

  it("collapses the same key stored in two Secrets and keeps it until both are gone", () => {
    const registry = new KeyRegistry("CertNotBefore");
    expect(registry.add(keyEntry(older, { name: "a" }))).toBe(true);
    expect(registry.add(keyEntry(older, { name: "copy" }))).toBe(false);
    expect(registry.size).toBe(1);
    expect(registry.removeSecret("a")).toEqual([]);
    expect(registry.size).toBe(1);
    expect(registry.removeSecret("copy")).toHaveLength(1);
    expect(registry.size).toBe(0);
  });

  it("forgets a deleted key Secret, so the previous key seals again", () => {
    const registry = new KeyRegistry("CertNotBefore");
    registry.add(keyEntry(older, { name: "a" }));
    registry.add(keyEntry(newer, { name: "b" }));
    registry.removeSecret("b");
    expect(registry.latest()?.entry.secretName).toBe("a");
    expect(registry.fingerprints()).toHaveLength(1);
  });

  it("bumps its version on every add and remove, not on no-ops", () => {
    const registry = new KeyRegistry("CertNotBefore");
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
