import { randomBytes } from "node:crypto";

import { beforeAll, describe, expect, it } from "vitest";

import {
  encodeObject,
  orderSealedSecret,
  parseMergeTarget,
  sealSecret,
  unsealSealedSecret,
  withKeyHint,
} from "@signet/core";
import type { SealedSecret, SealingScope, Secret } from "@signet/core";

import { sealingTestKey } from "../test-support/keys.js";
import type { WebTestKey } from "../test-support/keys.js";
import type { ItemDraft, PairDraft, SecretDraft } from "./draft.js";
import { sealMerge, sealNew } from "./seal-flow.js";

// The page's sealing pipeline prints what signet prints (core's pipeline with node:crypto), and
// what it seals opens with the private key under the scope's label only.

let k: WebTestKey;
beforeAll(async () => {
  k = await sealingTestKey();
});

const text = (key: string, value: string, id = key): ItemDraft => ({
  id,
  key,
  source: "text",
  text: value,
});
const file = (key: string, bytes: Uint8Array<ArrayBuffer>): ItemDraft => ({
  id: key,
  key,
  source: "file",
  text: "",
  file: { name: key, bytes },
});
const pair = (key: string, value: string): PairDraft => ({ id: key, key, value });

function draft(overrides: Partial<SecretDraft> = {}): SecretDraft {
  return {
    name: "api",
    namespace: "shop",
    scope: "strict",
    type: "Opaque",
    immutable: false,
    items: [text("token", "abc"), text("password", "p@ss\n")],
    labels: [],
    annotations: [],
    ...overrides,
  };
}

/** Ciphertexts differ on every seal; everything else must be byte-identical. */
function masked(yamlOrJson: string): string {
  return yamlOrJson.replace(/(["']?)(Ag[A-Za-z0-9+/=]{100,})\1/g, "<sealed>");
}

/** What `signet` prints for the same Secret (core's pipeline, as the CLI runs it). */
function signetOutput(secret: Secret, scope: SealingScope): SealedSecret {
  return orderSealedSecret(
    withKeyHint(
      sealSecret(secret, { certificate: k.certificate, random: randomBytes, scope }),
      k.certificate.fingerprint,
    ),
  );
}

function unsealed(ss: SealedSecret): Record<string, string> {
  const { secret } = unsealSealedSecret(ss, { keys: [k.key], acceptDeprecatedV1Data: false });
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, v]) => [
      key,
      Buffer.from(v, "base64").toString("latin1"),
    ]),
  );
}

describe("sealing a new SealedSecret in the page", () => {
  it.each(["strict", "namespace-wide", "cluster-wide"] as const)(
    "prints the YAML and JSON signet prints (%s), ciphertexts aside",
    async (scope) => {
      const out = await sealNew(
        draft({
          scope,
          type: "kubernetes.io/basic-auth",
          immutable: true,
          items: [text("username", "admin"), text("password", "hunter2")],
          labels: [pair("app.kubernetes.io/name", "api"), pair("tier", "backend")],
          annotations: [pair("example.com/owner", "team-a"), pair("note", "yes")],
        }),
        k.sealer,
      );
      const reference = signetOutput(
        {
          apiVersion: "v1",
          kind: "Secret",
          metadata: {
            name: "api",
            namespace: "shop",
            labels: { "app.kubernetes.io/name": "api", tier: "backend" },
            annotations: { "example.com/owner": "team-a", note: "yes" },
          },
          type: "kubernetes.io/basic-auth",
          immutable: true,
          stringData: { username: "admin", password: "hunter2" },
        },
        scope,
      );
      expect(masked(out.yaml)).toBe(masked(encodeObject(reference, "yaml")));
      expect(masked(out.json)).toBe(masked(encodeObject(reference, "json")));
      expect(out.yaml).toContain(`signet.dev/sealed-with: ${k.info.fingerprint}`);
      expect(unsealed(out.object)).toEqual({ username: "admin", password: "hunter2" });
    },
  );

  it.each([
    ["strict", { name: "web" }],
    ["strict", { namespace: "bank" }],
    ["namespace-wide", { namespace: "bank" }],
  ] as const)(
    "seals %s values that do not open once the object is moved (%j)",
    async (scope, move) => {
      const out = await sealNew(draft({ scope }), k.sealer);
      const moved = structuredClone(out.object);
      Object.assign(moved.metadata, move);
      expect(() => unsealed(moved)).toThrow(/no key could decrypt secret/);
    },
  );

  it("seals cluster-wide values that open under any name and namespace, and only cluster-wide", async () => {
    const out = await sealNew(draft({ scope: "cluster-wide" }), k.sealer);
    const moved = structuredClone(out.object);
    moved.metadata.name = "other";
    moved.metadata.namespace = "elsewhere";
    expect(unsealed(moved)).toEqual({ token: "abc", password: "p@ss\n" });
    delete moved.metadata.annotations!["sealedsecrets.bitnami.com/cluster-wide"];
    expect(() => unsealed(moved)).toThrow(/no key could decrypt secret/);
  });

  it("seals file items byte for byte (binary, not UTF-8)", async () => {
    const bytes = new Uint8Array(randomBytes(4096));
    bytes[0] = 0xff;
    bytes[1] = 0xfe;
    const out = await sealNew(draft({ items: [file("blob.bin", bytes)] }), k.sealer);
    const { secret } = unsealSealedSecret(out.object, {
      keys: [k.key],
      acceptDeprecatedV1Data: false,
    });
    expect(Buffer.from(secret.data!["blob.bin"]!, "base64")).toEqual(Buffer.from(bytes));
  });

  it("leaves blank rows out and says where the values open", async () => {
    const out = await sealNew(
      draft({ items: [text("a", "1"), text("", "", "blank")], labels: [pair("", "")] }),
      k.sealer,
    );
    expect(out.itemKeys).toEqual(["a"]);
    expect(out.binding).toBe("shop/api");
    expect(out.object.spec.template?.metadata?.labels).toBeUndefined();
  });
});

const EXISTING_YAML = `# Database credentials for the shop (rotated quarterly)
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: db
  namespace: shop
  annotations:
    sealedsecrets.bitnami.com/namespace-wide: "true"
spec:
  encryptedData:
    # kept as is
    username: AgBkZXBsb3llZC1jaXBoZXJ0ZXh0LXRoYXQtbXVzdC1ub3QtY2hhbmdl
    password: AgBvbGQtcGFzc3dvcmQ=
  template:
    metadata:
      name: db
      namespace: shop
      annotations:
        sealedsecrets.bitnami.com/namespace-wide: "true"
`;

describe("merging values into a pasted SealedSecret", () => {
  it("seals with the target's scope and keeps its comments and other ciphertexts", async () => {
    const target = parseMergeTarget(EXISTING_YAML, "the pasted SealedSecret");
    const out = await sealMerge(
      target,
      { items: [text("password", "n3w"), text("host", "db.shop")], labels: [], annotations: [] },
      k.sealer,
    );
    expect(out.primary).toBe("yaml");
    expect(out.scope).toBe("namespace-wide");
    expect(out.binding).toBe("shop/*");
    expect(out.yaml).toContain("# Database credentials for the shop (rotated quarterly)");
    expect(out.yaml).toContain("# kept as is");
    expect(out.yaml).toContain(
      "username: AgBkZXBsb3llZC1jaXBoZXJ0ZXh0LXRoYXQtbXVzdC1ub3QtY2hhbmdl",
    );
    expect(out.yaml).not.toContain("AgBvbGQtcGFzc3dvcmQ=");
    const merged = parseMergeTarget(out.yaml, "out").object;
    // The new values open for any name in the namespace, as the target's scope says.
    const renamed = structuredClone(merged);
    renamed.metadata.name = "db-renamed";
    delete renamed.spec.encryptedData["username"];
    expect(unsealed(renamed)).toEqual({ password: "n3w", host: "db.shop" });
    // Mixed keys (the untouched username was sealed elsewhere): no hint claims one key.
    expect(out.yaml).not.toContain("signet.dev/sealed-with");
  });

  it.each(["strict", "namespace-wide", "cluster-wide"] as const)(
    "merges into a %s SealedSecret sealed by signet with the label the controller will use",
    async (scope) => {
      const first = await sealNew(draft({ scope, items: [text("a", "1")] }), k.sealer);
      const out = await sealMerge(
        parseMergeTarget(first.json, "pasted"),
        { items: [text("b", "2")], labels: [pair("team", "x")], annotations: [] },
        k.sealer,
      );
      expect(out.primary).toBe("json");
      expect(out.json.startsWith('{\n  "kind": "SealedSecret"')).toBe(true);
      expect(unsealed(out.object)).toEqual({ a: "1", b: "2" });
      expect(out.object.spec.template?.metadata?.labels).toEqual({ team: "x" });
      // Every value is sealed with this certificate now, so the hint stays.
      expect(out.object.metadata.annotations?.["signet.dev/sealed-with"]).toBe(k.info.fingerprint);
      expect(out.yaml.startsWith("---\napiVersion: bitnami.com/v1alpha1\n")).toBe(true);
    },
  );

  it("takes the scope from the object's metadata, never from its template (no widening)", async () => {
    const target = parseMergeTarget(
      [
        "apiVersion: bitnami.com/v1alpha1",
        "kind: SealedSecret",
        "metadata: {name: db, namespace: shop}",
        "spec:",
        "  encryptedData: {}",
        "  template:",
        "    metadata:",
        '      annotations: {sealedsecrets.bitnami.com/cluster-wide: "true"}',
        "",
      ].join("\n"),
      "pasted",
    );
    const out = await sealMerge(
      target,
      { items: [text("a", "1")], labels: [], annotations: [] },
      k.sealer,
    );
    expect(out.scope).toBe("strict");
    expect(unsealed(out.object)).toEqual({ a: "1" });
    const widened = structuredClone(out.object);
    widened.metadata.annotations = { "sealedsecrets.bitnami.com/cluster-wide": "true" };
    expect(() => unsealed(widened)).toThrow(/no key could decrypt secret/);
  });

  it("refuses a target without the namespace its scope needs", async () => {
    const target = parseMergeTarget(
      "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\nspec:\n  encryptedData: {}\n",
      "pasted",
    );
    await expect(
      sealMerge(target, { items: [text("a", "1")], labels: [], annotations: [] }, k.sealer),
    ).rejects.toMatchObject({ code: "ERR_MISSING_NAMESPACE" });
  });

  // The rules of `signet --merge-into` (core's mergeSecret and mergeIntoText), not the page's own.
  it("refuses a stream of several SealedSecrets, an annotation asking for another scope, and edits through aliases", async () => {
    const one =
      "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: db, namespace: shop}\nspec:\n  encryptedData: {a: AAAA}\n";
    expect(() => parseMergeTarget(`${one}---\n${one}`, "pasted")).toThrow(
      /^pasted holds 2 objects: merge into one SealedSecret at a time/,
    );
    const widen = pair("sealedsecrets.bitnami.com/cluster-wide", "true");
    await expect(
      sealMerge(
        parseMergeTarget(one, "pasted"),
        { items: [text("b", "2")], labels: [], annotations: [widen] },
        k.sealer,
      ),
    ).rejects.toMatchObject({ code: "ERR_INVALID_SCOPE" });
    const aliased =
      "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: db, namespace: shop}\nx-shared: &items {a: AAAA}\nspec:\n  encryptedData: *items\n";
    await expect(
      sealMerge(
        parseMergeTarget(aliased, "pasted"),
        { items: [text("b", "2")], labels: [], annotations: [] },
        k.sealer,
      ),
    ).rejects.toThrow(
      /spec\.encryptedData is an alias; --merge-into does not edit through aliases/,
    );
  });
});
