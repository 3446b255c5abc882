import { describe, expect, it } from "vitest";

import { recipientFromPath } from "./reseal-engines.js";
import { ioWith, open, secretJson, signet } from "./test-support/fixtures.js";

// prod moved from the old key to the new one; staging still seals with the old key.
const RECIPIENTS = ["--cert", "prod=new-cert.pem", "--cert", "staging=old-cert.pem"];
const KEYS = ["--recovery-private-key", "old-key.pem,new-key.pem"];

/** A Secret sealed for one named recipient with the old certificate (annotation included). */
async function sealedFor(name: string, secret: string, annotate = true): Promise<string> {
  const io = ioWith({}, secret);
  const result = await signet(["--cert", `${name}=old-cert.pem`, "-o", "yaml"], io);
  if (result.code !== 0) throw new Error(result.err);
  return annotate ? result.out : result.out.replace(/^ +signet\.dev\/recipient: .*\n/m, "");
}

describe("signet reseal with named recipients", () => {
  it("reseals each file with its own recipient's certificate, picked by annotation or by path", async () => {
    const prod = await sealedFor("prod", secretJson("db", { password: "p" }));
    const staging = await sealedFor("staging", secretJson("db", { password: "s" }), false);
    const io = ioWith({ "clusters/prod/db.yaml": prod, "clusters/staging/db.yaml": staging });
    const args = ["reseal", ...RECIPIENTS, ...KEYS, "--recipient-path", "clusters/{name}/"];
    const result = await signet([...args, "clusters"], io);
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toContain("resealed clusters/prod/db.yaml:");
    expect(result.out).not.toContain("resealed clusters/staging");
    const after = io.files.get("clusters/prod/db.yaml")!.toString();
    expect(await open(after, "new-key.pem")).toEqual({ password: "p" });
    // The mismatch: prod's file no longer opens with staging's (old) key.
    expect(await open(after, "old-key.pem")).toMatch(/no key could decrypt secret/);
    expect(after).toContain("signet.dev/recipient: prod\n");
    // staging's file is current for staging's certificate: byte-identical.
    expect(io.files.get("clusters/staging/db.yaml")!.toString()).toBe(staging);
  });

  it.each([
    [
      "no annotation and no path match",
      { "elsewhere/db.yaml": "staging" },
      false,
      /elsewhere\/db\.yaml:\d+: apps\/db: no signet\.dev\/recipient annotation and no --recipient-path match/,
    ],
    [
      "an annotation disagreeing with the path",
      { "clusters/prod/db.yaml": "staging" },
      true,
      /annotated for recipient "staging" but its path is recipient "prod"'s/,
    ],
    [
      "a recipient no --cert names",
      { "clusters/qa/db.yaml": "qa" },
      true,
      /sealed for recipient "qa", which no --cert names \(given: prod, staging\)/,
    ],
  ])("fails an object with %s and leaves it as it was", async (_, layout, annotate, message) => {
    const [[path, name]] = Object.entries(layout) as [[string, string]];
    const before = await sealedFor(name, secretJson("db", { password: "x" }), annotate);
    const io = ioWith({ [path]: before });
    const args = ["reseal", ...RECIPIENTS, ...KEYS, "--recipient-path", "clusters/{name}/"];
    const result = await signet([...args, path], io);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(message);
    expect(result.err).not.toContain("password: x");
    expect(io.files.get(path)!.toString()).toBe(before);
  });

  it("refuses --recipient-path without named recipients", async () => {
    const result = await signet(
      ["reseal", "--cert", "new-cert.pem", ...KEYS, "--recipient-path", "x/{name}/", "."],
      ioWith(),
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain("--recipient-path needs named recipients (--cert NAME=SOURCE)");
  });
});

describe("the recipient of a path", () => {
  it.each([
    ["clusters/{name}/", "clusters/prod/db.yaml", "prod"],
    ["clusters/{name}/", "./clusters/eu-1/a/b.yaml", "eu-1"],
    ["clusters/{name}/", "other/clusters/prod/db.yaml", undefined],
    ["clusters/{name}/", "clusters/Prod/db.yaml", undefined],
    ["overlays/{name}.d/", "overlays/prod.d/x.yaml", "prod"],
    ["overlays/{name}.d/", "overlays/prodxd/x.yaml", undefined],
  ])("%s on %s is %s", (pattern, path, expected) => {
    expect(recipientFromPath(pattern)(path)).toBe(expected);
  });
});
