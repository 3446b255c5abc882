import { Worker } from "node:worker_threads";

import { afterEach, beforeAll, describe, expect, it } from "vitest";

import type { SealedSecret } from "@signet/core";

import { b64, sealed, sealingKey } from "../test-support/sealed.js";
import type { TestSealingKey } from "../test-support/sealed.js";
import { inThreadDecider, WorkerDecider } from "./decide-pool.js";
import type { Decider, DecideSettings } from "./decide-pool.js";

/**
 * A stand-in decide thread (plain JS, so no build is needed): answers with the key set it holds
 * and proves KeyObjects arrive usable; a SealedSecret named "crash" kills the thread.
 */
const FAKE_WORKER = `
const { parentPort } = require("node:worker_threads");
const { createPublicKey } = require("node:crypto");
let keys = [];
let keyMessages = 0;
parentPort.on("message", (m) => {
  if (m.type === "keys") { keys = m.keys; keyMessages++; return; }
  if (m.type !== "decide") return;
  if (m.ss.metadata.name === "crash") process.exit(3);
  const usable = keys.every((k) => createPublicKey(k.privateKey).asymmetricKeyType === "rsa");
  parentPort.postMessage({ id: m.id, ok: true, decision: {
    action: "none",
    opened: { keyFingerprint: keys.map((k) => k.fingerprint).join(","), rsaOperations: keyMessages },
    usable, preferred: m.preferred,
  } });
});
`;

const settings: DecideSettings = {
  acceptDeprecatedV1Data: true,
  allowPrivilegedSecretTypes: false,
  renderTemplates: false,
  keyGuard: { namespace: "kube-system", keyPrefix: "sealed-secrets-key" },
};

let a: TestSealingKey;
let b: TestSealingKey;
beforeAll(async () => {
  [a, b] = await Promise.all([sealingKey(), sealingKey()]);
});

const ss = (name: string): SealedSecret => ({
  metadata: { name, namespace: "ns" },
  spec: { encryptedData: {} },
});

let pool: Decider | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe("WorkerDecider", () => {
  it("sends keys (as usable KeyObjects) only when the key set changed", async () => {
    let version = 1;
    let keys = [a.key];
    const workers = new WorkerDecider(
      1,
      settings,
      { version: () => version, keys: () => keys },
      () => new Worker(FAKE_WORKER, { eval: true }),
    );
    pool = workers;
    const first = await workers.decide(ss("x"), undefined, ["pref"]);
    expect(first).toMatchObject({
      action: "none",
      opened: { keyFingerprint: a.key.fingerprint, rsaOperations: 1 },
      usable: true,
      preferred: ["pref"],
    });
    await workers.decide(ss("x"), undefined, []);
    version = 2;
    keys = [b.key, a.key];
    const third = await workers.decide(ss("x"), undefined, []);
    expect(third).toMatchObject({
      opened: { keyFingerprint: `${b.key.fingerprint},${a.key.fingerprint}`, rsaOperations: 2 },
    });
  });

  it("fails the requests of a thread that died and replaces it", async () => {
    const workers = new WorkerDecider(
      1,
      settings,
      { version: () => 1, keys: () => [a.key] },
      () => new Worker(FAKE_WORKER, { eval: true }),
    );
    pool = workers;
    await expect(workers.decide(ss("crash"), undefined, [])).rejects.toThrow(/exited \(3\)/);
    await expect(workers.decide(ss("fine"), undefined, [])).resolves.toMatchObject({
      action: "none",
      opened: { keyFingerprint: a.key.fingerprint },
    });
  });

  it("spreads concurrent requests over the threads", async () => {
    const spawned: Worker[] = [];
    const workers = new WorkerDecider(3, settings, { version: () => 1, keys: () => [] }, () => {
      const w = new Worker(FAKE_WORKER, { eval: true });
      spawned.push(w);
      return w;
    });
    pool = workers;
    const results = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((i) => workers.decide(ss(`s${i}`), undefined, [])),
    );
    expect(results).toHaveLength(6);
    expect(spawned).toHaveLength(3);
  });
});

describe("inThreadDecider", () => {
  it("decides with the current keys", async () => {
    const d = inThreadDecider(settings, { version: () => 1, keys: () => [a.key] });
    const decision = await d.decide(sealed(a, { data: { k: "v" } }), undefined, []);
    expect(decision.action).toBe("create");
    expect(decision.action === "create" && decision.secret.data).toEqual({ k: b64("v") });
  });
});
