import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";

import { isSignetError, isTemplateErrorCode, SignetError, UnsealError } from "./errors.js";
import type { SignetErrorCode, UnsealItemError } from "./errors.js";
import { hybridEncrypt } from "./crypto/hybrid.js";
import type { SealedSecret } from "./model.js";
import { sealSecret } from "./seal.js";
import { renderTemplates } from "./template/index.js";
import { makeTestKey, TEST_NOW } from "./test-support/keys.js";
import type { TestKey } from "./test-support/keys.js";
import { unsealSealedSecret } from "./unseal.js";
import type { UnsealOptions } from "./unseal.js";

// An unseal failure says which item failed how (key and code), so callers branch on codes, never
// on message text; the message users see is the one they always saw.

const PLAINTEXT = "hunter2-plaintext";
const b64 = (s: string): string => Buffer.from(s).toString("base64");

let k: TestKey;
let other: TestKey;
beforeAll(async () => {
  [k, other] = await Promise.all([makeTestKey(), makeTestKey()]);
});

function sealed(items: Record<string, string> = { foo: PLAINTEXT }): SealedSecret {
  return sealSecret(
    {
      metadata: { name: "myname", namespace: "myns" },
      data: Object.fromEntries(Object.entries(items).map(([n, v]) => [n, b64(v)])),
    },
    { certificate: k.certificate, random: randomBytes },
  );
}

function v1(json: string): SealedSecret {
  const blob = hybridEncrypt(
    k.certificate.publicKey,
    Buffer.from(json),
    Buffer.alloc(0),
    randomBytes,
  );
  return {
    metadata: {
      name: "myname",
      namespace: "myns",
      annotations: { "sealedsecrets.bitnami.com/cluster-wide": "true" },
    },
    spec: { data: blob.toString("base64"), encryptedData: {} },
  };
}

const engine: UnsealOptions["renderTemplates"] = (templates, values) =>
  renderTemplates(templates, values, { now: () => TEST_NOW });

/** What unsealing `ss` threw. */
function failureOf(ss: SealedSecret, options: Partial<UnsealOptions> = {}): unknown {
  try {
    unsealSealedSecret(ss, { keys: [k.key], acceptDeprecatedV1Data: true, ...options });
  } catch (err) {
    return err;
  }
  throw new Error("unsealed");
}

/** Options are thunks: the keys exist only once `beforeAll` ran. */
type Options = () => Partial<UnsealOptions>;
const OWN_KEY: Options = () => ({});
const OTHER_KEY: Options = () => ({ keys: [other.key] });
const WITH_ENGINE: Options = () => ({ renderTemplates: engine });

type Case = [
  string,
  () => SealedSecret,
  Options,
  [string, Pick<UnsealItemError, "key" | "code">[]],
];

describe("unseal error details", () => {
  it.each<Case>([
    [
      "a value sealed for another key",
      () => sealed(),
      OTHER_KEY,
      ["no key could decrypt secret (foo)", [{ key: "foo", code: "ERR_DECRYPT" }]],
    ],
    [
      "a value that is not base64",
      () => ({ ...sealed(), spec: { encryptedData: { foo: "ab!d" } } }),
      OWN_KEY,
      ["illegal base64 data at input byte 2 (foo)", [{ key: "foo", code: "ERR_BASE64" }]],
    ],
    [
      "a value not base64 and one too short",
      () => ({ ...sealed(), spec: { encryptedData: { a: "!!!!", b: "AAAA" } } }),
      OWN_KEY,
      [
        "illegal base64 data at input byte 0 (a)\nno key could decrypt secret (b)",
        [
          { key: "a", code: "ERR_BASE64" },
          { key: "b", code: "ERR_DECRYPT" },
        ],
      ],
    ],
    [
      "a template that does not parse",
      () => {
        const ss = sealed();
        ss.spec.template = { ...ss.spec.template, data: { cfg: "{{ .foo " } };
        return ss;
      },
      WITH_ENGINE,
      ["template: cfg:1: unclosed action (cfg)", [{ key: "cfg", code: "ERR_TEMPLATE_PARSE" }]],
    ],
    [
      "template data without a template engine",
      () => {
        const ss = sealed();
        ss.spec.template = { ...ss.spec.template, data: { cfg: "{{ .foo }}" } };
        return ss;
      },
      OWN_KEY,
      [
        "spec.template.data is not supported by this build (cfg)",
        [{ key: "cfg", code: "ERR_TEMPLATE_REFUSED" }],
      ],
    ],
    [
      "a legacy spec.data blob for another key",
      () => v1("{}"),
      OTHER_KEY,
      ["no key could decrypt secret", [{ key: "data", code: "ERR_DECRYPT" }]],
    ],
  ])(
    "%s: the message users saw, and each item's key and code",
    (_, make, options, [message, items]) => {
      const err = failureOf(make(), options());
      expect(err).toBeInstanceOf(UnsealError);
      expect(err).toMatchObject({ code: "ERR_UNSEAL", message });
      expect((err as UnsealError).items.map(({ key, code }) => ({ key, code }))).toEqual(items);
    },
  );

  it.each<[string, () => SealedSecret, Partial<UnsealOptions>, SignetErrorCode]>([
    ["a legacy blob that is no JSON Secret", () => v1("not json"), {}, "ERR_UNSEAL"],
    ["more RSA work than the budget", () => sealed(), { maxRsaOperations: 0 }, "ERR_UNSEAL_BUDGET"],
    [
      "a refused legacy blob",
      () => v1("{}"),
      { acceptDeprecatedV1Data: false },
      "ERR_DEPRECATED_V1",
    ],
  ])("has no item details for %s (the whole object failed)", (_, make, options, code) => {
    const err = failureOf(make(), options);
    expect(isSignetError(err, code)).toBe(true);
    expect(err).not.toBeInstanceOf(UnsealError);
  });

  it("names no sealing key and quotes no value in its details", () => {
    const ss = sealed({ foo: PLAINTEXT, bar: PLAINTEXT });
    ss.spec.template = { ...ss.spec.template, data: { cfg: `{{ fail .foo }}` } };
    for (const keys of [[other.key], [k.key]]) {
      const err = failureOf(ss, { keys, renderTemplates: engine }) as UnsealError;
      const shown = JSON.stringify({ message: err.message, items: err.items });
      for (const secret of [
        PLAINTEXT,
        b64(PLAINTEXT),
        k.key.fingerprint,
        other.key.fingerprint,
        k.certificate.fingerprint,
      ]) {
        expect(shown).not.toContain(secret);
      }
    }
  });

  it("keeps its own copy of the items", () => {
    const items: UnsealItemError[] = [{ key: "a", code: "ERR_DECRYPT", message: "m" }];
    const err = new UnsealError(items);
    items[0]!.key = "b";
    expect(err.items).toEqual([{ key: "a", code: "ERR_DECRYPT", message: "m" }]);
    expect(err.message).toBe("m (a)");
    expect(Object.isFrozen(err.items[0])).toBe(true);
  });
});

describe("isTemplateErrorCode", () => {
  it.each<[SignetErrorCode, boolean]>([
    ["ERR_TEMPLATE_PARSE", true],
    ["ERR_TEMPLATE_EXEC", true],
    ["ERR_TEMPLATE_BUDGET", true],
    ["ERR_TEMPLATE_REFUSED", true],
    ["ERR_DECRYPT", false],
    ["ERR_BASE64", false],
    ["ERR_UNSEAL", false],
    ["ERR_INVALID_INPUT", false],
  ])("%s: %s", (code, expected) => {
    expect(isTemplateErrorCode(code)).toBe(expected);
    expect(new SignetError(code, "x").code).toBe(code);
  });
});
