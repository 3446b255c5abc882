// The periodic resync (`--resync-period`, issue 20) on the real control plane: it restores what
// no watch event brings back (a status wiped through the status subresource does not move the
// generation, so the reference never rewrites it), and a pass over objects that are all in
// their last state costs no API write, no unseal and no RSA operation.
import { afterAll, describe, expect, it } from "vitest";

import { waitFor } from "../../cluster/api.js";
import { deleteNamespace } from "../../cluster/testing.js";
import {
  call,
  collectionVersion,
  createSealed,
  logLines,
  makeNamespace,
  metric,
  putKey,
  recordVersions,
  sharedEndpoint,
  ssPath,
  startControllerOn,
  waitConverged,
} from "./fault-support.js";
import type { Controller } from "./fault-support.js";
import { deleteSealedSecrets, seal, testKey } from "./support.js";

const RESYNC = "1s";
const RESYNC_MS = 1_000;

describe("periodic resync", () => {
  const ep = sharedEndpoint();
  const controllers: Controller[] = [];
  const namespaces: string[] = [];
  afterAll(async () => {
    await Promise.all(controllers.map((c) => c.proc.stop()));
    await deleteSealedSecrets(namespaces);
    await Promise.all(namespaces.map((ns) => deleteNamespace(ns)));
  });

  async function setup(prefix: string, objects: number, args: string[] = []) {
    const ns = await makeNamespace(ep, prefix);
    namespaces.push(ns);
    const key = await testKey();
    await putKey(ep, ns, key);
    const ctl = await startControllerOn(ep, ns, args);
    controllers.push(ctl);
    const names = Array.from({ length: objects }, (_, i) => `s${i}`);
    for (let i = 0; i < names.length; i += 25) {
      await Promise.all(
        names
          .slice(i, i + 25)
          .map((name) => createSealed(ep, seal(key, { namespace: ns, name, data: { k: name } }))),
      );
    }
    await waitConverged(ep, ns, (name) => name, 120_000);
    return { ns, ctl };
  }

  it.each([
    ["with a Secret cache", []],
    ["without a Secret cache (--skip-recreate)", ["--skip-recreate"]],
  ])(
    "restores a status wiped behind the controller's back within a period, %s",
    async (_, extra) => {
      const { ns, ctl } = await setup("resync-wiped", 3, [`--resync-period=${RESYNC}`, ...extra]);
      const wiped = await call(ep, `${ssPath(ns, "s1")}/status`, {
        method: "PATCH",
        contentType: "application/merge-patch+json",
        body: { status: null },
      });
      expect(wiped.status).toBe(200);
      const restoredIn = await waitConverged(ep, ns, (name) => name, 10 * RESYNC_MS);
      expect(restoredIn).toBeLessThan(10 * RESYNC_MS);
      expect(logLines(ctl, "resync: queued objects not in their last state").length).toBe(1);
      // Restored from what the last reconcile concluded: no second unseal, no Secret write.
      expect(logLines(ctl, "SealedSecret unsealed")).toHaveLength(3);
    },
    180_000,
  );

  it("a pass over objects in their last state makes no API write and no RSA operation", async () => {
    const objects = 200;
    const { ns, ctl } = await setup("resync-idle", objects, [`--resync-period=${RESYNC}`]);
    // Let the last echoes of the cold start arrive, then watch from the current versions.
    await new Promise((r) => setTimeout(r, 2 * RESYNC_MS));
    const secretsPath = `/api/v1/namespaces/${ns}/secrets`;
    const secrets = recordVersions(ep, secretsPath, await collectionVersion(ep, secretsPath));
    const sealed = recordVersions(ep, ssPath(ns), await collectionVersion(ep, ssPath(ns)));
    const before = {
      rsa: await metric(ctl, "signet_unseal_rsa_operations_total"),
      unseals: await metric(ctl, "sealed_secrets_controller_unseal_requests_total"),
      passes: logLines(ctl, "resync: every object in its last state").length,
      // During the cold start a pass queues the objects not reconciled yet; not afterwards.
      queued: logLines(ctl, "resync: queued objects not in their last state").length,
    };
    let passes: string[];
    try {
      passes = await waitFor(
        "5 idle resync passes",
        () => {
          const lines = logLines(ctl, "resync: every object in its last state").slice(
            before.passes,
          );
          return Promise.resolve(lines.length >= 5 ? lines : undefined);
        },
        30_000,
        100,
      );
    } finally {
      secrets.stop();
      sealed.stop();
    }
    expect(secrets.versions).toEqual([]);
    expect(sealed.versions).toEqual([]);
    expect(await metric(ctl, "signet_unseal_rsa_operations_total")).toBe(before.rsa);
    expect(await metric(ctl, "sealed_secrets_controller_unseal_requests_total")).toBe(
      before.unseals,
    );
    expect(
      logLines(ctl, "resync: queued objects not in their last state").slice(before.queued),
    ).toEqual([]);
    const ms = passes.map((l) => Number(/ ms=([\d.]+)/.exec(l)?.[1]));
    for (const l of passes) expect(l).toContain(`checked=${objects} queued=0`);
    process.stderr.write(
      `[resync] ${objects} objects in their last state: passes took ${ms.map((m) => m.toFixed(2)).join(", ")} ms\n`,
    );
  }, 240_000);
});
