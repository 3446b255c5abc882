// Denial of service through the HTTP API (issue 13, items 1 and 2, and the rate limit behind
// the service proxy), on the real control plane. The attacker has exactly what kubeseal users
// are given (the service-proxier Role: `services/proxy` on the controller's Service) and reaches
// the controller only through the API server, as a tenant would.
import { randomBytes } from "node:crypto";

import { generatePrivateKeyAndCert } from "@signet/core";
import type { GeneratedKey } from "@signet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createNamespace, deleteNamespace } from "../../cluster/testing.js";
import {
  fakeItems,
  grantServiceProxy,
  metric,
  nodePid,
  peakRssMiB,
  probeWhile,
  sealedWithItems,
  validItems,
  viaApiServer,
} from "./bounded-support.js";
import {
  createKeySecret,
  createSealedSecret,
  deleteSealedSecrets,
  seal,
  startController,
  waitSecret,
} from "./support.js";
import type { RunningController } from "./support.js";

let ctlNs: string;
let tenant: string;
let key: GeneratedKey;
let ctl: RunningController;

beforeAll(async () => {
  ctlNs = await createNamespace("dos-api");
  tenant = await createNamespace("dos-api-tenant");
  // RSA-4096, as real keys: each wasted RSA operation costs what it costs in production.
  key = await generatePrivateKeyAndCert({ keySize: 4096, now: new Date(), random: randomBytes });
  await createKeySecret(ctlNs, key);
  await grantServiceProxy(ctlNs);
  ctl = await startController(ctlNs, [
    "--all-namespaces=false",
    `--additional-namespaces=${tenant}`,
    // Enough burst for three concurrent requests from one client.
    "--rate-limit-burst=20",
    "--log-level=INFO",
  ]);
}, 300_000);

afterAll(async () => {
  await ctl?.srv.stop();
  await deleteSealedSecrets([ctlNs, tenant].filter(Boolean));
  await Promise.all([ctlNs, tenant].filter(Boolean).map((n) => deleteNamespace(n)));
});

const api = (path: string): string => `${ctl.srv.proxyPath}${path}`;

/**
 * Values per request in the valid-values attack: 3 x 600 RSA-4096 operations keep both cores
 * busy for several seconds (much longer on a loaded machine) without making the test slow.
 */
const VALID_ITEMS = 600;

const healthy = async (): Promise<boolean> => {
  const res = await viaApiServer(api("/healthz"), { as: "user", timeoutMs: 3000 });
  return res.status === 200;
};

async function metrics(): Promise<string> {
  const res = await fetch(`http://${ctl.srv.ip}:8081/metrics`);
  return res.text();
}

/** Nine levels of nine aliases in the template: ~550 bytes that expand to ~200 MB of JSON. */
function aliasBomb(): string {
  const levels = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    levels.push(
      `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(",")}]`,
    );
  }
  return [
    "apiVersion: bitnami.com/v1alpha1",
    "kind: SealedSecret",
    `metadata: {name: bomb, namespace: ${tenant}}`,
    "spec:",
    "  encryptedData: {}",
    "  template:",
    "    x:",
    ...levels.map((l) => `      ${l}`),
    "",
  ].join("\n");
}

describe("the HTTP API under attack, through the service proxy", () => {
  const LIST_HEAD =
    "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: a, namespace: b}\n";
  it.each<[string, () => string, number]>([
    ["a YAML alias bomb", aliasBomb, 700],
    [
      "a 1 MiB body of 500,000 list items",
      () => `${LIST_HEAD}spec:\n  encryptedData: {}\n  x: [${"a,".repeat(500_000)}a]\n`,
      1 << 20,
    ],
  ])("refuses %s at once, without memory growth (item 1)", async (_, makeBody, maxBytes) => {
    const pid = nodePid(ctl.srv.process.child.pid);
    const before = peakRssMiB(pid);
    const body = makeBody();
    expect(body.length).toBeLessThan(maxBytes);
    for (const path of ["/v1/rotate", "/v1/verify"]) {
      const res = await viaApiServer(api(path), { method: "POST", body, as: "user" });
      expect([res.status, res.body]).toEqual([400, "invalid SealedSecret\n"]);
      expect(res.ms).toBeLessThan(5000);
    }
    expect(await healthy()).toBe(true);
    expect(peakRssMiB(pid) - before).toBeLessThan(32);
  });

  it("spends one RSA operation per key on a 1 MiB body of values no key opens, and stays healthy (item 2)", async () => {
    const body = JSON.stringify(sealedWithItems(tenant, "fake", fakeItems(1_000_000)));
    expect(body.length).toBeGreaterThan(950_000);
    const before = metric(await metrics(), 'signet_rsa_operations_total{class="api"}');
    const attack = Promise.all(
      [1, 2, 3].map(() => viaApiServer(api("/v1/verify"), { method: "POST", body, as: "user" })),
    );
    const probes = probeWhile(attack, healthy);
    const answers = await attack;
    expect(answers.map((a) => a.status)).toEqual([409, 409, 409]);
    expect(await probes).not.toContain(false);
    const spent = metric(await metrics(), 'signet_rsa_operations_total{class="api"}') - before;
    // The reference: 1,400+ per request. Signet: the first value fails with the one key.
    expect(spent).toBeLessThanOrEqual(3);
  });

  it("keeps /healthz and unsealing responsive while requests full of valid values are served (item 2)", async () => {
    // Anyone with the certificate can seal valid values: the work is legitimate, so it is done,
    // off the main thread and behind the reconciles.
    const body = JSON.stringify(validItems(key, tenant, "valid", VALID_ITEMS));
    expect(body.length).toBeLessThan(1_048_576);
    const attack = Promise.all(
      [1, 2, 3].map(() =>
        viaApiServer(api("/v1/verify"), { method: "POST", body, as: "user", timeoutMs: 180_000 }),
      ),
    );
    const probes = probeWhile(attack, healthy);
    await new Promise((r) => setTimeout(r, 1000));
    const started = performance.now();
    await createSealedSecret(seal(key, { namespace: tenant, name: "bystander", data: { a: "1" } }));
    await waitSecret(tenant, "bystander", "unsealed during the attack");
    const unsealMs = performance.now() - started;
    const answers = await attack;
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(await probes).not.toContain(false);
    // The reference: 14–32 s behind three requests of 1,400 values.
    expect(unsealMs).toBeLessThan(10_000);
  }, 600_000);
});

describe("the rate limit behind the service proxy", () => {
  let proxied: RunningController;
  let ns: string;

  beforeAll(async () => {
    ns = await createNamespace("dos-proxy");
    await createKeySecret(ns, key);
    await grantServiceProxy(ns);
    proxied = await startController(ns, [
      "--all-namespaces=false",
      "--rate-limit=1",
      "--rate-limit-burst=1",
      // The API server reaches the test's network namespaces from this range.
      "--trusted-proxies=10.213.0.0/16",
    ]);
  }, 120_000);

  afterAll(async () => {
    await proxied?.srv.stop();
    if (ns) await deleteNamespace(ns);
  });

  it("limits each client the API server forwards for, not everyone as one peer", async () => {
    const verify = (from: string, xff?: string) =>
      viaApiServer(`${proxied.srv.proxyPath}/v1/verify`, {
        method: "POST",
        body: "{}",
        as: "user",
        from,
        ...(xff && { xff }),
      });
    // Burst 1: two requests at once, then one per second.
    expect((await verify("127.0.0.2")).status).toBe(400);
    expect((await verify("127.0.0.2")).status).toBe(400);
    expect((await verify("127.0.0.2")).status).toBe(429);
    // Another client (another source address) has its own quota...
    expect((await verify("127.0.0.3")).status).toBe(400);
    // ...and the exhausted one cannot borrow it by claiming that address.
    expect((await verify("127.0.0.2", "127.0.0.3")).status).toBe(429);
  });
});
