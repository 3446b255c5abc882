import { createHash, createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import type { KeyObject } from "node:crypto";

import { SignetError } from "../errors.js";
import { formatTime, timeFromDate } from "../template/time.js";
import { goEncryptError } from "./go-rsa.js";
import { pemBlocks } from "./pem.js";

/** A parsed sealing certificate: the RSA public key kubeseal encrypts to. */
export interface SealingCertificate {
  publicKey: KeyObject;
  notAfter: Date;
  fingerprint: string;
  /**
   * What Go's crypto/rsa says when asked to encrypt to this key, when it refuses it (see
   * {@link goEncryptError}): kubeseal fails so at its first value, and a SealedSecret sealed
   * to such a key (an even exponent) could never be opened.
   */
  encryptError?: string;
}

/** Refuses, as kubeseal does at its first value, a certificate whose key Go will not encrypt to. */
export function assertSealable(certificate: SealingCertificate): void {
  if (certificate.encryptError !== undefined) {
    throw new SignetError("ERR_CERT_KEY", certificate.encryptError);
  }
}

/** A private key able to unseal, indexed by the fingerprint of its public half. */
export interface UnsealingKey {
  privateKey: KeyObject;
  fingerprint: string;
  /** Modulus size in bytes: ciphertexts wrapped for another size are skipped without an RSA op. */
  modulusBytes: number;
  /**
   * The modulus, big-endian, exactly `modulusBytes` long: a wrapped key numerically at or above
   * it cannot have been made with this key, so it is skipped without an RSA op too.
   */
  modulus: Uint8Array;
}

/** Formats a date as Go's `"January 2, 2006"` layout (UTC), as kubeseal's expiry error does. */
function goLongDate(date: Date): string {
  return formatTime(timeFromDate(date), "January 2, 2006");
}

/**
 * Parses the first PEM `CERTIFICATE` block (reference `kubeseal.ParseKey`): blocks with headers
 * are skipped, the key must be RSA, and `now` must not be after NotAfter (NotBefore is not checked,
 * as in the reference).
 */
export function parseSealingCertificate(pem: string, now: Date): SealingCertificate {
  const block = pemBlocks(pem).find((b) => b.type === "CERTIFICATE" && !b.hasHeaders);
  let cert: X509Certificate | undefined;
  try {
    cert = block ? new X509Certificate(block.text) : undefined;
  } catch {
    cert = undefined;
  }
  if (!cert) {
    throw new SignetError(
      "ERR_CERT_PARSE",
      "data does not contain any valid RSA or ECDSA certificates",
    );
  }
  const publicKey = cert.publicKey;
  if (publicKey.asymmetricKeyType !== "rsa") {
    throw new SignetError(
      "ERR_CERT_NOT_RSA",
      `expected RSA public key but found ${String(publicKey.asymmetricKeyType).toUpperCase()} key`,
    );
  }
  const notAfter = new Date(cert.validTo);
  if (now.getTime() > notAfter.getTime()) {
    throw new SignetError(
      "ERR_CERT_EXPIRED",
      `failed to encrypt using an expired certificate on ${goLongDate(notAfter)}`,
    );
  }
  const { n, e } = rsaNumbers(publicKey);
  const encryptError = goEncryptError(n, e);
  return {
    publicKey,
    notAfter,
    fingerprint: fingerprintOf(n, e),
    ...(encryptError === undefined ? {} : { encryptError }),
  };
}

/**
 * The OpenSSH SHA-256 fingerprint of an RSA public key (reference `PublicKeyFingerprint`):
 * `SHA256:` + unpadded base64 of SHA-256 over `string "ssh-rsa" ‖ mpint e ‖ mpint n`.
 */
export function publicKeyFingerprint(key: KeyObject): string {
  const { n, e } = rsaNumbers(key.type === "private" ? createPublicKey(key) : key);
  return fingerprintOf(n, e);
}

/** An RSA public key's modulus and exponent, big-endian. */
function rsaNumbers(key: KeyObject): { n: Buffer; e: Buffer } {
  const jwk = key.export({ format: "jwk" });
  if (jwk.kty !== "RSA" || !jwk.n || !jwk.e) throw new TypeError("fingerprint needs an RSA key");
  return { n: Buffer.from(jwk.n, "base64url"), e: Buffer.from(jwk.e, "base64url") };
}

function fingerprintOf(n: Buffer, e: Buffer): string {
  const wire = Buffer.concat([
    sshString(Buffer.from("ssh-rsa")),
    sshString(mpint(e)),
    sshString(mpint(n)),
  ]);
  return `SHA256:${createHash("sha256").update(wire).digest("base64").replace(/=+$/, "")}`;
}

function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** SSH mpint of a positive big-endian magnitude: minimal, with a 0x00 when the top bit is set. */
function mpint(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  return trimmed.length > 0 && (trimmed[0]! & 0x80) !== 0
    ? Buffer.concat([Buffer.alloc(1), trimmed])
    : trimmed;
}

const PRIVATE_KEY_TYPES = new Set(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY"]);

/**
 * Reads the first private key of a PEM document (PKCS#1, PKCS#8 or SEC1 blocks; other blocks are
 * skipped) and requires RSA, as the reference's `readKey` does. Returns undefined when the text holds
 * no private key block; throws when it holds a key that is not RSA or does not parse.
 */
export function parsePrivateKeyPem(pem: string): UnsealingKey | undefined {
  const block = pemBlocks(pem).find((b) => PRIVATE_KEY_TYPES.has(b.type));
  if (!block) return undefined;
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(block.text);
  } catch (cause) {
    throw new SignetError("ERR_PRIVATE_KEY", "cannot parse private key", { cause });
  }
  if (privateKey.asymmetricKeyType !== "rsa") {
    throw new SignetError("ERR_PRIVATE_KEY", "private key is not an RSA key");
  }
  return unsealingKey(privateKey);
}

/** Wraps an RSA private key with its fingerprint and modulus. */
export function unsealingKey(privateKey: KeyObject): UnsealingKey {
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  const modulusBytes = Math.ceil(bits / 8);
  const n = Buffer.from(createPublicKey(privateKey).export({ format: "jwk" }).n ?? "", "base64url");
  const modulus = Buffer.alloc(modulusBytes);
  n.copy(modulus, Math.max(0, modulusBytes - n.length));
  return { privateKey, fingerprint: publicKeyFingerprint(privateKey), modulusBytes, modulus };
}
