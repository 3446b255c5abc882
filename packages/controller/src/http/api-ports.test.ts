import { beforeAll, describe, expect, it } from "vitest";

import { randomBytes } from "node:crypto";

import { keyEntry } from "../test-support/keys.js";
import { sealed, sealingKey } from "../test-support/sealed.js";
import type { TestSealingKey } from "../test-support/sealed.js";
import { RsaPool } from "../controller/decide-pool.js";
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
    rsa: new RsaPool({ concurrency: 1, apiShare: 1 }),
  });

describe("API ports over the key registry", () => {
  it("serve nothing and are not ready before a key is loaded", async () => {
    const p = ports(new KeyRegistry("CertNotBefore"));
    expect(p.certificatePem()).toBeUndefined();
    expect(p.readiness()).toEqual({ ready: false, reasons: ["no sealing key"] });
    await expect(p.rotate(sealed(key, { data: { a: "1" } }), "c")).rejects.toThrow(
      "no sealing key",
    );
  });

  it("serve the latest certificate and verify and rotate with the registered keys", async () => {
    const registry = new KeyRegistry("CertNotBefore");
    registry.add(keyEntry(key, { name: "k1" }));
    const p = ports(registry, { sealedsecrets: true });
    const ss = sealed(key, { data: { a: "1" } });
    expect(p.certificatePem()?.trim()).toBe(key.certificatePem.trim());
    expect(await p.verify(ss, "c")).toBe(true);
    expect(await p.verify(await p.rotate(ss, "c"), "c")).toBe(true);
    expect(p.readiness().ready).toBe(true);
  });

  it("verify says no, and rotate fails with the unseal error, for an object no key opens", async () => {
    const registry = new KeyRegistry("CertNotBefore");
    registry.add(keyEntry(key, { name: "k1" }));
    const p = ports(registry);
    const foreign = sealed(await sealingKey(), { data: { a: "1", b: "2" } });
    expect(await p.verify(foreign, "c")).toBe(false);
    // The items named are those that failed: the first one opening stopped at, or (when the
    // random wrapped keys are not below the registered key's modulus) every item, before any
    // RSA operation.
    await expect(p.rotate(foreign, "c")).rejects.toMatchObject({
      code: "ERR_UNSEAL",
      message: expect.stringMatching(/^no key could decrypt secret \((a|a, b|b)\)$/),
    });
  });

  it.each<[boolean, Record<string, boolean>, string[]]>([
    [true, { sealedsecrets: true, secrets: true }, []],
    [true, { sealedsecrets: false, secrets: true }, ["sealedsecrets cache not synced"]],
    [false, { secrets: false }, ["no sealing key", "secrets cache not synced"]],
  ])("readiness with key=%s and caches %j lists %j", (hasKey, caches, reasons) => {
    expect(readinessOf(hasKey, caches)).toEqual({ ready: reasons.length === 0, reasons });
  });
});
