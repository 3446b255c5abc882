// A deposed leader must not write (issue 20). Two controllers with --leader-elect; while the
// leader is reconciling a re-seal of every object, it is frozen (SIGSTOP) with a Lease renewal
// in flight: kube-apiserver is frozen for a moment (the renewal and the reconciles' writes wait
// on it), then the leader, then kube-apiserver thaws and answers into the frozen process. The
// other replica takes the Lease over and writes a second re-seal. Then the old leader is thawed:
// its in-flight reconciles, its queued work and its watch backlog all want to write the older
// value, but it can no longer prove it holds the Lease, so it must write nothing and exit.
// Watches on the Secrets and SealedSecrets record every version: once the newest value (or
// status) appeared, no older one may follow. A private control plane (kube-apiserver is frozen).
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "../../cluster/api.js";
import type { ControlPlane } from "../../cluster/controlPlane.js";
import {
  createSealed,
  makeNamespace,
  privatePlane,
  putKey,
  recordVersions,
  resealTo,
  ssPath,
  startControllerOn,
  waitConverged,
} from "./fault-support.js";
import type { Controller, Endpoint, Version } from "./fault-support.js";
import { seal, testKey } from "./support.js";

// Shorter than the defaults (15 s / 10 s / 2 s) to keep the test short, long enough that a
// healthy leader keeps its Lease on a shared 2-core machine under heavy load.
const LEASE_MS = 8_000;
const RENEW_DEADLINE_MS = 5_000;
const RETRY_MS = 1_000;
const ARGS = [
  "--leader-elect",
  `--leader-elect-lease-duration=${LEASE_MS}ms`,
  `--leader-elect-renew-deadline=${RENEW_DEADLINE_MS}ms`,
  `--leader-elect-retry-period=${RETRY_MS}ms`,
  "--workers=2",
];
const OBJECTS = 100;
const LEASE = "sealed-secrets-controller";

const IDENTITY = /leader election: waiting to acquire the lease" identity=(\S+)/;

/** The identity a controller logged, if it has yet ("started" can come just before it). */
const identityOf = (ctl: Controller): string => IDENTITY.exec(ctl.log())?.[1] ?? "(not logged yet)";

/** The identity once the controller has logged it (CI once read the log just before). */
const loggedIdentity = (ctl: Controller): Promise<string> =>
  waitFor(
    "a leader-election identity in the log",
    () => Promise.resolve(IDENTITY.exec(ctl.log())?.[1]),
    10_000,
  );

/** Versions of each object after the first one `isNewest` accepts, that it does not accept. */
function olderAfterNewest(
  versions: readonly Version[],
  isNewest: (v: Version) => boolean,
): Version[] {
  const seenNewest = new Set<string>();
  const stale: Version[] = [];
  for (const v of versions) {
    if (v.type === "DELETED") continue;
    if (isNewest(v)) seenNewest.add(v.name);
    else if (seenNewest.has(v.name)) stale.push(v);
  }
  return stale;
}

describe("a leader frozen mid-renewal and mid-reconcile while another takes over", () => {
  let plane: ControlPlane;
  let ep: Endpoint;
  const controllers: Controller[] = [];
  beforeAll(async () => {
    ({ plane, endpoint: ep } = await privatePlane());
  }, 300_000);
  afterAll(async () => {
    await Promise.all(controllers.map((c) => c.proc.stop()));
    await plane?.stop();
  });

  it("writes nothing once thawed: no older Secret value or status lands after the takeover, and every status converges", async () => {
    const ns = await makeNamespace(ep, "fenced");
    const key = await testKey();
    await putKey(ep, ns, key);
    const names = Array.from({ length: OBJECTS }, (_, i) => `s${i}`);
    const sealedAs = (stage: string) => (name: string) =>
      seal(key, { namespace: ns, name, data: { k: `${stage}-${name}` } });

    const a = await startControllerOn(ep, ns, ARGS);
    controllers.push(a);
    const b = await startControllerOn(ep, ns, ARGS);
    controllers.push(b);
    const byId = new Map([
      [await loggedIdentity(a), a],
      [await loggedIdentity(b), b],
    ]);
    const leases = recordVersions(ep, `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`);
    const secrets = recordVersions(ep, `/api/v1/namespaces/${ns}/secrets`);
    const objects = recordVersions(ep, ssPath(ns));
    try {
      const holder = await waitFor(
        "one controller to hold the Lease",
        () =>
          Promise.resolve(leases.versions.findLast((v) => v.name === LEASE)?.holder || undefined),
        20_000,
        50,
      );
      const leader = byId.get(holder)!;
      const follower = leader === a ? b : a;
      for (const name of names) await createSealed(ep, sealedAs("v1")(name));
      await waitConverged(ep, ns, (name) => `v1-${name}`, 120_000);

      // Re-seal everything; once the leader is writing the re-sealed values, freeze it the
      // moment one of its renewals lands (its answer still on the way).
      const resealing = Promise.all(names.map((name) => resealTo(ep, sealedAs("mid")(name))));
      const mid = () => secrets.versions.filter((v) => v.value.startsWith("mid-")).length;
      await waitFor(
        "the leader to write re-sealed values",
        () => Promise.resolve(mid() >= 3 || undefined),
        20_000,
        1,
      );
      const renewals = leases.versions.length;
      await waitFor(
        "a Lease renewal by the leader",
        () => Promise.resolve(leases.versions.length > renewals ? true : undefined),
        10_000,
        1,
      );
      leader.proc.signal("SIGSTOP");
      const midAtFreeze = mid();
      await resealing;
      const frozenAt = Date.now();

      // The other replica takes over and writes the newest value everywhere.
      await Promise.all(names.map((name) => resealTo(ep, sealedAs("final")(name))));
      const followerId = await loggedIdentity(follower);
      await waitFor(
        "the follower to take the Lease over",
        () =>
          Promise.resolve(
            leases.versions.some((v) => v.holder === followerId && v.at > frozenAt) || undefined,
          ),
        LEASE_MS * 4,
        50,
      );
      await waitConverged(ep, ns, (name) => `final-${name}`, 120_000);

      // Thaw the old leader: it must notice it cannot prove the Lease, write nothing, and exit.
      leader.proc.signal("SIGCONT");
      const thawedAt = Date.now();
      const code = await Promise.race([
        leader.proc.exited,
        new Promise((r) => setTimeout(() => r("still running"), 15_000)),
      ]);
      const exitedMs = Date.now() - thawedAt;
      expect(code).toBe(1);
      // The exit can be seen before the last lines of its output reach the log file.
      await waitFor(
        "the old leader's exit reason in its log",
        () => Promise.resolve(leader.log().includes("leader election lost, exiting") || undefined),
        5_000,
      );
      // Whatever it had in flight has had time to land.
      await new Promise((r) => setTimeout(r, 2_000));
      process.stderr.write(
        `[faults] leader frozen after ${midAtFreeze}/${OBJECTS} re-sealed Secrets were written; exited ${exitedMs} ms after the thaw\n`,
      );
    } catch (err) {
      for (const c of controllers)
        process.stderr.write(`--- ${identityOf(c)}\n${c.proc.tail(40)}\n`);
      throw err;
    } finally {
      leases.stop();
      secrets.stop();
      objects.stop();
    }

    const staleSecrets = olderAfterNewest(secrets.versions, (v) => v.value.startsWith("final-"));
    expect(staleSecrets.map((v) => `${v.name}=${v.value}@${v.resourceVersion}`)).toEqual([]);
    const staleStatuses = olderAfterNewest(
      objects.versions,
      (v) => v.observedGeneration === 3 && v.synced === "True",
    );
    expect(staleStatuses.map((v) => `${v.name}@${v.observedGeneration}/${v.synced}`)).toEqual([]);
    // Every object ended Synced at its last generation with the newest value.
    await waitConverged(ep, ns, (name) => `final-${name}`, 10_000);
  }, 240_000);
});
