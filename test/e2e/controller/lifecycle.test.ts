// signet-controller's life cycle on the real control plane, run as a plain process with the
// admin kubeconfig (`--kubeconfig`, the development mode): key generation and SIGUSR1, the
// legacy key Secret and relabelling, namespace and label scoping, readiness while the API is
// unreachable, and a crash mid-reconcile followed by a restart that loses nothing.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { SEALED_SECRETS_KEY_LABEL } from "@signet/core";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";

import { waitFor } from "../../cluster/api.js";
import {
  api,
  cluster,
  createNamespace,
  deleteNamespace,
  testNamespace,
} from "../../cluster/testing.js";
import {
  CONTROLLER_MAIN,
  createKeySecret,
  createSealedSecret,
  deleteSealedSecrets,
  deleteSecret,
  events,
  getSealedSecret,
  getSecret,
  keySecrets,
  seal,
  startLocalController,
  testKey,
  unb64,
  waitSecret,
  waitSynced,
} from "./support.js";
import type { LocalController } from "./support.js";

const pem = (text: string): string => text.replace(/\r\n/g, "\n").trim();

async function certPem(ctl: LocalController): Promise<string> {
  return pem(await (await fetch(`${ctl.url}/v1/cert.pem`)).text());
}

async function started(ns: string, args: readonly string[] = []): Promise<LocalController> {
  const ctl = await startLocalController(ns, args);
  onTestFinished(() => ctl.proc.stop());
  return ctl;
}

/** Namespaces whose SealedSecrets are deleted after the file (see deleteSealedSecrets). */
const used: string[] = [];

async function freshNamespace(prefix: string): Promise<string> {
  const name = await testNamespace(prefix);
  used.push(name);
  return name;
}

describe("signet-controller life cycle", () => {
  afterAll(() => deleteSealedSecrets(used));

  it("prints its version in the reference's format", () => {
    const out = execFileSync(process.execPath, [CONTROLLER_MAIN, "--version"], {
      encoding: "utf8",
    });
    expect(out).toMatch(/^controller version: (v\d+\.\d+\.\d+|[0-9a-f]{40})(\+dirty)?\n$/);
  });

  it("generates a key Secret in the reference's format when none exists, and another on SIGUSR1", async () => {
    const ns = await freshNamespace("keys");
    const ctl = await started(ns, ["--key-size=2048", "--privatekey-labels=team=signet"]);
    const [first, ...rest] = await keySecrets(ns);
    expect(rest).toEqual([]);
    expect(first?.type).toBe("kubernetes.io/tls");
    expect(first?.metadata?.generateName).toBe("sealed-secrets-key");
    expect(first?.metadata?.name).toMatch(/^sealed-secrets-key[a-z0-9]{5}$/);
    expect(first?.metadata?.labels).toEqual({
      [SEALED_SECRETS_KEY_LABEL]: "active",
      team: "signet",
    });
    expect(await certPem(ctl)).toBe(pem(unb64(first?.data?.["tls.crt"])));
    expect(ctl.log()).toContain("New key written");

    // Certificates carry whole seconds and the registry keeps the earlier key on a tie
    // (see the report on KeyRegistry ordering of freshly generated keys): step past it.
    await new Promise((r) => setTimeout(r, 1100));
    process.kill(ctl.proc.child.pid!, "SIGUSR1");
    const second = await waitFor(
      "a second key Secret after SIGUSR1",
      async () => {
        const keys = await keySecrets(ns);
        return keys.length === 2
          ? keys.find((k) => k.metadata?.name !== first?.metadata?.name)
          : undefined;
      },
      30_000,
    );
    await waitFor(
      "cert.pem to serve the new key",
      async () =>
        (await certPem(ctl)) === pem(unb64(second.data?.["tls.crt"])) ? true : undefined,
      10_000,
    );
  });

  it("uses the legacy key Secret named like the prefix, and follows relabelling at runtime", async () => {
    const ns = await freshNamespace("legacy");
    const legacy = await testKey();
    const res = await api(`/api/v1/namespaces/${ns}/secrets`, {
      method: "POST",
      body: {
        metadata: { name: "sealed-secrets-key" },
        type: "kubernetes.io/tls",
        data: {
          "tls.crt": Buffer.from(legacy.certificatePem).toString("base64"),
          "tls.key": Buffer.from(legacy.privateKeyPem).toString("base64"),
        },
      },
    });
    expect(res.status).toBe(201);
    const ctl = await started(ns);
    expect(await certPem(ctl)).toBe(pem(legacy.certificatePem));
    expect(await keySecrets(ns)).toEqual([]); // nothing generated

    // Keys rank by certificate NotBefore and Secret creationTimestamp, both whole seconds: the
    // added key must be at least a second newer than the legacy one, or they tie.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const newer = await testKey();
    const name = await createKeySecret(ns, newer);
    await waitFor(
      "cert.pem to serve the added key",
      async () => ((await certPem(ctl)) === pem(newer.certificatePem) ? true : undefined),
      10_000,
    );
    await api(`/api/v1/namespaces/${ns}/secrets/${name}`, {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { metadata: { labels: { [SEALED_SECRETS_KEY_LABEL]: "compromised" } } },
    });
    await waitFor(
      "cert.pem to drop the relabelled key",
      async () => ((await certPem(ctl)) === pem(legacy.certificatePem) ? true : undefined),
      10_000,
    );
  });

  it("watches only its namespace and --additional-namespaces, filtered by --label-selector", async () => {
    const own = await freshNamespace("own");
    const extra = await freshNamespace("extra");
    const other = await freshNamespace("other");
    const key = await testKey();
    await createKeySecret(own, key);
    const ctl = await started(own, [
      `--additional-namespaces=${extra},does-not-exist`,
      "--label-selector=team=signet",
    ]);
    expect(ctl.log()).toContain("namespace doesn't exist");
    const make = async (ns: string, name: string, labelled: boolean) => {
      const ss = seal(key, { namespace: ns, name, data: { k: "v" } });
      if (labelled) ss.metadata.labels = { team: "signet" };
      await createSealedSecret(ss);
    };
    await make(own, "mine", true);
    await make(extra, "extra", true);
    await make(extra, "unlabelled", false);
    await make(other, "elsewhere", true);
    await waitSynced(own, "mine", "True");
    await waitSynced(extra, "extra", "True");
    await ctlIdle();
    expect((await getSealedSecret(extra, "unlabelled")).status).toBeUndefined();
    expect((await getSealedSecret(other, "elsewhere")).status).toBeUndefined();
    expect(await getSecret(other, "elsewhere")).toBeUndefined();
  });

  it("with --update-status=false --skip-recreate --old-gc-behavior: no status, no re-creation, deletes Secrets itself", async () => {
    const ns = await freshNamespace("flags");
    const key = await testKey();
    await createKeySecret(ns, key);
    await started(ns, [
      "--all-namespaces=false",
      "--update-status=false",
      "--skip-recreate",
      "--old-gc-behavior",
    ]);
    await createSealedSecret(seal(key, { namespace: ns, name: "a", data: { k: "v" } }));
    await waitSecret(ns, "a", "created");
    await deleteSecret(ns, "a");
    // Not owned by GC: the Secret survives its SealedSecret unless the controller deletes it.
    await createSealedSecret(
      seal(key, {
        namespace: ns,
        name: "b",
        data: { k: "v" },
        annotations: { "sealedsecrets.bitnami.com/skip-set-owner-references": "true" },
      }),
    );
    const b = await waitSecret(ns, "b", "created");
    expect(b.metadata?.ownerReferences).toBeUndefined();
    expect((await getSealedSecret(ns, "a")).status).toBeUndefined();
    expect(await getSecret(ns, "a")).toBeUndefined(); // --skip-recreate
    await api(`/apis/bitnami.com/v1alpha1/namespaces/${ns}/sealedsecrets/b`, { method: "DELETE" });
    await waitFor(
      "the controller to delete Secret b (--old-gc-behavior)",
      async () => ((await getSecret(ns, "b")) === undefined ? true : undefined),
      10_000,
    );
  });

  it("serves /healthz (not ready, with reasons) while the API server is unreachable, retrying with backoff", async () => {
    const ns = "unreachable";
    const bogus = join(cluster().runDir, "unreachable.kubeconfig");
    writeFileSync(
      bogus,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true}}]",
        "users: [{name: u, user: {token: t}}]",
        "contexts: [{name: x, context: {cluster: c, user: u}}]",
        "current-context: x",
      ].join("\n"),
    );
    const ctl = await startLocalController(ns, [`--kubeconfig=${bogus}`], false);
    onTestFinished(() => ctl.proc.stop());
    const res = await waitFor(
      "/healthz to answer",
      async () => {
        try {
          return await fetch(`${ctl.url}/healthz`);
        } catch {
          return undefined;
        }
      },
      20_000,
      100,
    );
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/not ready: .*no sealing key/);
    await waitFor(
      "a second failed list (restart with backoff)",
      () =>
        Promise.resolve(
          (ctl.log().match(/watch failed, restarting/g) ?? []).length >= 2 ? true : undefined,
        ),
      20_000,
    );
    // SIGTERM during startup still ends the process cleanly.
    process.kill(ctl.proc.child.pid!, "SIGTERM");
    expect(await ctl.proc.exited).toBe(0);
  });

  it("loses nothing when killed mid-reconcile and restarted", async () => {
    const ns = await createNamespace("crash");
    used.push(ns);
    onTestFinished(() => deleteNamespace(ns));
    const key = await testKey();
    await createKeySecret(ns, key);
    const first = await startLocalController(ns);
    const names = Array.from({ length: 40 }, (_, i) => `s${i}`);
    await Promise.all(
      names.map((name) =>
        createSealedSecret(seal(key, { namespace: ns, name, data: { k: name } })),
      ),
    );
    await waitSecret(ns, "s0", "the first Secret");
    first.proc.child.kill("SIGKILL");
    await first.proc.exited;
    const second = await started(ns);
    for (const name of names) {
      await waitSynced(ns, name, "True");
      const s = await getSecret(ns, name);
      expect(unb64(s?.data?.["k"])).toBe(name);
    }
    expect(second.log()).not.toContain("reconcile crashed");
    // The restart re-lists everything, but objects already unsealed get no second Unsealed.
    const unsealed = (await events(ns)).filter((e) => e.reason === "Unsealed");
    const perObject = new Map<string, number>();
    for (const e of unsealed) {
      perObject.set(
        e.involvedObject.name,
        (perObject.get(e.involvedObject.name) ?? 0) + (e.count ?? 1),
      );
    }
    expect([...perObject.values()].every((n) => n === 1)).toBe(true);
  });
});

/** Lets the controller drain its queue before asserting that something did not happen. */
function ctlIdle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1000));
}
