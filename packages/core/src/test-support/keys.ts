import { randomBytes } from "node:crypto";

import { generatePrivateKeyAndCert } from "../crypto/generate.js";
import { parsePrivateKeyPem, parseSealingCertificate } from "../crypto/keys.js";
import type { SealingCertificate, UnsealingKey } from "../crypto/keys.js";

export const TEST_NOW = new Date("2026-06-01T00:00:00Z");

export interface TestKey {
  certificate: SealingCertificate;
  key: UnsealingKey;
  certificatePem: string;
  privateKeyPem: string;
}

/** A fresh test-only key pair (2048 bits keeps unit tests fast; the wire format is size-agnostic). */
export async function makeTestKey(keySize = 2048): Promise<TestKey> {
  const generated = await generatePrivateKeyAndCert({
    keySize,
    now: TEST_NOW,
    random: randomBytes,
  });
  return {
    certificate: parseSealingCertificate(generated.certificatePem, TEST_NOW),
    key: parsePrivateKeyPem(generated.privateKeyPem)!,
    certificatePem: generated.certificatePem,
    privateKeyPem: generated.privateKeyPem,
  };
}
