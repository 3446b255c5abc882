import { createPublicKey, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";

import { hybridEncrypt, rsaUnwrap } from "./crypto/hybrid.js";
import type { SealedSecret, Secret } from "./model.js";
import { sealRaw, sealSecret } from "./seal.js";
import type { SealOptions } from "./seal.js";
import type { SealingScope } from "./scope.js";
import { makeTestKey } from "./test-support/keys.js";
import type { TestKey } from "./test-support/keys.js";
import { openSealedValues, rsaBudget, unsealSealedSecret } from "./unseal.js";
import type { OpenOptions, OpenedValues } from "./unseal.js";

const CW = "sealedsecrets.bitnami.com/cluster-wide";
const NW = "sealedsecrets.bitnami.com/namespace-wide";
const b64 = (s: string): string => Buffer.from(s).toString("base64");

let k: TestKey;
let other: TestKey;
beforeAll(async () => {
  [k, other] = await Promise.all([makeTestKey(), makeTestKey()]);
});

function secret(overrides: Partial<Secret> = {}): Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "myname", namespace: "myns" },
    data: { foo: b64("bar") },
    ...overrides,
  };
}

function seal(input: Secret, options: Partial<SealOptions> = {}): SealedSecret {
  return sealSecret(input, { certificate: k.certificate, random: randomBytes, ...options });
}

function unseal(ss: SealedSecret, keys = [k.key]): Secret {
  return unsealSealedSecret(ss, { keys, acceptDeprecatedV1Data: true }).secret;
}

function moved(ss: SealedSecret, meta: { name?: string; namespace?: string }): SealedSecret {
  return { ...ss, metadata: { ...ss.metadata, ...meta } };
}

describe("sealing and unsealing", () => {
  it.each<[SealingScope, boolean, boolean]>([
    // scope, opens after rename, opens after moving namespace
    ["strict", false, false],
    ["namespace-wide", true, false],
    ["cluster-wide", true, true],
  ])("a %s SealedSecret opens in place; renamed: %s; moved: %s", (scope, renamed, movedNs) => {
    const ss = seal(secret(), { scope });
    expect(unseal(ss).data).toEqual({ foo: b64("bar") });
    const attempt = (s: SealedSecret): boolean => {
      try {
        unseal(s);
        return true;
      } catch (err) {
        expect(err).toMatchObject({
          code: "ERR_UNSEAL",
          message: "no key could decrypt secret (foo)",
        });
        return false;
      }
    };
    expect(attempt(moved(ss, { name: "other" }))).toBe(renamed);
    expect(attempt(moved(ss, { namespace: "elsewhere" }))).toBe(movedNs);
  });

  it("fails generically with a key that did not seal the value", () => {
    const ss = seal(secret());
    expect(() => unseal(ss, [other.key])).toThrow("no key could decrypt secret (foo)");
  });

  it.each([CW, NW])(
    "rejects a SealedSecret whose %s annotation was flipped to false",
    (annotation) => {
      const ss = seal(
        secret({
          metadata: { name: "myname", namespace: "myns", annotations: { [annotation]: "true" } },
        }),
      );
      const tampered = moved(ss, {});
      tampered.metadata.annotations = { [annotation]: "false" };
      expect(() => unseal(tampered)).toThrow("no key could decrypt secret");
    },
  );

  it("gives the Secret only the template metadata Go's ObjectMeta has, however deep the rest nests", () => {
    const ss = seal(secret({ data: { a: b64("1") } }));
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    ss.spec.template = {
      ...ss.spec.template,
      metadata: {
        ...ss.spec.template?.metadata,
        labels: { app: "x" },
        finalizers: ["example.com/f"],
        ownerReferences: [
          { apiVersion: "v1", kind: "ConfigMap", name: "o", uid: "u", extra: deep } as never,
        ],
        managedFields: [
          { manager: "kubectl", fieldsV1: { "f:data": { ".": {} } }, extra: deep },
          { manager: "tenant", fieldsV1: deep },
        ],
        deep,
      },
    };
    const out = unseal(ss);
    expect(out.metadata?.labels).toEqual({ app: "x" });
    expect(out.metadata?.finalizers).toEqual(["example.com/f"]);
    expect(out.metadata).not.toHaveProperty("deep");
    // kubeseal keeps managedFields (ObjectMeta has them), with only ManagedFieldsEntry's fields.
    // A fieldsV1 nested deeper than anything real (and than JSON.stringify can write) is dropped.
    expect(out.metadata?.managedFields).toEqual([
      { manager: "kubectl", fieldsV1: { "f:data": { ".": {} } } },
      { manager: "tenant" },
    ]);
    expect(out.metadata?.ownerReferences).toEqual([
      {
        apiVersion: "bitnami.com/v1alpha1",
        kind: "SealedSecret",
        name: "myname",
        uid: "",
        controller: true,
      },
    ]);
  });

  it("lets stringData win over data for the same key", () => {
    const ss = seal(secret({ data: { a: b64("1"), b: b64("2") }, stringData: { b: "3" } }));
    expect(unseal(ss).data).toEqual({ a: b64("1"), b: b64("3") });
  });

  it("copies the scope annotation to metadata and template, and keeps other metadata in the template", () => {
    const ss = seal(
      secret({
        metadata: {
          name: "myname",
          namespace: "myns",
          labels: { app: "x" },
          annotations: {
            "kubectl.kubernetes.io/last-applied-configuration": '{"data":"secret"}',
            "kubecfg.ksonnet.io/last-applied-configuration": "{}",
            "signet.dev/unsealed-from": "9b1c6d2e-uid-of-the-source-cluster",
            "example.com/keep": "yes",
            plain: "kept",
          },
          ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "o", uid: "u" }],
          managedFields: [{ manager: "kubectl" }],
          uid: "123",
          resourceVersion: "9",
          creationTimestamp: null,
        },
      }),
      { scope: "namespace-wide" },
    );
    expect(ss.metadata).toEqual({
      name: "myname",
      namespace: "myns",
      annotations: { [NW]: "true" },
    });
    expect(ss.spec.template?.metadata).toEqual({
      name: "myname",
      namespace: "myns",
      labels: { app: "x" },
      annotations: { "example.com/keep": "yes", plain: "kept", [NW]: "true" },
    });
    expect(JSON.stringify(ss)).not.toMatch(
      /creationTimestamp|status|managedFields|ownerReferences|unsealed-from/,
    );
  });

  it("seals data of exactly 1 MiB, counting a key set in both data and stringData once", () => {
    const ss = seal(
      secret({
        data: { a: b64("x".repeat(1024 * 1024 - 10)), b: b64("z".repeat(900_000)) },
        stringData: { b: "0123456789" },
      }),
    );
    expect(Object.keys(ss.spec.encryptedData).sort()).toEqual(["a", "b"]);
  });

  it("copies type and immutable into the template and back into the Secret", () => {
    const ss = seal(secret({ type: "kubernetes.io/dockerconfigjson", immutable: true }));
    expect(ss.spec.template).toMatchObject({
      type: "kubernetes.io/dockerconfigjson",
      immutable: true,
    });
    expect(unseal(ss)).toMatchObject({ type: "kubernetes.io/dockerconfigjson", immutable: true });
  });

  it.each([
    [
      "no data at all",
      secret({ data: undefined }),
      "ERR_EMPTY_DATA",
      /secret.data is empty in input Secret/,
    ],
    ["empty maps", secret({ data: {}, stringData: {} }), "ERR_EMPTY_DATA", /--allow-empty-data/],
    [
      "no name",
      secret({ metadata: { namespace: "n" } }),
      "ERR_MISSING_NAME",
      /^missing metadata.name in input Secret$/,
    ],
    [
      "no namespace",
      secret({ metadata: { name: "n" } }),
      "ERR_MISSING_NAMESPACE",
      /^secret must declare a namespace$/,
    ],
    [
      "bad base64",
      secret({ data: { foo: "!!" } }),
      "ERR_BASE64",
      /item "foo": illegal base64 data at input byte 0/,
    ],
    [
      "data over the API server's 1 MiB (one value repeated a thousand times, as YAML aliases do)",
      secret({
        data: undefined,
        stringData: Object.fromEntries(
          Array.from({ length: 1000 }, (_, i) => [`k${i}`, "x".repeat(2000)]),
        ),
      }),
      "ERR_INVALID_INPUT",
      /data totals more than 1048576 bytes; Kubernetes refuses/,
    ],
    [
      "20,000 small values (they would seal to more than the API server's 3 MiB)",
      secret({
        data: undefined,
        stringData: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, "v"])),
      }),
      "ERR_INVALID_INPUT",
      /20000 values would seal to more than 3145728 bytes/,
    ],
    [
      "12,000 values in data and stringData, 2,000 keys in both (counted once)",
      secret({
        data: Object.fromEntries(Array.from({ length: 7_000 }, (_, i) => [`k${i}`, "dg=="])),
        stringData: Object.fromEntries(
          Array.from({ length: 7_000 }, (_, i) => [`k${i + 5_000}`, "v"]),
        ),
      }),
      "ERR_INVALID_INPUT",
      /the Secret's 12000 values would seal to more than 3145728 bytes/,
    ],
    [
      "data and stringData together over 1 MiB",
      secret({
        data: { a: b64("y".repeat(600_000)) },
        stringData: { b: "\u00e9".repeat(250_000) },
      }),
      "ERR_INVALID_INPUT",
      /data totals more than 1048576 bytes/,
    ],
  ])("refuses input with %s", (_, input, code, message) => {
    expect(() => seal(input)).toThrow(
      expect.objectContaining({ code, message: expect.stringMatching(message) }),
    );
  });

  it("allows empty data with allowEmptyData", () => {
    const ss = seal(secret({ data: undefined }), { allowEmptyData: true });
    expect(ss.spec.encryptedData).toEqual({});
  });

  it.each([
    ["takes the namespace from the input", "myns", { namespace: "ctx", explicit: false }, "myns"],
    [
      "fills an empty namespace from client config",
      undefined,
      { namespace: "default", explicit: false },
      "default",
    ],
    ["accepts a matching explicit -n", "myns", { namespace: "myns", explicit: true }, "myns"],
    [
      "fills an empty namespace from an explicit -n",
      undefined,
      { namespace: "flagns", explicit: true },
      "flagns",
    ],
  ])("%s", (_, inputNs, resolved, expected) => {
    const ss = seal(secret({ metadata: { name: "n", namespace: inputNs } }), {
      namespace: resolved,
    });
    expect(ss.metadata.namespace).toBe(expected);
  });

  it("refuses an explicit -n that disagrees with the input namespace, in kubeseal's words", () => {
    expect(() =>
      seal(secret({ metadata: { name: "n", namespace: "secretns" } }), {
        namespace: { namespace: "flagns", explicit: true },
      }),
    ).toThrow(
      'namespace mismatch: input secret is in namespace "secretns" but "flagns" was specified',
    );
  });

  it.each([
    ["keeps the namespace of a cluster-wide Secret", "myns", "myns"],
    ["leaves a cluster-wide Secret without namespace", undefined, undefined],
  ])("%s", (_, inputNs, expected) => {
    const ss = seal(secret({ metadata: { name: "n", namespace: inputNs } }), {
      scope: "cluster-wide",
      namespace: { namespace: "default", explicit: false },
    });
    expect(ss.metadata.namespace).toBe(expected);
    expect(ss.metadata.annotations).toEqual({ [CW]: "true" });
  });

  it("renames with --name and cannot downgrade an annotated input with --scope strict", () => {
    const input = secret({
      metadata: { name: "a", namespace: "myns", annotations: { [CW]: "true" } },
    });
    const ss = seal(input, { name: "renamed", scope: "strict" });
    expect(ss.metadata).toMatchObject({ name: "renamed", annotations: { [CW]: "true" } });
  });

  it("produces values over 100 characters that start with the 2048-bit prefix", () => {
    const ss = seal(secret());
    expect(ss.spec.encryptedData.foo!.length).toBeGreaterThan(100);
    expect(ss.spec.encryptedData.foo).toMatch(/^AQ[A-D]/);
  });
});

describe("the unsealed Secret", () => {
  it("forces name and namespace, and sets exactly one controller owner reference", () => {
    const ss = seal(secret());
    ss.metadata.uid = "uid-1";
    ss.spec.template!.metadata!.ownerReferences = [
      { apiVersion: "x", kind: "Y", name: "z", uid: "w" },
    ];
    expect(unseal(ss).metadata).toMatchObject({
      name: "myname",
      namespace: "myns",
      ownerReferences: [
        {
          apiVersion: "bitnami.com/v1alpha1",
          kind: "SealedSecret",
          name: "myname",
          uid: "uid-1",
          controller: true,
        },
      ],
    });
  });

  it("has no owner reference when the template says skip-set-owner-references", () => {
    const ss = seal(
      secret({
        metadata: {
          name: "myname",
          namespace: "myns",
          annotations: { "sealedsecrets.bitnami.com/skip-set-owner-references": "true" },
        },
      }),
    );
    expect(unseal(ss).metadata?.ownerReferences).toBeUndefined();
  });

  it("reports a bad base64 item by key without attempting decryption", () => {
    const ss = seal(secret());
    ss.spec.encryptedData.broken = "not base64!";
    let message = "";
    try {
      unseal(ss);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("(broken)");
    expect(message).toContain("illegal base64 data");
    expect(message.split("\n").find((l) => l.includes("broken"))).not.toContain("decrypt");
  });

  it("groups identical errors by key and fails the whole object", () => {
    const ss = seal(secret({ data: { a: b64("1"), b: b64("2"), c: b64("3") } }));
    ss.spec.encryptedData.a = ss.spec.encryptedData.a!.slice(0, 20);
    ss.spec.encryptedData.b = "AAAA";
    expect(() => unseal(ss)).toThrow(/^no key could decrypt secret \(a, b\)$/);
  });

  it.each([
    ["too short", Buffer.alloc(1)],
    ["a length prefix past the end", Buffer.from([0x01, 0x00, 0x01])],
    ["a truncated tag", Buffer.alloc(0)],
  ])("fails generically on a ciphertext that is %s", (_, blob) => {
    const ss = seal(secret());
    ss.spec.encryptedData.foo = (
      blob.length ? blob : Buffer.from(ss.spec.encryptedData.foo!, "base64").subarray(0, 270)
    ).toString("base64");
    expect(() => unseal(ss)).toThrow("no key could decrypt secret (foo)");
  });

  it("fails templated items with a clear message when no renderer is plugged in", () => {
    const ss = seal(secret());
    ss.spec.template!.data = { config: "{{ .foo }}" };
    expect(() => unseal(ss)).toThrow("spec.template.data is not supported by this build (config)");
  });

  it("passes decrypted bytes to the template renderer and lets rendered keys win", () => {
    const ss = seal(secret({ data: { foo: b64("bar"), out: b64("old") } }));
    ss.spec.template!.data = { out: "x" };
    const result = unsealSealedSecret(ss, {
      keys: [k.key],
      acceptDeprecatedV1Data: false,
      renderTemplates: (templates, values) => ({
        data: { out: Buffer.from(`${templates.out}:${Buffer.from(values.foo!).toString()}`) },
        failures: [],
      }),
    });
    expect(result.secret.data).toEqual({ foo: b64("bar"), out: b64("x:bar") });
  });
});

/** The RSA-wrapped session key of one encrypted value (after its 2-byte length). */
function wrappedBlock(encoded: string): Buffer {
  const blob = Buffer.from(encoded, "base64");
  return blob.subarray(2, 2 + blob.readUInt16BE(0));
}

describe("key ordering", () => {
  let keys: TestKey[];
  beforeAll(async () => {
    keys = await Promise.all(Array.from({ length: 6 }, () => makeTestKey(1024)));
  });

  function sealedWith(key: TestKey, items: number): SealedSecret {
    const data = Object.fromEntries(
      Array.from({ length: items }, (_, i) => [`k${i}`, b64(`v${i}`)]),
    );
    return sealSecret(secret({ data }), { certificate: key.certificate, random: randomBytes });
  }

  it("spends one RSA operation per value when the hint is right", () => {
    const ss = sealedWith(keys[4]!, 3);
    const result = unsealSealedSecret(ss, {
      keys: keys.map((t) => t.key),
      preferred: [keys[4]!.key.fingerprint],
      acceptDeprecatedV1Data: false,
    });
    expect(result.rsaOperations).toBe(3);
    expect(result.openedWith).toEqual([keys[4]!.key.fingerprint]);
  });

  it("spends one RSA operation per value when the newest key sealed it", () => {
    const ss = sealedWith(keys[0]!, 3);
    const result = unsealSealedSecret(ss, {
      keys: keys.map((t) => t.key),
      acceptDeprecatedV1Data: false,
    });
    expect(result.rsaOperations).toBe(3);
  });

  it("learns the working key after the first value instead of scanning every key again", () => {
    const ss = sealedWith(keys[5]!, 4);
    const first = wrappedBlock(ss.spec.encryptedData.k0!);
    // The five newer keys are tried first, except those the modulus check rules out for free.
    const tried = keys.slice(0, 5).filter((t) => Buffer.compare(first, t.key.modulus) < 0).length;
    const result = unsealSealedSecret(ss, {
      keys: keys.map((t) => t.key),
      acceptDeprecatedV1Data: false,
    });
    expect(result.rsaOperations).toBe(tried + 1 + 3);
  });

  it.each<[string, (block: Buffer) => Buffer, number]>([
    ["equal to the wrapped key", (block) => block, 1],
    ["below the wrapped key", (block) => Buffer.alloc(block.length), 1],
    ["above the wrapped key (tried)", (block) => Buffer.alloc(block.length, 0xff), 2],
  ])("skips a key whose modulus is %s without an RSA operation", (_, modulus, ops) => {
    const ss = sealedWith(keys[0]!, 1);
    const wrong = { ...keys[1]!.key, modulus: modulus(wrappedBlock(ss.spec.encryptedData.k0!)) };
    const result = unsealSealedSecret(ss, {
      keys: [wrong, keys[0]!.key],
      acceptDeprecatedV1Data: false,
    });
    expect(result.rsaOperations).toBe(ops);
    expect(result.openedWith).toEqual([keys[0]!.key.fingerprint]);
  });

  it("describes each key's modulus big-endian at full length", () => {
    for (const t of keys) {
      const n = Buffer.from(
        createPublicKey(t.key.privateKey).export({ format: "jwk" }).n!,
        "base64url",
      );
      expect(t.key.modulus.length).toBe(t.key.modulusBytes);
      expect(Buffer.from(t.key.modulus).equals(n)).toBe(true);
    }
  });

  it("skips keys of another modulus size without an RSA operation", () => {
    const ss = sealedWith(keys[0]!, 1);
    const result = unsealSealedSecret(ss, {
      keys: [k.key, other.key, keys[0]!.key],
      acceptDeprecatedV1Data: false,
    });
    expect(result.rsaOperations).toBe(1);
  });
});

describe("raw values", () => {
  it.each<[SealingScope, { namespace: string; name: string }, boolean]>([
    ["strict", { namespace: "myns", name: "myname" }, true],
    ["strict", { namespace: "other", name: "myname" }, false],
    ["strict", { namespace: "myns", name: "other" }, false],
    ["namespace-wide", { namespace: "myns", name: "other" }, true],
    ["namespace-wide", { namespace: "other", name: "myname" }, false],
    ["cluster-wide", { namespace: "other", name: "other" }, true],
  ])("a %s raw value placed into %j opens: %s", (scope, target, opens) => {
    const value = sealRaw(Buffer.from("s3cr3t\n"), {
      certificate: k.certificate,
      random: randomBytes,
      scope,
      namespace: "myns",
      name: "myname",
    });
    const annotations =
      scope === "strict" ? undefined : { [scope === "cluster-wide" ? CW : NW]: "true" };
    const ss: SealedSecret = {
      metadata: { ...target, annotations },
      spec: { encryptedData: { v: value } },
    };
    if (opens) expect(unseal(ss).data).toEqual({ v: b64("s3cr3t\n") });
    else expect(() => unseal(ss)).toThrow("no key could decrypt secret (v)");
  });
});

describe("deprecated v1 data", () => {
  function v1(): SealedSecret {
    const inner = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "x", namespace: "y" },
      data: { foo: b64("bar") },
    };
    const blob = hybridEncrypt(
      k.certificate.publicKey,
      Buffer.from(JSON.stringify(inner)),
      Buffer.alloc(0),
      randomBytes,
    );
    return {
      metadata: { name: "myname", namespace: "myns", annotations: { [CW]: "true", [NW]: "true" } },
      spec: { data: blob.toString("base64"), encryptedData: {} },
    };
  }

  it("unseals when accepted, forcing name and namespace", () => {
    const s = unsealSealedSecret(v1(), { keys: [k.key], acceptDeprecatedV1Data: true }).secret;
    expect(s).toMatchObject({
      metadata: { name: "myname", namespace: "myns" },
      data: { foo: b64("bar") },
    });
  });

  it("is refused when not accepted", () => {
    expect(() =>
      unsealSealedSecret(v1(), { keys: [k.key], acceptDeprecatedV1Data: false }),
    ).toThrow(/deprecated/);
  });

  it.each([
    [true, /at the same time/],
    [false, /deprecated/],
  ])("refuses encryptedData beside an empty data field (accepted: %s)", (accept, message) => {
    const ss = seal(secret());
    ss.spec.data = "";
    expect(() => unsealSealedSecret(ss, { keys: [k.key], acceptDeprecatedV1Data: accept })).toThrow(
      message,
    );
  });
});

describe("bounded opening", () => {
  let keys: TestKey[];
  beforeAll(async () => {
    keys = await Promise.all(Array.from({ length: 4 }, () => makeTestKey(1024)));
  });

  const sealedWith = (key: TestKey, items: Record<string, string>): SealedSecret =>
    sealSecret(
      secret({ data: Object.fromEntries(Object.entries(items).map(([n, v]) => [n, b64(v)])) }),
      {
        certificate: key.certificate,
        random: randomBytes,
      },
    );

  /** Drives the steps by hand, recording which key each RSA request names. */
  function drive(
    ss: SealedSecret,
    options: OpenOptions,
  ): { asked: string[]; opened: OpenedValues } {
    const steps = openSealedValues(ss, options);
    const asked: string[] = [];
    let step = steps.next();
    while (!step.done) {
      const { key, wrapped, label } = step.value;
      asked.push(key.fingerprint);
      step = steps.next(rsaUnwrap(key.privateKey, wrapped, label));
    }
    return { asked, opened: step.value };
  }

  it("stops at the first value no key opens: later values cost no RSA operation", () => {
    const ss = sealedWith(keys[0]!, { a: "1", b: "2", c: "3" });
    const held = keys.slice(0, 3).map((t) => t.key);
    // A foreign wrapped key at or above every held modulus fails the cheap pre-check (no RSA
    // operation at all, tested below); this test wants foreign values that pass it, so it reseals
    // until both do (the wrapped blocks are random: a few tries at most).
    const passesPrecheck = (value: string): boolean =>
      held.some((key) => Buffer.compare(wrappedBlock(value), Buffer.from(key.modulus)) < 0);
    let foreign = sealedWith(keys[3]!, { x: "1", y: "2" });
    for (let i = 0; i < 100; i++) {
      if (
        passesPrecheck(foreign.spec.encryptedData.x!) &&
        passesPrecheck(foreign.spec.encryptedData.y!)
      )
        break;
      foreign = sealedWith(keys[3]!, { x: "1", y: "2" });
    }
    ss.spec.encryptedData.b = foreign.spec.encryptedData.x!;
    ss.spec.encryptedData.c = foreign.spec.encryptedData.y!;
    const { asked, opened } = drive(ss, { keys: held, acceptDeprecatedV1Data: false });
    const blockB = wrappedBlock(ss.spec.encryptedData.b);
    const mayOpenB = held.filter((key) => Buffer.compare(blockB, Buffer.from(key.modulus)) < 0);
    // `a` opens with the first key tried; `b` is tried with every key that may have wrapped it.
    expect(asked).toEqual([held[0]!.fingerprint, ...mayOpenB.map((key) => key.fingerprint)]);
    expect(opened.errors).toEqual([
      { key: "b", code: "ERR_DECRYPT", message: "no key could decrypt secret" },
    ]);
    expect(opened.rsaOperations).toBe(asked.length);
    expect(() => unsealSealedSecret(ss, { keys: held, acceptDeprecatedV1Data: false })).toThrow(
      /^no key could decrypt secret \(b\)$/,
    );
  });

  it.each<[string, (ss: SealedSecret) => void, string, string]>([
    [
      "not base64",
      (ss) => (ss.spec.encryptedData.c = "not base64!"),
      "ERR_BASE64",
      "illegal base64 data",
    ],
    [
      "too short",
      (ss) => (ss.spec.encryptedData.c = "AAAA"),
      "ERR_DECRYPT",
      "no key could decrypt secret",
    ],
    [
      "wrapped for another key size",
      (ss) => (ss.spec.encryptedData.c = Buffer.alloc(600, 1).toString("base64")),
      "ERR_DECRYPT",
      "no key could decrypt secret",
    ],
  ])("fails a value that is %s before any RSA operation", (_, spoil, code, message) => {
    const ss = sealedWith(keys[0]!, { a: "1", b: "2", c: "3" });
    spoil(ss);
    const { asked, opened } = drive(ss, {
      keys: keys.map((t) => t.key),
      acceptDeprecatedV1Data: false,
    });
    expect(asked).toEqual([]);
    expect(opened.errors).toEqual([{ key: "c", code, message: expect.stringContaining(message) }]);
  });

  it("fails with ERR_UNSEAL_BUDGET instead of spending more than the budget", () => {
    const ss = sealedWith(keys[3]!, { a: "1", b: "2" });
    const options = { keys: keys.map((t) => t.key), acceptDeprecatedV1Data: false };
    const needed = unsealSealedSecret(ss, options).rsaOperations;
    expect(unsealSealedSecret(ss, { ...options, maxRsaOperations: needed }).rsaOperations).toBe(
      needed,
    );
    expect(() => unsealSealedSecret(ss, { ...options, maxRsaOperations: needed - 1 })).toThrow(
      expect.objectContaining({ code: "ERR_UNSEAL_BUDGET" }),
    );
  });

  it.each([
    [1, 12, 12],
    [2, 12, 24],
    [3, 12, 26],
    [2000, 12, 4020],
    [0, 5, 5],
  ])("budgets %i values with %i keys at %i RSA operations", (items, keyCount, budget) => {
    expect(rsaBudget(items, keyCount)).toBe(budget);
  });

  // Which wrong keys are tried depends on the random keys (a key is skipped when the wrapped block
  // is not below its modulus), so the worst case, the second key tried last, is not forced here.
  it("fits any object sealed with two keys in turn within the budget", () => {
    const a = sealedWith(keys[2]!, { k0: "0", k2: "2", k4: "4" });
    const b = sealedWith(keys[3]!, { k1: "1", k3: "3", k5: "5" });
    const ss = {
      ...a,
      spec: { ...a.spec, encryptedData: { ...a.spec.encryptedData, ...b.spec.encryptedData } },
    };
    const all = keys.map((t) => t.key);
    const result = unsealSealedSecret(ss, {
      keys: all,
      acceptDeprecatedV1Data: false,
      maxRsaOperations: rsaBudget(6, all.length),
    });
    expect(Object.keys(result.secret.data ?? {})).toHaveLength(6);
  });

  it("builds the Secret from values opened ahead by the caller", () => {
    const ss = sealedWith(keys[0]!, { a: "1" });
    const options = { keys: [keys[0]!.key], acceptDeprecatedV1Data: false };
    const { opened } = drive(ss, options);
    let calls = 0;
    const result = unsealSealedSecret(ss, {
      keys: [],
      acceptDeprecatedV1Data: false,
      opened: () => (calls++, opened),
    });
    expect(calls).toBe(1);
    expect(result.secret.data).toEqual({ a: b64("1") });
    expect(result.rsaOperations).toBe(1);
  });
});
