import { randomBytes, webcrypto } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";

import type { SessionKeyWrap } from "./crypto/hybrid.js";
import type { SealedSecret, Secret } from "./model.js";
import { planSeal, sealPlanned, sealSecret } from "./seal.js";
import { makeTestKey } from "./test-support/keys.js";
import type { TestKey } from "./test-support/keys.js";
import { unsealSealedSecret } from "./unseal.js";

const b64 = (s: string): string => Buffer.from(s).toString("base64");

let k: TestKey;
let wrap: SessionKeyWrap;
beforeAll(async () => {
  k = await makeTestKey();
  const key = await webcrypto.subtle.importKey(
    "spki",
    k.certificate.publicKey.export({ type: "spki", format: "der" }),
    { name: "RSA-OAEP", hash: "SHA-256" },
    false,
    ["encrypt"],
  );
  wrap = async (sessionKey, label) =>
    new Uint8Array(
      await webcrypto.subtle.encrypt(
        { name: "RSA-OAEP", label: label as Uint8Array<ArrayBuffer> },
        key,
        sessionKey,
      ),
    );
});

function secretOf(values: number, annotations: Record<string, string> = {}): Secret {
  const stringData: Record<string, string> = {};
  for (let i = 0; i < values; i++) stringData[`k${i}`] = `value ${i}`;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "s", namespace: "ns", annotations },
    data: { bin: b64("\u0000\u00ff") },
    stringData,
  };
}

function opened(ss: SealedSecret): Record<string, string> {
  const secret = unsealSealedSecret(ss, { keys: [k.key], acceptDeprecatedV1Data: false }).secret;
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, v]) => [key, Buffer.from(v, "base64").toString()]),
  );
}

describe("sealing with the RSA step off the main thread", () => {
  it.each([
    ["strict", {}],
    ["namespace-wide", { "sealedsecrets.bitnami.com/namespace-wide": "true" }],
    ["cluster-wide", { "sealedsecrets.bitnami.com/cluster-wide": "true" }],
  ])(
    "gives the SealedSecret the main-thread path gives, every value opening (%s)",
    async (_, annotations) => {
      const input = secretOf(150, annotations);
      const options = { certificate: k.certificate, random: randomBytes };
      const wrapped = await sealPlanned(planSeal(input, {}), {
        wrap,
        random: randomBytes,
        inFlight: 16,
      });
      const direct = sealSecret(input, options);
      expect(Object.keys(wrapped.spec.encryptedData)).toEqual(
        Object.keys(direct.spec.encryptedData),
      );
      expect({ ...wrapped, spec: { ...wrapped.spec, encryptedData: {} } }).toEqual({
        ...direct,
        spec: { ...direct.spec, encryptedData: {} },
      });
      expect(opened(wrapped)).toEqual(opened(direct));
      expect(opened(wrapped)["k149"]).toBe("value 149");
    },
  );

  it("keeps at most `inFlight` values in the RSA step at once", async () => {
    let running = 0;
    let most = 0;
    const counting: SessionKeyWrap = async (sessionKey, label) => {
      most = Math.max(most, ++running);
      try {
        return await wrap(sessionKey, label);
      } finally {
        running--;
      }
    };
    const plan = planSeal(secretOf(40), {});
    await sealPlanned(plan, { wrap: counting, random: randomBytes, inFlight: 7 });
    expect(most).toBe(7);
  });

  it("refuses in planning, which encrypts nothing, what sealing refuses", () => {
    const input: Secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { namespace: "ns" },
      data: { a: b64("x") },
    };
    expect(() => planSeal(input, {})).toThrow("missing metadata.name in input Secret");
    expect(() => sealSecret(input, { certificate: k.certificate, random: randomBytes })).toThrow(
      "missing metadata.name in input Secret",
    );
  });
});
