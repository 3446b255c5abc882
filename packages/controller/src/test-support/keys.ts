import { randomBytes } from "node:crypto";

import { generatePrivateKeyAndCert, SEALED_SECRETS_KEY_LABEL } from "@signet/core";
import type { GeneratedKey, Secret } from "@signet/core";

import { keyEntryFromSecret } from "../keys/key-secrets.js";
import type { KeyEntry } from "../keys/key-secrets.js";

/** A test-only key (small modulus keeps tests fast; the wire format is size-agnostic). */
export function generateTestKey(notBefore: Date, keySize = 1024): Promise<GeneratedKey> {
  return generatePrivateKeyAndCert({ keySize, now: notBefore, random: randomBytes });
}

export interface KeySecretFixture {
  name: string;
  created?: string;
  labelled?: boolean;
}

/** A key Secret as the reference writes it, holding `key`. */
export function keySecret(key: GeneratedKey, fixture: KeySecretFixture): Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: fixture.name,
      namespace: "kube-system",
      ...(fixture.created !== undefined && { creationTimestamp: fixture.created }),
      ...(fixture.labelled !== false && { labels: { [SEALED_SECRETS_KEY_LABEL]: "active" } }),
    },
    type: "kubernetes.io/tls",
    data: {
      "tls.crt": Buffer.from(key.certificatePem).toString("base64"),
      "tls.key": Buffer.from(key.privateKeyPem).toString("base64"),
    },
  };
}

/** A registry entry for `key` stored in the Secret `name`. */
export function keyEntry(key: GeneratedKey, fixture: KeySecretFixture): KeyEntry {
  return keyEntryFromSecret(keySecret(key, fixture));
}
