// Writes a throw-away sealing key pair (PKCS#1 key + self-signed certificate, 4096 bits, as the
// controller generates them) for the example and the benchmarks. Never use it for real secrets.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";

import { generatePrivateKeyAndCert } from "@signet/core";

const [keyPath, certPath, bits] = process.argv.slice(2);
if (!keyPath || !certPath) {
  console.error("usage: dev-keypair.mjs KEY.pem CERT.pem [bits]");
  process.exit(2);
}
const key = await generatePrivateKeyAndCert({
  keySize: Number(bits ?? 4096),
  now: new Date(),
  random: randomBytes,
});
writeFileSync(keyPath, key.privateKeyPem, { mode: 0o600 });
writeFileSync(certPath, key.certificatePem);
