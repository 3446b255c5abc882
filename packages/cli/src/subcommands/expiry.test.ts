import { describe, expect, it } from "vitest";
import { readManifest } from "@signet/core";
import { parseDocument } from "yaml";

import { ioWith, open, sealWith, secretJson, signet } from "./test-support/fixtures.js";

// The memory io's clock: 2026-06-01T00:00:00Z.
const EXPIRES = "signet.dev/expires-at";
const OFFLINE = ["--cert", "new-cert.pem", "--recovery-private-key", "old-key.pem,new-key.pem"];

const annotationsOf = (text: string): Record<string, string> | undefined =>
  (parseDocument(text).toJS() as { metadata: { annotations?: Record<string, string> } }).metadata
    .annotations;

async function sealExpiring(flags: string[], cert = "new-cert.pem"): Promise<string> {
  const io = ioWith({}, secretJson("db", { password: "hunter2" }));
  const result = await signet(["--cert", cert, "-o", "yaml", ...flags], io);
  if (result.code !== 0) throw new Error(result.err);
  return result.out;
}

describe("--expires-in and --expires-at", () => {
  it.each([
    [["--expires-in", "90d"], "2026-08-30T00:00:00Z"],
    [["--expires-in=2w"], "2026-06-15T00:00:00Z"],
    [["--expires-in", "1d12h"], "2026-06-02T12:00:00Z"],
    [["--expires-at", "2027-03-31T02:00:00+02:00"], "2027-03-31T00:00:00Z"],
  ])("%j sets the annotation on the SealedSecret to %s, not on the Secret", async (flags, at) => {
    const sealed = await sealExpiring(flags);
    expect(annotationsOf(sealed)?.[EXPIRES]).toBe(at);
    // Only the object's own metadata: the template (what the Secret gets) has no expiry.
    expect(sealed.match(/signet\.dev\/expires-at/g)).toHaveLength(1);
    expect(await open(sealed)).toEqual({ password: "hunter2" });
  });

  it("accepts --expires-at up to 100 years ahead (the bound's mismatch case)", async () => {
    const sealed = await sealExpiring(["--expires-at", "2126-05-01T00:00:00Z"]);
    expect(annotationsOf(sealed)?.[EXPIRES]).toBe("2126-05-01T00:00:00Z");
  });

  it("adds nothing without the flags (mismatch case)", async () => {
    expect(annotationsOf(await sealExpiring([]))?.[EXPIRES]).toBeUndefined();
  });

  it.each([
    [["--expires-in", "90"], '--expires-in "90": expected a duration'],
    [["--expires-in", "-1d"], '--expires-in "-1d": expected a duration'],
    [["--expires-in", "0d"], '--expires-in "0d": must be longer than zero'],
    [["--expires-at", "2027-03-31"], '--expires-at "2027-03-31": not an RFC 3339 time'],
    [
      ["--expires-at", "2026-05-31T00:00:00Z"],
      '--expires-at "2026-05-31T00:00:00Z": not in the future',
    ],
    [
      ["--expires-in", "90d", "--expires-at", "2027-03-31T00:00:00Z"],
      "--expires-in and --expires-at cannot be used together",
    ],
    [
      ["--raw", "--scope", "cluster-wide", "--from-file", "new-cert.pem", "--expires-in", "1d"],
      '--expires-in "1d" sets an annotation of the output SealedSecret; --raw writes none',
    ],
    [
      ["--validate", "--expires-at", "2027-03-31T00:00:00Z"],
      '--expires-at "2027-03-31T00:00:00Z" sets an annotation of the output SealedSecret; --validate writes none',
    ],
    [
      ["--fetch-cert", "--expires-in", "2w"],
      '--expires-in "2w" sets an annotation of the output SealedSecret; --fetch-cert writes none',
    ],
    [
      ["--recovery-unseal", "--recovery-private-key", "old-key.pem", "--expires-in", "2w"],
      '--expires-in "2w" sets an annotation of the output SealedSecret; --recovery-unseal writes none',
    ],
    [
      ["--re-encrypt", "--expires-in", "2w"],
      '--expires-in "2w" sets an annotation of the output SealedSecret; --re-encrypt writes none',
    ],
    [["--expires-in", ""], '--expires-in "": empty'],
    [["--expires-in="], '--expires-in "": empty'],
    [["--expires-at", ""], '--expires-at "": empty'],
    // The CLI never writes a value its own parser (and the controller's) would refuse.
    [
      ["--expires-at", "9999-12-31T23:59:59-23:59"],
      '--expires-at "9999-12-31T23:59:59-23:59": out of range (after 9999-12-31T23:59:59Z)',
    ],
    // The same 100-year bound as --expires-in (the memory clock is 2026-06-01).
    [
      ["--expires-at", "2126-06-02T00:00:00Z"],
      '--expires-at "2126-06-02T00:00:00Z": more than 100 years ahead',
    ],
    [["--expires-in", "36501d"], '--expires-in "36501d": longer than 100 years'],
  ])("refuses %j as a usage error naming the flag", async (flags, message) => {
    const io = ioWith({}, secretJson("db", { password: "hunter2" }));
    const result = await signet(["--cert", "new-cert.pem", ...flags], io);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.out).toBe("");
  });
});

describe("the expiry through reseal and --merge-into", () => {
  it("signet reseal keeps the annotation (it rewrites values, not metadata)", async () => {
    const stale = await sealExpiring(["--expires-in", "90d"], "old-cert.pem");
    const io = ioWith({ "db.yaml": stale });
    const result = await signet(["reseal", ...OFFLINE, "db.yaml"], io);
    expect(result.code).toBe(0);
    const resealed = io.files.get("db.yaml")!.toString();
    expect(resealed).not.toBe(stale);
    expect(annotationsOf(resealed)?.[EXPIRES]).toBe("2026-08-30T00:00:00Z");
    expect(await open(resealed)).toEqual({ password: "hunter2" });
  });

  it("--merge-into keeps the file's annotation when no --expires-* is given", async () => {
    const existing = await sealExpiring(["--expires-at", "2027-01-01T00:00:00Z"]);
    const io = ioWith({ "m.yaml": existing }, secretJson("ignored", { token: "t" }));
    expect((await signet(["--cert", "new-cert.pem", "--merge-into", "m.yaml"], io)).code).toBe(0);
    const merged = io.files.get("m.yaml")!.toString();
    expect(annotationsOf(merged)?.[EXPIRES]).toBe("2027-01-01T00:00:00Z");
    expect(await open(merged)).toEqual({ password: "hunter2", token: "t" });
  });

  it("--merge-into with --expires-in sets the file's annotation to the new time", async () => {
    const existing = await sealExpiring(["--expires-at", "2027-01-01T00:00:00Z"]);
    const io = ioWith({ "m.yaml": existing }, secretJson("ignored", { password: "rotated" }));
    const args = ["--cert", "new-cert.pem", "--merge-into", "m.yaml", "--expires-in", "30d"];
    expect((await signet(args, io)).code).toBe(0);
    const merged = io.files.get("m.yaml")!.toString();
    expect(annotationsOf(merged)?.[EXPIRES]).toBe("2026-07-01T00:00:00Z");
    expect(merged.match(/signet\.dev\/expires-at/g)).toHaveLength(1);
    expect(await open(merged)).toEqual({ password: "rotated" });
  });
});

describe("signet inspect shows the expiry", () => {
  it.each([
    ["2026-06-21T00:00:00Z", "2026-06-21T00:00:00Z (expires in 20 days)", "valid"],
    [
      "2026-06-05T06:00:00Z",
      "2026-06-05T06:00:00Z (expires in 4 days, expiring soon)",
      "expiring-soon",
    ],
    ["2026-05-29T00:00:00Z", "2026-05-29T00:00:00Z (expired 3 days ago)", "expired"],
  ])("%s reads %j", async (at, line, stage) => {
    const sealed = await sealWith("new-cert.pem", secretJson("db", { a: "1" }));
    const withExpiry = sealed.replace(
      "  annotations:\n",
      `  annotations:\n    ${EXPIRES}: "${at}"\n`,
    );
    const io = ioWith({ "db.yaml": withExpiry });
    const text = await signet(["inspect", "db.yaml"], io);
    expect(text.code).toBe(0);
    expect(text.out).toContain(`  expires:  ${line}\n`);
    const json = await signet(["inspect", "-o", "json", "db.yaml"], io);
    expect((JSON.parse(json.out) as { expiry: unknown }[])[0]!.expiry).toEqual({
      expiresAt: at,
      stage,
      relative: line.replace(/^\S+ \((.*?)(, expiring soon)?\)$/, "$1"),
    });
  });

  it("shows a malformed annotation without failing, and no line without one", async () => {
    const sealed = await sealWith("new-cert.pem", secretJson("db", { a: "1" }));
    const bad = sealed.replace("  annotations:\n", `  annotations:\n    ${EXPIRES}: soon\n`);
    const io = ioWith({ "bad.yaml": bad, "none.yaml": sealed });
    const result = await signet(["inspect", "bad.yaml"], io);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`  expires:  invalid: ${EXPIRES} "soon": not an RFC 3339 time`);
    expect((await signet(["inspect", "none.yaml"], io)).out).not.toContain("expires:");
  });
});

describe("--merge-into a file whose annotations are written as null", () => {
  // The kubeseal-style output, its annotations block replaced by `variant`.
  const FLOW = "metadata: {annotations: ANN, name: db, namespace: apps}\n";
  async function fileWith(variant: { block?: string; flow?: string }): Promise<string> {
    const sealed = await sealExpiring([]);
    const withoutHint = sealed.replace(/ {2}annotations:\n {4}signet\.dev\/sealed-with: \S+\n/, "");
    if (variant.block !== undefined) {
      return withoutHint.replace("metadata:\n", `metadata:\n  annotations:${variant.block}\n`);
    }
    return withoutHint.replace(
      /metadata:\n {2}name: db\n {2}namespace: apps\n/,
      FLOW.replace("ANN", variant.flow!),
    );
  }
  const variants = [
    ["block null with a comment", { block: " null # none yet" }, "# none yet"],
    ["block ~", { block: " ~" }, undefined],
    ["block empty", { block: "" }, undefined],
    ["flow null", { flow: "null" }, undefined],
    ["flow ~", { flow: "~" }, undefined],
  ] as const;
  const paths = [
    // Only some values replaced: the hint is dropped, the expiry added.
    ["the expiry", { token: "t" }, ["--expires-at", "2027-03-31T00:00:00Z"], EXPIRES],
    // Every value replaced: the merge adds the sealed-with hint (older than expiry).
    ["the hint", { password: "rotated" }, [], "signet.dev/sealed-with"],
  ] as const;

  describe.each(paths)("adding %s", (_, data, flags, key) => {
    it.each(variants)(
      "to %s replaces the null with one annotations map that Go's decoder reads",
      async (_label, variant, comment) => {
        const io = ioWith({ "m.yaml": await fileWith(variant) }, secretJson("db", data));
        const result = await signet(
          ["--cert", "new-cert.pem", "--merge-into", "m.yaml", ...flags],
          io,
        );
        expect(result.code).toBe(0);
        const merged = io.files.get("m.yaml")!.toString();
        expect(merged.match(/annotations:/g)).toHaveLength(1);
        const [doc] = readManifest(merged, "m.yaml");
        expect(doc!.sealedSecret().metadata.annotations?.[key]).toMatch(/\S/);
        if (comment !== undefined) expect(merged).toContain(comment);
        const inspected = await signet(["inspect", "m.yaml"], io);
        expect(inspected.code).toBe(0);
      },
    );
  });

  it("keeps the trailing comment of the annotation it replaces", async () => {
    const existing = (await sealExpiring(["--expires-at", "2027-01-01T00:00:00Z"])).replace(
      /(signet\.dev\/expires-at: \S+)\n/,
      "$1 # old date\n",
    );
    expect(existing).toContain("# old date");
    const io = ioWith({ "m.yaml": existing }, secretJson("db", { token: "t" }));
    const args = ["--cert", "new-cert.pem", "--merge-into", "m.yaml", "--expires-in", "30d"];
    expect((await signet(args, io)).code).toBe(0);
    const merged = io.files.get("m.yaml")!.toString();
    expect(merged).toMatch(/signet\.dev\/expires-at: "?2026-07-01T00:00:00Z"? # old date\n/);
  });
});

describe("an input Secret that carries signet.dev/expires-at itself", () => {
  const secretWithExpiry = (): string => {
    const secret = JSON.parse(secretJson("db", { password: "hunter2" })) as {
      metadata: { annotations?: Record<string, string> };
    };
    secret.metadata.annotations = { [EXPIRES]: "2027-03-31T00:00:00Z" };
    return JSON.stringify(secret);
  };

  it("is sealed with a warning on stderr that it has no effect there", async () => {
    const io = ioWith({}, secretWithExpiry());
    const result = await signet(["--cert", "new-cert.pem", "-o", "yaml"], io);
    expect(result.code).toBe(0);
    expect(result.err).toContain(`warning: the input Secret apps/db carries ${EXPIRES}`);
    expect(result.err).toContain("--expires-in or --expires-at");
    // The annotation went to the template only: the SealedSecret has no expiry.
    expect(annotationsOf(result.out)?.[EXPIRES]).toBeUndefined();
    const inspected = await signet(["inspect", "db.yaml"], ioWith({ "db.yaml": result.out }));
    expect(inspected.out).toContain(
      `  note:     spec.template carries ${EXPIRES} "2027-03-31T00:00:00Z": it only reaches the Secret`,
    );
    expect(inspected.out).not.toContain("expires:");
  });

  it("gives no warning and no note for a Secret without it (mismatch case)", async () => {
    const result = await signet(
      ["--cert", "new-cert.pem", "-o", "yaml", "--expires-in", "90d"],
      ioWith({}, secretJson("db", { password: "hunter2" })),
    );
    expect(result.err).toBe("");
    const inspected = await signet(["inspect", "db.yaml"], ioWith({ "db.yaml": result.out }));
    expect(inspected.out).not.toContain("note:");
    expect(inspected.out).toContain("(expires in 90 days)");
  });
});
