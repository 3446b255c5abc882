import { beforeAll, describe, expect, it } from "vitest";

import type { SealedSecret, Secret } from "@signet/core";

import { decide } from "../reconcile/decide.js";
import type { DecideOptions } from "../reconcile/decide.js";
import { b64, sealed, sealingKey } from "../test-support/sealed.js";
import type { TestSealingKey } from "../test-support/sealed.js";
import { cachedSealedSecret, cachedSecret, summarizeSealedSecret } from "./cached.js";

const MANAGED = "sealedsecrets.bitnami.com/managed";
const PATCH = "sealedsecrets.bitnami.com/patch";
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
const FIELDS = [{ manager: "kubectl", operation: "Update", fieldsV1: { "f:data": {} } }];

let key: TestSealingKey;
beforeAll(async () => {
  key = await sealingKey();
});

const opts = (): DecideOptions => ({
  keys: [key.key],
  preferred: [],
  acceptDeprecatedV1Data: false,
  renderTemplates: undefined,
  allowPrivilegedSecretTypes: false,
  keyGuard: { namespace: "kube-system", keyPrefix: "sealed-secrets-key" },
});

const live = (meta: Secret["metadata"] = {}): Secret => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: {
    name: "mysecret",
    namespace: "myns",
    resourceVersion: "7",
    managedFields: FIELDS,
    finalizers: ["example.com/keep"],
    ...meta,
  },
  type: "Opaque",
  data: { foo: b64("old") },
});

describe("cached SealedSecrets", () => {
  it("carry no managedFields and no last-applied annotation, and keep the scope annotation, spec and status", () => {
    const ss = sealed(key, {
      data: { foo: "bar" },
      annotations: { "sealedsecrets.bitnami.com/namespace-wide": "true" },
    });
    const annotations = {
      ...ss.metadata.annotations,
      [LAST_APPLIED]: JSON.stringify(ss),
      "signet.dev/sealed-with": "abc",
    };
    const full: SealedSecret = {
      ...ss,
      metadata: { ...ss.metadata, annotations, managedFields: FIELDS, resourceVersion: "3" },
      status: { observedGeneration: 1, conditions: [{ type: "Synced", status: "True" }] },
    };
    const cached = cachedSealedSecret(full);
    expect(cached.metadata.managedFields).toBeUndefined();
    expect(cached.metadata.annotations).toEqual({
      "sealedsecrets.bitnami.com/namespace-wide": "true",
      "signet.dev/sealed-with": "abc",
    });
    expect({ ...cached, metadata: {} }).toEqual({ ...full, metadata: {} });
    const { managedFields: _m, annotations: _a, ...meta } = full.metadata;
    expect(cached.metadata).toMatchObject(meta);
    expect(decide(cached, undefined, opts())).toEqual(decide(full, undefined, opts()));
  });

  it("leave the input alone", () => {
    const ss = sealed(key, { data: { foo: "bar" } });
    const full = { ...ss, metadata: { ...ss.metadata, managedFields: FIELDS } };
    cachedSealedSecret(full);
    expect(full.metadata.managedFields).toBe(FIELDS);
  });
});

describe("cached Secrets", () => {
  it.each([
    [
      "owned",
      {
        ownerReferences: [
          {
            apiVersion: "v",
            kind: "SealedSecret",
            name: "mysecret",
            uid: "uid-1",
            controller: true,
          },
        ],
      },
    ],
    ["managed", { annotations: { [MANAGED]: "true", [LAST_APPLIED]: "{}" } }],
    ["patch", { annotations: { [PATCH]: "true" } }],
  ])("that the controller may write (%s) keep everything but managedFields", (_, meta) => {
    const full = live(meta);
    const cached = cachedSecret(full);
    const { managedFields: _m, ...rest } = full.metadata ?? {};
    expect(cached).toEqual({ ...full, metadata: rest });
  });

  it("that the controller may not write keep their identity, owners and managed/patch flags only", () => {
    const full = live({
      uid: "u-1",
      labels: { team: "a" },
      annotations: { note: "x", [MANAGED]: "false", [LAST_APPLIED]: "{...the data...}" },
    });
    expect(cachedSecret(full)).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "mysecret",
        namespace: "myns",
        uid: "u-1",
        resourceVersion: "7",
        annotations: { [MANAGED]: "false" },
      },
      type: "Opaque",
    });
  });

  it("give decide the same answer as the live Secret, whether writable or not", () => {
    const ss = sealed(key, { data: { foo: "bar" } });
    const owner = {
      apiVersion: "v",
      kind: "SealedSecret",
      name: "mysecret",
      uid: "uid-1",
      controller: true,
    };
    const cases: Secret[] = [
      live(),
      live({ annotations: { [MANAGED]: "true" } }),
      live({ annotations: { [PATCH]: "true" }, labels: { a: "b" } }),
      live({ ownerReferences: [owner] }),
      live({ ownerReferences: [{ ...owner, uid: "someone-else" }] }),
    ];
    for (const secret of cases) {
      const fromCache = decide(ss, cachedSecret(secret), opts());
      const fromLive = decide(ss, secret, opts());
      if (fromLive.action === "update" && fromCache.action === "update") {
        // The update built from the cached copy differs only by the managedFields it leaves out.
        const { managedFields: _m, ...meta } = fromLive.secret.metadata ?? {};
        expect(fromCache.secret).toEqual({ ...fromLive.secret, metadata: meta });
      } else {
        expect(fromCache).toEqual(fromLive);
      }
    }
  });
});

describe("SealedSecret summaries", () => {
  it("keep identity, generation, the instance label and status, and nothing tenants can grow", () => {
    const ss = sealed(key, { data: { a: "x".repeat(10_000) } });
    ss.metadata.labels = { "app.kubernetes.io/instance": "prod", other: "y".repeat(1000) };
    ss.metadata.annotations = { note: "z".repeat(1000) };
    ss.metadata.resourceVersion = "9";
    ss.status = { observedGeneration: 1, conditions: [] };
    const summary = summarizeSealedSecret(ss);
    expect(summary).toEqual({
      metadata: {
        name: "mysecret",
        namespace: "myns",
        uid: "uid-1",
        resourceVersion: "9",
        generation: 1,
        labels: { "app.kubernetes.io/instance": "prod" },
      },
      status: { observedGeneration: 1, conditions: [] },
    });
    expect(JSON.stringify(summary).length).toBeLessThan(300);
  });
});
