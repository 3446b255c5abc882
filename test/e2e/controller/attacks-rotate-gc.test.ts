// Issue 11 items 4 and 5 on the real control plane. /v1/rotate, reached by any authenticated
// user through the API server's service proxy, must not hand back the plaintext a legacy v1
// object (`spec.data`) keeps in its sealed last-applied annotations. With --old-gc-behavior the
// controller deletes, when a SealedSecret goes, only the Secret that SealedSecret produced:
// never an unmanaged Secret nor a sealing key that merely shares its name.
import { randomBytes } from "node:crypto";

import {
  encryptionLabel,
  hybridEncrypt,
  LAST_APPLIED_ANNOTATIONS,
  parseSealingCertificate,
  SEALED_SECRETS_KEY_LABEL,
} from "@signet/core";
import type { GeneratedKey, SealedSecret, Secret } from "@signet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "../../cluster/api.js";
import { api, createNamespace, deleteNamespace } from "../../cluster/testing.js";
import {
  expectNoLeak,
  grantTenant,
  syncedOf,
  tenantCreate,
  tenantDelete,
  verdict,
} from "./attacker.js";
import {
  b64,
  createKeySecret,
  createSecret,
  deleteSealedSecrets,
  getSecret,
  seal,
  startController,
  testKey,
  unb64,
  waitSecret,
} from "./support.js";
import type { RunningController } from "./support.js";

let ctlNs: string;
let tenantNs: string;
let key: GeneratedKey;
let keyName: string;
let ctl: RunningController;

beforeAll(async () => {
  ctlNs = await createNamespace("rotgc-ctl");
  tenantNs = await createNamespace("rotgc-tenant");
  key = await testKey();
  keyName = await createKeySecret(ctlNs, key);
  ctl = await startController(ctlNs, [`--additional-namespaces=${tenantNs}`, "--old-gc-behavior"]);
  // The tenant: SealedSecret create/get/delete in both namespaces, and the service proxy every
  // authenticated user gets with the shipped RBAC (deploy/kustomize/rbac.yaml).
  const proxy = {
    apiGroups: [""],
    resources: ["services/proxy"],
    resourceNames: [
      "http:sealed-secrets-controller:",
      "http:sealed-secrets-controller:http",
      "sealed-secrets-controller",
    ],
    verbs: ["create", "get"],
  };
  await grantTenant(ctlNs, ["create", "get", "delete"], [proxy]);
  await grantTenant(tenantNs, ["create", "get", "delete"]);
});

afterAll(async () => {
  await ctl?.srv.stop();
  await deleteSealedSecrets([ctlNs, tenantNs].filter(Boolean));
  await Promise.all([ctlNs, tenantNs].filter(Boolean).map((n) => deleteNamespace(n)));
});

/** A pre-v0.7 object: the whole Secret (metadata included) sealed as one `spec.data` blob. */
function v1Object(secret: Secret): SealedSecret {
  const { namespace = "", name = "" } = secret.metadata ?? {};
  const cert = parseSealingCertificate(key.certificatePem, new Date());
  const blob = hybridEncrypt(
    cert.publicKey,
    Buffer.from(JSON.stringify(secret)),
    encryptionLabel(namespace, name, "strict"),
    randomBytes,
  );
  return {
    apiVersion: "bitnami.com/v1alpha1",
    kind: "SealedSecret",
    metadata: { name, namespace },
    spec: { data: blob.toString("base64"), encryptedData: {} },
  };
}

describe("/v1/rotate of a legacy v1 object", () => {
  it("returns no last-applied annotation (kubectl's nor kubecfg's) and no plaintext", async () => {
    const password = `rotate-${randomBytes(8).toString("hex")}`;
    const applied = JSON.stringify({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "legacy", namespace: tenantNs },
      stringData: { password },
    });
    const legacy = v1Object({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "legacy",
        namespace: tenantNs,
        labels: { app: "db" },
        annotations: {
          [LAST_APPLIED_ANNOTATIONS[0]!]: applied,
          [LAST_APPLIED_ANNOTATIONS[1]!]: applied,
          note: "kept",
        },
      },
      type: "Opaque",
      data: { password: b64(password) },
    });
    const res = await api(`${ctl.srv.proxyPath}/v1/rotate`, {
      method: "POST",
      body: legacy,
      as: "user",
    });
    expect(res.status, res.body).toBe(200);
    expectNoLeak({ "rotate response": res.body }, [password]);
    const rotated = res.json as SealedSecret;
    const annotations = rotated.spec.template?.metadata?.annotations ?? {};
    for (const a of LAST_APPLIED_ANNOTATIONS) expect(annotations[a]).toBeUndefined();
    expect(annotations["note"]).toBe("kept");
    expect(rotated.spec.template?.metadata?.labels).toEqual({ app: "db" });
    expect(Object.keys(rotated.spec.encryptedData)).toEqual(["password"]);

    // The rotated object still unseals to the same value.
    await tenantCreate(rotated);
    const secret = await waitSecret(tenantNs, "legacy", "unsealed from the rotated object");
    expect(unb64(secret.data?.["password"])).toBe(password);
  });
});

/** Waits until the controller has handled the deletion of `namespace/name`. */
function goneHandled(namespace: string, name: string): Promise<true> {
  return waitFor(
    `the controller to handle the deletion of ${namespace}/${name}`,
    () =>
      Promise.resolve(
        ctl
          .log()
          .split("\n")
          .some(
            (l) =>
              l.includes(` namespace=${namespace} `) &&
              new RegExp(` name=${name}( |$)`).test(l) &&
              /deleted the Secret of a deleted SealedSecret|leaving Secret/.test(l),
          )
          ? true
          : undefined,
      ),
    20_000,
    100,
  );
}

describe("--old-gc-behavior deletes only what the SealedSecret produced", () => {
  it("keeps an unmanaged Secret that only shares the deleted SealedSecret's name", async () => {
    await createSecret(tenantNs, { metadata: { name: "db" }, data: { password: b64("keep-me") } });
    await tenantCreate(seal(key, { namespace: tenantNs, name: "db", data: { password: "x" } }));
    const judged = await verdict(tenantNs, "db");
    expect(syncedOf(judged)?.status).toBe("False");
    await tenantDelete(tenantNs, "db");
    await goneHandled(tenantNs, "db");
    expect(unb64((await getSecret(tenantNs, "db"))?.data?.["password"])).toBe("keep-me");
  });

  it("keeps a `patch` Secret even when the template forges the controller's produced-by marker", async () => {
    await createSecret(tenantNs, {
      metadata: { name: "shared", annotations: { "sealedsecrets.bitnami.com/patch": "true" } },
      data: { owner: b64("someone-else") },
    });
    const ss = seal(key, {
      namespace: tenantNs,
      name: "shared",
      annotations: {
        "signet.dev/unsealed-from": "forged",
        "sealedsecrets.bitnami.com/skip-set-owner-references": "true",
      },
      data: { extra: "x" },
    });
    await tenantCreate(ss);
    await waitSecret(tenantNs, "shared", "patched", (s) => s.data?.["extra"] !== undefined);
    const patched = await getSecret(tenantNs, "shared");
    expect(patched?.metadata?.annotations?.["signet.dev/unsealed-from"]).toBeUndefined();
    await tenantDelete(tenantNs, "shared");
    await goneHandled(tenantNs, "shared");
    expect(unb64((await getSecret(tenantNs, "shared"))?.data?.["owner"])).toBe("someone-else");
  });

  it("keeps the controller's sealing key when a SealedSecret named like it is deleted", async () => {
    await tenantCreate(seal(key, { namespace: ctlNs, name: keyName, data: { x: "y" } }));
    const judged = await verdict(ctlNs, keyName);
    expect(syncedOf(judged)?.status).toBe("False");
    await tenantDelete(ctlNs, keyName);
    await goneHandled(ctlNs, keyName);
    const kept = await getSecret(ctlNs, keyName);
    expect(kept?.metadata?.labels?.[SEALED_SECRETS_KEY_LABEL]).toBe("active");
    const cert = await api(`${ctl.srv.proxyPath}/v1/cert.pem`);
    expect(cert.body.trim()).toBe(key.certificatePem.trim());
  });

  it("still deletes the Secret it produced without owner reference (skip-set-owner-references)", async () => {
    await tenantCreate(
      seal(key, {
        namespace: tenantNs,
        name: "kept-by-skip",
        annotations: { "sealedsecrets.bitnami.com/skip-set-owner-references": "true" },
        data: { k: "v" },
      }),
    );
    const produced = await waitSecret(tenantNs, "kept-by-skip", "unsealed");
    expect(produced.metadata?.ownerReferences).toBeUndefined();
    await tenantDelete(tenantNs, "kept-by-skip");
    await goneHandled(tenantNs, "kept-by-skip");
    expect(await getSecret(tenantNs, "kept-by-skip")).toBeUndefined();
  });

  it("still deletes the Secret the SealedSecret produced", async () => {
    await tenantCreate(seal(key, { namespace: tenantNs, name: "app", data: { k: "v" } }));
    await waitSecret(tenantNs, "app", "unsealed");
    await tenantDelete(tenantNs, "app");
    await waitFor(
      "the produced Secret to be deleted",
      async () => ((await getSecret(tenantNs, "app")) === undefined ? true : undefined),
      20_000,
      100,
    );
  });
});
