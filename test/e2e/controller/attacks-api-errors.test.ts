// Issue 11 item 2 on the real control plane: the API server's refusal of a Secret write quotes
// the data it refused (Go's JSON errors name the offending character; an admission policy may
// quote anything), and a tenant who may only create/update/get SealedSecrets reads statuses and
// events. Whatever the API server says about a Secret write, no byte of the data may reach a
// status, an event, a log line or a metric.
import { randomBytes } from "node:crypto";

import type { GeneratedKey, SealedSecret } from "@signet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "../../cluster/api.js";
import { api, createNamespace, deleteNamespace } from "../../cluster/testing.js";
import {
  emitted,
  expectNoLeak,
  grantTenant,
  readyOf,
  syncedOf,
  tenantCreate,
  verdict,
} from "./attacker.js";
import {
  b64,
  createKeySecret,
  createSealedSecret,
  deleteSealedSecrets,
  events,
  getSecret,
  seal,
  startLocalController,
  testKey,
} from "./support.js";
import type { LocalController } from "./support.js";

const NAMESPACE_WIDE = "sealedsecrets.bitnami.com/namespace-wide";

let ctlNs: string;
let tenantNs: string;
let key: GeneratedKey;
let ctl: LocalController;
const plaintexts: string[] = [];
const policy = `e2e-quote-secret-${randomBytes(3).toString("hex")}`;

beforeAll(async () => {
  ctlNs = await createNamespace("apierr-ctl");
  tenantNs = await createNamespace("apierr-tenant");
  key = await testKey();
  await createKeySecret(ctlNs, key);
  ctl = await startLocalController(ctlNs, [`--additional-namespaces=${tenantNs}`]);
  await grantTenant(tenantNs);
});

afterAll(async () => {
  await ctl?.proc.stop();
  await deleteSealedSecrets([ctlNs, tenantNs].filter(Boolean));
  const adm = "/apis/admissionregistration.k8s.io/v1";
  await api(`${adm}/validatingadmissionpolicybindings/${policy}`, { method: "DELETE" });
  await api(`${adm}/validatingadmissionpolicies/${policy}`, { method: "DELETE" });
  await Promise.all([ctlNs, tenantNs].filter(Boolean).map((n) => deleteNamespace(n)));
});

/**
 * A victim's namespace-wide SealedSecret (committed to Git, so the tenant has its ciphertext);
 * returns the ciphertext of its `password`.
 */
async function victimCiphertext(name: string, password: string): Promise<string> {
  plaintexts.push(password);
  const ss = seal(key, {
    namespace: tenantNs,
    name,
    annotations: { [NAMESPACE_WIDE]: "true" },
    data: { password },
  });
  await createSealedSecret(ss);
  return ss.spec.encryptedData["password"]!;
}

/** The tenant's object: the victim's ciphertext under `item`, optionally with a template. */
function probe(
  name: string,
  type: string,
  encryptedData: Record<string, string>,
  template: { data?: Record<string, string>; labels?: Record<string, string> } = {},
): SealedSecret {
  return {
    apiVersion: "bitnami.com/v1alpha1",
    kind: "SealedSecret",
    metadata: { name, namespace: tenantNs, annotations: { [NAMESPACE_WIDE]: "true" } },
    spec: {
      encryptedData,
      template: {
        type,
        metadata: { ...(template.labels && { labels: template.labels }) },
        ...(template.data && { data: template.data }),
      },
    },
  };
}

/** The failure text of a refused object, with its own name replaced, for comparisons. */
function failureText(ss: SealedSecret): string {
  const texts = [syncedOf(ss)?.message ?? "", readyOf(ss)?.message ?? ""];
  return texts.join("\n").replaceAll(ss.metadata.name ?? "", "<name>");
}

describe("API errors about a Secret write carry no data", () => {
  it.each([
    ["kubernetes.io/dockerconfigjson", ".dockerconfigjson", false],
    ["kubernetes.io/dockercfg", ".dockercfg", false],
    ["kubernetes.io/dockerconfigjson", ".dockerconfigjson", true],
  ])(
    "a %s Secret whose %s is a sealed value (through a template: %s) fails with a message independent of the value",
    async (type, item, templated) => {
      const tag = `${type.split("/")[1]}-${templated ? "t" : "c"}`;
      const messages: string[] = [];
      // Two values whose JSON errors differ (the API server quotes the first character).
      for (const first of ["Z", "q"]) {
        const value = `${first}${randomBytes(8).toString("hex")}`;
        const cipher = await victimCiphertext(`victim-${tag}-${first.toLowerCase()}`, value);
        const name = `probe-${tag}-${first.toLowerCase()}`;
        const ss = templated
          ? probe(name, type, { password: cipher }, { data: { [item]: "{{ .password }}" } })
          : probe(name, type, { [item]: cipher });
        await tenantCreate(ss);
        const judged = await verdict(tenantNs, name);
        expect(syncedOf(judged)?.status).toBe("False");
        expect(await getSecret(tenantNs, name)).toBeUndefined();
        const text = failureText(judged);
        expect(text).not.toMatch(/invalid character|looking for|cannot unmarshal|'[A-Za-z]'/);
        messages.push(text);
      }
      expect(messages[0]).toBe(messages[1]);
      expect(messages[0]).toContain(item);
    },
  );

  it("an admission policy that quotes the refused data does not bring it into status, events or logs", async () => {
    const adm = "/apis/admissionregistration.k8s.io/v1";
    const res = await api(`${adm}/validatingadmissionpolicies`, {
      method: "POST",
      body: {
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingAdmissionPolicy",
        metadata: { name: policy },
        spec: {
          failurePolicy: "Fail",
          matchConstraints: {
            objectSelector: { matchLabels: { "e2e-policy": policy } },
            resourceRules: [
              {
                apiGroups: [""],
                apiVersions: ["v1"],
                operations: ["CREATE", "UPDATE"],
                resources: ["secrets"],
              },
            ],
          },
          validations: [
            {
              expression: "!has(object.data) || !('password' in object.data)",
              messageExpression: "'refused: ' + string(object.data['password'])",
            },
          ],
        },
      },
    });
    expect(res.status, res.body).toBe(201);
    const bind = await api(`${adm}/validatingadmissionpolicybindings`, {
      method: "POST",
      body: {
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingAdmissionPolicyBinding",
        metadata: { name: policy },
        spec: {
          policyName: policy,
          validationActions: ["Deny"],
          matchResources: {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": tenantNs } },
          },
        },
      },
    });
    expect(bind.status, bind.body).toBe(201);
    // The policy applies once the API server has compiled it: probe as admin until it denies.
    await waitFor(
      "the admission policy to deny",
      async () => {
        const r = await api(`/api/v1/namespaces/${tenantNs}/secrets`, {
          method: "POST",
          body: {
            metadata: { generateName: "policy-probe-", labels: { "e2e-policy": policy } },
            data: { password: b64("probe") },
          },
        });
        // Secret data is base64 text to CEL: the message quotes the value's base64.
        return r.status >= 400 && r.body.includes(`refused: ${b64("probe")}`) ? true : undefined;
      },
      30_000,
      200,
    );
    const value = `policy-${randomBytes(8).toString("hex")}`;
    const cipher = await victimCiphertext("victim-policy", value);
    await tenantCreate(
      probe("probe-policy", "Opaque", { password: cipher }, { labels: { "e2e-policy": policy } }),
    );
    const judged = await verdict(tenantNs, "probe-policy");
    expect(syncedOf(judged)?.status).toBe("False");
    expect(syncedOf(judged)?.message).toContain(policy);
    expectNoLeak({ status: JSON.stringify(judged.status) }, [value]);
  });

  it("no plaintext, nor its base64 or hex, reaches any status, event, log line or metric", async () => {
    await waitFor(
      "the failure events",
      async () =>
        (await events(tenantNs)).filter((e) => e.reason === "ErrUpdateFailed").length >= 7
          ? true
          : undefined,
      15_000,
      200,
    );
    const texts = {
      ...(await emitted([tenantNs])),
      "controller log": ctl.log(),
      metrics: await (await fetch(ctl.metricsUrl)).text(),
    };
    expect(plaintexts.length).toBeGreaterThanOrEqual(7);
    expectNoLeak(texts, plaintexts);
    expect(texts["controller log"]).not.toMatch(/invalid character|cannot unmarshal/);
  });
});
