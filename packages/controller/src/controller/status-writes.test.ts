import { describe, expect, it } from "vitest";

import type { SealedSecret, SealedSecretStatus } from "@signet/core";

import { UNFENCED } from "../leader/fence.js";
import type { Outcome } from "../reconcile/status.js";
import type { Logger } from "../ports/logger.js";
import { MAX_STATUS_ATTEMPTS, StatusWrites } from "./status-writes.js";

class Conflict extends Error {}

const ss = (over: Partial<SealedSecret["metadata"]> = {}, status?: SealedSecretStatus) =>
  ({
    apiVersion: "bitnami.com/v1alpha1",
    kind: "SealedSecret",
    metadata: {
      namespace: "ns",
      name: "app",
      uid: "u1",
      generation: 1,
      resourceVersion: "5",
      ...over,
    },
    spec: { encryptedData: {} },
    ...(status && { status }),
  }) as SealedSecret;

const OK: Outcome = { ok: true, keyFingerprint: "SHA256:k" };

function harness(answers: {
  write?: () => Promise<string | undefined>;
  fresh?: () => Promise<SealedSecret | undefined>;
}) {
  const writes: (string | undefined)[] = [];
  const errors: string[] = [];
  const log: Logger = {
    debug() {},
    info() {},
    warn() {},
    error: (o) => void errors.push(JSON.stringify(o)),
  };
  const statuses = new StatusWrites(
    {
      status: {
        write: (_ss, _status, rv) => {
          writes.push(rv);
          return answers.write ? answers.write() : Promise.resolve(String(Number(rv ?? 0) + 1));
        },
      },
      freshSealedSecret: answers.fresh ?? (() => Promise.resolve(ss({ resourceVersion: "6" }))),
      fence: UNFENCED,
      errors: {
        isConflict: (e) => e instanceof Conflict,
        isNotFound: () => false,
        describe: (e) => ({
          status: undefined,
          message: e instanceof Error ? e.message : String(e),
        }),
      },
      metrics: { unsealError: () => undefined, observeConditions: () => undefined },
      now: () => new Date("2026-06-01T00:00:00Z"),
      log,
    },
    true,
  );
  return { statuses, writes, errors };
}

describe("StatusWrites", () => {
  it.each<[string, Parameters<typeof harness>[0], string, number]>([
    [
      "gives up (failed, retried later) after bounded conflicts",
      { write: () => Promise.reject(new Conflict("modified")) },
      "failed",
      MAX_STATUS_ATTEMPTS,
    ],
    [
      "fails when the re-read after a conflict fails",
      {
        write: () => Promise.reject(new Conflict("modified")),
        fresh: () => Promise.reject(new Error("connection refused")),
      },
      "failed",
      1,
    ],
    [
      "writes nothing when the object is gone on the re-read",
      {
        write: () => Promise.reject(new Conflict("modified")),
        fresh: () => Promise.resolve(undefined),
      },
      "written",
      1,
    ],
    [
      "writes nothing when the object was re-created (new uid) on the re-read",
      {
        write: () => Promise.reject(new Conflict("modified")),
        fresh: () => Promise.resolve(ss({ uid: "u2" })),
      },
      "written",
      1,
    ],
    [
      "fails (retried later) on any other error",
      { write: () => Promise.reject(new Error("etcdserver: request timed out")) },
      "failed",
      1,
    ],
  ])("%s", async (_, answers, result, attempts) => {
    const h = harness(answers);
    expect(await h.statuses.write(ss(), OK)).toBe(result);
    expect(h.writes).toHaveLength(attempts);
    expect(h.errors.length).toBe(result === "failed" ? 1 : 0);
  });

  it("shows an outcome only once its status is written, counting a write the cache has not seen", async () => {
    const h = harness({});
    const cached = ss();
    expect(h.statuses.shows(cached, OK)).toBe(false);
    expect(await h.statuses.write(cached, OK)).toBe("written");
    expect(h.statuses.shows(cached, OK)).toBe(true); // the cache still has version 5
    expect(h.statuses.shows(cached, { ok: false, reason: "UnsealFailed", message: "x" })).toBe(
      false,
    );
    expect(h.statuses.shows(ss({ resourceVersion: "9" }), OK)).toBe(false); // someone else's
    h.statuses.forget("ns/app");
    expect(h.statuses.shows(cached, OK)).toBe(false);
  });
});
