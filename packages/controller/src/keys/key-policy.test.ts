import { generateKeyPair } from "node:crypto";
import { promisify } from "node:util";

import { beforeAll, describe, expect, it } from "vitest";

import { parsePrivateKeyPem } from "@signet/core";
import type { UnsealingKey } from "@signet/core";

import { keyWeakness, MIN_RSA_KEY_BITS } from "./key-policy.js";

const generate = promisify(generateKeyPair);

async function rsaKey(modulusLength: number, publicExponent = 65537): Promise<UnsealingKey> {
  const { privateKey } = await generate("rsa", { modulusLength, publicExponent });
  return parsePrivateKeyPem(String(privateKey.export({ type: "pkcs1", format: "pem" })))!;
}

const keys = new Map<string, UnsealingKey>();
const SIZES: readonly [number, number][] = [
  [512, 65537],
  [1024, 65537],
  [2040, 65537],
  [2048, 3],
  [2048, 65537],
];

// Generated once, in parallel (RSA key generation is slow on a loaded machine).
beforeAll(async () => {
  await Promise.all(
    SIZES.map(async ([bits, e]) => keys.set(`${bits}/${e}`, await rsaKey(bits, e))),
  );
}, 120_000);

describe("RSA key strength", () => {
  it.each([
    [512, 65537, "a 512-bit RSA key (at least 2048 bits are required)"],
    [1024, 65537, "a 1024-bit RSA key (at least 2048 bits are required)"],
    [2040, 65537, "a 2040-bit RSA key (at least 2048 bits are required)"],
    [2048, 3, "an RSA key with public exponent 3 (65537 up to 2^256 is required)"],
  ])("refuses %i bits with exponent %i", (bits, e, why) => {
    expect(keyWeakness(keys.get(`${bits}/${e}`)!)).toBe(why);
  });

  it("accepts 2048 bits with exponent 65537", () => {
    expect(keyWeakness(keys.get("2048/65537")!)).toBeUndefined();
  });

  it("requires the size NIST SP 800-57 sets until 2030", () => {
    expect(MIN_RSA_KEY_BITS).toBe(2048);
  });
});
