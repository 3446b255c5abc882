import { describe, expect, it } from "vitest";

import type { SealedSecret, Secret } from "@signet/core";

import { backupList, keyRows, retireRefusal, usageOf } from "./keys-model.js";
import { ioWith, KEYS, signet } from "./test-support/fixtures.js";

const LABEL = "sealedsecrets.bitnami.com/sealed-secrets-key";
const b64 = (s: string): string => Buffer.from(s).toString("base64");

function keySecret(name: string, cert: string, key: string, label = "active"): Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name,
      namespace: "kube-system",
      uid: "u",
      resourceVersion: "7",
      creationTimestamp: "2026-01-01T00:00:00Z",
      managedFields: [{}],
      labels: { [LABEL]: label },
    },
    type: "kubernetes.io/tls",
    data: {
      "tls.crt": b64(KEYS[cert as keyof typeof KEYS]),
      "tls.key": b64(KEYS[key as keyof typeof KEYS]),
    },
  };
}

function sealedSecret(name: string, fingerprint?: string): SealedSecret {
  return {
    metadata: { name, namespace: "apps" },
    spec: { encryptedData: {} },
    ...(fingerprint && { status: { signet: { keyFingerprint: fingerprint } } }),
  };
}

const OLD = keySecret("sealed-secrets-keyold", "old-cert.pem", "old-key.pem");
const NEW = keySecret("sealed-secrets-keynew", "new-cert.pem", "new-key.pem");

describe("signet keys (pure parts)", () => {
  it("lists keys with fingerprint, expiry, activity and how many SealedSecrets each opens", () => {
    const first = keyRows([OLD, NEW], usageOf([]));
    const [fpA, fpB] = first.map((r) => r.fingerprint);
    const used = usageOf([sealedSecret("a", fpA), sealedSecret("b", fpA), sealedSecret("c")]);
    const rows = keyRows([OLD, NEW], used);
    expect(rows.map((r) => [r.fingerprint, r.sealedSecrets])).toEqual([
      [fpA, 2],
      [fpB, 0],
    ]);
    expect(rows[0]).toMatchObject({ active: true, newest: true, label: "active" });
    expect(rows[0]!.fingerprint).toMatch(/^SHA256:/);
    expect(rows[0]!.expires).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(rows[0]!.created).toBe("2026-01-01T00:00:00Z");
    expect(rows[1]!.newest).toBe(false);
    expect(used.unknown).toEqual(["apps/c"]);
  });

  it("refuses to retire a key in use, when some SealedSecret has no recorded key, or the newest", () => {
    const [newest, older] = keyRows([OLD, NEW], usageOf([]));
    expect(retireRefusal(older!, usageOf([sealedSecret("a", older!.fingerprint)]))).toMatch(
      /still opens 1 SealedSecret\(s\) \(apps\/a\); reseal them first/,
    );
    expect(retireRefusal(older!, usageOf([sealedSecret("x")]))).toMatch(/no recorded key/);
    expect(retireRefusal(newest!, usageOf([]))).toMatch(/is the newest active key/);
    expect(
      retireRefusal(older!, usageOf([sealedSecret("a", newest!.fingerprint)])),
    ).toBeUndefined();
    // Without the right to list SealedSecrets everywhere, usage is unknown: refuse, show "?".
    expect(retireRefusal(older!, undefined)).toMatch(/cannot be listed in all namespaces/);
    expect(keyRows([OLD], undefined)[0]).not.toHaveProperty("sealedSecrets");
  });

  it("does not count a retired key as active or newest", () => {
    const retired = keySecret("sealed-secrets-keynew", "new-cert.pem", "new-key.pem", "retired");
    const rows = keyRows([OLD, retired], usageOf([]));
    expect(rows.find((r) => r.name === "sealed-secrets-keynew")).toMatchObject({
      active: false,
      newest: false,
      label: "retired",
    });
    expect(rows.find((r) => r.name === "sealed-secrets-keyold")!.newest).toBe(true);
  });

  it("backs keys up as a v1 List without server fields, readable as recovery keys", async () => {
    const list = backupList([OLD]) as { kind: string; items: Secret[] };
    expect(list.kind).toBe("List");
    expect(list.items[0]!.metadata).toEqual({
      name: "sealed-secrets-keyold",
      namespace: "kube-system",
      labels: { [LABEL]: "active" },
    });
    const io = ioWith({ "backup.json": JSON.stringify(list) });
    const result = await signet(
      ["reseal", "--check", "--cert", "old-cert.pem", "--recovery-private-key", "backup.json", "."],
      io,
    );
    expect(result.err).toBe("");
  });

  it("needs an action and prints its help", async () => {
    const io = ioWith();
    expect(await signet(["keys"], io)).toMatchObject({
      code: 2,
      err: "error: signet keys needs an action: list, backup or retire\n",
    });
    expect((await signet(["keys", "toString"], io)).err).toBe(
      'error: unknown action "toString": use list, backup or retire\n',
    );
    expect((await signet(["keys", "--help"], io)).out).toMatch(
      /^Usage: signet keys list\|backup\|retire/,
    );
  });

  it("refuses to print a backup to a terminal before contacting any cluster", async () => {
    const { memoryIo } = await import("../test-support/memory-io.js");
    const io = memoryIo({ tty: { stdout: true } });
    const result = await signet(["keys", "backup", "--kubeconfig", "/nonexistent"], io);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/refusing to print private keys to a terminal/);
  });
});
