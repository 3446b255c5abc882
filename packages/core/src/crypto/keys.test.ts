import { randomBytes, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { describe, expect, it } from "vitest";

import { generatePrivateKeyAndCert } from "./generate.js";
import { DECRYPT_ERROR_MESSAGE, hybridDecryptWith, hybridEncrypt } from "./hybrid.js";
import { goEncryptError } from "./go-rsa.js";
import { parsePrivateKeyPem, parseSealingCertificate, publicKeyFingerprint } from "./keys.js";

const now = new Date("2026-01-01T00:00:00Z");

describe("generatePrivateKeyAndCert", () => {
  it("makes a self-signed certificate whose public key is the signing key's", async () => {
    const key = await generatePrivateKeyAndCert({ keySize: 2048, now, random: randomBytes });
    const cert = new X509Certificate(key.certificatePem);
    const priv = parsePrivateKeyPem(key.privateKeyPem)!;
    expect(cert.checkPrivateKey(priv.privateKey)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.subject ?? "").toBe("");
    expect(cert.issuer ?? "").toBe("");
    // OpenSSL's X509_check_ca says false because KeyUsage lacks keyCertSign (as the reference's
    // certificates do), so read the extensions themselves.
    const parsed = forge.pki.certificateFromPem(key.certificatePem);
    expect(parsed.getExtension("basicConstraints")).toMatchObject({ cA: true, critical: true });
    expect(parsed.getExtension("keyUsage")).toMatchObject({ encipherOnly: true, critical: true });
    expect(parsed.serialNumber.length).toBeLessThanOrEqual(34);
    expect(new Date(cert.validFrom).getTime()).toBe(now.getTime());
    expect(new Date(cert.validTo).getUTCFullYear()).toBe(2035);
    expect(key.privateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(key.certificatePem).toMatch(
      /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/,
    );
    expect(publicKeyFingerprint(cert.publicKey)).toBe(priv.fingerprint);
  });

  it("puts the common name in subject and issuer when given", async () => {
    const key = await generatePrivateKeyAndCert({
      keySize: 1024,
      commonName: "sealed-secrets",
      now,
      random: randomBytes,
    });
    const cert = new X509Certificate(key.certificatePem);
    expect(cert.subject).toBe("CN=sealed-secrets");
    expect(cert.issuer).toBe("CN=sealed-secrets");
  });

  it("refuses keys under 1024 bits", async () => {
    await expect(
      generatePrivateKeyAndCert({ keySize: 512, now, random: randomBytes }),
    ).rejects.toThrow(/at least 1024/);
  });
});

describe("hybrid encryption", () => {
  it("round-trips and fails generically for another label", async () => {
    const key = await generatePrivateKeyAndCert({ keySize: 2048, now, random: randomBytes });
    const cert = parseSealingCertificate(key.certificatePem, now);
    const priv = parsePrivateKeyPem(key.privateKeyPem)!;
    const blob = hybridEncrypt(
      cert.publicKey,
      Buffer.from("hunter2"),
      Buffer.from("ns/n"),
      randomBytes,
    );
    expect(blob.subarray(0, 2)).toEqual(Buffer.from([0x01, 0x00]));
    expect(blob.length).toBe(2 + 256 + 7 + 16);
    expect(hybridDecryptWith(priv.privateKey, blob, Buffer.from("ns/n"))?.toString()).toBe(
      "hunter2",
    );
    expect(hybridDecryptWith(priv.privateKey, blob, Buffer.from("ns/other"))).toBeUndefined();
    expect(
      hybridDecryptWith(priv.privateKey, blob.subarray(0, 100), Buffer.from("ns/n")),
    ).toBeUndefined();
    expect(DECRYPT_ERROR_MESSAGE).toBe("no key could decrypt secret");
  });
});

describe("keys Go will not encrypt to (rsa.EncryptOAEP's checks, in its order)", () => {
  /** A modulus of `bits` bits, its last byte `last`. */
  const modulus = (bits: number, last = 0x01): Uint8Array => {
    const n = new Uint8Array(Math.ceil(bits / 8));
    n[0] = 1 << ((bits - 1) % 8);
    n[n.length - 1] = last;
    return n;
  };
  const exponent = (e: bigint): Uint8Array =>
    Buffer.from(
      e
        .toString(16)
        .padStart(2, "0")
        .replace(/^(.(..)*)$/, "0$1"),
      "hex",
    );

  it.each([
    [
      512,
      0x01,
      65537n,
      "crypto/rsa: 512-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)",
    ],
    [
      1023,
      0x01,
      65537n,
      "crypto/rsa: 1023-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)",
    ],
    [
      512,
      0x02,
      2n,
      "crypto/rsa: 512-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)",
    ],
    [2048, 0x02, 65537n, "crypto/rsa: public modulus is even"],
    [2048, 0x01, 1n, "crypto/rsa: public exponent too small or negative"],
    [2048, 0x02, 1n, "crypto/rsa: public modulus is even"],
    [2048, 0x01, 65538n, "crypto/rsa: public exponent is even"],
    [2048, 0x01, 2n ** 31n + 1n, "crypto/rsa: public exponent too large"],
    [2048, 0x01, 2n ** 32n, "crypto/rsa: public exponent is even"],
  ])("refuses a %i-bit modulus ending in %i with exponent %s", (bits, last, e, message) => {
    expect(goEncryptError(modulus(bits, last), exponent(e))).toBe(message);
  });

  it.each([
    [1024, 65537n],
    [2048, 3n],
    [4096, 65537n],
    [2048, 2n ** 31n - 1n],
  ])("takes a %i-bit key with exponent %s", (bits, e) => {
    expect(goEncryptError(modulus(bits), exponent(e))).toBeUndefined();
  });

  it("counts a modulus's bits without its leading zero bytes", () => {
    expect(
      goEncryptError(Uint8Array.from([0, ...modulus(1024)]), exponent(65537n)),
    ).toBeUndefined();
    expect(goEncryptError(Uint8Array.from([0, 0, ...modulus(1000)]), exponent(65537n))).toContain(
      "1000-bit",
    );
  });

  it("is known for a parsed certificate, and absent for an ordinary one", async () => {
    const key = await generatePrivateKeyAndCert({ keySize: 2048, now, random: randomBytes });
    expect(parseSealingCertificate(key.certificatePem, now).encryptError).toBeUndefined();
  });
});
