import { describe, expect, it, vi } from "vitest";

import type { InspectedSealedSecret } from "./inspect.js";
import { ioWith, sealWith, secretJson, signet } from "./test-support/fixtures.js";

async function files(): Promise<Record<string, string>> {
  const strict = await sealWith("new-cert.pem", secretJson("db", { password: "p", user: "u" }));
  const wide = await sealWith(
    "old-cert.pem",
    JSON.stringify({
      kind: "Secret",
      type: "kubernetes.io/tls",
      metadata: {
        name: "tls",
        namespace: "web",
        labels: { app: "web" },
        annotations: { "sealedsecrets.bitnami.com/namespace-wide": "true" },
      },
      stringData: { "tls.crt": "c", "tls.key": "k" },
    }),
  );
  return {
    "dir/db.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n${strict}`,
    "dir/tls.yaml": wide,
  };
}

describe("signet inspect", () => {
  it("describes each SealedSecret without decrypting, as text", async () => {
    const io = ioWith(await files());
    const result = await signet(["inspect", "--cert", "new-cert.pem", "dir"], io);
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    const text = result.out.replace(/SHA256:\S+/g, "SHA256:…");
    expect(text).toMatch(
      /^dir\/db\.yaml:6: SealedSecret apps\/db\n {2}scope: {4}strict \(bound to apps\/db\)\n {2}target: {3}Secret apps\/db, type Opaque\n {2}items: {4}2\n {4}password {2}\d+ bytes, RSA-\d+\n {4}user {6}\d+ bytes, RSA-\d+\n/,
    );
    expect(text).toContain("  key hint: SHA256:… (matches --cert)\n");
    expect(text).toContain(
      "dir/tls.yaml:2: SealedSecret web/tls\n  scope:    namespace-wide (bound to namespace web)\n",
    );
    expect(text).toContain("  target:   Secret web/tls, type kubernetes.io/tls\n");
    expect(text).toContain(
      "  template: labels [app], annotations [sealedsecrets.bitnami.com/namespace-wide], data []\n",
    );
    expect(text).toContain("  key hint: SHA256:… (does not match --cert)\n");
    expect(result.out).not.toMatch(/Ag[A-Za-z0-9+/]{20}/);
  });

  it("prints JSON for machines, with sizes and the RSA size from each value's prefix", async () => {
    const io = ioWith(await files());
    const result = await signet(
      ["inspect", "-o", "json", "--cert", "old-cert.pem", "dir/tls.yaml"],
      io,
    );
    const [tls] = JSON.parse(result.out) as InspectedSealedSecret[];
    expect(tls).toMatchObject({
      file: "dir/tls.yaml",
      name: "tls",
      namespace: "web",
      scope: "namespace-wide",
      target: { name: "tls", namespace: "web", type: "kubernetes.io/tls" },
      template: { labels: ["app"], data: [] },
      hintMatchesCert: true,
    });
    expect(tls!.items!.map((i) => i.key)).toEqual(["tls.crt", "tls.key"]);
    const sealed = JSON.parse(
      JSON.stringify((await import("yaml")).parse((await files())["dir/tls.yaml"]!)),
    ) as { spec: { encryptedData: Record<string, string> } };
    const bytes = Buffer.from(sealed.spec.encryptedData["tls.crt"]!, "base64");
    expect(tls!.items![0]).toEqual({
      key: "tls.crt",
      ciphertextBytes: bytes.length,
      rsaBits: bytes.readUInt16BE(0) * 8,
    });
  });

  it.each([
    ["too short for a sealed value", "QQ=="],
    ["illegal base64 data", "not*base64"],
  ])(
    "prints YAML with -o yaml and fails (exit 1) on an item that is %s, naming file and line",
    async (problem, value) => {
      const broken = (await files())["dir/tls.yaml"]!.replace(
        /tls\.key: Ag\S+/,
        `tls.key: ${value}`,
      );
      const io = ioWith({ "b.yaml": broken });
      const result = await signet(["inspect", "-o", "yaml", "b.yaml"], io);
      expect(result.code).toBe(1);
      expect(result.out).toContain(`problem: ${problem}`);
      expect(result.err).toBe(`error: b.yaml:2: web/tls: item tls.key: ${problem}\n`);
      expect(result.out).not.toContain("hintMatchesCert");
    },
  );

  it("fails on a malformed SealedSecret or a missing file, and still reports the others", async () => {
    const io = ioWith({
      ...(await files()),
      "bad.yaml": "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: b\n",
    });
    const result = await signet(["inspect", "bad.yaml", "dir/db.yaml"], io);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      "bad.yaml:1: SealedSecret b\n  problem:  SealedSecret needs a spec\n",
    );
    expect(result.out).toContain("dir/db.yaml:6: SealedSecret apps/db\n");
    expect(result.err).toBe("error: bad.yaml:1: b: SealedSecret needs a spec\n");
    expect((await signet(["inspect", "missing.yaml"], io)).err).toBe(
      "error: missing.yaml: no such file or directory\n",
    );
  });

  it("prints no runtime warning for keys the yaml package would stringify, and names the file instead", async () => {
    const warn = vi.spyOn(process, "emitWarning");
    const io = ioWith({
      ...(await files()),
      "odd.yaml": "kind: SealedSecret\n? [a, b]\n: collection key\n",
    });
    const result = await signet(["inspect", "dir", "odd.yaml"], io);
    expect(warn).not.toHaveBeenCalled();
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      "error: odd.yaml:1: document 1: error converting YAML to JSON: yaml: invalid map key: []interface {}{\u2026}\n",
    );
    expect(result.out).toContain("dir/db.yaml:6: SealedSecret apps/db\n");
  });

  it.each([
    [
      "strict",
      {},
      "strict (bound to its namespace and name p; the file has no metadata.namespace, kustomize or -n sets it)",
    ],
    [
      "namespace-wide",
      { "sealedsecrets.bitnami.com/namespace-wide": "true" },
      "namespace-wide (bound to its namespace; the file has no metadata.namespace, kustomize or -n sets it)",
    ],
  ])(
    "says what a %s SealedSecret without a namespace is bound to",
    async (_scope, annotations, line) => {
      const sealed = await sealWith("new-cert.pem", secretJson("p", { v: "1" }, { annotations }));
      const io = ioWith({ "patch.yaml": sealed.replace(/^ +namespace: apps\n/gm, "") });
      const result = await signet(["inspect", "patch.yaml"], io);
      expect(result.code).toBe(0);
      expect(result.out).toContain(`patch.yaml:2: SealedSecret p\n  scope:    ${line}\n`);
    },
  );

  it("prints its help and refuses an unknown output format", async () => {
    const io = ioWith();
    expect((await signet(["inspect", "--help"], io)).out).toMatch(/^Usage: signet inspect/);
    const bad = await signet(["inspect", "-o", "xml", "x"], io);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /^invalid argument "xml" for "-o, --output" flag: must be one of: text, json, yaml\n/,
    );
  });
});
