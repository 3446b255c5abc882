import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";

import { ioWith, open, sealWith, secretJson, signet } from "./test-support/fixtures.js";

const HINT = "signet.dev/sealed-with";
const annotationsOf = (yaml: string): Record<string, string> | undefined =>
  (parseDocument(yaml).toJS() as { metadata: { annotations?: Record<string, string> } }).metadata
    .annotations;

async function fingerprint(cert: string): Promise<string> {
  const sealed = await sealWith(cert, secretJson("x", { a: "1" }));
  return annotationsOf(sealed)![HINT]!;
}

describe("seal-time key hint", () => {
  it("records the certificate's fingerprint on the SealedSecret only, not on the Secret", async () => {
    const sealed = await sealWith(
      "new-cert.pem",
      secretJson(
        "s",
        { a: "1" },
        { annotations: { "sealedsecrets.bitnami.com/namespace-wide": "true" } },
      ),
    );
    const annotations = annotationsOf(sealed)!;
    expect(annotations[HINT]).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(annotations["sealedsecrets.bitnami.com/namespace-wide"]).toBe("true");
    expect(annotations[HINT]).not.toBe(await fingerprint("old-cert.pem"));
    expect(sealed.match(/signet\.dev/g)).toHaveLength(1);
    expect(await open(sealed)).toEqual({ a: "1" });
  });

  it("does not change the scope: a forged hint or a hint-only annotation map opens the same", async () => {
    const sealed = await sealWith("new-cert.pem", secretJson("s", { a: "1" }));
    const forged = sealed.replace(/sealed-with: \S+/, "sealed-with: SHA256:forged");
    expect(await open(forged)).toEqual({ a: "1" });
  });

  it("is not added to --raw output", async () => {
    const io = ioWith({}, "");
    const raw = await signet(
      ["--raw", "--cert", "new-cert.pem", "--scope", "cluster-wide", "--from-file", "new-cert.pem"],
      io,
    );
    expect(raw.code).toBe(0);
    expect(raw.out).toMatch(/^Ag[A-Za-z0-9+/]+=*$/);
  });

  it("--merge-into sets it when every value is sealed with the certificate", async () => {
    const existing = await sealWith("old-cert.pem", secretJson("m", { a: "1" }));
    const io = ioWith({ "m.yaml": existing }, secretJson("ignored", { a: "2", b: "3" }));
    expect((await signet(["--cert", "new-cert.pem", "--merge-into", "m.yaml"], io)).code).toBe(0);
    const merged = io.files.get("m.yaml")!.toString();
    expect(annotationsOf(merged)![HINT]).toBe(await fingerprint("new-cert.pem"));
    expect(await open(merged)).toEqual({ a: "2", b: "3" });
  });

  it("--merge-into drops an old hint when values sealed with other keys remain", async () => {
    const existing = await sealWith("old-cert.pem", secretJson("m", { a: "1" }));
    const io = ioWith({ "m.yaml": existing }, secretJson("ignored", { b: "3" }));
    expect((await signet(["--cert", "new-cert.pem", "--merge-into", "m.yaml"], io)).code).toBe(0);
    const merged = io.files.get("m.yaml")!.toString();
    expect(annotationsOf(merged)).toBeUndefined();
    expect(merged).not.toContain("annotations:\n  name");
  });

  it("--merge-into adds the hint in Go's key order to a file that had no annotations", async () => {
    const existing =
      "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: m\n  namespace: apps\nspec:\n  encryptedData:\n    a: OLD\n";
    const io = ioWith({ "m.yaml": existing }, secretJson("ignored", { a: "2" }));
    expect((await signet(["--cert", "new-cert.pem", "--merge-into", "m.yaml"], io)).code).toBe(0);
    expect(io.files.get("m.yaml")!.toString()).toMatch(
      /^metadata:\n {2}annotations:\n {4}signet\.dev\/sealed-with: SHA256:\S+\n {2}name: m\n/m,
    );
  });
});
