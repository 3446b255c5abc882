import { describe, expect, it } from "vitest";

import { readFileSync } from "node:fs";

import { MEMORY_CWD, memoryIo } from "../test-support/memory-io.js";
import { recipientFromPath } from "./reseal-engines.js";
import {
  ioWith as baseIoWith,
  KEYS as FIXTURE_KEYS,
  open,
  secretJson,
  signet,
} from "./test-support/fixtures.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../test/fixtures/keys/${name}`, import.meta.url), "utf8");

/** A key backup (kubeseal's format: key Secrets) holding each given PEM key. */
function backup(...keys: string[]): string {
  return keys
    .map(
      (k, i) =>
        `---\napiVersion: v1\nkind: Secret\nmetadata: {name: key${i}, namespace: kube-system}\ntype: kubernetes.io/tls\ndata:\n  tls.key: ${Buffer.from(k).toString("base64")}\n  tls.crt: ""\n`,
    )
    .join("");
}

// prod moved from its earlier key (prod-old) to the new one; staging seals with the "old" key.
const EXTRA = {
  "prod-old-cert.pem": fixture("test-only-expired-cert.pem"),
  "prod-old-key.pem": fixture("test-only-expired-key.pem"),
};
// prod's controller backup holds its current and its earlier key (what attributes the earlier
// one to prod: a key file holding no recipient's current key opens nothing).
const ioWith = (files: Record<string, string> = {}, stdin = "") =>
  baseIoWith(
    {
      ...EXTRA,
      "prod-backup.yaml": backup(fixture("test-only-sealing-key.pem"), EXTRA["prod-old-key.pem"]),
      ...files,
    },
    stdin,
  );
const RECIPIENTS = ["--cert", "prod=new-cert.pem", "--cert", "staging=old-cert.pem"];
const KEYS = ["--recovery-private-key", "old-key.pem,prod-backup.yaml"];

/** A Secret sealed for one named recipient (annotation included unless `annotate` is false). */
async function sealedFor(
  name: string,
  secret: string,
  annotate = true,
  cert = name === "prod" ? "prod-old-cert.pem" : "old-cert.pem",
): Promise<string> {
  // prod's earlier certificate has expired since: seal as on a day it was valid.
  const io = memoryIo({
    files: { ...FIXTURE_KEYS, ...EXTRA },
    stdin: secret,
    now: new Date("2020-06-01"),
  });
  const result = await signet(["--cert", `${name}=${cert}`, "-o", "yaml"], io);
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
    // The mismatch: prod's file does not open with staging's (old) key.
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

  // The hostile case: staging's SealedSecret relabelled for prod and moved under prod's path.
  it.each([
    ["key files", "old-key.pem,new-key.pem"],
    ["controller key backups", "staging-keys.yaml,prod-keys.yaml"],
  ])(
    "never reseals a value only another recipient's key opens (%s): the file and both recipients are named",
    async (_, keyFiles) => {
      const staging = await sealedFor("staging", secretJson("db", { password: "s3cret" }));
      const moved = staging.replace("signet.dev/recipient: staging", "signet.dev/recipient: prod");
      const io = ioWith({
        "clusters/prod/db.yaml": moved,
        "staging-keys.yaml": backup(fixture("test-only-other-key.pem")),
        "prod-keys.yaml": backup(fixture("test-only-sealing-key.pem"), EXTRA["prod-old-key.pem"]),
      });
      const args = ["reseal", ...RECIPIENTS, "--recovery-private-key", keyFiles];
      const result = await signet(
        [...args, "--recipient-path", "clusters/{name}/", "clusters"],
        io,
      );
      expect(result.code).toBe(1);
      expect(result.err).toMatch(
        /^error: clusters\/prod\/db\.yaml:\d+: apps\/db: recipient mismatch: it is recipient "prod"'s, but its value "password" opens only with recipient "staging"'s key/m,
      );
      expect(result.err + result.out).not.toContain("s3cret");
      expect(io.files.get("clusters/prod/db.yaml")!.toString()).toBe(moved);
    },
  );

  it("gives a key to the recipient whose certificate's key shares its backup file", async () => {
    // staging's earlier key (prod-old here) sits in staging's backup: prod may not use it.
    const prod = await sealedFor("prod", secretJson("db", { password: "p" }));
    const io = ioWith({
      "clusters/prod/db.yaml": prod,
      "staging-keys.yaml": backup(fixture("test-only-other-key.pem"), EXTRA["prod-old-key.pem"]),
    });
    const args = [
      "reseal",
      ...RECIPIENTS,
      "--recovery-private-key",
      "staging-keys.yaml,new-key.pem",
    ];
    const result = await signet([...args, "clusters"], io);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`opens only with recipient "staging"'s key`);
    expect(io.files.get("clusters/prod/db.yaml")!.toString()).toBe(prod);
  });

  // The certificates often live in the repository; the keys are the administrator's backups.
  it.each([
    [
      "staging's certificate replaced by prod's",
      "new-cert.pem",
      "old-key.pem,prod-backup.yaml",
      /recipients "prod" and "staging" have the same certificate .*an offline reseal needs each recipient's own/,
    ],
    [
      "prod's certificate has its key in no backup (replaced by one of the attacker's)",
      "old-cert.pem",
      "old-key.pem",
      /recipient "prod": no --recovery-private-key holds the key of its certificate .*check the certificate has not been replaced/,
    ],
  ])(
    "refuses to reseal anything when %s (a repository edit never moves a secret to another key)",
    async (_, stagingCert, keyFiles, message) => {
      const staging = await sealedFor("staging", secretJson("db", { password: "s3cret" }));
      const io = ioWith({ "clusters/staging/db.yaml": staging });
      const result = await signet(
        [
          "reseal",
          "--cert",
          "prod=new-cert.pem",
          "--cert",
          `staging=${stagingCert}`,
          "--recovery-private-key",
          keyFiles,
          "--recipient-path",
          "clusters/{name}/",
          "clusters",
        ],
        io,
      );
      expect(result.err).toMatch(message);
      expect(result.err).not.toContain("warning:");
      expect(result.code).toBe(2);
      expect(result.err + result.out).not.toContain("s3cret");
      expect(io.files.get("clusters/staging/db.yaml")!.toString()).toBe(staging);
    },
  );

  it("opens nothing with a key file holding no recipient's current key (its owner cannot be told)", async () => {
    const prod = await sealedFor("prod", secretJson("db", { password: "p" }));
    const io = ioWith({ "clusters/prod/db.yaml": prod });
    const args = ["reseal", ...RECIPIENTS, "--recovery-private-key"];
    const result = await signet(
      [...args, "old-key.pem,new-key.pem,prod-old-key.pem", "clusters"],
      io,
    );
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      "opens only with a key of a --recovery-private-key file that holds no recipient's current key",
    );
    expect(io.files.get("clusters/prod/db.yaml")!.toString()).toBe(prod);
  });

  it("reports with --check a hint naming another recipient's certificate as a recipient mismatch", async () => {
    const staging = await sealedFor("staging", secretJson("db", { password: "s" }));
    const moved = staging.replace("signet.dev/recipient: staging", "signet.dev/recipient: prod");
    const io = ioWith({ "clusters/prod/db.yaml": moved });
    const result = await signet(["reseal", "--check", ...RECIPIENTS, "clusters"], io);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /clusters\/prod\/db\.yaml:\d+: apps\/db: recipient mismatch: it is recipient "prod"'s, but its signet\.dev\/sealed-with hint is recipient "staging"'s certificate/,
    );
  });

  it.each([
    ["an absolute path", "clusters/{name}/", `${MEMORY_CWD}/clusters`],
    ["an absolute pattern", `${MEMORY_CWD}/clusters/{name}/`, "clusters"],
    ["a pattern with ./", "./clusters/{name}/", "clusters/"],
  ])("cross-checks the annotation against the path given as %s", async (_, pattern, arg) => {
    const before = await sealedFor("staging", secretJson("db", { password: "x" }));
    const io = ioWith({ "clusters/prod/db.yaml": before });
    const args = ["reseal", ...RECIPIENTS, ...KEYS, "--recipient-path", pattern, arg];
    const result = await signet(args, io);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /annotated for recipient "staging" but its path is recipient "prod"'s/,
    );
    expect(result.err).not.toContain("matched no file");
  });

  it("warns when --recipient-path matches no file", async () => {
    const before = await sealedFor("staging", secretJson("db", { password: "x" }));
    const io = ioWith({ "clusters/staging/db.yaml": before });
    const args = ["reseal", "--check", ...RECIPIENTS, "--recipient-path", "cluster/{name}/"];
    const result = await signet([...args, "clusters"], io);
    expect(result.err).toBe(
      `warning: --recipient-path cluster/{name}/ matched no file (paths are compared from the current directory, ${MEMORY_CWD})\n`,
    );
  });

  it("quotes an annotation from the repository with escapes in its errors", async () => {
    const before = await sealedFor("staging", secretJson("db", { password: "x" }));
    const hostile = before.replace(
      "signet.dev/recipient: staging",
      'signet.dev/recipient: "\\e[31mprod"',
    );
    const io = ioWith({ "db.yaml": hostile });
    const result = await signet(["reseal", ...RECIPIENTS, ...KEYS, "db.yaml"], io);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`sealed for recipient "\\x1b[31mprod", which no --cert names`);
    expect(result.err).not.toContain("\x1b");
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
    expect(recipientFromPath(pattern).match(path)).toBe(expected);
  });

  it.each([
    ["clusters/{name}/", "/w/r", "/w/r/clusters/prod/db.yaml", "prod"],
    ["clusters/{name}/", "/w/r", "clusters/prod/db.yaml", "prod"],
    ["clusters/{name}/", "/w/r/clusters", "prod/db.yaml", undefined],
    ["../clusters/{name}/", "/w/r/clusters", "prod/db.yaml", "prod"],
    ["../r/clusters/{name}/", "/w/r", "clusters/eu-1/x.yaml", "eu-1"],
    ["/w/r/c2/clusters/{name}/", "/elsewhere", "/w/r/c2/clusters/prod/x.yaml", "prod"],
    ["c{name}/", "/w/r", "cprod/x.yaml", "prod"],
  ])("%s from %s on %s is %s (resolved paths)", (pattern, cwd, path, expected) => {
    expect(recipientFromPath(pattern, cwd).match(path)).toBe(expected);
  });
});
