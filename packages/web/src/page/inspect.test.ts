import { beforeAll, describe, expect, it } from "vitest";

import { sealingTestKey } from "../test-support/keys.js";
import type { WebTestKey } from "../test-support/keys.js";
import { inspectText } from "./inspect.js";
import { sealNew } from "./seal-flow.js";

let k: WebTestKey;
let sealedJson: string;
beforeAll(async () => {
  k = await sealingTestKey();
  const out = await sealNew(
    {
      name: "api",
      namespace: "shop",
      scope: "namespace-wide",
      type: "kubernetes.io/tls",
      immutable: true,
      items: [
        { id: "1", key: "tls.crt", source: "text", text: "c" },
        { id: "2", key: "tls.key", source: "text", text: "k" },
      ],
      labels: [{ id: "l", key: "app", value: "api" }],
      annotations: [],
    },
    k.sealer,
  );
  sealedJson = out.json;
});

describe("inspecting pasted SealedSecrets without decrypting", () => {
  it("reports scope, target, items with sizes and RSA size, template keys and the hint", () => {
    const { sealedSecrets, skipped } = inspectText(sealedJson, k.info.fingerprint);
    expect(skipped).toEqual([]);
    expect(sealedSecrets).toHaveLength(1);
    const ss = sealedSecrets[0]!;
    expect(ss).toMatchObject({
      name: "api",
      namespace: "shop",
      scope: "namespace-wide",
      binding: "shop/*",
      type: "kubernetes.io/tls",
      immutable: true,
      legacyData: false,
      keyHint: k.info.fingerprint,
      hintMatchesCertificate: true,
      template: {
        labels: ["app"],
        annotations: ["sealedsecrets.bitnami.com/namespace-wide"],
        data: [],
      },
    });
    expect(ss.items).toEqual([
      { key: "tls.crt", ciphertextBytes: 2 + 512 + 1 + 16, rsaBits: 4096 },
      { key: "tls.key", ciphertextBytes: 2 + 512 + 1 + 16, rsaBits: 4096 },
    ]);
  });

  it("says when the hint names another key, and nothing when no certificate is loaded", () => {
    expect(inspectText(sealedJson, "SHA256:other").sealedSecrets[0]?.hintMatchesCertificate).toBe(
      false,
    );
    expect(inspectText(sealedJson).sealedSecrets[0]?.hintMatchesCertificate).toBeUndefined();
  });

  it("reads multi-document YAML and Lists, skipping other kinds", () => {
    const yaml = `apiVersion: v1
kind: List
items:
- apiVersion: bitnami.com/v1alpha1
  kind: SealedSecret
  metadata: {name: a, namespace: x, annotations: {sealedsecrets.bitnami.com/cluster-wide: "true"}}
  spec: {encryptedData: {k: "AAE="}}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: c}
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: b, namespace: web}
spec:
  data: AAAA
  encryptedData: {bad: "!!", short: "AA=="}
---
kind: SealedSecret
metadata: {name: broken}
`;
    const { sealedSecrets, skipped } = inspectText(yaml);
    expect(skipped).toEqual(["ConfigMap"]);
    expect(sealedSecrets.map((s) => [s.name, s.scope, s.binding])).toEqual([
      ["a", "cluster-wide", "*"],
      ["b", "strict", "web/b"],
      ["broken", "strict", "/broken"],
    ]);
    expect(sealedSecrets[0]!.items).toEqual([
      { key: "k", ciphertextBytes: 2, problem: "too short for a sealed value" },
    ]);
    expect(sealedSecrets[1]!.legacyData).toBe(true);
    expect(sealedSecrets[1]!.items).toEqual([
      { key: "bad", ciphertextBytes: 0, problem: "not base64" },
      { key: "short", ciphertextBytes: 1, problem: "too short for a sealed value" },
    ]);
    expect(sealedSecrets[2]!.problem).toBe("no spec");
  });

  it("fails with the parser's message on text that is not YAML or JSON", () => {
    expect(() => inspectText("a: [b")).toThrow(
      /^the pasted text: document 1, line 1: error converting YAML to JSON: yaml: line 2: /,
    );
  });

  it("reads YAML as Go does (YAML 1.1): an unquoted y is true, as kubectl would send it", () => {
    const yaml = `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: b, namespace: y}
spec: {encryptedData: {}}
`;
    expect(inspectText(yaml).sealedSecrets[0]!.binding).toBe("true/b");
  });
});
