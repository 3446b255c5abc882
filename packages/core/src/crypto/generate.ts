import { generateKeyPair, sign } from "node:crypto";
import { promisify } from "node:util";

import type { RandomSource } from "./hybrid.js";

/** Options for {@link generatePrivateKeyAndCert}; defaults are the reference controller's. */
export interface KeyGenerationOptions {
  /** RSA modulus size in bits (reference `--key-size`, default 4096). */
  keySize?: number;
  /** Certificate lifetime in milliseconds (reference `--key-ttl`, default 10 years = 87600h). */
  validForMs?: number;
  /** Subject and issuer CommonName (reference `--my-cn`); empty gives an empty DN. */
  commonName?: string;
  /** NotBefore; NotAfter = now + validFor. */
  now: Date;
  /** Source of the 128-bit serial number. */
  random: RandomSource;
}

/** A freshly generated sealing key: PKCS#1 private key PEM and self-signed certificate PEM. */
export interface GeneratedKey {
  privateKeyPem: string;
  certificatePem: string;
}

export const DEFAULT_KEY_SIZE = 4096;
export const DEFAULT_KEY_TTL_MS = 87_600 * 3_600_000;
const MIN_KEY_SIZE = 1024;

const generateRsa = promisify(generateKeyPair);

/**
 * Generates an RSA key and a self-signed X.509 v3 certificate like the reference's
 * `GeneratePrivateKeyAndCert`: sha256WithRSA, random 128-bit serial, KeyUsage Encipher Only
 * (critical), BasicConstraints CA:TRUE (critical). The RSA work (keygen, signature) is native;
 * node-forge only assembles the certificate and is loaded on demand.
 */
export async function generatePrivateKeyAndCert(
  options: KeyGenerationOptions,
): Promise<GeneratedKey> {
  const keySize = options.keySize ?? DEFAULT_KEY_SIZE;
  if (!Number.isInteger(keySize) || keySize < MIN_KEY_SIZE) {
    throw new TypeError(
      `key size must be an integer of at least ${MIN_KEY_SIZE} bits, got ${keySize}`,
    );
  }
  const { publicKey, privateKey } = await generateRsa("rsa", { modulusLength: keySize });
  const forge = (await import("node-forge")).default;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(
    String(publicKey.export({ type: "spki", format: "pem" })),
  );
  cert.serialNumber = serialHex(options.random);
  cert.validity.notBefore = options.now;
  cert.validity.notAfter = new Date(
    options.now.getTime() + (options.validForMs ?? DEFAULT_KEY_TTL_MS),
  );
  const dn = options.commonName ? [{ name: "commonName", value: options.commonName }] : [];
  cert.setSubject(dn);
  cert.setIssuer(dn);
  cert.setExtensions([
    { name: "keyUsage", critical: true, encipherOnly: true },
    { name: "basicConstraints", critical: true, cA: true },
    { name: "subjectKeyIdentifier" },
  ]);
  const sha256WithRSA = forge.pki.oids.sha256WithRSAEncryption!;
  cert.siginfo.algorithmOid = sha256WithRSA;
  cert.signatureOid = sha256WithRSA;
  // getTBSCertificate exists in node-forge but is missing from its typings.
  const pki = forge.pki as typeof forge.pki & {
    getTBSCertificate(c: typeof cert): ReturnType<typeof forge.pki.certificateToAsn1>;
  };
  const tbs = pki.getTBSCertificate(cert);
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), "binary");
  cert.tbsCertificate = tbs;
  cert.signature = sign("sha256", tbsDer, privateKey).toString("binary");
  return {
    privateKeyPem: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    // Go's pem.Encode writes LF line ends; node-forge writes CRLF. Key Secrets and /v1/cert.pem
    // must hold the bytes the reference would.
    certificatePem: forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n"),
  };
}

/** A uniformly random serial in [0, 2^128) as positive DER hex (leading 00 when the top bit is set). */
function serialHex(random: RandomSource): string {
  const hex =
    Buffer.from(random(16))
      .toString("hex")
      .replace(/^(00)+/, "") || "00";
  return parseInt(hex[0]!, 16) >= 8 ? `00${hex}` : hex;
}
