/// <reference types="node" />
// Argo CD's health check for bitnami.com/SealedSecret (all three revisions, run by a real
// Lua 5.1) and Flux's kstatus rules, applied to statuses produced by the controller's own pure
// status function (packages/controller/src/reconcile/status.ts).
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { SealedSecret, SealedSecretStatus } from "@signet/core";

import { nextStatus } from "../../../packages/controller/src/reconcile/status.js";
import type { Outcome } from "../../../packages/controller/src/reconcile/status.js";
import { computeKstatus } from "./kstatus.js";
import type { KStatus } from "./kstatus.js";
import { ensureLua, runHealthScript, toLua } from "./lua.js";

const REVISIONS = ["v1", "v2", "v3"] as const;
type Revision = (typeof REVISIONS)[number];
const script = (rev: Revision): string =>
  fileURLToPath(new URL(`./argocd/health-${rev}.lua`, import.meta.url));

const T0 = new Date("2026-11-22T06:00:00Z");
const T1 = new Date("2026-11-22T06:05:00Z");
const FAILURE: Outcome = {
  ok: false,
  reason: "NoMatchingKey",
  message: "no key could decrypt secret (password)",
};
const SUCCESS: Outcome = { ok: true, keyFingerprint: "4f2a0c" };

function sealedSecret(generation: number, status?: SealedSecretStatus): SealedSecret {
  return {
    apiVersion: "bitnami.com/v1alpha1",
    kind: "SealedSecret",
    metadata: { name: "db", namespace: "app", uid: "0b3c", generation },
    spec: { encryptedData: { password: "AgBy3i4OJSWK" }, template: { type: "Opaque" } },
    ...(status && { status }),
  };
}

/** The object after the controller reconciled generation `gen` with `outcomes`, in order. */
function reconciled(gen: number, ...outcomes: Outcome[]): SealedSecret {
  let ss = sealedSecret(gen);
  for (const [i, outcome] of outcomes.entries()) {
    const plan = nextStatus(ss, outcome, i === 0 ? T0 : T1);
    ss = { ...ss, status: plan.status };
  }
  return ss;
}

/** `ss` after a spec edit the controller has not processed yet. */
function edited(ss: SealedSecret): SealedSecret {
  return { ...ss, metadata: { ...ss.metadata, generation: (ss.metadata.generation ?? 0) + 1 } };
}

function deleting(ss: SealedSecret): SealedSecret {
  return {
    ...ss,
    metadata: {
      ...ss.metadata,
      deletionTimestamp: "2026-11-22T06:10:00Z",
      finalizers: ["example.com/keep"],
    },
  };
}

interface Case {
  name: string;
  object: () => SealedSecret;
  argo: Record<Revision, { status: string; message: string | undefined }>;
  kstatus: KStatus;
}

const healthy = { status: "Healthy", message: undefined };
const degraded = { status: "Degraded", message: FAILURE.message };
const waitingDecrypt = {
  status: "Progressing",
  message: "Waiting for Sealed Secret to be decrypted",
};
const waitingGeneration = {
  status: "Progressing",
  message: "Waiting for the Sealed Secrets controller to observe the latest generation",
};
const pendingDeletion = {
  status: "Progressing",
  message: "Pending deletion; blocked by finalizers: example.com/keep",
};

const CASES: Case[] = [
  {
    name: "a successful unseal is Healthy in every revision and Current for kstatus",
    object: () => reconciled(1, SUCCESS),
    argo: { v1: healthy, v2: healthy, v3: healthy },
    kstatus: "Current",
  },
  {
    name: "a failed unseal is Degraded with the error message and Failed for kstatus",
    object: () => reconciled(1, FAILURE),
    argo: { v1: degraded, v2: degraded, v3: degraded },
    kstatus: "Failed",
  },
  {
    name: "a failure fixed by the next reconcile is Healthy and Current again (Stalled removed)",
    object: () => reconciled(1, FAILURE, SUCCESS),
    argo: { v1: healthy, v2: healthy, v3: healthy },
    kstatus: "Current",
  },
  {
    name: "a new failure after a success is Degraded and Failed",
    object: () => reconciled(1, SUCCESS, FAILURE),
    argo: { v1: degraded, v2: degraded, v3: degraded },
    kstatus: "Failed",
  },
  {
    name: "a stale generation after a success is Progressing for the newest revision and InProgress",
    object: () => edited(reconciled(1, SUCCESS)),
    argo: { v1: healthy, v2: healthy, v3: waitingGeneration },
    kstatus: "InProgress",
  },
  {
    name: "a stale generation after a failure is Progressing for the newest revision and InProgress",
    object: () => edited(reconciled(3, FAILURE)),
    argo: { v1: degraded, v2: degraded, v3: waitingGeneration },
    kstatus: "InProgress",
  },
  {
    name: "the stale generation, once reconciled, is Healthy and Current",
    object: () => {
      const stale = edited(reconciled(1, SUCCESS));
      return { ...stale, status: nextStatus(stale, SUCCESS, T1).status };
    },
    argo: { v1: healthy, v2: healthy, v3: healthy },
    kstatus: "Current",
  },
  {
    name: "an object the controller has not processed yet is Progressing (kstatus cannot tell: Current)",
    object: () => sealedSecret(1),
    argo: { v1: waitingDecrypt, v2: waitingDecrypt, v3: waitingDecrypt },
    kstatus: "Current",
  },
  {
    name: "an object being deleted is Progressing from the second revision on and Terminating",
    object: () => deleting(reconciled(1, SUCCESS)),
    argo: { v1: healthy, v2: pendingDeletion, v3: pendingDeletion },
    kstatus: "Terminating",
  },
];

describe("GitOps health of SealedSecret statuses written by the controller's status function", () => {
  beforeAll(() => ensureLua());

  describe.each(CASES)("$name", (c) => {
    it.each(REVISIONS)("Argo CD health.lua %s (lua5.1)", (rev) => {
      expect(runHealthScript(script(rev), c.object())).toEqual(c.argo[rev]);
    });

    it("Flux kstatus", () => {
      expect(computeKstatus(c.object()).status).toBe(c.kstatus);
    });
  });

  it("writes observedGeneration and Synced first on success and on failure", () => {
    for (const outcome of [SUCCESS, FAILURE]) {
      const status = reconciled(7, outcome).status;
      expect(status?.observedGeneration).toBe(7);
      expect(status?.conditions?.[0]?.type).toBe("Synced");
      expect(status?.conditions?.map((c) => c.type)).toContain("Ready");
    }
  });

  it("reports kstatus InProgress with the generations in the message for a stale object", () => {
    expect(computeKstatus(edited(reconciled(1, SUCCESS))).message).toBe(
      "SealedSecret generation is 2, but latest observed generation is 1",
    );
  });
});

describe("Lua conversion harness", () => {
  beforeAll(() => ensureLua());

  it.each([
    ["quotes, backslashes and newlines", 'a "b" \\ c\nd'],
    ["non-ASCII text", "Schlüssel ✓"],
    ["an empty string", ""],
  ])("passes %s through to Lua unchanged", (_name, message) => {
    const hs = runHealthScript(script("v1"), {
      status: { conditions: [{ type: "Synced", status: "False", message }] },
    });
    expect(hs).toEqual({ status: "Degraded", message });
  });

  it("turns arrays into 1-based sequences and drops nulls", () => {
    expect(toLua({ a: [1, "x", true], b: null })).toBe('{["a"] = {1, "x", true}}');
  });
});
