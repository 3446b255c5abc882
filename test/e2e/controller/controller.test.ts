// The built signet-controller against the real control plane: the controller scenarios of the
// reference's integration suite (integration/controller_test.go) plus Signet's guarantees (live key
// changes, no leaks, graceful SIGTERM). One controller serves the whole file; each test works
// in its own namespace.
import { execFileSync } from "node:child_process";

import type { GeneratedKey, SealedSecret } from "@signet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "../../cluster/api.js";
import { api, createNamespace, deleteNamespace, testNamespace } from "../../cluster/testing.js";
import {
  b64,
  createKeySecret,
  createSealedSecret,
  createSecret,
  deleteSealedSecrets,
  deleteSecret,
  events,
  getSecret,
  plaintext,
  seal,
  startController,
  testKey,
  unb64,
  updateSealedSecret,
  waitEvent,
  waitSecret,
  waitSynced,
} from "./support.js";
import type { RunningController } from "./support.js";

/** PEM text with line endings normalised. */
const pem = (text: string): string => text.replace(/\r\n/g, "\n").trim();

const MANAGED = "sealedsecrets.bitnami.com/managed";
const PATCH = "sealedsecrets.bitnami.com/patch";

describe("signet-controller", () => {
  let controllerNs: string;
  let key: GeneratedKey;
  let ctl: RunningController;
  /** Every plaintext sealed in this file; none may leak. */
  const secrets: string[] = [];
  /** Namespaces whose events and statuses are grepped at the end. */
  const seen: string[] = [];

  beforeAll(async () => {
    controllerNs = await createNamespace("ctl");
    key = await testKey();
    await createKeySecret(controllerNs, key);
    ctl = await startController(controllerNs);
  });

  afterAll(async () => {
    await ctl?.srv.stop();
    await deleteSealedSecrets(seen);
    await deleteNamespace(controllerNs);
  });

  async function ns(): Promise<string> {
    const name = await testNamespace();
    seen.push(name);
    return name;
  }

  it("uses an existing reference-format key Secret at startup and serves its certificate through the service proxy", async () => {
    const res = await api(`${ctl.srv.proxyPath}/v1/cert.pem`);
    expect(res.status).toBe(200);
    expect(pem(res.body)).toBe(pem(key.certificatePem));
    const keySecrets = await api(
      `/api/v1/namespaces/${controllerNs}/secrets?labelSelector=sealedsecrets.bitnami.com/sealed-secrets-key`,
    );
    expect((keySecrets.json as { items: unknown[] }).items).toHaveLength(1); // no key generated
  });

  it("creates the Secret with data, template labels and an owner reference; Synced, observedGeneration 1, Unsealed event", async () => {
    const n = await ns();
    const value = plaintext("create", secrets);
    const created = await createSealedSecret(
      seal(key, { namespace: n, name: "app", data: { password: value }, labels: { app: "demo" } }),
    );
    const ss = await waitSynced(n, "app", "True");
    const secret = await waitSecret(n, "app", "created");
    expect(unb64(secret.data?.["password"])).toBe(value);
    expect(secret.metadata?.labels).toEqual({ app: "demo" });
    expect(secret.metadata?.ownerReferences).toEqual([
      {
        apiVersion: "bitnami.com/v1alpha1",
        kind: "SealedSecret",
        name: "app",
        uid: created.metadata.uid,
        controller: true,
      },
    ]);
    const synced = ss.status?.conditions?.find((c) => c.type === "Synced");
    expect(synced?.lastTransitionTime).toBe(synced?.lastUpdateTime);
    expect(ss.status?.conditions?.find((c) => c.type === "Ready")).toMatchObject({
      status: "True",
      reason: "Unsealed",
    });
    const ev = await waitEvent(n, "app", "Unsealed");
    expect(ev).toMatchObject({
      type: "Normal",
      message: "SealedSecret unsealed successfully",
      source: { component: "sealed-secrets" },
    });
  });

  it("updates the Secret when the SealedSecret changes (observedGeneration 2) and emits no Unsealed event on no-op", async () => {
    const n = await ns();
    const v1 = plaintext("v1", secrets);
    const v2 = plaintext("v2", secrets);
    await createSealedSecret(seal(key, { namespace: n, name: "app", data: { password: v1 } }));
    const first = await waitSynced(n, "app", "True");
    await updateSealedSecret(seal(key, { namespace: n, name: "app", data: { password: v2 } }));
    const second = await waitSynced(n, "app", "True", 2);
    await waitSecret(n, "app", "updated", (s) => unb64(s.data?.["password"]) === v2);
    const t1 = first.status?.conditions?.find((c) => c.type === "Synced");
    const t2 = second.status?.conditions?.find((c) => c.type === "Synced");
    expect(t2?.lastTransitionTime).toBe(t1?.lastTransitionTime);
    // Two writes, two Unsealed occurrences (aggregated into one Event's count, as client-go
    // does); a metadata-only edit reconciles nothing and adds none.
    await api(`/apis/bitnami.com/v1alpha1/namespaces/${n}/sealedsecrets/app`, {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { metadata: { labels: { touched: "yes" } } },
    });
    const unsealedCount = async (): Promise<number> =>
      (await events(n, "app"))
        .filter((e) => e.reason === "Unsealed")
        .reduce((sum, e) => sum + (e.count ?? 1), 0);
    await waitFor(
      "two Unsealed occurrences",
      async () => ((await unsealedCount()) === 2 ? true : undefined),
      10_000,
    );
    await waitSynced(n, "app", "True", 2);
    expect(await unsealedCount()).toBe(2);
  });

  it("refuses a SealedSecret sealed for another key: no Secret, ErrUnsealFailed, Synced False without plaintext", async () => {
    const n = await ns();
    const other = await testKey();
    const value = plaintext("wrongkey", secrets);
    await createSealedSecret(seal(other, { namespace: n, name: "app", data: { password: value } }));
    const ss = await waitSynced(n, "app", "False");
    const synced = ss.status?.conditions?.find((c) => c.type === "Synced");
    expect(synced?.message).toContain("no key could decrypt secret");
    expect(ss.status?.conditions?.find((c) => c.type === "Ready")?.reason).toBe("NoMatchingKey");
    const ev = await waitEvent(n, "app", "ErrUnsealFailed");
    expect(ev.type).toBe("Warning");
    expect(ev.message).toMatch(/^Failed to unseal: no key could decrypt secret/);
    expect(await getSecret(n, "app")).toBeUndefined();
  });

  it("takes over a `managed` Secret: owner set, data and labels replaced, annotations dropped", async () => {
    const n = await ns();
    await createSecret(n, {
      metadata: {
        name: "app",
        labels: { old: "label" },
        annotations: { [MANAGED]: "true", note: "x" },
      },
      data: { extra: b64("keep?"), password: b64("old") },
    });
    const value = plaintext("managed", secrets);
    const ss = await createSealedSecret(
      seal(key, { namespace: n, name: "app", data: { password: value }, labels: { app: "new" } }),
    );
    const secret = await waitSecret(
      n,
      "app",
      "taken over",
      (s) => (s.metadata?.ownerReferences ?? []).length > 0,
    );
    expect(secret.metadata?.ownerReferences?.[0]?.uid).toBe(ss.metadata.uid);
    expect(Object.keys(secret.data ?? {})).toEqual(["password"]);
    expect(unb64(secret.data?.["password"])).toBe(value);
    expect(secret.metadata?.labels).toEqual({ app: "new" });
    expect(secret.metadata?.annotations).toBeUndefined();
  });

  it("patches a `patch` Secret without owning it: data and labels merged, annotations kept", async () => {
    const n = await ns();
    await createSecret(n, {
      metadata: { name: "app", labels: { old: "label" }, annotations: { [PATCH]: "true" } },
      data: { extra: b64("kept") },
    });
    const value = plaintext("patch", secrets);
    await createSealedSecret(
      seal(key, { namespace: n, name: "app", data: { password: value }, labels: { app: "new" } }),
    );
    await waitSynced(n, "app", "True");
    const secret = await waitSecret(n, "app", "patched", (s) => s.data?.["password"] !== undefined);
    expect(unb64(secret.data?.["extra"])).toBe("kept");
    expect(unb64(secret.data?.["password"])).toBe(value);
    expect(secret.metadata?.labels).toEqual({ old: "label", app: "new" });
    expect(secret.metadata?.annotations).toEqual({ [PATCH]: "true" });
    expect(secret.metadata?.ownerReferences).toBeUndefined();
  });

  it("updates a Secret from its cached copy (which carries no managedFields) and keeps the server's managedFields of other writers", async () => {
    const n = await ns();
    const res = await api(`/api/v1/namespaces/${n}/secrets?fieldManager=e2e-editor`, {
      method: "POST",
      body: {
        metadata: { name: "app", labels: { owner: "editor" }, annotations: { [PATCH]: "true" } },
        data: { extra: b64("kept") },
      },
    });
    expect(res.status).toBe(201);
    const value = plaintext("fields", secrets);
    await createSealedSecret(seal(key, { namespace: n, name: "app", data: { password: value } }));
    const secret = await waitSecret(n, "app", "patched", (s) => s.data?.["password"] !== undefined);
    const managers = (secret.metadata?.managedFields ?? []) as {
      manager?: string;
      fieldsV1?: Record<string, unknown>;
    }[];
    const editor = managers.find((m) => m.manager === "e2e-editor");
    expect(editor?.fieldsV1).toMatchObject({
      "f:data": { "f:extra": {} },
      "f:metadata": { "f:labels": { "f:owner": {} } },
    });
    expect(managers.length).toBeGreaterThan(1);
  });

  it("refuses to overwrite a foreign Secret (ErrUpdateFailed, Synced False)", async () => {
    const n = await ns();
    await createSecret(n, { metadata: { name: "app" }, data: { mine: b64("untouched") } });
    await createSealedSecret(
      seal(key, { namespace: n, name: "app", data: { password: plaintext("foreign", secrets) } }),
    );
    const ss = await waitSynced(n, "app", "False");
    expect(ss.status?.conditions?.find((c) => c.type === "Synced")?.message).toBe(
      'failed update: Resource "app" already exists and is not managed by SealedSecret',
    );
    await waitEvent(n, "app", "ErrUpdateFailed");
    expect(unb64((await getSecret(n, "app"))?.data?.["mine"])).toBe("untouched");
    // It keeps retrying with backoff (never gives up), and the repeats bump one Event's count.
    const failures = await waitFor(
      "three ErrUpdateFailed occurrences",
      async () => {
        const evs = (await events(n, "app")).filter((e) => e.reason === "ErrUpdateFailed");
        return evs.reduce((sum, e) => sum + (e.count ?? 1), 0) >= 3 ? evs : undefined;
      },
      10_000,
    );
    expect(failures).toHaveLength(1);
  });

  it("re-creates a deleted owned Secret and repairs a hand-edited one", async () => {
    const n = await ns();
    const value = plaintext("recreate", secrets);
    await createSealedSecret(seal(key, { namespace: n, name: "app", data: { password: value } }));
    const first = await waitSecret(n, "app", "created");
    await deleteSecret(n, "app");
    const again = await waitSecret(
      n,
      "app",
      "re-created",
      (s) => s.metadata?.uid !== first.metadata?.uid,
    );
    expect(unb64(again.data?.["password"])).toBe(value);
    await api(`/api/v1/namespaces/${n}/secrets/app`, {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { data: { password: b64("tampered") } },
    });
    await waitSecret(n, "app", "repaired", (s) => unb64(s.data?.["password"]) === value);
  });

  it("converges on the sealed value while another writer keeps changing the Secret", async () => {
    const n = await ns();
    const value = plaintext("contended", secrets);
    await createSealedSecret(seal(key, { namespace: n, name: "app", data: { password: value } }));
    await waitSecret(n, "app", "created");
    // A competing writer: rapid replacements race with the controller's repairs (409s).
    await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        api(`/api/v1/namespaces/${n}/secrets/app`, {
          method: "PATCH",
          contentType: "application/merge-patch+json",
          body: { data: { password: b64(`other-${i}`) } },
        }),
      ),
    );
    await waitSecret(n, "app", "repaired", (s) => unb64(s.data?.["password"]) === value);
    await waitSynced(n, "app", "True");
    expect(ctl.log()).not.toContain("reconcile crashed");
  });

  it("fails a strict SealedSecret renamed or moved; a cluster-wide one works anywhere", async () => {
    const a = await ns();
    const b = await ns();
    const strict = seal(key, {
      namespace: a,
      name: "orig",
      data: { k: plaintext("strict", secrets) },
    });
    await createSealedSecret({ ...strict, metadata: { ...strict.metadata, name: "renamed" } });
    await createSealedSecret({ ...strict, metadata: { ...strict.metadata, namespace: b } });
    await waitSynced(a, "renamed", "False");
    await waitSynced(b, "orig", "False");
    const wide = seal(key, {
      namespace: a,
      name: "wide",
      data: { k: plaintext("wide", secrets) },
      annotations: { "sealedsecrets.bitnami.com/cluster-wide": "true" },
    });
    await createSealedSecret({
      ...wide,
      metadata: { ...wide.metadata, namespace: b, name: "moved" },
    });
    await waitSynced(b, "moved", "True");
    await waitSecret(b, "moved", "unsealed");
    expect(await getSecret(a, "renamed")).toBeUndefined();
  });

  it("picks up a key Secret added at runtime (re-queues the failed object) and stops using a deleted key", async () => {
    const n = await ns();
    const later = await testKey();
    await createSealedSecret(
      seal(later, { namespace: n, name: "app", data: { k: plaintext("later", secrets) } }),
    );
    await waitSynced(n, "app", "False");
    const keyName = await createKeySecret(controllerNs, later);
    await waitSynced(n, "app", "True");
    await waitSecret(n, "app", "unsealed with the added key");
    // The newest key now seals: /v1/cert.pem serves it.
    await waitFor(
      "cert.pem to serve the added key",
      async () =>
        pem((await api(`${ctl.srv.proxyPath}/v1/cert.pem`)).body) === pem(later.certificatePem)
          ? true
          : undefined,
      10_000,
    );
    await api(`/api/v1/namespaces/${controllerNs}/secrets/${keyName}`, { method: "DELETE" });
    await waitFor(
      "cert.pem to serve the original key again",
      async () =>
        pem((await api(`${ctl.srv.proxyPath}/v1/cert.pem`)).body) === pem(key.certificatePem)
          ? true
          : undefined,
      10_000,
    );
    await createSealedSecret(
      seal(later, { namespace: n, name: "app2", data: { k: plaintext("gone", secrets) } }),
    );
    await waitSynced(n, "app2", "False");
  });

  it("keeps the old value under a renamed item key and adds an item sealed separately", async () => {
    const n = await ns();
    const value = plaintext("renamed-item", secrets);
    const added = plaintext("appended", secrets);
    const ss = seal(key, { namespace: n, name: "app", data: { old: value } });
    await createSealedSecret({
      ...ss,
      spec: { ...ss.spec, encryptedData: { new: ss.spec.encryptedData["old"]! } },
    });
    await waitSecret(n, "app", "renamed item", (s) => unb64(s.data?.["new"]) === value);
    const extra = seal(key, { namespace: n, name: "app", data: { extra: added } });
    await updateSealedSecret({
      ...ss,
      spec: {
        ...ss.spec,
        encryptedData: {
          new: ss.spec.encryptedData["old"]!,
          extra: extra.spec.encryptedData["extra"]!,
        },
      },
    });
    const secret = await waitSecret(
      n,
      "app",
      "appended item",
      (s) => s.data?.["extra"] !== undefined,
    );
    expect(unb64(secret.data?.["new"])).toBe(value);
    expect(unb64(secret.data?.["extra"])).toBe(added);
  });

  it("with `managed` + `patch`: owns the Secret, merges data and labels, keeps annotations", async () => {
    const n = await ns();
    const annotations = { [MANAGED]: "true", [PATCH]: "true", note: "x" };
    await createSecret(n, {
      metadata: { name: "app", labels: { old: "label" }, annotations },
      data: { extra: b64("kept") },
    });
    const value = plaintext("managed-patch", secrets);
    const ss = await createSealedSecret(
      seal(key, { namespace: n, name: "app", data: { password: value }, labels: { app: "new" } }),
    );
    const secret = await waitSecret(
      n,
      "app",
      "owned",
      (s) => (s.metadata?.ownerReferences ?? []).length > 0,
    );
    expect(secret.metadata?.ownerReferences?.[0]?.uid).toBe(ss.metadata.uid);
    expect(unb64(secret.data?.["extra"])).toBe("kept");
    expect(unb64(secret.data?.["password"])).toBe(value);
    expect(secret.metadata?.labels).toEqual({ old: "label", app: "new" });
    expect(secret.metadata?.annotations).toEqual(annotations);
  });

  it("populates an empty `patch` Secret without owning it", async () => {
    const n = await ns();
    await createSecret(n, { metadata: { name: "app", annotations: { [PATCH]: "true" } } });
    const value = plaintext("empty-patch", secrets);
    await createSealedSecret(
      seal(key, { namespace: n, name: "app", data: { password: value }, labels: { app: "x" } }),
    );
    const secret = await waitSecret(
      n,
      "app",
      "populated",
      (s) => s.data?.["password"] !== undefined,
    );
    expect(unb64(secret.data?.["password"])).toBe(value);
    expect(secret.metadata?.labels).toEqual({ app: "x" });
    expect(secret.metadata?.ownerReferences).toBeUndefined();
  });

  it("re-creates a deleted unowned `managed` Secret, not a `patch`-only one; a removed blocker unblocks", async () => {
    const n = await ns();
    const mk = async (name: string, annotations: Record<string, string>) => {
      await createSecret(n, { metadata: { name, annotations } });
      await createSealedSecret(
        seal(key, { namespace: n, name, data: { k: plaintext(name, secrets) } }),
      );
    };
    await mk("managed", { [MANAGED]: "true", [PATCH]: "true" });
    await mk("patched", { [PATCH]: "true" });
    await mk("foreign", {});
    await waitSynced(n, "managed", "True");
    await waitSynced(n, "patched", "True");
    await waitSynced(n, "foreign", "False");
    for (const name of ["managed", "patched", "foreign"]) await deleteSecret(n, name);
    await waitSecret(n, "managed", "re-created");
    // The Secret that kept "foreign" from syncing is gone: the controller writes its own.
    const foreign = await waitSecret(n, "foreign", "created once unblocked");
    expect(foreign.metadata?.ownerReferences).toHaveLength(1);
    await waitSynced(n, "foreign", "True");
    // All three deletions came through the same watch; "patched" must stay deleted.
    expect(await getSecret(n, "patched")).toBeUndefined();
  });

  it("writes a custom type (kubernetes.io/dockerconfigjson)", async () => {
    const n = await ns();
    const config = JSON.stringify({
      auths: { "r.example": { auth: plaintext("docker", secrets) } },
    });
    await createSealedSecret(
      seal(key, {
        namespace: n,
        name: "pull",
        type: "kubernetes.io/dockerconfigjson",
        data: { ".dockerconfigjson": config },
      }),
    );
    const secret = await waitSecret(n, "pull", "created");
    expect(secret.type).toBe("kubernetes.io/dockerconfigjson");
    expect(unb64(secret.data?.[".dockerconfigjson"])).toBe(config);
  });

  it("creates an immutable Secret and reports ErrUpdateFailed (observedGeneration 2) when the SealedSecret changes", async () => {
    const n = await ns();
    await createSealedSecret(
      seal(key, {
        namespace: n,
        name: "app",
        immutable: true,
        data: { k: plaintext("imm1", secrets) },
      }),
    );
    expect((await waitSecret(n, "app", "created")).immutable).toBe(true);
    await updateSealedSecret(
      seal(key, {
        namespace: n,
        name: "app",
        immutable: true,
        data: { k: plaintext("imm2", secrets) },
      }),
    );
    const ss = await waitSynced(n, "app", "False", 2);
    // The condition carries the API server's refusal (as the reference's does) or its
    // explanation; the event carries the reference's explanation.
    expect(ss.status?.conditions?.find((c) => c.type === "Synced")?.message).toMatch(/immutable/);
    const ev = await waitEvent(n, "app", "ErrUpdateFailed");
    expect(ev.message).toContain("the target Secret is immutable");
  });

  it("namespace-wide: renamed works, moved fails; cluster-wide: renamed works", async () => {
    const a = await ns();
    const b = await ns();
    const nsWide = seal(key, {
      namespace: a,
      name: "orig",
      data: { k: plaintext("nswide", secrets) },
      annotations: { "sealedsecrets.bitnami.com/namespace-wide": "true" },
    });
    await createSealedSecret({ ...nsWide, metadata: { ...nsWide.metadata, name: "renamed" } });
    await createSealedSecret({ ...nsWide, metadata: { ...nsWide.metadata, namespace: b } });
    const wide = seal(key, {
      namespace: a,
      name: "wide",
      data: { k: plaintext("cwide", secrets) },
      annotations: { "sealedsecrets.bitnami.com/cluster-wide": "true" },
    });
    await createSealedSecret({ ...wide, metadata: { ...wide.metadata, name: "wide-renamed" } });
    await waitSynced(a, "renamed", "True");
    await waitSynced(b, "orig", "False");
    await waitSynced(a, "wide-renamed", "True");
    await waitEvent(b, "orig", "ErrUnsealFailed");
  });

  it("renders spec.template.data over the decrypted values", async () => {
    const n = await ns();
    const user = plaintext("user", secrets);
    const ss = seal(key, { namespace: n, name: "cfg", data: { user } });
    ss.spec.template = {
      ...ss.spec.template,
      data: { "config.json": '{"user": {{ .user | toJson }}}' },
    };
    await createSealedSecret(ss);
    const secret = await waitSecret(
      n,
      "cfg",
      "rendered",
      (s) => s.data?.["config.json"] !== undefined,
    );
    expect(JSON.parse(unb64(secret.data?.["config.json"]))).toEqual({ user });
  });

  it("refuses privileged Secret types from a template (Synced False, PolicyRejected)", async () => {
    const n = await ns();
    await createSealedSecret(
      seal(key, {
        namespace: n,
        name: "tok",
        type: "kubernetes.io/service-account-token",
        data: { token: plaintext("sa", secrets) },
      }),
    );
    const ss = await waitSynced(n, "tok", "False");
    expect(ss.status?.conditions?.find((c) => c.type === "Ready")?.reason).toBe("PolicyRejected");
    expect(await getSecret(n, "tok")).toBeUndefined();
  });

  it("answers /v1/verify through the service proxy and serves the reference's metrics", async () => {
    const n = await ns();
    const good = seal(key, { namespace: n, name: "v", data: { k: plaintext("verify", secrets) } });
    const bad = seal(await testKey(), {
      namespace: n,
      name: "v",
      data: { k: plaintext("v2", secrets) },
    });
    const verify = (body: SealedSecret) =>
      api(`${ctl.srv.proxyPath}/v1/verify`, { method: "POST", body });
    expect((await verify(good)).status).toBe(200);
    expect((await verify(bad)).status).toBe(409);
    const res = await fetch(`http://${ctl.srv.ip}:8081/metrics`);
    const text = await res.text();
    for (const name of [
      "sealed_secrets_controller_unseal_requests_total",
      "sealed_secrets_controller_unseal_errors_total",
      "sealed_secrets_controller_condition_info",
      "sealed_secrets_controller_http_requests_total",
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(
      /sealed_secrets_controller_unseal_errors_total\{reason="unseal",namespace="/,
    );
  });

  it("restarts its watches after their connections are cut (a non-410 watch error) and keeps reconciling", async () => {
    const pid = String(ctl.srv.process.child.pid);
    const netns = execFileSync("ip", ["netns", "identify", pid], { encoding: "utf8" }).trim();
    expect(netns).not.toBe("");
    // Abort every TCP connection of the controller's network namespace (its watches included).
    execFileSync("ip", ["netns", "exec", netns, "ss", "-K", "state", "established"]);
    await waitFor(
      "the controller to report a failed watch and restart it",
      () => Promise.resolve(ctl.log().includes("watch failed, restarting") ? true : undefined),
      10_000,
    );
    const n = await ns();
    await createSealedSecret(
      seal(key, { namespace: n, name: "after", data: { k: plaintext("cut", secrets) } }),
    );
    await waitSynced(n, "after", "True");
    await waitSecret(n, "after", "created after the restart");
  });

  it("leaks no plaintext (nor its base64) into logs, events or statuses", async () => {
    const texts = [ctl.log()];
    for (const n of seen) {
      texts.push(JSON.stringify(await events(n)));
      const list = await api(`/apis/bitnami.com/v1alpha1/namespaces/${n}/sealedsecrets`);
      texts.push(
        JSON.stringify((list.json as { items: SealedSecret[] }).items.map((s) => s.status)),
      );
    }
    const all = texts.join("\n");
    expect(all.length).toBeGreaterThan(1000);
    for (const value of secrets) {
      expect(all).not.toContain(value);
      expect(all).not.toContain(b64(value));
    }
    expect(ctl.log()).toContain("SealedSecret unsealed");
  });

  it("exits 0 on SIGTERM after a graceful shutdown", async () => {
    const pid = ctl.srv.process.child.pid;
    expect(pid).toBeDefined();
    process.kill(pid!, "SIGTERM");
    const code = await Promise.race([
      ctl.srv.process.exited,
      new Promise((r) => setTimeout(() => r("timeout"), 15_000)),
    ]);
    expect(code).toBe(0);
    expect(ctl.log()).toContain("controller stopped");
  });
});
