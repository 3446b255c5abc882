/// <reference types="node" />
// The controller's pure pieces (key Secrets, decide, status, failure detection) checked against
// the real kube-apiserver: what they write is accepted, what the API stores decides as "no
// change", and the API's refusals are the ones decide predicts. No controller process runs here.
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";

import type { SealedSecret, SealedSecretStatus, Secret } from "@signet/core";

import { waitFor } from "../../cluster/api.js";
import { api, testNamespace } from "../../cluster/testing.js";
import { decide } from "../../../packages/controller/src/reconcile/decide.js";
import type { DecideOptions, Decision } from "../../../packages/controller/src/reconcile/decide.js";
import {
  IMMUTABLE_ERROR_SUFFIX,
  writeFailure,
} from "../../../packages/controller/src/reconcile/failure.js";
import { nextStatus } from "../../../packages/controller/src/reconcile/status.js";
import {
  isActiveKeySecret,
  keyEntryFromSecret,
  keySecretManifest,
} from "../../../packages/controller/src/keys/key-secrets.js";
import { sealed, sealingKey } from "../../../packages/controller/src/test-support/sealed.js";
import type {
  SealedFixture,
  TestSealingKey,
} from "../../../packages/controller/src/test-support/sealed.js";

let key: TestSealingKey;

beforeAll(async () => {
  key = await sealingKey(2048);
});

const options = (): DecideOptions => ({
  keys: [key.key],
  preferred: [],
  acceptDeprecatedV1Data: true,
  renderTemplates: undefined,
  allowPrivilegedSecretTypes: false,
  keyGuard: { namespace: "kube-system", keyPrefix: "sealed-secrets-key" },
});

const secretsPath = (ns: string, name = ""): string =>
  `/api/v1/namespaces/${ns}/secrets${name ? `/${name}` : ""}`;
const sealedPath = (ns: string, name = ""): string =>
  `/apis/bitnami.com/v1alpha1/namespaces/${ns}/sealedsecrets${name ? `/${name}` : ""}`;

/** Creates the SealedSecret in the cluster and returns it as stored (real uid, generation). */
async function createSealed(
  ns: string,
  fixture: Omit<SealedFixture, "namespace">,
): Promise<SealedSecret> {
  const ss = sealed(key, { ...fixture, namespace: ns });
  delete ss.metadata.uid;
  delete ss.metadata.generation;
  const res = await api(sealedPath(ns), { method: "POST", body: ss });
  expect(res.status, res.body).toBe(201);
  // Leave nothing for controllers of later test files that watch all namespaces.
  onTestFinished(async () => {
    await api(sealedPath(ns), { method: "DELETE" });
  });
  return res.json as SealedSecret;
}

async function getSecret(ns: string, name: string): Promise<Secret> {
  const res = await api(secretsPath(ns, name));
  expect(res.status, res.body).toBe(200);
  return res.json as Secret;
}

/** Applies a create/update decision through the API, as the reconciler would. */
async function apply(ns: string, d: Decision): Promise<Secret> {
  if (d.action !== "create" && d.action !== "update") throw new Error(`no write: ${d.action}`);
  const name = d.secret.metadata?.name ?? "";
  const res =
    d.action === "create"
      ? await api(secretsPath(ns), { method: "POST", body: d.secret })
      : await api(secretsPath(ns, name), { method: "PUT", body: d.secret });
  expect(res.status, res.body).toBeLessThan(300);
  return res.json as Secret;
}

describe("controller pieces on the real API server", () => {
  it("writes a key Secret the reference's way: accepted, named by generateName, read back intact", async () => {
    const ns = await testNamespace("keys");
    const manifest = keySecretManifest(key, {
      namespace: ns,
      keyPrefix: "sealed-secrets-key",
      labels: { "example.com/team": "a.b" },
      annotations: { "example.com/owner": "x/y" },
    });
    const res = await api(secretsPath(ns), { method: "POST", body: manifest });
    expect(res.status, res.body).toBe(201);
    const stored = res.json as Secret;
    expect(stored.metadata?.name).toMatch(/^sealed-secrets-key[a-z0-9]{5}$/);
    expect(stored.type).toBe("kubernetes.io/tls");
    expect(isActiveKeySecret(stored, "sealed-secrets-key")).toBe(true);
    expect(keyEntryFromSecret(stored).fingerprint).toBe(key.key.fingerprint);
  });

  it.each<[string, Omit<SealedFixture, "namespace">]>([
    ["a plain Secret", { data: { foo: "bar" }, labels: { app: "web" } }],
    ["a Secret without labels", { data: { foo: "bar" } }],
    [
      "a dockerconfigjson Secret",
      { data: { ".dockerconfigjson": '{"auths":{}}' }, type: "kubernetes.io/dockerconfigjson" },
    ],
  ])("creates %s the API stores so that deciding again changes nothing", async (_, fixture) => {
    const ns = await testNamespace("decide");
    const ss = await createSealed(ns, { ...fixture, name: "s" });
    await apply(ns, decide(ss, undefined, options()));
    const live = await getSecret(ns, "s");
    expect(live.metadata?.ownerReferences).toEqual([
      {
        apiVersion: "bitnami.com/v1alpha1",
        kind: "SealedSecret",
        name: "s",
        uid: ss.metadata.uid,
        controller: true,
      },
    ]);
    expect(decide(ss, live, options()).action).toBe("none");
  });

  it.each<[string, Record<string, string>]>([
    ["managed", { "sealedsecrets.bitnami.com/managed": "true" }],
    ["patch", { "sealedsecrets.bitnami.com/patch": "true" }],
    [
      "managed + patch",
      { "sealedsecrets.bitnami.com/managed": "true", "sealedsecrets.bitnami.com/patch": "true" },
    ],
  ])(
    "takes over a %s Secret with one update that the next decision leaves alone",
    async (_, annotations) => {
      const ns = await testNamespace("takeover");
      const existing = await api(secretsPath(ns), {
        method: "POST",
        body: {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "s", annotations, labels: { old: "1" } },
          data: { extra: "ZQ==" },
        },
      });
      expect(existing.status, existing.body).toBe(201);
      const ss = await createSealed(ns, {
        name: "s",
        data: { foo: "bar" },
        labels: { app: "web" },
      });
      const d = decide(ss, existing.json as Secret, options());
      expect(d.action).toBe("update");
      await apply(ns, d);
      expect(decide(ss, await getSecret(ns, "s"), options()).action).toBe("none");
    },
  );

  it("gets the immutable refusal failure.ts detects, and decide predicts it without a PUT", async () => {
    const ns = await testNamespace("immutable");
    const ss = await createSealed(ns, { name: "s", data: { foo: "bar" } });
    ss.spec.template = { ...ss.spec.template, immutable: true };
    await apply(ns, decide(ss, undefined, options()));
    const live = await getSecret(ns, "s");
    expect(live.immutable).toBe(true);
    const res = await api(secretsPath(ns, "s"), {
      method: "PUT",
      body: { ...live, data: { foo: "Y2hhbmdlZA==" } },
    });
    expect(res.status).toBe(422);
    const message = (res.json as { message: string }).message;
    expect(message.endsWith(IMMUTABLE_ERROR_SUFFIX)).toBe(true);
    expect(writeFailure(ns, "s", message, res.status).reason).toBe("ImmutableConflict");
    const changed = sealed(key, {
      name: "s",
      namespace: ns,
      data: { foo: "changed" },
      uid: ss.metadata.uid,
    });
    changed.spec.template = { ...changed.spec.template, immutable: true };
    const predicted = decide(changed, live, options());
    if (predicted.action !== "fail") throw new Error(`decided ${predicted.action}`);
    expect(predicted.failure).toEqual(writeFailure(ns, "s", message, res.status));
  });

  it("gets a refusal for a type change, which decide predicts as TypeConflict", async () => {
    const ns = await testNamespace("type");
    const ss = await createSealed(ns, { name: "s", data: { foo: "bar" } });
    await apply(ns, decide(ss, undefined, options()));
    const live = await getSecret(ns, "s");
    const res = await api(secretsPath(ns, "s"), {
      method: "PUT",
      body: { ...live, type: "example.com/other" },
    });
    expect(res.status).toBe(422);
    const message = (res.json as { message: string }).message;
    const retyped = {
      ...ss,
      spec: { ...ss.spec, template: { ...ss.spec.template, type: "example.com/other" } },
    };
    const d = decide(retyped, live, options());
    if (d.action !== "fail") throw new Error(`decided ${d.action}`);
    expect(d.failure).toMatchObject({ reason: "TypeConflict", statusMessage: message });
  });

  it("lets the garbage collector delete the Secret when its SealedSecret is deleted", async () => {
    const ns = await testNamespace("gc");
    const ss = await createSealed(ns, { name: "s", data: { foo: "bar" } });
    await apply(ns, decide(ss, undefined, options()));
    const del = await api(sealedPath(ns, "s"), { method: "DELETE" });
    expect(del.status, del.body).toBe(200);
    await waitFor(
      "Secret garbage-collected",
      async () => ((await api(secretsPath(ns, "s"))).status === 404 ? true : undefined),
      60_000,
    );
  });

  it("stores the computed status through the status subresource, and a resync computes no write", async () => {
    const ns = await testNamespace("status");
    const ss = await createSealed(ns, { name: "s", data: { foo: "bar" } });
    const failed = nextStatus(
      ss,
      { ok: false, reason: "NoMatchingKey", message: "no key could decrypt secret (foo)" },
      new Date(),
    );
    const put = await api(`${sealedPath(ns, "s")}/status`, {
      method: "PUT",
      body: { ...ss, status: failed.status },
    });
    expect(put.status, put.body).toBe(200);
    const stored = (await api(sealedPath(ns, "s"))).json as SealedSecret & {
      status: SealedSecretStatus;
    };
    expect(stored.status.observedGeneration).toBe(1);
    expect(stored.status.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ["Synced", "False", undefined],
      ["Ready", "False", "NoMatchingKey"],
      ["Stalled", "True", "NoMatchingKey"],
    ]);
    expect(
      nextStatus(
        stored,
        { ok: false, reason: "NoMatchingKey", message: "no key could decrypt secret (foo)" },
        new Date(),
      ).write,
    ).toBe(false);
  });
});
