import { randomBytes } from "node:crypto";

import {
  encryptionLabel,
  hybridEncrypt,
  parsePrivateKeyPem,
  parseSealingCertificate,
  scopeFromAnnotations,
  sealSecret,
} from "@signet/core";
import type {
  SealedSecret,
  SealingCertificate,
  Secret,
  SecretTemplateSpec,
  UnsealingKey,
} from "@signet/core";

import { generateTestKey } from "./keys.js";

export const TEST_NOW = new Date("2026-06-01T00:00:00Z");

export interface TestSealingKey {
  certificate: SealingCertificate;
  key: UnsealingKey;
  certificatePem: string;
  privateKeyPem: string;
}

/** A fresh test-only key pair usable for sealing and unsealing. */
export async function sealingKey(keySize = 1024): Promise<TestSealingKey> {
  const generated = await generateTestKey(TEST_NOW, keySize);
  return {
    certificate: parseSealingCertificate(generated.certificatePem, TEST_NOW),
    key: parsePrivateKeyPem(generated.privateKeyPem)!,
    ...generated,
  };
}

export interface SealedFixture {
  name?: string;
  namespace?: string;
  /** Plaintext items. */
  data: Record<string, string>;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  type?: string;
  uid?: string;
  generation?: number;
}

/** Seals a Secret the way kubeseal would and gives the object a uid and generation. */
export function sealed(key: TestSealingKey, fixture: SealedFixture): SealedSecret {
  const secret: Secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: fixture.name ?? "mysecret",
      namespace: fixture.namespace ?? "myns",
      ...(fixture.annotations && { annotations: fixture.annotations }),
      ...(fixture.labels && { labels: fixture.labels }),
    },
    ...(fixture.type && { type: fixture.type }),
    stringData: fixture.data,
  };
  const ss = sealSecret(secret, { certificate: key.certificate, random: randomBytes });
  ss.metadata.uid = fixture.uid ?? "uid-1";
  ss.metadata.generation = fixture.generation ?? 1;
  return ss;
}

/** Returns a copy of `ss` with its metadata and template changed. */
export function withChanges(
  ss: SealedSecret,
  change: { name?: string; namespace?: string; template?: Partial<SecretTemplateSpec> },
): SealedSecret {
  const copy = structuredClone(ss);
  if (change.name) copy.metadata.name = change.name;
  if (change.namespace) copy.metadata.namespace = change.namespace;
  if (change.template) copy.spec.template = { ...copy.spec.template, ...change.template };
  return copy;
}

/** Base64 of a UTF-8 string, as Secret data holds it. */
export const b64 = (text: string): string => Buffer.from(text).toString("base64");

/** A legacy v1 SealedSecret: the whole Secret as one sealed JSON blob in `spec.data`. */
export function sealedV1(
  key: TestSealingKey,
  secret: Secret,
  annotations?: Record<string, string>,
): SealedSecret {
  const namespace = secret.metadata?.namespace ?? "";
  const name = secret.metadata?.name ?? "";
  const label = encryptionLabel(namespace, name, scopeFromAnnotations(annotations));
  const blob = hybridEncrypt(
    key.certificate.publicKey,
    Buffer.from(JSON.stringify(secret)),
    label,
    randomBytes,
  );
  return {
    apiVersion: "bitnami.com/v1alpha1",
    kind: "SealedSecret",
    metadata: { name, namespace, uid: "uid-1", generation: 1, ...(annotations && { annotations }) },
    spec: { data: blob.toString("base64"), encryptedData: {} },
  };
}
