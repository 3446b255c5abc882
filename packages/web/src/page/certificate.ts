import { bitLength, goEncryptError, pemBlocks, SignetError } from "@signet/core/browser";

import { base64ToBytes } from "./base64.js";
import {
  children,
  content,
  DerError,
  derString,
  derTime,
  encoding,
  expectTag,
  oidText,
  present,
  readElement,
  TAG,
  unsignedMagnitude,
} from "./der.js";
import type { DerElement } from "./der.js";

/** SHA-256 of some bytes; the page passes WebCrypto's `crypto.subtle.digest`. */
export type Sha256 = (data: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>;

/** One attribute of a distinguished name (`CN`, `O`, ... or the dotted OID of another type). */
export interface NameAttribute {
  type: string;
  value: string;
}

/** A distinguished name: its relative names in certificate order, each one or more attributes. */
export type DistinguishedName = NameAttribute[][];

/** What the page shows about, and seals with, a certificate. */
export interface CertificateInfo {
  /** The SubjectPublicKeyInfo, as WebCrypto imports it (`spki`). */
  spki: Uint8Array<ArrayBuffer>;
  modulusBits: number;
  /** `SHA256:...`, the same as `signet keys list` and the `signet.dev/sealed-with` hint. */
  fingerprint: string;
  subject: DistinguishedName;
  issuer: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  /** Lower-case hex, without leading zero octets. */
  serialNumber: string;
}

const RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
const KEY_ALGORITHMS: Readonly<Record<string, string>> = {
  "1.2.840.10045.2.1": "ECDSA",
  "1.3.101.112": "ED25519",
  "1.3.101.110": "X25519",
  "1.2.840.10040.4.1": "DSA",
  "1.2.840.113549.1.1.10": "RSA-PSS",
};
const NAME_TYPES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "street",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "1.2.840.113549.1.9.1": "emailAddress",
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
};

const NO_CERTIFICATE = "data does not contain any valid RSA or ECDSA certificates";

/**
 * Reads the first PEM `CERTIFICATE` block without headers, as core's `parseSealingCertificate`
 * (reference `kubeseal.ParseKey`) does, and requires an RSA key, with core's error codes and
 * messages. Expiry is not an error here: the page shows it ({@link expiryOf}) and refuses to seal.
 */
export async function parseCertificatePem(pem: string, sha256: Sha256): Promise<CertificateInfo> {
  const block = pemBlocks(pem).find((b) => b.type === "CERTIFICATE" && !b.hasHeaders);
  const der = block ? base64ToBytes(pemBody(block.text)) : undefined;
  if (der === undefined) throw new SignetError("ERR_CERT_PARSE", NO_CERTIFICATE);
  try {
    return await parseCertificateDer(der, sha256);
  } catch (err) {
    if (err instanceof DerError) throw new SignetError("ERR_CERT_PARSE", NO_CERTIFICATE);
    throw err;
  }
}

function pemBody(block: string): string {
  return block
    .split(/\r?\n/)
    .filter((line) => !line.startsWith("-----"))
    .join("")
    .replace(/\s+/g, "");
}

/** Reads an X.509 certificate's DER (RFC 5280 §4.1; signature not checked, as kubeseal does not). */
export async function parseCertificateDer(
  der: Uint8Array<ArrayBuffer>,
  sha256: Sha256,
): Promise<CertificateInfo> {
  const certificate = expectTag(readElement(der, 0), TAG.SEQUENCE, "certificate");
  const tbs = children(expectTag(children(certificate)[0], TAG.SEQUENCE, "TBSCertificate"));
  const fields = tbs[0]?.tag === TAG.CONTEXT_0 ? tbs.slice(1) : tbs;
  const [serial, , issuer, validity, subject, spki] = fields;
  const [notBefore, notAfter] = children(expectTag(validity, TAG.SEQUENCE, "validity"));
  const key = rsaPublicKey(expectTag(spki, TAG.SEQUENCE, "SubjectPublicKeyInfo"));
  // A key Go will not encrypt to: kubeseal and the CLI refuse it (an even exponent would seal
  // values no key opens); the page refuses it when it is loaded, in the same words.
  const refused = goEncryptError(key.modulus, key.exponent);
  if (refused !== undefined) throw new SignetError("ERR_CERT_KEY", refused);
  return {
    spki: encoding(spki!),
    modulusBits: bitLength(key.modulus),
    fingerprint: await sshFingerprint(key, sha256),
    subject: nameAttributes(expectTag(subject, TAG.SEQUENCE, "subject")),
    issuer: nameAttributes(expectTag(issuer, TAG.SEQUENCE, "issuer")),
    notBefore: derTime(present(notBefore, "notBefore")),
    notAfter: derTime(present(notAfter, "notAfter")),
    serialNumber: hex(unsignedMagnitude(content(expectTag(serial, TAG.INTEGER, "serial")))),
  };
}

interface RsaKey {
  modulus: Uint8Array<ArrayBuffer>;
  exponent: Uint8Array<ArrayBuffer>;
}

function rsaPublicKey(spki: DerElement): RsaKey {
  const [algorithm, bits] = children(spki);
  const oid = content(
    expectTag(children(expectTag(algorithm, TAG.SEQUENCE, "key algorithm"))[0], TAG.OID, "OID"),
  );
  const name = oidText(oid);
  if (name !== RSA_ENCRYPTION) {
    const found = KEY_ALGORITHMS[name] ?? name;
    throw new SignetError(
      "ERR_CERT_NOT_RSA",
      `expected RSA public key but found ${found === "ECDSA" ? "EC" : found} key`,
    );
  }
  const bitString = content(expectTag(bits, TAG.BIT_STRING, "public key"));
  if (bitString[0] !== 0) throw new DerError("malformed public key");
  const inner = bitString.subarray(1);
  const [n, e] = children(expectTag(readElement(inner, 0), TAG.SEQUENCE, "RSA public key"));
  return {
    modulus: unsignedMagnitude(content(expectTag(n, TAG.INTEGER, "modulus"))),
    exponent: unsignedMagnitude(content(expectTag(e, TAG.INTEGER, "exponent"))),
  };
}

function nameAttributes(name: DerElement): DistinguishedName {
  return children(name).map((rdn) =>
    children(expectTag(rdn, TAG.SET, "name")).map((pair) => {
      const [type, value] = children(expectTag(pair, TAG.SEQUENCE, "name attribute"));
      const oid = oidText(content(expectTag(type, TAG.OID, "attribute type")));
      return { type: NAME_TYPES[oid] ?? oid, value: derString(present(value, "name attribute")) };
    }),
  );
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The OpenSSH SHA-256 fingerprint (core `publicKeyFingerprint`, reference
 * `PublicKeyFingerprint`): `SHA256:` + unpadded base64 of SHA-256 over
 * `string "ssh-rsa" ‖ mpint e ‖ mpint n`.
 */
async function sshFingerprint(key: RsaKey, sha256: Sha256): Promise<string> {
  const parts = [new TextEncoder().encode("ssh-rsa"), mpint(key.exponent), mpint(key.modulus)];
  const wire = new Uint8Array(parts.reduce((sum, p) => sum + 4 + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    new DataView(wire.buffer).setUint32(offset, part.length);
    wire.set(part, offset + 4);
    offset += 4 + part.length;
  }
  const digest = await sha256(wire);
  return `SHA256:${btoa(String.fromCharCode(...digest)).replace(/=+$/, "")}`;
}

/** SSH mpint of a positive magnitude: a 0x00 in front when the top bit is set. */
function mpint(magnitude: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const trimmed = magnitude[0] === 0 && magnitude.length === 1 ? new Uint8Array(0) : magnitude;
  if (trimmed.length === 0 || (trimmed[0]! & 0x80) === 0) return trimmed;
  const out = new Uint8Array(trimmed.length + 1);
  out.set(trimmed, 1);
  return out;
}

/** How close a certificate is to its NotAfter, for the page's warnings. */
export interface Expiry {
  state: "valid" | "expires-soon" | "expired";
  /** Whole days left (negative once expired). */
  days: number;
}

const DAY_MS = 86_400_000;
/** Warn from this many days before NotAfter (inclusive: "expires within 30 days"). */
export const EXPIRY_WARNING_DAYS = 30;

/** The certificate's expiry state at `now`; kubeseal refuses to seal once `now` is after NotAfter. */
export function expiryOf(cert: Pick<CertificateInfo, "notAfter">, now: Date): Expiry {
  const left = cert.notAfter.getTime() - now.getTime();
  const days = Math.floor(left / DAY_MS);
  if (left < 0) return { state: "expired", days };
  return { state: left <= EXPIRY_WARNING_DAYS * DAY_MS ? "expires-soon" : "valid", days };
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** Go's `"January 2, 2006"` layout in UTC, as kubeseal's expiry error prints dates. */
export function goLongDate(date: Date): string {
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
}

/** kubeseal's refusal for an expired certificate, word for word. */
export function expiredMessage(cert: Pick<CertificateInfo, "notAfter">): string {
  return `failed to encrypt using an expired certificate on ${goLongDate(cert.notAfter)}`;
}

/** A distinguished name as `C=DE, O=Acme, CN=a + OU=b` (certificate order); "(empty)" if empty. */
export function nameText(name: DistinguishedName): string {
  if (name.length === 0) return "(empty)";
  return name.map((rdn) => rdn.map((a) => `${a.type}=${a.value}`).join(" + ")).join(", ");
}
