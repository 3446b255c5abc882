import { decodeDocuments } from "./codec.js";
import { decodeStdBase64 } from "./base64.js";
import { parsePrivateKeyPem } from "./crypto/keys.js";
import type { UnsealingKey } from "./crypto/keys.js";
import { SignetError } from "./errors.js";
import type { Secret } from "./model.js";

/**
 * Reads the private keys of one `--recovery-private-key` file (kubeseal's readPrivKeysFromFile,
 * pkg/kubeseal/kubeseal.go): a PEM private key, or a
 * JSON/YAML backup of key Secrets (a `List`, a kind-less list with `items`, or one or more
 * Secret documents). Every Secret must hold a `tls.key`. Messages name `source`, never key bytes.
 */
export function parseRecoveryKeys(text: string, source: string): UnsealingKey[] {
  const pem = parsePrivateKeyPem(text);
  if (pem) return [pem];
  const secrets = decodeDocuments(text, source).flatMap(listItems);
  if (secrets.length === 0) {
    throw new SignetError("ERR_PRIVATE_KEY", `${source}: no private key or key Secret found`);
  }
  return secrets.map((secret) => keyFromSecret(secret, source));
}

function listItems(doc: unknown): Secret[] {
  if (doc && typeof doc === "object" && Array.isArray((doc as { items?: unknown }).items)) {
    return (doc as { items: Secret[] }).items;
  }
  return [doc as Secret];
}

function keyFromSecret(secret: Secret, source: string): UnsealingKey {
  const name = secret?.metadata?.name ?? "";
  const encoded = secret?.data?.["tls.key"];
  if (typeof encoded !== "string") {
    throw new SignetError(
      "ERR_PRIVATE_KEY",
      `${source}: secret "${name}" must contain a 'tls.key' key`,
    );
  }
  const pem = decodeStdBase64(encoded);
  const key = Buffer.isBuffer(pem) ? safeParse(pem.toString("utf8"), source, name) : undefined;
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
