import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { parseSealingCertificate, SignetError } from "@signet/core";
import { pemBlocks } from "@signet/core/browser";

import { fixture, sha256 } from "../test-support/keys.js";
import {
  expiredMessage,
  expiryOf,
  goLongDate,
  nameText,
  parseCertificatePem,
} from "./certificate.js";
import type { DistinguishedName } from "./certificate.js";

// The page's DER reader against OpenSSL (node:crypto X509Certificate) and core's
// parseSealingCertificate, on a corpus generated with the openssl CLI.

let dir: string;
const corpus: Record<string, string> = {};

function openssl(args: string[], input?: string): void {
  const run = spawnSync("openssl", args, { cwd: dir, encoding: "utf8", input });
  if (run.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${run.stderr}`);
}

interface Generated {
  name: string;
  key: string[];
  subject: string;
  days?: number;
  serial?: string;
  config?: string;
}

const GENERATED: Generated[] = [
  {
    name: "rsa1024 e=3, multi-valued RDN, UTF-8, notAfter after 2049 (GeneralizedTime)",
    key: [
      "-algorithm",
      "RSA",
      "-pkeyopt",
      "rsa_keygen_bits:1024",
      "-pkeyopt",
      "rsa_keygen_pubexp:3",
    ],
    subject: "/C=DE/O=Zürich Ops/CN=sealed+OU=日本/emailAddress=ops@example.com",
    days: 30000,
  },
  {
    name: "rsa2048, CN only, small serial",
    key: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    subject: "/CN=sealed-secret",
    serial: "1",
  },
  {
    name: "rsa2049 (odd size), serial with the top bit set, escaped characters",
    key: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2049"],
    subject: "/O=a, b\\+c/CN=x=y/DC=example/L=Lisboa",
    serial: "0x80112233445566778899aabbccddeeff",
  },
  {
    name: "rsa1536, BMPString subject (string_mask default)",
    key: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1536"],
    subject: "/CN=Ελληνικά/O=ÅÄÖ",
    config: "[req]\ndistinguished_name=dn\nstring_mask=default\n[dn]\n",
  },
];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "signet-web-certs-"));
  for (const [i, g] of GENERATED.entries()) {
    openssl(["genpkey", ...g.key, "-out", `k${i}.pem`]);
    const config = g.config ? ["-config", "req.cnf"] : [];
    if (g.config) writeFileSync(join(dir, "req.cnf"), g.config);
    openssl([
      "req",
      "-x509",
      "-new",
      ...config,
      "-key",
      `k${i}.pem`,
      "-utf8",
      "-multivalue-rdn",
      "-subj",
      g.subject,
      "-days",
      String(g.days ?? 365),
      ...(g.serial ? ["-set_serial", g.serial] : []),
      "-out",
      `c${i}.pem`,
    ]);
    corpus[g.name] = readFileSync(join(dir, `c${i}.pem`), "utf8");
  }
  openssl(["genpkey", "-algorithm", "ED25519", "-out", "ed.pem"]);
  openssl([
    "req",
    "-x509",
    "-new",
    "-key",
    "ed.pem",
    "-subj",
    "/CN=ed",
    "-days",
    "1",
    "-out",
    "ed-cert.pem",
  ]);
  corpus["ed25519"] = readFileSync(join(dir, "ed-cert.pem"), "utf8");
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Node prints one relative name per line, attributes joined by " + ", RFC 2253 escapes. */
function nodeName(text: string | undefined): string[] {
  return text === undefined || text === ""
    ? []
    : text.split("\n").map((line) => line.replace(/\\(.)/g, "$1"));
}

function pageName(name: DistinguishedName): string[] {
  return name.map((rdn) => rdn.map((a) => `${a.type}=${a.value}`).join(" + "));
}

async function expectSameAsOpenssl(pem: string): Promise<void> {
  const page = await parseCertificatePem(pem, sha256);
  const first = pemBlocks(pem).find((b) => b.type === "CERTIFICATE" && !b.hasHeaders)!;
  const x509 = new X509Certificate(first.text);
  const core = parseSealingCertificate(pem, new Date(0));
  expect(page.fingerprint).toBe(core.fingerprint);
  expect(page.notAfter.getTime()).toBe(core.notAfter.getTime());
  expect(page.notBefore.getTime()).toBe(new Date(x509.validFrom).getTime());
  expect(pageName(page.subject)).toEqual(nodeName(x509.subject));
  expect(pageName(page.issuer)).toEqual(nodeName(x509.issuer));
  expect(page.serialNumber).toBe(x509.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, ""));
  expect(page.modulusBits).toBe(x509.publicKey.asymmetricKeyDetails?.modulusLength);
  expect(Buffer.from(page.spki)).toEqual(x509.publicKey.export({ type: "spki", format: "der" }));
}

describe("reading a sealing certificate in the page", () => {
  it.each([
    ["the controller-style test certificate (empty name)", "test-only-sealing-cert.pem"],
    ["another controller-style certificate", "test-only-other-cert.pem"],
    ["an expired certificate", "test-only-expired-cert.pem"],
  ])("reads %s exactly as OpenSSL and core do", async (_, name) => {
    await expectSameAsOpenssl(fixture(name));
  });

  it.each(GENERATED.map((g) => [g.name]))(
    "reads %s exactly as OpenSSL and core do",
    async (name) => {
      await expectSameAsOpenssl(corpus[name]!);
    },
  );

  it("takes the first certificate of a chain and skips blocks with headers, as core does", async () => {
    const second = corpus[GENERATED[1]!.name]!;
    const withHeaders = second.replace(
      "-----BEGIN CERTIFICATE-----\n",
      "-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\n",
    );
    const chain = `${withHeaders}\nsome text\n${fixture("test-only-sealing-cert.pem")}${second}`;
    await expectSameAsOpenssl(chain);
    const page = await parseCertificatePem(chain, sha256);
    expect(page.fingerprint).toBe(
      parseSealingCertificate(fixture("test-only-sealing-cert.pem"), new Date(0)).fingerprint,
    );
  });

  it.each([
    ["an EC key", () => fixture("test-only-ec-cert.pem")],
    ["an Ed25519 key", () => corpus["ed25519"]!],
  ])("refuses a certificate with %s with core's code and message", async (_, pem) => {
    const coreError = captureSync(() => parseSealingCertificate(pem(), new Date(0)));
    const pageError = await captureAsync(() => parseCertificatePem(pem(), sha256));
    expect(pageError.code).toBe("ERR_CERT_NOT_RSA");
    expect(pageError.code).toBe(coreError.code);
    expect(pageError.message).toBe(coreError.message);
  });

  it("refuses a certificate whose key Go will not encrypt to, in the words the CLI uses", async () => {
    const pem = fixture("test-only-rsa512-cert.pem");
    const pageError = await captureAsync(() => parseCertificatePem(pem, sha256));
    expect(pageError.code).toBe("ERR_CERT_KEY");
    expect(pageError.message).toBe(parseSealingCertificate(pem, new Date(0)).encryptError);
    expect(pageError.message).toBe(
      "crypto/rsa: 512-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)",
    );
  });

  const body = fixture("test-only-sealing-cert.pem").split("\n").slice(1, -2).join("");
  it.each([
    ["no PEM block at all", "hello"],
    ["a private key instead of a certificate", fixture("test-only-sealing-key.pem")],
    [
      "a certificate cut short",
      `-----BEGIN CERTIFICATE-----\n${body.slice(0, 400)}\n-----END CERTIFICATE-----\n`,
    ],
    [
      "bytes that are not DER",
      "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n",
    ],
    ["a body that is not base64", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"],
  ])("refuses %s as core does (ERR_CERT_PARSE)", async (_, pem) => {
    const coreError = captureSync(() => parseSealingCertificate(pem, new Date(0)));
    const pageError = await captureAsync(() => parseCertificatePem(pem, sha256));
    expect(coreError.code).toBe("ERR_CERT_PARSE");
    expect(pageError.code).toBe("ERR_CERT_PARSE");
    expect(pageError.message).toBe(coreError.message);
  });
});

describe("certificate expiry", () => {
  const notAfter = new Date("2030-03-05T12:00:00Z");
  const day = 86_400_000;
  it.each([
    ["a year before", new Date(notAfter.getTime() - 365 * day), "valid", 365],
    ["31 days before", new Date(notAfter.getTime() - 31 * day), "valid", 31],
    ["30 days and a second before", new Date(notAfter.getTime() - 30 * day - 1000), "valid", 30],
    ["exactly 30 days before", new Date(notAfter.getTime() - 30 * day), "expires-soon", 30],
    ["29 days before", new Date(notAfter.getTime() - 29.5 * day), "expires-soon", 29],
    ["one second before", new Date(notAfter.getTime() - 1000), "expires-soon", 0],
    ["exactly at NotAfter", notAfter, "expires-soon", 0],
    ["one second after", new Date(notAfter.getTime() + 1000), "expired", -1],
  ])("is %s: %s", (_, now, state, days) => {
    expect(expiryOf({ notAfter }, now)).toEqual({ state, days });
  });

  it("words the refusal exactly as kubeseal and core do", () => {
    const pem = fixture("test-only-expired-cert.pem");
    const coreError = captureSync(() => parseSealingCertificate(pem, new Date()));
    const expired = parseSealingCertificate(pem, new Date(0));
    expect(coreError.message).toBe(expiredMessage(expired));
    expect(goLongDate(new Date("2021-01-01T00:00:00Z"))).toBe("January 1, 2021");
  });

  it("names a certificate's subject in certificate order", () => {
    expect(nameText([])).toBe("(empty)");
    expect(
      nameText([
        [{ type: "C", value: "DE" }],
        [
          { type: "CN", value: "a" },
          { type: "OU", value: "b" },
        ],
      ]),
    ).toBe("C=DE, CN=a + OU=b");
  });
});

function captureSync(fn: () => unknown): SignetError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SignetError) return err;
    throw err;
  }
  throw new Error("expected a SignetError");
}

async function captureAsync(fn: () => Promise<unknown>): Promise<SignetError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof SignetError) return err;
    throw err;
  }
  throw new Error("expected a SignetError");
}
