import { readFileSync } from "node:fs";

import { parsePrivateKeyPem, parseSealingCertificate } from "@signet/core";
import type { SealingCertificate, UnsealingKey } from "@signet/core";

import { parseCertificatePem } from "../page/certificate.js";
import type { CertificateInfo } from "../page/certificate.js";
import type { Sealer } from "../page/seal-flow.js";
import { importSealingKey } from "../page/webcrypto-seal.js";

/** The repository's test-only fixtures (public, never used for anything real). */
export const FIXTURES = new URL("../../../../test/fixtures/keys/", import.meta.url);

export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

/** Node's WebCrypto: the same API the page calls in the browser. */
export const subtle = globalThis.crypto.subtle;

export const sha256 = async (data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> =>
  new Uint8Array(await subtle.digest("SHA-256", data));

export const random = (size: number): Uint8Array<ArrayBuffer> =>
  globalThis.crypto.getRandomValues(new Uint8Array(size));

export interface WebTestKey {
  info: CertificateInfo;
  sealer: Sealer;
  /** Core's view of the same certificate and key, for sealing and unsealing on the node side. */
  certificate: SealingCertificate;
  key: UnsealingKey;
}

/** The test-only sealing key (4096 bits, as the controller makes), loaded both ways. */
export async function sealingTestKey(
  cert = "test-only-sealing-cert.pem",
  key = "test-only-sealing-key.pem",
): Promise<WebTestKey> {
  const pem = fixture(cert);
  const info = await parseCertificatePem(pem, sha256);
  return {
    info,
    sealer: {
      key: await importSealingKey(subtle, info.spki),
      fingerprint: info.fingerprint,
      subtle,
      random,
    },
    certificate: parseSealingCertificate(pem, new Date(0)),
    key: parsePrivateKeyPem(fixture(key))!,
  };
}
