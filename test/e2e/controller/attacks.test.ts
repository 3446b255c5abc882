// Attacks on the running signet-controller (SECURITY.md): the /v1/verify decryption
// oracle (GHSA-qj4p), /v1/rotate scope widening (GHSA-465p) carried through to an unseal in an
// attacker's namespace, rate limits that X-Forwarded-For cannot reset, body caps, methods, and
// a hand-editing writer racing the controller.
import type { GeneratedKey, SealedSecret } from "@signet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createNamespace, deleteNamespace } from "../../cluster/testing.js";
import {
  b64,
  createKeySecret,
  createSealedSecret,
  getSecret,
  seal,
  startLocalController,
  testKey,
  unb64,
  updateSealedSecret,
  waitSecret,
  waitSynced,
} from "./support.js";
import type { LocalController } from "./support.js";

const CLUSTER_WIDE = "sealedsecrets.bitnami.com/cluster-wide";
const PLAINTEXT = "correct-horse-battery";

let ctlNs: string;
let victim: string;
let attacker: string;
let key: GeneratedKey;
let ctl: LocalController;

beforeAll(async () => {
  ctlNs = await createNamespace("atk-ctl");
  victim = await createNamespace("atk-victim");
  attacker = await createNamespace("atk-attacker");
  key = await testKey();
  await createKeySecret(ctlNs, key);
  ctl = await startLocalController(ctlNs, [
    `--additional-namespaces=${victim},${attacker}`,
    "--rate-limit=5",
    "--rate-limit-burst=20",
    "--max-request-bytes=65536",
  ]);
});

afterAll(async () => {
  await ctl?.proc.stop();
  const namespaces = [ctlNs, victim, attacker].filter(Boolean);
  // Leave no SealedSecret for controllers of later test files that watch all namespaces.
  for (const n of namespaces) {
    await api(`/apis/bitnami.com/v1alpha1/namespaces/${n}/sealedsecrets`, { method: "DELETE" });
  }
  await Promise.all(namespaces.map((n) => deleteNamespace(n)));
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${ctl.url}${path}`, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers,
  });

const victimSecret = (name: string): SealedSecret =>
  seal(key, { namespace: victim, name, data: { password: PLAINTEXT } });

describe("attacks on the running controller", () => {
  it("/v1/verify answers alike for templates probing the plaintext (no oracle, GHSA-qj4p)", async () => {
    const base = victimSecret("db");
    const answers = new Set<string>();
    for (const guess of ["c", "x"]) {
      const probe = structuredClone(base);
      probe.spec.template = {
        ...probe.spec.template,
        data: {
          t: `{{ if eq (substr 0 1 .password) "${guess}" }}ok{{ else }}{{ fail "no" }}{{ end }}`,
        },
      };
      const res = await post("/v1/verify", probe);
      answers.add(`${res.status} ${await res.text()}`);
    }
    expect([...answers]).toEqual(["200 "]);
  });

  it("/v1/rotate keeps a strict object strict; the widened copy does not unseal in another namespace (GHSA-465p)", async () => {
    const attack = victimSecret("db");
    attack.spec.template = {
      ...attack.spec.template,
      metadata: { ...attack.spec.template?.metadata, annotations: { [CLUSTER_WIDE]: "true" } },
    };
    const res = await post("/v1/rotate", attack);
    expect(res.status).toBe(200);
    const rotated = (await res.json()) as SealedSecret;
    expect(rotated.metadata.annotations?.[CLUSTER_WIDE]).toBeUndefined();
    expect(rotated.spec.template).toEqual(attack.spec.template);

    const stolen = structuredClone(rotated);
    stolen.metadata = {
      name: "loot",
      namespace: attacker,
      annotations: { [CLUSTER_WIDE]: "true" },
    };
    await createSealedSecret(stolen);
    const failed = await waitSynced(attacker, "loot", "False");
    expect(failed.status?.conditions?.find((c) => c.type === "Ready")?.reason).toBe(
      "NoMatchingKey",
    );
    expect(await getSecret(attacker, "loot")).toBeUndefined();

    await createSealedSecret(rotated);
    const secret = await waitSecret(victim, "db", "unsealed from the rotated object");
    expect(unb64(secret.data?.["password"])).toBe(PLAINTEXT);
  });

  it("rate-limits /v1/verify and /v1/rotate per peer; X-Forwarded-For does not reset the quota", async () => {
    for (const path of ["/v1/verify", "/v1/rotate"]) {
      const codes: number[] = [];
      const started = Date.now();
      for (let i = 0; i < 40; i++) {
        const res = await post(path, "{}", { "X-Forwarded-For": `203.0.113.${i}` });
        codes.push(res.status);
        await res.arrayBuffer();
      }
      // The bucket refills at 5/s while the loop runs, so the bound depends on how long the 40
      // requests took (a loaded machine is slow): burst 20 + 5/s x elapsed, never all 40.
      const refilled = Math.ceil(((Date.now() - started) / 1000) * 5);
      expect(codes).toContain(429);
      expect(codes.filter((c) => c !== 429).length).toBeLessThanOrEqual(20 + refilled + 1);
    }
  });

  it("caps bodies (413) and enforces methods (405)", async () => {
    await new Promise((r) => setTimeout(r, 1500));
    const big = await post("/v1/verify", "x".repeat(200_000));
    expect(big.status).toBe(413);
    const get = await fetch(`${ctl.url}/v1/rotate`);
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
  });

  it("converges to the sealed data when a second writer keeps editing the Secret", async () => {
    const name = "raced";
    await createSealedSecret(seal(key, { namespace: victim, name, data: { v: "one" } }));
    await waitSecret(victim, name, "created", (s) => unb64(s.data?.["v"]) === "one");
    await updateSealedSecret(seal(key, { namespace: victim, name, data: { v: "two" } }));
    for (let i = 0; i < 15; i++) {
      await api(`/api/v1/namespaces/${victim}/secrets/${name}`, {
        method: "PATCH",
        contentType: "application/merge-patch+json",
        body: { data: { v: b64(`hand-edit-${i}`) } },
      });
    }
    const ss = await waitSynced(victim, name, "True", 2);
    expect(ss.status?.observedGeneration).toBe(2);
    const secret = await waitSecret(
      victim,
      name,
      "repaired",
      (s) => unb64(s.data?.["v"]) === "two",
    );
    expect(unb64(secret.data?.["v"])).toBe("two");
  });
});
