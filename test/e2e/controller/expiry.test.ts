// Value expiry (issue 17, docs/expiry.md) on the real control plane, with the controller's wall
// clock moved by the test (SIGNET_TEST_CLOCK_OFFSET_FILE, honoured only for a controller run
// outside a cluster with --kubeconfig, as here): a SealedSecret expiring in 20 days shows
// `Expiry=True/Valid`; 7 days later (inside the 14-day window) `ExpiringSoon` with exactly one
// Warning event; after the expiry `Expired` with one more; the Secret stays unsealed
// throughout; the expiry gauge is on /metrics and goes away with the annotation.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import type { GeneratedKey, SealedSecret } from "@signet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "../../cluster/api.js";
import { api, cluster, createNamespace, deleteNamespace } from "../../cluster/testing.js";
import {
  createKeySecret,
  createSealedSecret,
  deleteSealedSecrets,
  events,
  getSealedSecret,
  seal,
  startLocalController,
  testKey,
  unb64,
  waitEvent,
  waitSecret,
} from "./support.js";
import type { LocalController } from "./support.js";

const DAY = 86_400_000;
const NAME = "api-token";
const METRIC = "signet_sealedsecret_expiry_timestamp_seconds";

let ns: string;
let ctl: LocalController;
let clockFile: string;
let key: GeneratedKey;

/** Moves the controller's wall clock `days` ahead of the real one (re-read within 100 ms). */
const setClock = (days: number): void => writeFileSync(clockFile, String(days * DAY));

beforeAll(async () => {
  ns = await createNamespace("expiry");
  key = await testKey();
  await createKeySecret(ns, key);
  clockFile = join(cluster().runDir, `expiry-clock-${ns}`);
  setClock(0);
  ctl = await startLocalController(ns, ["--resync-period=1s"], true, {
    SIGNET_TEST_CLOCK_OFFSET_FILE: clockFile,
  });
});

afterAll(async () => {
  await ctl?.proc.stop();
  if (ns) {
    await deleteSealedSecrets([ns]);
    await deleteNamespace(ns);
  }
});

function waitExpiry(reason: string): Promise<SealedSecret> {
  return waitFor(
    `Expiry condition ${reason} on ${ns}/${NAME}`,
    async () => {
      const ss = await getSealedSecret(ns, NAME);
      const c = ss.status?.conditions?.find((x) => x.type === "Expiry");
      return c?.reason === reason ? ss : undefined;
    },
    30_000,
    100,
  );
}

const expiryEvents = async () => (await events(ns, NAME)).filter((e) => e.reason !== "Unsealed");

describe("value expiry with an injected clock", () => {
  it("goes Valid → ExpiringSoon → Expired with one Warning per change, the Secret unsealed throughout", async () => {
    const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 20 * DAY);
    const ss = seal(key, { namespace: ns, name: NAME, data: { token: "rotate-me" } });
    ss.metadata.annotations = {
      ...ss.metadata.annotations,
      "signet.dev/expires-at": expiresAt.toISOString().replace(/\.\d+Z$/, "Z"),
    };
    await createSealedSecret(ss);
    const secret = await waitSecret(ns, NAME, "unsealed");
    expect(unb64(secret.data?.["token"])).toBe("rotate-me");
    // The annotation is the SealedSecret's own: not copied to the Secret.
    expect(secret.metadata?.annotations?.["signet.dev/expires-at"]).toBeUndefined();

    const valid = await waitExpiry("Valid");
    expect(valid.status?.conditions?.find((c) => c.type === "Expiry")?.status).toBe("True");
    const metrics = await (await fetch(ctl.metricsUrl)).text();
    expect(metrics).toContain(
      `${METRIC}{namespace="${ns}",name="${NAME}"} ${expiresAt.getTime() / 1000}`,
    );
    expect(await expiryEvents()).toEqual([]);

    // 7 days later the expiry is 13 days away: inside the 14-day window. Nothing changed in the
    // cluster; the controller notices the boundary by itself.
    setClock(7);
    await waitExpiry("ExpiringSoon");
    await waitEvent(ns, NAME, "ExpiringSoon");
    // Several resyncs later, still one event, once.
    await new Promise((r) => setTimeout(r, 3_000));
    const soon = (await expiryEvents()).filter((e) => e.reason === "ExpiringSoon");
    expect(soon).toHaveLength(1);
    expect(soon[0]).toMatchObject({ type: "Warning" });
    expect(soon[0]?.count ?? 1).toBe(1);

    // A day after the expiry: Expired, one more Warning; the Secret is still there.
    setClock(21);
    const expired = await waitExpiry("Expired");
    expect(expired.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    await waitEvent(ns, NAME, "Expired");
    const after = await expiryEvents();
    expect(after.map((e) => `${e.type}/${e.reason}`).sort()).toEqual([
      "Warning/Expired",
      "Warning/ExpiringSoon",
    ]);
    expect(unb64((await waitSecret(ns, NAME, "still unsealed")).data?.["token"])).toBe("rotate-me");
    // Nothing from the plaintext leaks into the condition or the events.
    expect(JSON.stringify(expired.status)).not.toContain("rotate-me");
    expect(JSON.stringify(after)).not.toContain("rotate-me");
  });

  it("drops the condition and the gauge when the annotation is removed (a metadata-only edit)", async () => {
    const res = await api(`/apis/bitnami.com/v1alpha1/namespaces/${ns}/sealedsecrets/${NAME}`, {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { metadata: { annotations: { "signet.dev/expires-at": null } } },
    });
    expect(res.status).toBe(200);
    await waitFor(
      "Expiry condition removed",
      async () => {
        const ss = await getSealedSecret(ns, NAME);
        return ss.status?.conditions?.some((c) => c.type === "Expiry") ? undefined : true;
      },
      30_000,
      100,
    );
    const metrics = await (await fetch(ctl.metricsUrl)).text();
    expect(metrics).not.toContain(`${METRIC}{namespace="${ns}"`);
  });

  it("with --update-status=false records no expiry Event, across a restart, and still fills the gauge", async () => {
    // No status means no persisted reason: events would repeat on every restart or new leader.
    const args = ["--update-status=false", "--resync-period=1s"];
    await ctl.proc.stop();
    ctl = await startLocalController(ns, args);
    const quiet = seal(key, { namespace: ns, name: "quiet", data: { token: "v" } });
    quiet.metadata.annotations = {
      ...quiet.metadata.annotations,
      "signet.dev/expires-at": "2020-01-01T00:00:00Z",
    };
    await createSealedSecret(quiet);
    await waitSecret(ns, "quiet", "unsealed without status writes");
    const gauge = `${METRIC}{namespace="${ns}",name="quiet"} 1577836800`;
    await waitFor(
      "the expiry gauge of quiet",
      async () => ((await (await fetch(ctl.metricsUrl)).text()).includes(gauge) ? true : undefined),
      30_000,
      100,
    );
    await ctl.proc.stop();
    ctl = await startLocalController(ns, args);
    await waitFor(
      "the expiry gauge of quiet after a restart",
      async () => ((await (await fetch(ctl.metricsUrl)).text()).includes(gauge) ? true : undefined),
      30_000,
      100,
    );
    await new Promise((r) => setTimeout(r, 2_000)); // a few 1s resyncs
    const quietEvents = (await events(ns, "quiet")).filter((e) => e.reason !== "Unsealed");
    expect(quietEvents).toEqual([]);
    const ss = await getSealedSecret(ns, "quiet");
    expect(ss.status?.conditions?.some((c) => c.type === "Expiry") ?? false).toBe(false);
  });
});
