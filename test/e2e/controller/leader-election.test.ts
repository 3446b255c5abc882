// Leader election (issue 7) on the real control plane: two signet-controllers with
// `--leader-elect` against one namespace and the same keys. Exactly one holds the Lease and
// only it reconciles; every replica serves the HTTP API. SIGKILL the leader: the other takes
// over within the lease duration (+ retry jitter and margin) and reconciles a SealedSecret made
// after the kill. A graceful stop releases the Lease. A watch on the namespace's Secrets checks
// that no Secret was ever written with two different contents.
import { createHash } from "node:crypto";
import { request } from "node:https";
import type { ClientRequest } from "node:http";

import { afterAll, describe, expect, it } from "vitest";

import { waitFor } from "../../cluster/api.js";
import { admin, api, createNamespace, deleteNamespace } from "../../cluster/testing.js";
import {
  createKeySecret,
  createSealedSecret,
  deleteSealedSecrets,
  getSecret,
  seal,
  startLocalController,
  testKey,
  unb64,
  waitSynced,
} from "./support.js";
import type { LocalController } from "./support.js";

const LEASE_NAME = "sealed-secrets-controller";
const LEASE_MS = 3_000;
const RETRY_MS = 500;
/** client-go's acquire retries wait retryPeriod × [1, 2.2). */
const MAX_RETRY_WAIT_MS = RETRY_MS * 2.2;
/** Slack for process scheduling on a busy CI machine. */
const MARGIN_MS = 2_000;
const ARGS = [
  "--leader-elect",
  `--leader-elect-lease-duration=${LEASE_MS}ms`,
  "--leader-elect-renew-deadline=2s",
  `--leader-elect-retry-period=${RETRY_MS}ms`,
  "--all-namespaces=false",
];

interface LeaseSpec {
  holderIdentity?: string;
  leaseTransitions?: number;
  leaseDurationSeconds?: number;
}

async function lease(ns: string): Promise<LeaseSpec | undefined> {
  const res = await api(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/${LEASE_NAME}`);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`get Lease: ${res.status} ${res.body}`);
  return (res.json as { spec?: LeaseSpec }).spec ?? {};
}

/** The identity a controller logged at startup (hostname_random: POD_NAME is not set). */
function identityOf(ctl: LocalController): string {
  const m = /leader election: waiting to acquire the lease" identity=(\S+)/.exec(ctl.log());
  if (!m?.[1]) throw new Error(`no leader-election identity in the log:\n${ctl.proc.tail(20)}`);
  return m[1];
}

/**
 * The identity once the controller has logged it: "started" means it serves HTTP, and the
 * leader-election line can come a moment later (CI once read the log just before it).
 */
const loggedIdentity = (ctl: LocalController): Promise<string> =>
  waitFor(
    "the controller's leader-election identity in its log",
    () =>
      Promise.resolve(
        /leader election: waiting to acquire the lease" identity=(\S+)/.exec(ctl.log())?.[1],
      ),
    10_000,
    50,
  );

const unsealedBy = (ctl: LocalController, ns: string, name: string): boolean =>
  ctl.log().includes(`msg="SealedSecret unsealed" namespace=${ns} name=${name}\n`);

/**
 * Waits for `ctl` to log that it unsealed `name`: the status it wrote can be read before the
 * line reaches its log file (the log is written through a pipe).
 */
const loggedUnseal = (ctl: LocalController, ns: string, name: string): Promise<true> =>
  waitFor(
    `${name} unsealed in the controller's log`,
    () => Promise.resolve(unsealedBy(ctl, ns, name) || undefined),
    5_000,
    50,
  );

interface SecretWrite {
  type: string;
  name: string;
  resourceVersion: string;
  content: string;
}

/** Every version of every Secret of `ns` from now on, through one watch. */
function watchSecrets(ns: string): { writes: SecretWrite[]; stop(): void } {
  const writes: SecretWrite[] = [];
  const ep = admin();
  let buffered = "";
  const req: ClientRequest = request(
    new URL(`/api/v1/namespaces/${ns}/secrets?watch=true&allowWatchBookmarks=false`, ep.server),
    { ca: ep.caPem, headers: { authorization: `Bearer ${ep.token}` } },
    (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffered += chunk;
        let nl;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim() !== "") writes.push(toWrite(line));
        }
      });
      res.on("error", () => undefined);
    },
  );
  req.on("error", () => undefined);
  req.end();
  return { writes, stop: () => req.destroy() };
}

function toWrite(line: string): SecretWrite {
  const event = JSON.parse(line) as {
    type: string;
    object: {
      metadata?: { name?: string; resourceVersion?: string };
      type?: string;
      data?: Record<string, string>;
    };
  };
  const { metadata = {}, data = {}, type = "" } = event.object;
  const sorted = Object.keys(data)
    .sort()
    .map((k) => [k, data[k]]);
  return {
    type: event.type,
    name: metadata.name ?? "",
    resourceVersion: metadata.resourceVersion ?? "",
    content: createHash("sha256")
      .update(JSON.stringify([type, sorted]))
      .digest("hex"),
  };
}

describe("leader election", () => {
  const started: LocalController[] = [];
  const namespaces: string[] = [];
  afterAll(async () => {
    await Promise.all(started.map((c) => c.proc.stop()));
    await deleteSealedSecrets(namespaces);
    await Promise.all(namespaces.map((ns) => deleteNamespace(ns)));
  });

  it("one leader reconciles; SIGKILL hands over within the lease duration; a graceful stop releases the Lease; no Secret gets two contents", async () => {
    const ns = await createNamespace("leader");
    namespaces.push(ns);
    const key = await testKey();
    await createKeySecret(ns, key);
    const watch = watchSecrets(ns);
    try {
      const start = async (): Promise<LocalController> => {
        const ctl = await startLocalController(ns, ARGS);
        started.push(ctl);
        return ctl;
      };
      const [a, b] = [await start(), await start()];
      const ids = new Map([
        [await loggedIdentity(a), a],
        [await loggedIdentity(b), b],
      ]);
      expect(ids.size).toBe(2);

      // Exactly one holds the Lease.
      const first = await waitFor(
        `Lease ${ns}/${LEASE_NAME} held by one of the controllers`,
        async () => {
          const spec = await lease(ns);
          return spec?.holderIdentity && ids.has(spec.holderIdentity) ? spec : undefined;
        },
        10_000,
        100,
      );
      const leader = ids.get(first.holderIdentity!)!;
      const follower = leader === a ? b : a;
      expect(first.leaseDurationSeconds).toBe(LEASE_MS / 1000);

      // Every replica serves the HTTP API (the follower from its caches).
      for (const ctl of [leader, follower]) {
        const cert = await (await fetch(`${ctl.url}/v1/cert.pem`)).text();
        expect(cert.trim()).toBe(key.certificatePem.trim());
      }

      // Only the leader reconciles.
      const before = ["s0", "s1", "s2", "s3", "s4"];
      for (const name of before) {
        await createSealedSecret(seal(key, { namespace: ns, name, data: { k: name } }));
      }
      for (const name of before) await waitSynced(ns, name, "True");
      await new Promise((r) => setTimeout(r, 4 * RETRY_MS));
      for (const name of before) {
        await loggedUnseal(leader, ns, name);
        expect(unsealedBy(follower, ns, name)).toBe(false);
      }
      expect(follower.log()).not.toContain("lease acquired");
      expect((await lease(ns))?.holderIdentity).toBe(first.holderIdentity);
      const versionsBefore = new Map<string, string | undefined>();
      for (const name of before) {
        versionsBefore.set(name, (await getSecret(ns, name))?.metadata?.resourceVersion);
      }

      // SIGKILL the leader: the follower takes over within the lease duration (+ jitter).
      leader.proc.child.kill("SIGKILL");
      const killedAt = Date.now();
      await leader.proc.exited;
      await createSealedSecret(seal(key, { namespace: ns, name: "after", data: { k: "after" } }));
      const second = await waitFor(
        "the follower to take the Lease over",
        async () => {
          const spec = await lease(ns);
          return spec?.holderIdentity === identityOf(follower) ? spec : undefined;
        },
        LEASE_MS + MAX_RETRY_WAIT_MS + 10_000,
        50,
      );
      const takeoverMs = Date.now() - killedAt;
      // The follower counts the lease from when it saw the leader's last renewal (client-go's
      // observedTime), up to one jittered retry after the kill, then takes it at its next retry.
      expect(takeoverMs).toBeLessThanOrEqual(LEASE_MS + 2 * MAX_RETRY_WAIT_MS + MARGIN_MS);
      expect(second.leaseTransitions).toBe((first.leaseTransitions ?? 0) + 1);
      await waitSynced(ns, "after", "True");
      expect(unb64((await getSecret(ns, "after"))?.data?.["k"])).toBe("after");
      await loggedUnseal(follower, ns, "after");
      // The new leader re-lists everything but rewrites none of the Secrets already right.
      for (const name of before) {
        expect((await getSecret(ns, name))?.metadata?.resourceVersion).toBe(
          versionsBefore.get(name),
        );
      }

      // A graceful stop of the leader releases the Lease; a fresh replica takes it.
      const third = await start();
      const thirdId = await loggedIdentity(third);
      await follower.proc.stop();
      expect(await follower.proc.exited).toBe(0);
      const stoppedAt = Date.now();
      expect(follower.log()).toContain("leader election: lease released");
      const last = await waitFor(
        "the third controller to take the released Lease",
        async () => {
          const spec = await lease(ns);
          return spec?.holderIdentity === thirdId ? spec : undefined;
        },
        LEASE_MS + 10_000,
        50,
      );
      const handoverMs = Date.now() - stoppedAt;
      process.stderr.write(
        `[leader] takeover ${takeoverMs} ms after the SIGKILL, ${handoverMs} ms after the release\n`,
      );
      expect(handoverMs).toBeLessThanOrEqual(MAX_RETRY_WAIT_MS + MARGIN_MS);
      expect(last.leaseTransitions).toBe((second.leaseTransitions ?? 0) + 1);
      await createSealedSecret(seal(key, { namespace: ns, name: "last", data: { k: "last" } }));
      await waitSynced(ns, "last", "True");
      await loggedUnseal(third, ns, "last");
    } finally {
      watch.stop();
    }

    // No Secret was ever written with two different contents, and each SealedSecret's Secret
    // was created once (the key Secret is the only other Secret in the namespace).
    const byName = new Map<string, SecretWrite[]>();
    for (const w of watch.writes) byName.set(w.name, [...(byName.get(w.name) ?? []), w]);
    for (const name of ["s0", "s1", "s2", "s3", "s4", "after", "last"]) {
      const history = byName.get(name) ?? [];
      expect(
        history.filter((w) => w.type === "ADDED"),
        name,
      ).toHaveLength(1);
      expect(new Set(history.map((w) => w.content)).size, name).toBe(1);
    }
    expect(watch.writes.every((w) => w.type !== "DELETED")).toBe(true);
  });
});
