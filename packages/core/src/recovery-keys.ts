import { decodeKeyBackup } from "./manifest/index.js";
import type { ManifestInput } from "./manifest/index.js";
import { parsePrivateKeyPem } from "./crypto/keys.js";
import type { UnsealingKey } from "./crypto/keys.js";
import { SignetError } from "./errors.js";
import type { Secret } from "./model.js";

/**
 * Reads the private keys of one `--recovery-private-key` file (kubeseal's readPrivKeysFromFile,
 * pkg/kubeseal/kubeseal.go): a PEM private key, else a JSON/YAML backup of key Secrets (a `List`,
 * a kind-less list with `items`, or one or more Secret documents), decoded as kubeseal decodes
 * them. Every Secret must hold a `tls.key`. Messages name `source`, never key bytes.
 */
export function parseRecoveryKeys(input: ManifestInput, source: string): UnsealingKey[] {
  const text = typeof input === "string" ? input : Buffer.from(input).toString("utf8");
  const pem = parsePrivateKeyPem(text);
  if (pem) return [pem];
  // A certificate or public key given by mistake: its `-----BEGIN` line would otherwise be read
  // as a YAML document separator, and the error would say so.
  const block = /^\s*-----BEGIN ([A-Z0-9 ]+)-----/.exec(text);
  if (block) {
    throw new SignetError(
      "ERR_PRIVATE_KEY",
      `${source}: holds a PEM ${block[1]!}, not a private key (nor a backup of key Secrets)`,
    );
  }
  const secrets = decodeKeyBackup(input, source);
  if (secrets.length === 0) {
    throw new SignetError("ERR_PRIVATE_KEY", `${source}: no private key or key Secret found`);
  }
  return secrets.map((secret) => keyFromSecret(secret, source));
}

function keyFromSecret(secret: Secret, source: string): UnsealingKey {
  const name = secret.metadata?.name ?? "";
  const encoded = secret.data?.["tls.key"];
  if (encoded === undefined) {
    throw new SignetError(
      "ERR_PRIVATE_KEY",
      `${source}: secret "${name}" must contain a 'tls.key' key`,
    );
  }
  const key = safeParse(Buffer.from(encoded, "base64").toString("utf8"), source, name);
  if (!key) {
    throw new SignetError(
      "ERR_PRIVATE_KEY",
      `${source}: secret "${name}" has no PEM private key in tls.key`,
    );
  }
  return key;
}

function safeParse(pem: string, source: string, name: string): UnsealingKey | undefined {
  try {
    return parsePrivateKeyPem(pem);
  } catch (cause) {
    const reason = cause instanceof SignetError ? cause.message : "cannot parse private key";
    throw new SignetError("ERR_PRIVATE_KEY", `${source}: secret "${name}": ${reason}`, { cause });
  }
}
