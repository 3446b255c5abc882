import { beforeAll, describe, expect, it } from "vitest";

import { SignetError } from "@signet/core";
import type {
  OpenedValues,
  SealedSecret,
  Secret,
  SignetErrorCode,
  TemplateRenderer,
} from "@signet/core";

import { b64, sealed, sealedV1, sealingKey, withChanges } from "../test-support/sealed.js";
import type { SealedFixture, TestSealingKey } from "../test-support/sealed.js";
import { decide, shouldDeleteOrphan } from "./decide.js";
import type { Decision, DecideOptions } from "./decide.js";

const MANAGED = "sealedsecrets.bitnami.com/managed";
const PATCH = "sealedsecrets.bitnami.com/patch";
const SKIP_OWNER = "sealedsecrets.bitnami.com/skip-set-owner-references";
const UNSEALED_FROM = "signet.dev/unsealed-from";
const CLUSTER_WIDE = "sealedsecrets.bitnami.com/cluster-wide";
const NAMESPACE_WIDE = "sealedsecrets.bitnami.com/namespace-wide";
const OWNER = {
  apiVersion: "bitnami.com/v1alpha1",
  kind: "SealedSecret",
  name: "mysecret",
  uid: "uid-1",
  controller: true,
};

let key: TestSealingKey;
let other: TestSealingKey;
let third: TestSealingKey;

beforeAll(async () => {
  [key, other, third] = await Promise.all([sealingKey(), sealingKey(), sealingKey()]);
});

const opts = (over: Partial<DecideOptions> = {}): DecideOptions => ({
  keys: [key.key],
  preferred: [],
  acceptDeprecatedV1Data: true,
  renderTemplates: undefined,
  allowPrivilegedSecretTypes: false,
  keyGuard: { namespace: "kube-system", keyPrefix: "sealed-secrets-key" },
  ...over,
});

const foo = (
  over: Parameters<typeof sealed>[1] extends infer F ? Partial<F> : never = {},
): SealedSecret => sealed(key, { data: { foo: "bar" }, labels: { app: "web" }, ...over });

/** A live Secret in myns/mysecret. */
const live = (
  over: Partial<Secret> & {
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    owned?: boolean;
  } = {},
): Secret => {
  const { annotations, labels, owned, ...rest } = over;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: "mysecret",
      namespace: "myns",
      resourceVersion: "7",
      ...(annotations && { annotations }),
      ...(labels && { labels }),
      ...(owned && { ownerReferences: [OWNER] }),
    },
    type: "Opaque",
    data: { foo: b64("bar") },
    ...rest,
  };
};

const written = (d: Decision): Secret => {
  if (d.action !== "create" && d.action !== "update")
    throw new Error(`expected a write, got ${d.action}`);
  return d.secret;
};

const failure = (d: Decision) => {
  if (d.action !== "fail") throw new Error(`expected a failure, got ${d.action}`);
  return d.failure;
};

describe("reconcile decision: creating", () => {
  it("creates the Secret with the data, the template label and one controller owner reference", () => {
    const d = decide(foo(), undefined, opts());
    expect(d.action).toBe("create");
    expect(written(d)).toMatchObject({
      metadata: {
        name: "mysecret",
        namespace: "myns",
        labels: { app: "web" },
        ownerReferences: [OWNER],
      },
      data: { foo: b64("bar") },
    });
  });

  it("records the fingerprint of the key that opened the object", () => {
    const d = decide(foo(), undefined, opts({ keys: [other.key, key.key] }));
    expect(d.action === "create" && d.opened.keyFingerprint).toBe(key.key.fingerprint);
  });

  it("tries the recorded key first, so many renewed keys cost one RSA operation per value", () => {
    const ss = sealed(key, { data: { a: "1", b: "2", c: "3" } });
    const d = decide(
      ss,
      undefined,
      opts({ keys: [other.key, third.key, key.key], preferred: [key.key.fingerprint] }),
    );
    expect(d.action === "create" && d.opened.rsaOperations).toBe(3);
  });

  it("gives a renamed encrypted item its old value under the new name", () => {
    const ss = foo();
    ss.spec.encryptedData = { renamed: ss.spec.encryptedData["foo"]! };
    expect(written(decide(ss, undefined, opts())).data).toEqual({ renamed: b64("bar") });
  });

  it("unseals an appended item sealed separately with the strict label", () => {
    const ss = foo();
    ss.spec.encryptedData["more"] = sealed(key, { data: { more: "x" } }).spec.encryptedData[
      "more"
    ]!;
    expect(written(decide(ss, undefined, opts())).data).toEqual({
      foo: b64("bar"),
      more: b64("x"),
    });
  });

  it("writes a custom type such as kubernetes.io/dockerconfigjson", () => {
    const ss = sealed(key, {
      data: { ".dockerconfigjson": "{}" },
      type: "kubernetes.io/dockerconfigjson",
    });
    expect(written(decide(ss, undefined, opts()))).toMatchObject({
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": b64("{}") },
    });
  });

  it("creates an immutable Secret when the template says so", () => {
    const ss = withChanges(foo(), { template: { immutable: true } });
    expect(written(decide(ss, undefined, opts())).immutable).toBe(true);
  });

  it("sets no owner reference with skip-set-owner-references, but marks the Secret as produced", () => {
    const ss = foo({ annotations: { [SKIP_OWNER]: "true" } });
    const secret = written(decide(ss, undefined, opts()));
    expect(secret.metadata?.ownerReferences).toBeUndefined();
    expect(secret.metadata?.annotations).toEqual({
      [SKIP_OWNER]: "true",
      [UNSEALED_FROM]: "uid-1",
    });
  });

  it.each<[string, Record<string, string>, Record<string, string> | undefined]>([
    ["owned", { [UNSEALED_FROM]: "forged", note: "n" }, { note: "n" }],
    [
      "not owned",
      { [UNSEALED_FROM]: "forged", [SKIP_OWNER]: "true" },
      { [SKIP_OWNER]: "true", [UNSEALED_FROM]: "uid-1" },
    ],
  ])(
    "never takes the produced-by marker from a template (%s Secret)",
    (_, annotations, expected) => {
      const ss = foo({ annotations });
      expect(written(decide(ss, undefined, opts())).metadata?.annotations).toEqual(expected);
    },
  );
});

describe("reconcile decision: legacy spec.data", () => {
  it("fails a strict v1 object renamed away from the name it was sealed for", () => {
    const v1 = sealedV1(key, { metadata: { name: "other", namespace: "myns" }, data: {} });
    v1.metadata.name = "mysecret";
    expect(failure(decide(v1, undefined, opts())).reason).toBe("NoMatchingKey");
  });

  it("creates the Secret a v1 object holds", () => {
    const v1 = sealedV1(key, {
      metadata: { name: "mysecret", namespace: "myns", labels: { app: "v1" } },
      data: { foo: b64("bar") },
    });
    expect(written(decide(v1, undefined, opts()))).toMatchObject({
      metadata: {
        name: "mysecret",
        namespace: "myns",
        labels: { app: "v1" },
        ownerReferences: [OWNER],
      },
      data: { foo: b64("bar") },
    });
  });
});

describe("reconcile decision: scopes", () => {
  it.each<
    [string, Record<string, string> | undefined, { name?: string; namespace?: string }, boolean]
  >([
    ["strict, renamed", undefined, { name: "other" }, false],
    ["strict, moved", undefined, { namespace: "otherns" }, false],
    ["cluster-wide, renamed", { [CLUSTER_WIDE]: "true" }, { name: "other" }, true],
    ["cluster-wide, moved", { [CLUSTER_WIDE]: "true" }, { namespace: "otherns" }, true],
    ["namespace-wide, renamed", { [NAMESPACE_WIDE]: "true" }, { name: "other" }, true],
    ["namespace-wide, moved", { [NAMESPACE_WIDE]: "true" }, { namespace: "otherns" }, false],
  ])("%s: unseals = %s", (_, annotations, move, ok) => {
    const ss = withChanges(foo(annotations ? { annotations } : {}), move);
    const d = decide(ss, undefined, opts());
    expect(d.action).toBe(ok ? "create" : "fail");
    if (!ok)
      expect(failure(d)).toMatchObject({ event: "ErrUnsealFailed", reason: "NoMatchingKey" });
  });

  it("fails to unseal when the object's scope annotation is flipped to false", () => {
    const ss = foo({ annotations: { [CLUSTER_WIDE]: "true" } });
    ss.metadata.annotations![CLUSTER_WIDE] = "false";
    expect(failure(decide(ss, undefined, opts())).reason).toBe("NoMatchingKey");
  });
});

describe("reconcile decision: unseal failures", () => {
  it("reports a wrong key with the reference's event text and reason", () => {
    expect(failure(decide(foo(), undefined, opts({ keys: [other.key] })))).toEqual({
      event: "ErrUnsealFailed",
      eventMessage: "Failed to unseal: no key could decrypt secret (foo)",
      statusMessage: "no key could decrypt secret (foo)",
      reason: "NoMatchingKey",
      metric: "unseal",
      retry: "on-change",
    });
  });

  it("reports invalid base64 with the item key and without attempting decryption", () => {
    const ss = foo();
    ss.spec.encryptedData["foo"] = "!!!";
    const f = failure(decide(ss, undefined, opts()));
    expect(f).toMatchObject({
      reason: "InvalidCiphertext",
      statusMessage: expect.stringContaining("(foo)"),
    });
    expect(f.statusMessage).not.toContain("decrypt");
  });

  it.each<[string, boolean, string]>([
    ["refuses legacy spec.data when not accepted", false, "deprecated"],
    ["refuses spec.data next to encryptedData", true, "at the same time"],
  ])("%s", (_, accept, text) => {
    const ss = foo();
    ss.spec.data = "";
    const f = failure(decide(ss, undefined, opts({ acceptDeprecatedV1Data: accept })));
    expect(f).toMatchObject({
      reason: "DeprecatedFormat",
      statusMessage: expect.stringContaining(text),
    });
  });

  it("fails objects with template data clearly while no template engine is wired", () => {
    const ss = withChanges(foo(), { template: { data: { cfg: "{{ .foo }}" } } });
    expect(failure(decide(ss, undefined, opts()))).toMatchObject({
      reason: "TemplateError",
      statusMessage: expect.stringContaining("(cfg)"),
    });
  });

  it("renders template data with the engine port", () => {
    const render: TemplateRenderer = (templates, values) => ({
      data: Object.fromEntries(
        Object.keys(templates).map((k) => [
          k,
          Buffer.from(`secret ${Buffer.from(values["foo"]!).toString()} !`),
        ]),
      ),
      failures: [],
    });
    const ss = withChanges(foo(), { template: { data: { out: "secret {{ .foo }} !" } } });
    expect(written(decide(ss, undefined, opts({ renderTemplates: render }))).data).toEqual({
      foo: b64("bar"),
      out: b64("secret bar !"),
    });
  });
});

describe("reconcile decision: privileged Secret types", () => {
  it.each(["kubernetes.io/service-account-token", "bootstrap.kubernetes.io/token"])(
    "refuses a template of type %s without needing a ciphertext",
    (type) => {
      const ss = withChanges(foo(), { template: { type } });
      ss.spec.encryptedData = {};
      expect(failure(decide(ss, undefined, opts()))).toMatchObject({
        event: "ErrUnsealFailed",
        reason: "PolicyRejected",
        retry: "on-change",
        statusMessage: expect.stringContaining("--allow-privileged-secret-types"),
      });
    },
  );

  it("refuses them inside a legacy spec.data Secret too", () => {
    const v1 = sealedV1(key, {
      metadata: { name: "mysecret", namespace: "myns" },
      type: "kubernetes.io/service-account-token",
      data: {},
    });
    expect(failure(decide(v1, undefined, opts())).reason).toBe("PolicyRejected");
  });

  it("allows them when the administrator set the flag", () => {
    const ss = withChanges(foo(), { template: { type: "kubernetes.io/service-account-token" } });
    expect(decide(ss, undefined, opts({ allowPrivilegedSecretTypes: true })).action).toBe("create");
  });
});

describe("reconcile decision: existing Secrets", () => {
  it("does nothing when the owned Secret already matches", () => {
    const existing = live({ owned: true, labels: { app: "web" } });
    expect(decide(foo(), existing, opts()).action).toBe("none");
  });

  it("updates the owned Secret when the SealedSecret changed, keeping its resourceVersion", () => {
    const ss = sealed(key, { data: { foo: "new" }, labels: { app: "web" } });
    const d = decide(ss, live({ owned: true, labels: { app: "web" } }), opts());
    expect(d).toMatchObject({ action: "update", mode: "replace" });
    expect(written(d)).toMatchObject({
      data: { foo: b64("new") },
      metadata: { resourceVersion: "7" },
    });
  });

  it("repairs drift: a hand-edited owned Secret is written back", () => {
    const existing = live({ owned: true, labels: { app: "web" }, data: { foo: b64("edited") } });
    expect(written(decide(foo(), existing, opts())).data).toEqual({ foo: b64("bar") });
  });

  it.each<[string, Record<string, string> | undefined]>([
    ["no annotation", undefined],
    ["managed TRUE (not exactly true)", { [MANAGED]: "TRUE" }],
    ["patch false", { [PATCH]: "false" }],
  ])("refuses an unowned Secret with %s", (_, annotations) => {
    expect(failure(decide(foo(), live(annotations ? { annotations } : {}), opts()))).toEqual({
      event: "ErrUpdateFailed",
      eventMessage: 'Resource "mysecret" already exists and is not managed by SealedSecret',
      statusMessage:
        'failed update: Resource "mysecret" already exists and is not managed by SealedSecret',
      reason: "SecretNotOwned",
      metric: "unmanaged",
      retry: "backoff",
    });
  });

  it("refuses a Secret owned by another SealedSecret (a new UID after delete and re-create)", () => {
    const ss = foo({ uid: "uid-2" });
    expect(failure(decide(ss, live({ owned: true }), opts())).reason).toBe("SecretNotOwned");
  });

  it("takes over a managed Secret: owner set, data replaced, annotations dropped, labels replaced", () => {
    const existing = live({
      annotations: { [MANAGED]: "true", note: "x" },
      labels: { old: "1" },
      data: { foo: b64("old"), extra: b64("e") },
    });
    const d = decide(foo(), existing, opts());
    expect(d).toMatchObject({ action: "update", mode: "replace" });
    const s = written(d);
    expect(s.metadata?.ownerReferences).toEqual([OWNER]);
    expect(s.data).toEqual({ foo: b64("bar") });
    expect(s.metadata?.annotations).toBeUndefined();
    expect(s.metadata?.labels).toEqual({ app: "web" });
  });

  it("managed + patch: owner set, data merged, annotations kept, labels merged", () => {
    const existing = live({
      annotations: { [MANAGED]: "true", [PATCH]: "true", note: "x" },
      labels: { old: "1" },
      data: { foo: b64("old"), extra: b64("e") },
    });
    const d = decide(foo(), existing, opts());
    expect(d).toMatchObject({ action: "update", mode: "patch" });
    const s = written(d);
    expect(s.metadata?.ownerReferences).toEqual([OWNER]);
    expect(s.data).toEqual({ foo: b64("bar"), extra: b64("e") });
    expect(s.metadata?.annotations).toEqual({ [MANAGED]: "true", [PATCH]: "true", note: "x" });
    expect(s.metadata?.labels).toEqual({ old: "1", app: "web" });
  });

  it("patch only: no owner reference, data and labels merged, annotations kept", () => {
    const existing = live({
      annotations: { [PATCH]: "true" },
      labels: { old: "1" },
      data: { extra: b64("e") },
    });
    const s = written(decide(foo(), existing, opts()));
    expect(s.metadata?.ownerReferences).toBeUndefined();
    expect(s.data).toEqual({ foo: b64("bar"), extra: b64("e") });
    expect(s.metadata?.labels).toEqual({ old: "1", app: "web" });
    expect(s.metadata?.annotations).toEqual({ [PATCH]: "true" });
  });

  it.each<[string, Record<string, string>, Record<string, string>]>([
    ["patch only: the foreign Secret never receives", { [PATCH]: "true" }, { [PATCH]: "true" }],
    [
      "managed + patch: the Secret taken over without owner reference receives",
      { [PATCH]: "true", [MANAGED]: "true" },
      { [PATCH]: "true", [MANAGED]: "true", [UNSEALED_FROM]: "uid-1" },
    ],
  ])("with skip-set-owner-references, %s the produced-by marker", (_, annotations, expected) => {
    const ss = foo({ annotations: { [SKIP_OWNER]: "true" } });
    const s = written(decide(ss, live({ annotations }), opts()));
    expect(s.metadata?.annotations).toEqual({ ...expected, [SKIP_OWNER]: "true" });
  });

  it("patch on an empty Secret (no data, no labels) fills both and takes no ownership", () => {
    const existing = live({ annotations: { [PATCH]: "true" } });
    delete existing.data;
    const s = written(decide(foo(), existing, opts()));
    expect(s.data).toEqual({ foo: b64("bar") });
    expect(s.metadata?.labels).toEqual({ app: "web" });
    expect(s.metadata?.ownerReferences).toBeUndefined();
  });

  it("refuses to change the data of an immutable Secret, with the reference's text", () => {
    const ss = sealed(key, { data: { foo: "new" }, labels: { app: "web" } });
    const f = failure(
      decide(ss, live({ owned: true, labels: { app: "web" }, immutable: true }), opts()),
    );
    expect(f).toMatchObject({
      event: "ErrUpdateFailed",
      reason: "ImmutableConflict",
      retry: "on-change",
    });
    expect(f.eventMessage).toContain("the target Secret is immutable");
    expect(f.eventMessage).toMatch(/^Error updating myns\/mysecret: /);
    expect(f.statusMessage).toBe(f.eventMessage);
  });

  it("leaves an unchanged immutable Secret alone", () => {
    const existing = live({ owned: true, labels: { app: "web" }, immutable: true });
    expect(decide(foo(), existing, opts()).action).toBe("none");
  });

  it("refuses to change the type of a live Secret", () => {
    const ss = withChanges(foo(), { template: { type: "kubernetes.io/tls" } });
    const f = failure(decide(ss, live({ owned: true, labels: { app: "web" } }), opts()));
    expect(f).toMatchObject({
      reason: "TypeConflict",
      statusMessage:
        'Secret "mysecret" is invalid: type: Invalid value: "kubernetes.io/tls": field is immutable',
    });
    expect(f.eventMessage).toBe(f.statusMessage);
  });
});

describe("reconcile decision: failure reasons from error codes", () => {
  /** A template engine whose every template fails with `code` and `message`. */
  const failing =
    (code: SignetErrorCode, message: string): TemplateRenderer =>
    (templates) => ({
      data: {},
      failures: Object.keys(templates).map((k) => ({ key: k, code, message })),
    });
  const templated = (): SealedSecret =>
    withChanges(foo(), { template: { data: { cfg: "{{ .foo }}" } } });
  const spoiled = (items: Record<string, string>, base = templated): SealedSecret => {
    const ss = base();
    Object.assign(ss.spec.encryptedData, items);
    return ss;
  };
  const openedAs = (values: OpenedValues["values"]) => (): OpenedValues => ({
    values,
    errors: [],
    openedWith: [],
    rsaOperations: 1,
  });

  it.each<[string, () => SealedSecret, Partial<DecideOptions>, [string, string]]>([
    [
      "a template failure whose text has no 'template' in it",
      templated,
      { renderTemplates: failing("ERR_TEMPLATE_EXEC", "boom") },
      ["TemplateError", "boom (cfg)"],
    ],
    [
      "a template failure whose text reads like a missing key",
      templated,
      { renderTemplates: failing("ERR_TEMPLATE_EXEC", "no key could decrypt secret") },
      ["TemplateError", "no key could decrypt secret (cfg)"],
    ],
    [
      "a template failure whose text reads like bad base64",
      templated,
      { renderTemplates: failing("ERR_TEMPLATE_PARSE", "illegal base64 data") },
      ["TemplateError", "illegal base64 data (cfg)"],
    ],
    [
      "a value no key opens next to a failed template",
      () => spoiled({ foo: "AAAA" }),
      { renderTemplates: failing("ERR_TEMPLATE_EXEC", "template: cfg: x") },
      ["NoMatchingKey", "no key could decrypt secret (foo)\ntemplate: cfg: x (cfg)"],
    ],
    [
      "a value that is not base64 next to a failed template",
      () => spoiled({ foo: "!!!!" }),
      { renderTemplates: failing("ERR_TEMPLATE_EXEC", "template: cfg: x") },
      ["InvalidCiphertext", "illegal base64 data at input byte 0 (foo)\ntemplate: cfg: x (cfg)"],
    ],
    [
      "a value that is not base64 next to one no key opens",
      () => spoiled({ foo: "!!!!", zzz: "AAAA" }, foo),
      {},
      [
        "NoMatchingKey",
        "illegal base64 data at input byte 0 (foo)\nno key could decrypt secret (zzz)",
      ],
    ],
    [
      "an object over its RSA budget",
      foo,
      {
        opened: () => {
          throw new SignetError("ERR_UNSEAL_BUDGET", "unsealing needs more than 1 RSA operations");
        },
      },
      ["UnsealFailed", "unsealing needs more than 1 RSA operations"],
    ],
    [
      "a legacy blob that holds no JSON Secret",
      () => sealedV1(key, { metadata: { name: "mysecret", namespace: "myns" } }),
      { opened: openedAs({ data: Buffer.from("not json") }) },
      ["UnsealFailed", "sealed v1 data does not hold a JSON Secret"],
    ],
  ])("classifies %s by its codes", (_, make, over, [reason, statusMessage]) => {
    expect(failure(decide(make(), undefined, opts(over)))).toMatchObject({
      reason,
      statusMessage,
      eventMessage: `Failed to unseal: ${statusMessage}`,
    });
  });
});

describe("reconcile decision: no leaks", () => {
  const PLAINTEXT = "hunter2-very-secret";
  const forms = [PLAINTEXT, b64(PLAINTEXT), Buffer.from(PLAINTEXT).toString("hex")];

  it.each(forms)("never puts a value quoted by a failing template (%s) in a message", (form) => {
    const leaky: TemplateRenderer = (templates) => ({
      data: {},
      failures: Object.keys(templates).map((k) => ({
        key: k,
        code: "ERR_TEMPLATE_EXEC" as const,
        message: `fail: ${form}`,
      })),
    });
    const ss = withChanges(sealed(key, { data: { password: PLAINTEXT } }), {
      template: { data: { x: "{{ fail .password }}" } },
    });
    const f = failure(decide(ss, undefined, opts({ renderTemplates: leaky })));
    for (const text of [f.eventMessage, f.statusMessage, JSON.stringify(f)]) {
      for (const leaked of forms) expect(text).not.toContain(leaked);
    }
    expect(f.reason).toBe("TemplateError");
  });

  it("never quotes a value in the ownership, immutable or key failures", () => {
    const ss = sealed(key, { data: { password: PLAINTEXT } });
    const failures = [
      decide(ss, live({ data: { password: b64(PLAINTEXT) } }), opts()),
      decide(ss, undefined, opts({ keys: [other.key] })),
    ].map((d) => JSON.stringify(failure(d)));
    for (const text of failures) for (const leaked of forms) expect(text).not.toContain(leaked);
  });
});

describe("deleted SealedSecrets (--old-gc-behavior)", () => {
  const sealedSecretOwner = (over: Record<string, unknown> = {}) => ({ ...OWNER, ...over });
  it.each<[string, Secret | undefined, boolean]>([
    ["the Secret the SealedSecret produced", live({ owned: true }), true],
    [
      "the Secret produced by an earlier SealedSecret of that name (another uid)",
      live({
        metadata: { name: "mysecret", ownerReferences: [sealedSecretOwner({ uid: "old" })] },
      }),
      true,
    ],
    ["no Secret", undefined, false],
    ["an unmanaged Secret of the same name", live(), false],
    ["a `managed` Secret not yet taken over", live({ annotations: { [MANAGED]: "true" } }), false],
    ["a `patch` Secret (never owned)", live({ annotations: { [PATCH]: "true" } }), false],
    [
      "a sealing key Secret of the same name",
      live({
        type: "kubernetes.io/tls",
        labels: { "sealedsecrets.bitnami.com/sealed-secrets-key": "active" },
      }),
      false,
    ],
    [
      "a Secret owned by a SealedSecret of another name",
      live({ metadata: { name: "mysecret", ownerReferences: [sealedSecretOwner({ name: "x" })] } }),
      false,
    ],
    [
      "a Secret merely referencing the SealedSecret (not as controller)",
      live({
        metadata: { name: "mysecret", ownerReferences: [sealedSecretOwner({ controller: false })] },
      }),
      false,
    ],
    [
      "a Secret owned by another kind of that name",
      live({
        metadata: { name: "mysecret", ownerReferences: [sealedSecretOwner({ kind: "Job" })] },
      }),
      false,
    ],
    [
      "a Secret produced without owner reference (the controller's marker)",
      live({ annotations: { [UNSEALED_FROM]: "u" } }),
      true,
    ],
  ])("deletes %s: %s", (_, existing, del) => {
    expect(shouldDeleteOrphan(existing, "mysecret")).toBe(del);
  });
});

describe("reconcile decision: sealing keys are never planted", () => {
  const LABEL = "sealedsecrets.bitnami.com/sealed-secrets-key";
  const guard = (namespace = "myns") => ({
    keyGuard: { namespace, keyPrefix: "sealed-secrets-key" },
  });
  const refusedAsKey = (d: Decision) =>
    expect(failure(d)).toMatchObject({
      event: "ErrUnsealFailed",
      reason: "PolicyRejected",
      metric: "unseal",
      retry: "on-change",
      statusMessage: expect.stringContaining("sealing key"),
    });

  it.each<[string, SealedFixture]>([
    [
      "template labels marking an active key",
      { type: "kubernetes.io/tls", labels: { [LABEL]: "active" }, data: { k: "v" } },
    ],
    ["the key label with another value", { labels: { [LABEL]: "no" }, data: { k: "v" } }],
    ["the legacy key name", { name: "sealed-secrets-key", data: { k: "v" } }],
    ["a generated key name", { name: "sealed-secrets-keyab12c", data: { k: "v" } }],
  ])("refuses, in the controller's namespace, %s", (_, fixture) => {
    refusedAsKey(decide(sealed(key, fixture), undefined, opts(guard())));
  });

  it("refuses literal template data, without any ciphertext, before unsealing", () => {
    const ss = withChanges(sealed(key, { labels: { [LABEL]: "active" }, data: { k: "v" } }), {
      template: { data: { "tls.key": "-----BEGIN RSA PRIVATE KEY-----" } },
    });
    ss.spec.encryptedData = {};
    refusedAsKey(decide(ss, undefined, opts({ ...guard(), keys: [] })));
  });

  it("refuses the key label carried by the metadata of a legacy v1 Secret", () => {
    const v1 = sealedV1(key, {
      metadata: { name: "mysecret", namespace: "myns", labels: { [LABEL]: "active" } },
      type: "kubernetes.io/tls",
      data: { "tls.crt": b64("c"), "tls.key": b64("k") },
    });
    refusedAsKey(decide(v1, undefined, opts(guard())));
  });

  it("refuses a `patch` update whose merged labels would make the live Secret a key", () => {
    const ss = sealed(key, { labels: { [LABEL]: "active" }, data: { foo: "bar" } });
    const existing = live({ annotations: { [PATCH]: "true" } });
    refusedAsKey(decide(ss, existing, opts(guard("elsewhere"))));
  });

  it("refuses to keep a live Secret that already carries the key label (patch keeps labels)", () => {
    const existing = live({ annotations: { [PATCH]: "true" }, labels: { [LABEL]: "active" } });
    refusedAsKey(decide(foo(), existing, opts(guard())));
  });

  it.each<[string, SealedFixture, boolean]>([
    ["the key label", { labels: { [LABEL]: "active" }, data: { k: "v" } }, true],
    ["the legacy key name", { name: "sealed-secrets-key", data: { k: "v" } }, true],
    ["a custom prefix's legacy name", { name: "my-keys", data: { k: "v" } }, true],
    ["a prefixed name", { name: "sealed-secrets-keyab12c", data: { k: "v" } }, false],
  ])("in another namespace refuses %s: %s", (_, fixture, refused) => {
    const d = decide(
      sealed(key, fixture),
      undefined,
      opts({ keyGuard: { namespace: "kube-system", keyPrefix: "my-keys" } }),
    );
    if (refused) refusedAsKey(d);
    else expect(d.action).toBe("create");
  });

  it("refuses names with the controller's custom prefix in its namespace", () => {
    const ss = sealed(key, { name: "my-keys-1", data: { k: "v" } });
    refusedAsKey(
      decide(ss, undefined, opts({ keyGuard: { namespace: "myns", keyPrefix: "my-keys" } })),
    );
  });

  it("writes ordinary TLS Secrets in the controller's namespace", () => {
    const ss = sealed(key, {
      name: "ingress-tls",
      type: "kubernetes.io/tls",
      labels: { app: "web" },
      data: { "tls.crt": "c", "tls.key": "k" },
    });
    expect(written(decide(ss, undefined, opts(guard()))).type).toBe("kubernetes.io/tls");
  });
});
