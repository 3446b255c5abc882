import { beforeAll, describe, expect, it } from "vitest";

import { randomBytes, createPublicKey } from "node:crypto";

import { unsealSealedSecret } from "@signet/core";
import type { SealedSecret } from "@signet/core";

import { b64, sealed, sealedV1, sealingKey, withChanges } from "../test-support/sealed.js";
import type { TestSealingKey } from "../test-support/sealed.js";
import { IGNORE_TEMPLATES, rotateSealedSecret, verifySealedSecret } from "./verify-rotate.js";

const CLUSTER_WIDE = "sealedsecrets.bitnami.com/cluster-wide";
const NAMESPACE_WIDE = "sealedsecrets.bitnami.com/namespace-wide";

let oldKey: TestSealingKey;
let newKey: TestSealingKey;

beforeAll(async () => {
  [oldKey, newKey] = await Promise.all([sealingKey(), sealingKey()]);
});

const rotate = (ss: SealedSecret): SealedSecret =>
  rotateSealedSecret(ss, {
    keys: [newKey.key, oldKey.key],
    acceptDeprecatedV1Data: true,
    sealingKey: createPublicKey(newKey.privateKeyPem),
    random: randomBytes,
  });

/** Opens `ss` with only `key`, as the controller would after `ss` was moved/renamed. */
const opens = (ss: SealedSecret, key: TestSealingKey): boolean =>
  verifySealedSecret(ss, { keys: [key.key], acceptDeprecatedV1Data: true });

const plain = (ss: SealedSecret, key: TestSealingKey): Record<string, string> =>
  unsealSealedSecret(ss, {
    keys: [key.key],
    acceptDeprecatedV1Data: true,
    renderTemplates: IGNORE_TEMPLATES,
  }).secret.data ?? {};

describe("verify", () => {
  it("answers true for an object every item of which opens, false otherwise", () => {
    const ss = sealed(oldKey, { data: { a: "1" } });
    expect(verifySealedSecret(ss, { keys: [oldKey.key], acceptDeprecatedV1Data: true })).toBe(true);
    expect(verifySealedSecret(ss, { keys: [newKey.key], acceptDeprecatedV1Data: true })).toBe(
      false,
    );
  });

  it.each([
    '{{ fail "no" }}',
    '{{ if eq (substr 0 1 .a) "1" }}ok{{ else }}{{ fail "x" }}{{ end }}',
    '{{ if eq (substr 0 1 .a) "2" }}ok{{ else }}{{ fail "x" }}{{ end }}',
  ])("gives the same answer whatever the template (%s): templates never run", (template) => {
    const ss = withChanges(sealed(oldKey, { data: { a: "1" } }), {
      template: { data: { t: template } },
    });
    expect(verifySealedSecret(ss, { keys: [oldKey.key], acceptDeprecatedV1Data: true })).toBe(true);
  });
});

describe("verify is no oracle (property)", () => {
  it("answers independently of the plaintext for templates that test one bit of it", () => {
    for (let round = 0; round < 8; round++) {
      const secretValue = randomBytes(6).toString("hex");
      const base = sealed(oldKey, { data: { p: secretValue } });
      const answers = new Set<boolean>();
      for (const guess of "0123456789abcdef") {
        const probe = withChanges(base, {
          template: {
            data: {
              t: `{{ if eq (substr 0 1 .p) "${guess}" }}ok{{ else }}{{ fail "x" }}{{ end }}`,
            },
          },
        });
        answers.add(
          verifySealedSecret(probe, { keys: [oldKey.key], acceptDeprecatedV1Data: true }),
        );
        answers.add(rotate(probe).spec.template?.data?.["t"] === probe.spec.template?.data?.["t"]);
      }
      expect([...answers]).toEqual([true]);
    }
  });
});

describe("rotate", () => {
  it("re-encrypts with the latest key: different bytes, same values, old key no longer needed", () => {
    const ss = sealed(oldKey, { data: { a: "1", b: "2" } });
    const out = rotate(ss);
    expect(out.spec.encryptedData["a"]).not.toBe(ss.spec.encryptedData["a"]);
    expect(opens(out, oldKey)).toBe(false);
    expect(plain(out, newKey)).toEqual(plain(ss, oldKey));
    expect(out).toMatchObject({ apiVersion: "bitnami.com/v1alpha1", kind: "SealedSecret" });
  });

  it.each<[string, Record<string, string>]>([
    ["cluster-wide", { [CLUSTER_WIDE]: "true" }],
    ["namespace-wide", { [NAMESPACE_WIDE]: "true" }],
  ])("keeps a strict object strict when its template claims %s (GHSA-465p)", (_, annotations) => {
    const strict = sealed(oldKey, { data: { a: "1" } });
    const attack = withChanges(strict, {
      template: {
        metadata: { ...strict.spec.template?.metadata, annotations, name: "x", namespace: "evil" },
      },
    });
    const out = rotate(attack);
    expect(out.metadata.annotations).toBeUndefined();
    expect(opens(out, newKey)).toBe(true);
    for (const move of [{ namespace: "evil" }, { name: "x" }]) {
      const moved = withChanges(out, move);
      moved.metadata.annotations = annotations;
      expect(opens(moved, newKey)).toBe(false);
    }
  });

  it("keeps the scope of a namespace-wide object that decrypted", () => {
    const out = rotate(
      sealed(oldKey, { data: { a: "1" }, annotations: { [NAMESPACE_WIDE]: "true" } }),
    );
    expect(out.metadata.annotations).toEqual({ [NAMESPACE_WIDE]: "true" });
    expect(opens(withChanges(out, { name: "renamed" }), newKey)).toBe(true);
    expect(opens(withChanges(out, { namespace: "elsewhere" }), newKey)).toBe(false);
  });

  it("never upgrades: an object whose metadata claims cluster-wide over a strict ciphertext fails", () => {
    const ss = sealed(oldKey, { data: { a: "1" } });
    ss.metadata.annotations = { [CLUSTER_WIDE]: "true" };
    expect(() => rotate(ss)).toThrow(expect.objectContaining({ code: "ERR_UNSEAL" }));
  });

  it("keeps template.data as templates and template-only labels and annotations", () => {
    const ss = withChanges(sealed(oldKey, { data: { a: "1" }, labels: { only: "template" } }), {
      template: { data: { cfg: "{{ .a }}" } },
    });
    ss.spec.template!.metadata!.annotations = { "example.com/note": "kept" };
    const out = rotate(ss);
    expect(out.spec.template).toEqual(ss.spec.template);
    expect(Object.keys(out.spec.encryptedData)).toEqual(["a"]);
  });

  it("drops server-side metadata from the output", () => {
    const ss = sealed(oldKey, { data: { a: "1" } });
    ss.metadata.resourceVersion = "5";
    ss.metadata.managedFields = [{}];
    expect(Object.keys(rotate(ss).metadata).sort()).toEqual(["name", "namespace"]);
  });

  it("turns a legacy spec.data object into the current format, keeping its labels, annotations and type", () => {
    const v1 = sealedV1(oldKey, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "mysecret",
        namespace: "myns",
        labels: { app: "x" },
        annotations: { note: "y" },
      },
      type: "kubernetes.io/basic-auth",
      data: { username: b64("admin"), password: b64("pw") },
    });
    expect(verifySealedSecret(v1, { keys: [oldKey.key], acceptDeprecatedV1Data: true })).toBe(true);
    const out = rotate(v1);
    expect(out.spec.data).toBeUndefined();
    expect(out.spec.template).toEqual({
      metadata: { labels: { app: "x" }, annotations: { note: "y" } },
      type: "kubernetes.io/basic-auth",
    });
    expect(plain(out, newKey)).toEqual({ password: b64("pw"), username: b64("admin") });
  });

  it.each([
    [
      "kubectl's and kubecfg's",
      {
        "kubectl.kubernetes.io/last-applied-configuration": "APPLIED",
        "kubecfg.ksonnet.io/last-applied-configuration": "APPLIED",
        note: "y",
      },
      { note: "y" },
    ],
    ["the only", { "kubectl.kubernetes.io/last-applied-configuration": "APPLIED" }, undefined],
  ])(
    "strips %s last-applied annotations of a legacy object, which hold the plaintext",
    (_, annotations, kept) => {
      const PLAINTEXT = "s3cret-plaintext";
      const applied = JSON.stringify({ kind: "Secret", stringData: { password: PLAINTEXT } });
      const fixed = Object.fromEntries(
        Object.entries(annotations).map(([k, v]) => [k, v === "APPLIED" ? applied : v]),
      );
      const v1 = sealedV1(oldKey, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "mysecret", namespace: "myns", annotations: fixed },
        data: { password: b64(PLAINTEXT) },
      });
      const out = rotate(v1);
      expect(out.spec.template?.metadata?.annotations).toEqual(kept);
      const text = JSON.stringify(out);
      for (const form of [PLAINTEXT, b64(PLAINTEXT), Buffer.from(PLAINTEXT).toString("hex")]) {
        expect(text).not.toContain(form);
      }
    },
  );

  it("keeps a legacy object's stringData items (the API server would have merged them)", () => {
    const v1 = sealedV1(oldKey, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "mysecret", namespace: "myns" },
      data: { a: b64("1"), b: b64("2") },
      stringData: { b: "two", c: "3" },
    });
    expect(plain(rotate(v1), newKey)).toEqual({ a: b64("1"), b: b64("two"), c: b64("3") });
  });
});
