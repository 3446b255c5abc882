import { beforeAll, describe, expect, it } from "vitest";

import { randomBytes } from "node:crypto";

import { keyEntry } from "../test-support/keys.js";
import { sealed, sealingKey } from "../test-support/sealed.js";
import type { TestSealingKey } from "../test-support/sealed.js";
import { KeyRegistry } from "../keys/key-registry.js";
import { apiPorts, readinessOf } from "./api-ports.js";

let key: TestSealingKey;

beforeAll(async () => {
  key = await sealingKey();
});

const ports = (registry: KeyRegistry, caches: Record<string, boolean> = {}) =>
  apiPorts(registry, {
    acceptDeprecatedV1Data: true,
    random: randomBytes,
    readiness: { caches: () => caches },
  });

describe("API ports over the key registry", () => {
  it("serve nothing and are not ready before a key is loaded", () => {
    const p = ports(new KeyRegistry("CertNotBefore"));
    expect(p.certificatePem()).toBeUndefined();
    expect(p.readiness()).toEqual({ ready: false, reasons: ["no sealing key"] });
    expect(() => p.rotate(sealed(key, { data: { a: "1" } }))).toThrow("no sealing key");
  });

  it("serve the latest certificate and verify and rotate with the registered keys", () => {
    const registry = new KeyRegistry("CertNotBefore");
    registry.add(keyEntry(key, { name: "k1" }));
    const p = ports(registry, { sealedsecrets: true });
    const ss = sealed(key, { data: { a: "1" } });
    expect(p.certificatePem()?.trim()).toBe(key.certificatePem.trim());
    expect(p.verify(ss)).toBe(true);
    expect(p.verify(p.rotate(ss))).toBe(true);
    expect(p.readiness().ready).toBe(true);
  });

  it.each<[boolean, Record<string, boolean>, string[]]>([
    [true, { sealedsecrets: true, secrets: true }, []],
    [true, { sealedsecrets: false, secrets: true }, ["sealedsecrets cache not synced"]],
    [false, { secrets: false }, ["no sealing key", "secrets cache not synced"]],
  ])("readiness with key=%s and caches %j lists %j", (hasKey, caches, reasons) => {
    expect(readinessOf(hasKey, caches)).toEqual({ ready: reasons.length === 0, reasons });
  });
});
