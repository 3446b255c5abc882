import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

import { parseSealingCertificate } from "@signet/core";

import { run } from "../run.js";
import { memoryIo } from "../test-support/memory-io.js";
import type { MemoryIo } from "../test-support/memory-io.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../test/fixtures/keys/${name}`, import.meta.url), "utf8");
const b64 = (s: string): string => Buffer.from(s).toString("base64");

/** A value that must never appear in an error message. */
const PLAINTEXT = "s3cr3t-never-printed";
const SECRET = JSON.stringify({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "db", namespace: "app" },
  data: { password: b64(PLAINTEXT) },
});

/** prod's certificate opens with prod.key only; staging's with staging.key only. */
const FILES = {
  "prod.pem": fixture("test-only-sealing-cert.pem"),
  "prod.key": fixture("test-only-sealing-key.pem"),
  "staging.pem": fixture("test-only-other-cert.pem"),
  "staging.key": fixture("test-only-other-key.pem"),
};
const TWO = ["--cert", "prod=prod.pem", "--cert", "staging=staging.pem"];

function io(extra: Record<string, string> = {}, stdin = SECRET): MemoryIo {
  return memoryIo({ stdin, files: { ...FILES, ...extra } });
}

async function signet(argv: string[], m: MemoryIo) {
  const code = await run(argv, m);
  return { code, out: m.stdout(), err: m.stderr() };
}

/** Opens a SealedSecret stream with one key file: the plaintext password, or the error. */
async function openWith(keyFile: string, sealed: string): Promise<string> {
  const opened = await signet(
    ["--recovery-unseal", "--recovery-private-key", keyFile],
    io({}, sealed),
  );
  if (opened.code !== 0) return opened.err;
  const secret = JSON.parse(opened.out) as { data: { password: string } };
  return Buffer.from(secret.data.password, "base64").toString();
}

/** The documents of a YAML stream. */
/** The `signet.dev/sealed-with` fingerprint of one of FILES' certificates. */
function fingerprintOf(cert: keyof typeof FILES): string {
  return parseSealingCertificate(FILES[cert], new Date("2026-06-01")).fingerprint;
}

const documents = (yaml: string): string[] => yaml.split(/^---\n/m).filter((d) => d !== "");

/** A SealedSecret file for --merge-into: its recipient annotation and sealed-with hint. */
const target = (recipient?: string, sealedWith?: keyof typeof FILES): string =>
  JSON.stringify({
    apiVersion: "bitnami.com/v1alpha1",
    kind: "SealedSecret",
    metadata: {
      name: "db",
      namespace: "app",
      annotations: {
        ...(recipient ? { "signet.dev/recipient": recipient } : {}),
        ...(sealedWith ? { "signet.dev/sealed-with": fingerprintOf(sealedWith) } : {}),
      },
    },
    spec: { encryptedData: {} },
  });

describe("sealing for named recipients", () => {
  it("writes one SealedSecret per recipient to stdout, each annotated and opened by its own key only", async () => {
    const { code, out, err } = await signet([...TWO, "-o", "yaml"], io());
    expect(err).toBe("");
    expect(code).toBe(0);
    const [prod, staging, ...rest] = documents(out);
    expect(rest).toEqual([]);
    expect(prod).toContain("signet.dev/recipient: prod\n");
    expect(staging).toContain("signet.dev/recipient: staging\n");
    expect(await openWith("prod.key", prod!)).toBe(PLAINTEXT);
    expect(await openWith("staging.key", staging!)).toBe(PLAINTEXT);
    // The mismatch: neither opens with the other recipient's key.
    expect(await openWith("staging.key", prod!)).toMatch(/^error: .*no key could decrypt secret/);
    expect(await openWith("prod.key", staging!)).toMatch(/^error: .*no key could decrypt secret/);
  });

  it("writes each recipient's SealedSecret to its own file with {name} in -w, in the path's format", async () => {
    const m = io({
      "clusters/prod/kustomization.yaml": "",
      "clusters/staging/kustomization.yaml": "",
    });
    const { code, out, err } = await signet([...TWO, "-w", "clusters/{name}/db.yaml"], m);
    expect({ code, out, err }).toEqual({ code: 0, out: "", err: "" });
    const prod = m.files.get("clusters/prod/db.yaml")!.toString();
    const staging = m.files.get("clusters/staging/db.yaml")!.toString();
    expect(prod).toMatch(/^---\napiVersion: bitnami.com\/v1alpha1\nkind: SealedSecret\n/);
    expect(await openWith("prod.key", prod)).toBe(PLAINTEXT);
    expect(await openWith("staging.key", staging)).toBe(PLAINTEXT);
    expect(await openWith("prod.key", staging)).toMatch(/no key could decrypt secret/);
  });

  it("writes nothing when a recipient's directory is missing, and names it", async () => {
    const m = io({ "clusters/prod/kustomization.yaml": "" });
    const { code, err } = await signet([...TWO, "-w", "clusters/{name}/db.yaml"], m);
    expect(code).toBe(1);
    expect(err).toBe(
      "error: -w clusters/staging/db.yaml: directory clusters/staging does not exist (signet creates no directories; create it, or check the recipient name)\n",
    );
    expect(m.files.has("clusters/prod/db.yaml")).toBe(false);
  });

  it("leaves a recipient's old file intact when its write fails", async () => {
    const m = io({ "clusters/prod/db.yaml": "OLD", "clusters/staging/db.yaml": "OLD" });
    m.failWritesTo.add("clusters/staging/db.yaml");
    const { code, err } = await signet([...TWO, "-w", "clusters/{name}/db.yaml"], m);
    expect(code).toBe(1);
    expect(err).toContain("disk full");
    expect(m.files.get("clusters/staging/db.yaml")!.toString()).toBe("OLD");
  });

  it("writes the stream to one -w file without {name}", async () => {
    const m = io();
    expect((await signet([...TWO, "-w", "all.yaml"], m)).code).toBe(0);
    const docs = documents(m.files.get("all.yaml")!.toString());
    expect(docs.map((d) => /signet.dev\/recipient: (\S+)/.exec(d)?.[1])).toEqual([
      "prod",
      "staging",
    ]);
  });

  it("names the recipient whose certificate cannot be read, seals nothing and prints no secret", async () => {
    const { code, out, err } = await signet(
      ["--cert", "prod=prod.pem", "--cert", "staging=missing.pem"],
      io(),
    );
    expect({ code, out }).toEqual({ code: 1, out: "" });
    expect(err).toBe('error: recipient "staging": open missing.pem: no such file or directory\n');
    expect(err).not.toContain(PLAINTEXT);
  });
});

describe("--raw for named recipients", () => {
  const RAW = ["--raw", "--scope", "cluster-wide"];

  it("prints one NAME=VALUE line per recipient, in command-line order", async () => {
    const { code, out } = await signet([...TWO, ...RAW], io({}, PLAINTEXT));
    expect(code).toBe(0);
    expect(out).toMatch(/^prod=Ag[A-D][A-Za-z0-9+/]+=*\nstaging=Ag[A-D][A-Za-z0-9+/]+=*\n$/);
    expect(out).not.toContain(PLAINTEXT);
  });

  it("writes each bare value, as kubeseal prints it, to the recipient's file", async () => {
    const m = io({ "clusters/prod/.keep": "", "clusters/staging/.keep": "" }, PLAINTEXT);
    expect((await signet([...TWO, ...RAW, "-w", "clusters/{name}/password.txt"], m)).code).toBe(0);
    const prod = m.files.get("clusters/prod/password.txt")!.toString();
    const staging = m.files.get("clusters/staging/password.txt")!.toString();
    expect(prod).toMatch(/^Ag[A-D][A-Za-z0-9+/]+=*$/);
    expect(staging).toMatch(/^Ag[A-D][A-Za-z0-9+/]+=*$/);
    expect(prod).not.toBe(staging);
    // Each value opens with its recipient's key only, as the item of a cluster-wide SealedSecret.
    const wrap = (value: string): string =>
      JSON.stringify({
        apiVersion: "bitnami.com/v1alpha1",
        kind: "SealedSecret",
        metadata: {
          name: "x",
          namespace: "y",
          annotations: { "sealedsecrets.bitnami.com/cluster-wide": "true" },
        },
        spec: { encryptedData: { password: value } },
      });
    expect(await openWith("prod.key", wrap(prod))).toBe(PLAINTEXT);
    expect(await openWith("staging.key", wrap(staging))).toBe(PLAINTEXT);
    expect(await openWith("prod.key", wrap(staging))).toMatch(/no key could decrypt secret/);
  });
});

describe("--merge-into for named recipients", () => {
  it("merges into each recipient's file, sealed with its certificate", async () => {
    const m = io({ "prod/db.json": target("prod"), "staging/db.json": target() });
    const { code, err } = await signet([...TWO, "--merge-into", "{name}/db.json"], m);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(await openWith("prod.key", m.files.get("prod/db.json")!.toString())).toBe(PLAINTEXT);
    expect(await openWith("staging.key", m.files.get("staging/db.json")!.toString())).toBe(
      PLAINTEXT,
    );
    expect(await openWith("prod.key", m.files.get("staging/db.json")!.toString())).toMatch(
      /no key could decrypt secret/,
    );
  });

  it("refuses a file annotated for another recipient", async () => {
    const m = io({ "prod/db.json": target("staging"), "staging/db.json": target() });
    const { code, err } = await signet([...TWO, "--merge-into", "{name}/db.json"], m);
    expect(code).toBe(1);
    expect(err).toBe(
      'error: recipient "prod": --merge-into prod/db.json: the file is sealed for recipient "staging", not "prod"\n',
    );
    expect(m.files.get("prod/db.json")!.toString()).toBe(target("staging"));
  });
});

describe("--merge-into checks the file's recipient against the certificate", () => {
  const STAGING_FP = fingerprintOf("staging.pem");
  const PROD_FP = fingerprintOf("prod.pem");

  it.each([
    [
      "an unnamed --cert into a file annotated for a recipient",
      { flags: ["--cert", "prod.pem"], env: {} },
      target("staging", "staging.pem"),
      'error: --merge-into db.json: the file is sealed for recipient "staging" (signet.dev/recipient); name its certificate: --cert NAME=SOURCE\n',
    ],
    [
      "SEALED_SECRETS_CERT into a file annotated for a recipient",
      { flags: [], env: { SEALED_SECRETS_CERT: "prod.pem" } },
      target("staging"),
      'error: --merge-into db.json: the file is sealed for recipient "staging" (signet.dev/recipient); name its certificate: --cert NAME=SOURCE\n',
    ],
    [
      "a named recipient into an unannotated file sealed with another certificate",
      { flags: ["--cert", "prod=prod.pem"], env: {} },
      target(undefined, "staging.pem"),
      `error: recipient "prod": --merge-into db.json: the file's values are sealed with certificate "${STAGING_FP}" (signet.dev/sealed-with), not recipient "prod"'s ${PROD_FP}; merging would mix two certificates in one SealedSecret (after a key rotation, reseal the file first: signet reseal)\n`,
    ],
    [
      "a recipient's own certificate into its file sealed with another certificate",
      { flags: ["--cert", "prod=prod.pem"], env: {} },
      target("prod", "staging.pem"),
      `error: recipient "prod": --merge-into db.json: the file's values are sealed with certificate "${STAGING_FP}" (signet.dev/sealed-with), not recipient "prod"'s ${PROD_FP}; merging would mix two certificates in one SealedSecret (after a key rotation, reseal the file first: signet reseal)\n`,
    ],
  ])("refuses %s and leaves the file as it was", async (_, { flags, env }, before, message) => {
    const m = memoryIo({ stdin: SECRET, files: { ...FILES, "db.json": before }, env });
    const { code, err } = await signet([...flags, "--merge-into", "db.json"], m);
    expect({ code, err }).toEqual({ code: 1, err: message });
    expect(m.files.get("db.json")!.toString()).toBe(before);
  });

  it.each([
    [
      "an unnamed --cert into an unannotated file after a key rotation",
      ["--cert", "prod.pem"],
      target(undefined, "staging.pem"),
    ],
    ["an unnamed --cert into a kubeseal file (no hint)", ["--cert", "prod.pem"], target()],
    [
      "a named recipient into its own file",
      ["--cert", "prod=prod.pem"],
      target("prod", "prod.pem"),
    ],
    ["a named recipient into a file without a hint", ["--cert", "prod=prod.pem"], target()],
  ])("merges %s", async (_, flags, before) => {
    const m = io({ "db.json": before });
    const { code, err } = await signet([...flags, "--merge-into", "db.json"], m);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(await openWith("prod.key", m.files.get("db.json")!.toString())).toBe(PLAINTEXT);
  });

  it("checks every recipient's file before writing any", async () => {
    const m = io({ "prod/db.json": target("prod"), "staging/db.json": target("prod") });
    const { code, err } = await signet(
      [
        "--cert",
        "prod=prod.pem",
        "--cert",
        "staging=staging.pem",
        "--merge-into",
        "{name}/db.json",
      ],
      m,
    );
    expect(code).toBe(1);
    expect(err).toContain(
      'recipient "staging": --merge-into staging/db.json: the file is sealed for recipient "prod", not "staging"',
    );
    expect(m.files.get("prod/db.json")!.toString()).toBe(target("prod"));
  });
});

describe("named recipients are refused where they mean nothing", () => {
  it.each([
    [
      ["--cert", "cert.pem", "-w", "{name}.yaml"],
      1,
      "error: {name} in -w or --merge-into needs named recipients (--cert NAME=SOURCE)\n",
    ],
    [
      ["--cert", "cert.pem", "--merge-into", "{name}.yaml"],
      1,
      "error: {name} in -w or --merge-into needs named recipients (--cert NAME=SOURCE)\n",
    ],
    [
      [...TWO, "--merge-into", "db.yaml"],
      1,
      "error: --merge-into with several recipients needs {name} in its path (one file per recipient)\n",
    ],
    [
      [...TWO, "--recovery-unseal"],
      1,
      "error: named recipients (--cert NAME=SOURCE) only seal; --recovery-unseal does not take them\n",
    ],
    [
      [...TWO, "--fetch-cert"],
      1,
      "error: named recipients (--cert NAME=SOURCE) only seal; --fetch-cert does not take them\n",
    ],
    [
      ["--cert", "prod=a.pem", "--cert", "prod=b.pem"],
      2,
      'invalid argument for "--cert" flag: recipient "prod" is named more than once\n',
    ],
    [
      ["--cert", "Prod=a.pem"],
      2,
      'invalid argument "Prod=a.pem" for "--cert" flag: recipient name "Prod" must be a DNS label',
    ],
  ])("%j exits %i", async (argv, exit, message) => {
    const { code, out, err } = await signet(argv, io());
    expect({ code, out }).toEqual({ code: exit, out: "" });
    expect(err.startsWith(message)).toBe(true);
    expect(err).not.toContain(PLAINTEXT);
  });

  it("keeps kubeseal's --cert: unnamed, the last one wins and no recipient annotation is written", async () => {
    const { code, out } = await signet(["--cert", "staging.pem", "--cert", "prod.pem"], io());
    expect(code).toBe(0);
    expect(out).not.toContain("signet.dev/recipient");
    expect(await openWith("prod.key", out)).toBe(PLAINTEXT);
  });

  it("reads --cert NAME=FILE as the file of that whole name when one exists, as kubeseal does, and says so", async () => {
    // kubeseal opens the file `prod=staging.pem`; holding prod's certificate, it is what seals.
    const m = io({ "prod=staging.pem": FILES["prod.pem"] });
    const { code, out, err } = await signet(["--cert", "prod=staging.pem"], m);
    expect(code).toBe(0);
    expect(out).not.toContain("signet.dev/recipient");
    expect(await openWith("prod.key", out)).toBe(PLAINTEXT);
    expect(err).toBe(
      `warning: --cert "prod=staging.pem" names an existing file: it is read as that file, as kubeseal reads it, not as recipient "prod" (for the recipient, write --cert "prod=./staging.pem")\n`,
    );
  });

  it("still seals for recipient NAME when no file has the whole NAME=FILE name", async () => {
    const { code, out, err } = await signet(["--cert", "prod=staging.pem"], io());
    expect(code).toBe(0);
    expect(err).toBe("");
    expect(out).toContain('"signet.dev/recipient": "prod"');
    expect(await openWith("staging.key", out)).toBe(PLAINTEXT);
  });
});

describe("examples/multi-cluster", () => {
  const example = (path: string): string =>
    readFileSync(new URL(`../../../../examples/multi-cluster/${path}`, import.meta.url), "utf8");

  it.each([
    ["prod", "prod.key", "staging.key"],
    ["staging", "staging.key", "prod.key"],
  ])(
    "clusters/%s holds a SealedSecret for that recipient, opened by its key only",
    async (name, key, other) => {
      const sealed = example(`clusters/${name}/db-credentials.yaml`);
      expect(sealed).toContain(`signet.dev/recipient: ${name}\n`);
      expect(example(`clusters/${name}/kustomization.yaml`)).toMatch(/- db-credentials\.yaml\n/);
      const opened = await signet(
        ["--recovery-unseal", "--recovery-private-key", key],
        io({}, sealed),
      );
      expect(opened.code).toBe(0);
      expect(await openWith(other, sealed)).toMatch(/no key could decrypt secret/);
    },
  );

  it("keeps the recovery copy out of the deployed directories, and no cluster key opens it", async () => {
    const sealed = example("recovery/db-credentials.yaml");
    expect(sealed).toContain("signet.dev/recipient: recovery\n");
    expect(await openWith("prod.key", sealed)).toMatch(/no key could decrypt secret/);
    expect(await openWith("staging.key", sealed)).toMatch(/no key could decrypt secret/);
    expect(example("applicationset.yaml")).toContain("path: examples/multi-cluster/clusters/*");
  });
});

describe("output targets are checked before anything is written", () => {
  const DIRS = { "prod/kustomization.yaml": "", "staging/kustomization.yaml": "" };
  it.each([
    [
      "-w naming an existing directory",
      ["-w", "{name}"],
      { files: DIRS, links: {} },
      "error: -w prod: is a directory; give a file name\n",
    ],
    [
      "-w ending in /",
      ["-w", "{name}/"],
      { files: DIRS, links: {} },
      "error: -w prod/: names a directory; give a file name\n",
    ],
    [
      "a regular file where a directory is expected",
      ["-w", "{name}/db.yaml"],
      { files: { prod: "x", "staging/kustomization.yaml": "" }, links: {} },
      "error: -w prod/db.yaml: prod is not a directory\n",
    ],
    [
      "two recipients landing on one file through ..",
      ["-w", "{name}/../x.yaml"],
      { files: DIRS, links: {} },
      'error: -w: recipients "prod" (prod/../x.yaml) and "staging" (staging/../x.yaml) would write the same file; nothing was written\n',
    ],
    [
      "two recipients landing on one file through a symbolic link",
      ["-w", "{name}/db.yaml"],
      { files: { "prod/kustomization.yaml": "" }, links: { staging: "prod" } },
      'error: -w: recipients "prod" (prod/db.yaml) and "staging" (staging/db.yaml) would write the same file; nothing was written\n',
    ],
    [
      "two recipients landing on one file through a symbolically linked file",
      ["-w", "{name}/db.yaml"],
      {
        files: { "prod/db.yaml": "old\n", "staging/kustomization.yaml": "" },
        links: { "staging/db.yaml": "../prod/db.yaml" },
      },
      'error: -w: recipients "prod" (prod/db.yaml) and "staging" (staging/db.yaml) would write the same file; nothing was written\n',
    ],
    [
      "two recipients merging into one file",
      ["--merge-into", "{name}/../x.json"],
      { files: { ...DIRS, "x.json": "{}" }, links: {} },
      'error: --merge-into: recipients "prod" (prod/../x.json) and "staging" (staging/../x.json) would write the same file; nothing was written\n',
    ],
  ])("refuses %s, naming it, and writes nothing", async (_, flags, { files, links }, message) => {
    const m = memoryIo({ stdin: SECRET, files: { ...FILES, ...files }, links });
    const before = new Map(m.files);
    const { code, err } = await signet([...TWO, ...flags], m);
    expect({ code, err }).toEqual({ code: 1, err: message });
    expect(m.files).toEqual(before);
  });
});

describe("the --cert values and patterns that are likely mistakes", () => {
  it.each([
    ["-w", "clusters/{NAME}/db.yaml", '"{NAME}" looks like the {name} placeholder'],
    ["-w", "clusters/{ name }/db.yaml", '"{ name }" looks like the {name} placeholder'],
    ["--merge-into", "{Name}/db.yaml", '"{Name}" looks like the {name} placeholder'],
  ])("refuses %s %s as a misspelt placeholder", async (flag, path, message) => {
    const m = io({ "clusters/prod/kustomization.yaml": "" });
    const { code, err } = await signet([...TWO, flag, path], m);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect([...m.files.keys()].some((k) => k.includes("{"))).toBe(false);
  });

  it("refuses a misspelt placeholder in reseal --recipient-path", async () => {
    const m = io();
    const args = ["reseal", "--check", ...TWO, "--recipient-path", "c/{NAME}/", "."];
    const { code, err } = await signet(args, m);
    expect(code).toBe(2);
    expect(err).toContain('"{NAME}" looks like the {name} placeholder');
  });

  it("warns when two recipients have the same certificate", async () => {
    const m = io();
    const { code, err } = await signet(["--cert", "prod=prod.pem", "--cert", "eu=prod.pem"], m);
    expect(code).toBe(0);
    expect(err).toBe(
      'warning: recipients "prod" and "eu" have the same certificate: either cluster opens the other\'s SealedSecrets\n',
    );
  });

  it("hints that a name with a dot is read as a file name", async () => {
    const { code, err } = await signet(["--cert", "prod.eu=x.pem"], io());
    expect(code).toBe(1);
    expect(err).toBe(
      `error: open prod.eu=x.pem: no such file or directory (read as a file name: a recipient name before '=' is a DNS label, lowercase letters, digits and '-' only, so "prod.eu" is not one)\n`,
    );
  });
});

describe("SEALED_SECRETS_CERT is one certificate, never named recipients", () => {
  const env = { SEALED_SECRETS_CERT: "prod=prod.pem" };
  it.each([
    [["--recovery-unseal", "--recovery-private-key", "prod.key"], "sealed"],
    [["--validate", "--controller-namespace", "x"], "sealed"],
    [["inspect", "--help"], ""],
    [["ui", "--help"], ""],
  ])("does not break %j", async (argv) => {
    const sealed = (await signet(["--cert", "prod.pem"], io())).out;
    const m = memoryIo({ stdin: sealed, files: FILES, env });
    const { err } = await signet(argv, m);
    expect(err).not.toMatch(/"--cert" flag|named recipients/);
  });

  it("names the variable when its value cannot be read", async () => {
    const m = memoryIo({ stdin: SECRET, files: FILES, env });
    const { code, err } = await signet([], m);
    expect(code).toBe(1);
    expect(err).toBe(
      "error: open prod=prod.pem: no such file or directory (from SEALED_SECRETS_CERT, which is one file or URL: named recipients NAME=SOURCE are read from --cert on the command line only)\n",
    );
  });

  it("is replaced by named recipients on the command line", async () => {
    const m = memoryIo({ stdin: SECRET, files: FILES, env });
    const { code, out } = await signet(["--cert", "staging=staging.pem"], m);
    expect(code).toBe(0);
    expect(out).toContain('"signet.dev/recipient": "staging"');
  });
});

describe("docs/recipients.md, the break-glass example as written", () => {
  /** The shell words of one command line (single quotes only, as the example uses). */
  const words = (line: string): string[] =>
    [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);

  it("runs every signet and mkdir line of the example in order, and the recovery copy opens", async () => {
    const doc = readFileSync(new URL("../../../../docs/recipients.md", import.meta.url), "utf8");
    const section = doc.slice(doc.indexOf("## A break-glass recipient"));
    const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!.replace(/\\\n\s*/g, "");
    const lines = block.split("\n").filter((l) => /^(signet|mkdir) /.test(l));
    expect(lines.map((l) => l.split(" ")[0])).toEqual(["mkdir", "signet", "signet"]);
    // openssl's output, as the first lines make it: a key pair for the recovery recipient.
    const m = io({
      "recovery.pem": fixture("test-only-other-cert.pem"),
      "recovery-key.pem": fixture("test-only-other-key.pem"),
      "db.yaml": SECRET,
    });
    let last = { code: -1, out: "", err: "" };
    for (const line of lines) {
      const [cmd, ...args] = words(line);
      if (cmd === "mkdir") {
        for (const dir of args.filter((a) => a !== "-p"))
          m.files.set(`${dir}/.keep`, Buffer.from(""));
        continue;
      }
      const [o, e] = [m.stdout().length, m.stderr().length];
      const code = await run(args, m);
      last = { code, out: m.stdout().slice(o), err: m.stderr().slice(e) };
      expect({ line, code, err: last.err }).toEqual({ line, code: 0, err: "" });
    }
    const secret = JSON.parse(last.out) as { data: { password: string } };
    expect(Buffer.from(secret.data.password, "base64").toString()).toBe(PLAINTEXT);
    expect(m.files.has("sealed/prod/db.yaml")).toBe(true);
  });
});
