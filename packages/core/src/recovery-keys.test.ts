import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

import { parseSealingCertificate, publicKeyFingerprint } from "./crypto/keys.js";
import { parseRecoveryKeys } from "./recovery-keys.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../test/fixtures/keys/${name}`, import.meta.url), "utf8");

// Known answer from OpenSSH: `ssh-keygen -y -f KEY > KEY.pub && ssh-keygen -lf KEY.pub`.
const SEALING_KEY_FINGERPRINT = "SHA256:1x6UP+/17J8quVMn9jDZBJjO9NGD4pjHyvYij2GUQJI";
const NOW = new Date("2026-06-01T00:00:00Z");

describe("public-key fingerprints", () => {
  it("equals OpenSSH's SHA256 fingerprint of the same key", () => {
    const cert = parseSealingCertificate(fixture("test-only-sealing-cert.pem"), NOW);
    expect(cert.fingerprint).toBe(SEALING_KEY_FINGERPRINT);
    expect(publicKeyFingerprint(cert.publicKey)).toBe(SEALING_KEY_FINGERPRINT);
  });
});

describe("recovery private keys", () => {
  it.each([
    ["a PEM private key", "test-only-sealing-key.pem"],
    ["a v1 List backup of key Secrets", "test-only-key-backup-list.json"],
    ["a YAML key Secret", "test-only-sealing-key-secret.yaml"],
  ])("reads %s", (_, file) => {
    const keys = parseRecoveryKeys(fixture(file), file);
    expect(keys.map((k) => k.fingerprint)).toContain(SEALING_KEY_FINGERPRINT);
    expect(keys[0]!.modulusBytes).toBeGreaterThan(0);
  });

  it.each([
    [
      "a Secret without tls.key",
      '{"kind":"Secret","metadata":{"name":"k"},"data":{}}',
      /secret "k" must contain a 'tls.key' key/,
    ],
    ["an EC key", "EC", /private key is not an RSA key/],
    // kubeseal reads it as one empty Secret, which its read loop skips: no key at all.
    ["text with no key", "hello: world\n", /no private key or key Secret found/],
    ["an empty file", "", /no private key or key Secret found/],
    // Its -----BEGIN line would otherwise be read as a YAML document separator.
    ["the certificate", "CERT", /^keys\.txt: holds a PEM CERTIFICATE, not a private key/],
  ])("names the file when given %s", (_, text, message) => {
    const body =
      text === "EC"
        ? fixture("test-only-ec-key.pem")
        : text === "CERT"
          ? fixture("test-only-sealing-cert.pem")
          : text;
    expect(() => parseRecoveryKeys(body, "keys.txt")).toThrow(
      expect.objectContaining({ code: "ERR_PRIVATE_KEY", message: expect.stringMatching(message) }),
    );
  });

  it("never puts key material in its errors", () => {
    const pem = fixture("test-only-sealing-key.pem");
    const broken = pem.replace(/[A-Za-z]{20}/, "!!!!!!!!!!!!!!!!!!!!");
    let message = "";
    try {
      parseRecoveryKeys(broken, "k.pem");
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toBe("");
    expect(message).not.toContain("MII");
  });
});

describe("sealing certificates", () => {
  it.each([
    [
      "an expired certificate",
      "test-only-expired-cert.pem",
      "ERR_CERT_EXPIRED",
      /^failed to encrypt using an expired certificate on \w+ \d+, \d{4}$/,
    ],
    [
      "an EC certificate",
      "test-only-ec-cert.pem",
      "ERR_CERT_NOT_RSA",
      /^expected RSA public key but found/,
    ],
    [
      "a private key instead of a certificate",
      "test-only-sealing-key.pem",
      "ERR_CERT_PARSE",
      /^data does not contain any valid RSA or ECDSA certificates$/,
    ],
  ])("refuses %s", (_, file, code, message) => {
    expect(() => parseSealingCertificate(fixture(file), NOW)).toThrow(
      expect.objectContaining({ code, message: expect.stringMatching(message) }),
    );
  });
});
