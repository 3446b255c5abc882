import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

import { run } from "./run.js";
import { memoryIo } from "./test-support/memory-io.js";
import type { MemoryIo } from "./test-support/memory-io.js";

/**
 * Regression tests for each class of wrong sealing found by trying `signet` side by side with
 * kubeseal v0.36.6 (issue "Sealing fidelity"): what a user seals is exactly what the cluster
 * gets, read and written with Go's meaning. The decoding itself is proven against Go on a
 * generated corpus by test/yaml-diff; these check the whole command.
 */

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../test/fixtures/keys/${name}`, import.meta.url), "utf8");
const CERT = fixture("test-only-sealing-cert.pem");
const KEY = fixture("test-only-sealing-key.pem");

const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: dev
contexts:
- name: dev
  context: { cluster: c, user: u, namespace: ctxns }
clusters:
- name: c
  cluster: { server: "https://127.0.0.1:1" }
users:
- name: u
  user: {}
`;

function io(stdin: string | Buffer, files: Record<string, string> = {}, env = {}): MemoryIo {
  return memoryIo({ stdin, files: { "cert.pem": CERT, "key.pem": KEY, ...files }, env });
}

async function signet(
  argv: string[],
  at: MemoryIo,
): Promise<{ code: number; out: string; err: string }> {
  const code = await run(argv, at);
  return { code, out: at.stdout(), err: at.stderr() };
}

const SECRET = (meta: string, body: string): string =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: ns\n${meta}${body}`;

/** Seals `input` as YAML, then opens it with the test key: the sealed and the opened objects. */
async function sealAndOpen(
  input: string,
  argv: string[] = [],
): Promise<{ sealed: string; secret: Record<string, unknown> }> {
  const sealed = await signet(["--cert", "cert.pem", "-o", "yaml", ...argv], io(input));
  expect(sealed.err).toBe("");
  expect(sealed.code).toBe(0);
  const opened = await signet(
    ["--recovery-unseal", "--recovery-private-key", "key.pem"],
    io(sealed.out),
  );
  expect(opened.err).toBe("");
  return { sealed: sealed.out, secret: JSON.parse(opened.out) as Record<string, unknown> };
}

const text = (secret: Record<string, unknown>, key: string): string =>
  Buffer.from((secret["data"] as Record<string, string>)[key] ?? "", "base64").toString("utf8");

describe("values are sealed with Go's meaning", () => {
  it.each([
    ["an empty item (Helm's missing value)", "  a:\n", ""],
    ["a ~ item", "  a: ~\n", ""],
    ["an unquoted date", "  a: 2024-01-02\n", "2024-01-02"],
    [
      "an unquoted timestamp",
      "  a: 2001-12-14t21:59:43.10-05:00\n",
      "2001-12-14t21:59:43.10-05:00",
    ],
    ["an integer above 2^53", "  a: 9007199254740993\n", "9007199254740993"],
    ["a YAML 1.1 boolean", "  a: yes\n", "true"],
    ["an octal number", "  a: 0777\n", "511"],
    ["a float", "  a: 1.10\n", "1.1"],
  ])("seals %s under stringData as kubeseal does", async (_what, items, value) => {
    const { secret } = await sealAndOpen(SECRET("", `stringData:\n${items}`));
    expect(text(secret, "a")).toBe(value);
  });

  it.each([
    [
      "a map under stringData",
      "stringData:\n  a: {x: 1}\n",
      /cannot unmarshal object into Go struct field Secret\.stringData of type string/,
    ],
    [
      "a list under stringData",
      "stringData:\n  a: [a, b]\n",
      /cannot unmarshal array into Go struct field Secret\.stringData of type string/,
    ],
    [
      "a number under data",
      "data:\n  a: 1234\n",
      /cannot unmarshal number into Go struct field Secret\.data of type \[\]uint8/,
    ],
    [
      "a value under data that is not base64",
      "data:\n  a: not base64!\n",
      /illegal base64 data at input byte 3/,
    ],
  ])("refuses %s with Go's error, writing nothing", async (_what, body, message) => {
    const at = io(SECRET("", body), { "out.yaml": "OLD" });
    const result = await signet(["--cert", "cert.pem", "-w", "out.yaml"], at);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: /);
    expect(result.err).toMatch(message);
    expect(at.files.get("out.yaml")!.toString()).toBe("OLD");
  });
});

describe("metadata keeps Go's types", () => {
  it("copies numeric, boolean and date labels and annotations as their text", async () => {
    const meta =
      "  labels:\n    enabled: true\n    replicas: 3\n    n: x\n  annotations:\n    day: 2024-01-02\n";
    const { sealed, secret } = await sealAndOpen(SECRET(meta, "stringData:\n  a: b\n"));
    // `n` is a YAML 1.1 boolean key: Go reads it as "false", as kubeseal does.
    expect(sealed).toContain(
      '      labels:\n        enabled: "true"\n        "false": x\n        replicas: "3"\n',
    );
    expect(secret["metadata"]).toMatchObject({
      labels: { enabled: "true", replicas: "3", false: "x" },
      annotations: { day: "2024-01-02" },
    });
  });

  it("seals under a date-like name as text, and the value opens under that name", async () => {
    const input =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: 2024-01-02\n  namespace: ns\nstringData:\n  a: b\n";
    const { sealed, secret } = await sealAndOpen(input);
    expect(sealed).toContain('  name: "2024-01-02"\n');
    expect(secret["metadata"]).toMatchObject({ name: "2024-01-02" });
    expect(text(secret, "a")).toBe("b");
  });

  it("seals under a numeric name as its text, as sigs.k8s.io/yaml converts it for a string field", async () => {
    const input = SECRET("", "stringData:\n  a: b\n").replace("name: s", "name: 1234");
    const { sealed, secret } = await sealAndOpen(input);
    expect(sealed).toContain('  name: "1234"\n');
    expect(secret["metadata"]).toMatchObject({ name: "1234" });
  });

  it("refuses a name that is a map with Go's error", async () => {
    const input = SECRET("", "stringData:\n  a: b\n").replace("name: s", "name: {a: b}");
    const result = await signet(["--cert", "cert.pem"], io(input));
    expect(result).toMatchObject({ code: 1, out: "" });
    expect(result.err).toMatch(
      /^error: .*cannot unmarshal object into Go struct field ObjectMeta\.metadata\.name of type string/,
    );
  });
});

describe("scope", () => {
  it("reads an unquoted cluster-wide: true as kubeseal does (cluster-wide)", async () => {
    const input = SECRET(
      "  annotations:\n    sealedsecrets.bitnami.com/cluster-wide: true\n",
      "stringData:\n  a: b\n",
    );
    const { sealed } = await sealAndOpen(input);
    expect(sealed).toContain('sealedsecrets.bitnami.com/cluster-wide: "true"');
    // Cluster-wide: the value opens under any name and namespace.
    const moved = sealed
      .replace(/name: s\n/g, "name: elsewhere\n")
      .replace(/namespace: ns\n/g, "namespace: other\n");
    const opened = await signet(
      ["--recovery-unseal", "--recovery-private-key", "key.pem"],
      io(moved),
    );
    expect(opened.err).toBe("");
    expect(opened.code).toBe(0);
  });
});

describe("output that Go reads back", () => {
  it("quotes every key and string a YAML 1.1 reader would take for another type", async () => {
    const input = SECRET(
      "",
      'stringData:\n  "0X1F": a\n  "1_000": b\n  "+.5": c\n  "<<": d\n  plain: "yes"\n',
    );
    const { sealed, secret } = await sealAndOpen(input);
    for (const key of ["0X1F", "1_000", "+.5", "<<"]) expect(sealed).toContain(`    "${key}": Ag`);
    expect(Object.keys(secret["data"] as object).sort()).toEqual([
      "+.5",
      "0X1F",
      "1_000",
      "<<",
      "plain",
    ]);
    expect(text(secret, "plain")).toBe("yes");
  });
});

describe("empty fields are left out, as Go's omitempty leaves them", () => {
  it("writes no empty labels, annotations or finalizers into the template (Helm renders `labels: {}`)", async () => {
    const { sealed, secret } = await sealAndOpen(
      SECRET("  labels: {}\n  annotations: {}\n  finalizers: []\n", "stringData: {a: b}\n"),
    );
    expect(sealed).toMatch(/ {2}template:\n {4}metadata:\n {6}name: s\n {6}namespace: ns\n/);
    expect(sealed).not.toMatch(/labels|finalizers|annotations: \{\}/);
    expect(Object.keys(secret["metadata"] as object)).not.toContain("labels");
  });

  it("prints no data for a SealedSecret with no values in --recovery-unseal", async () => {
    const sealed = await signet(
      ["--cert", "cert.pem", "-o", "yaml", "--allow-empty-data"],
      io(SECRET("", "")),
    );
    expect(sealed.code).toBe(0);
    for (const format of ["json", "yaml"]) {
      const opened = await signet(
        ["--recovery-unseal", "--recovery-private-key", "key.pem", "-o", format],
        io(sealed.out),
      );
      expect(opened.err).toBe("");
      expect(opened.out).not.toMatch(/^\s*"?data"?:/m);
    }
  });
});

describe("line separators (U+2028, U+2029) in Signet's own output", () => {
  const INPUT = SECRET(
    '  annotations:\n    a: "x\\Ly"\n    b: "p\\P\\Lq \\L"\n',
    "stringData:\n  k: v\n",
  );

  async function annotationsOf(file: string): Promise<Record<string, string>> {
    const opened = await signet(
      ["--recovery-unseal", "--recovery-private-key", "key.pem"],
      io(file),
    );
    expect(opened.err).toBe("");
    return (JSON.parse(opened.out) as { metadata: { annotations: Record<string, string> } })
      .metadata.annotations;
  }

  it("reads back what -o yaml wrote (go-yaml's single-quoted style) in inspect and --recovery-unseal", async () => {
    const sealed = await signet(["--cert", "cert.pem", "-o", "yaml"], io(INPUT));
    expect(sealed.err).toBe("");
    expect(sealed.out).toContain("a: 'x\u2028");
    const inspected = await signet(["inspect", "ss.yaml"], io("", { "ss.yaml": sealed.out }));
    expect(inspected.err).toBe("");
    expect(inspected.code).toBe(0);
    expect(inspected.out).toContain("annotations [a, b]");
    expect(await annotationsOf(sealed.out)).toEqual({ a: "x\u2028y", b: "p\u2029\u2028q \u2028" });
  });

  it("writes a value holding a line feed and a line separator double-quoted, and reads it back", async () => {
    const input = SECRET('  annotations:\n    a: "x\\ny\\Lz"\n', "stringData:\n  k: v\n");
    const sealed = await signet(["--cert", "cert.pem", "-o", "yaml"], io(input));
    expect(sealed.err).toBe("");
    expect(sealed.out).toContain('a: "x\\ny\\Lz"');
    const inspected = await signet(["inspect", "ss.yaml"], io("", { "ss.yaml": sealed.out }));
    expect(inspected.code).toBe(0);
    expect(await annotationsOf(sealed.out)).toEqual({ a: "x\ny\u2028z" });
  });

  it("merges into a file whose values hold line separators, writing them so Go reads them back", async () => {
    const input = SECRET(
      '  annotations:\n    a: "x\\Ly"\n    b: "p\\P\\Lq \\L"\n    c: "x\\Ny"\n',
      "stringData:\n  k: v\n",
    );
    const sealed = await signet(["--cert", "cert.pem", "-o", "yaml"], io(input));
    const at = io(SECRET("", "stringData:\n  new: y\n"), { "ss.yaml": sealed.out });
    const merged = await signet(["--cert", "cert.pem", "--merge-into", "ss.yaml"], at);
    expect(merged.err).toBe("");
    expect(merged.code).toBe(0);
    const file = at.files.get("ss.yaml")!.toString();
    expect(file).toMatch(/\n {4}new: Ag/);
    expect(file).toContain('b: "p\\P\\Lq \\L"');
    expect(await annotationsOf(file)).toEqual({
      a: "x\u2028y",
      b: "p\u2029\u2028q \u2028",
      c: "x\u0085y",
    });
  });

  it("refuses to merge into a file it reads as Go does but cannot edit in place, leaving it untouched", async () => {
    const target =
      "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: s,\nnamespace: ns}\nspec:\n  encryptedData: {a: AgBy\n  }\n";
    const at = io(SECRET("", "stringData:\n  new: y\n"), { "ss.yaml": target });
    const merged = await signet(["--cert", "cert.pem", "--merge-into", "ss.yaml"], at);
    expect(merged.code).toBe(1);
    expect(merged.err).toMatch(
      /^error: ss\.yaml:1: document 1: Signet reads this document as Go does but cannot edit it in place/,
    );
    expect(at.files.get("ss.yaml")!.toString()).toBe(target);
  });

  it("still refuses a line separator outside a quoted scalar, which YAML 1.1 and 1.2 read differently", async () => {
    const result = await signet(
      ["--cert", "cert.pem"],
      io(SECRET("", "stringData:\n  k: x\u2028y\n")),
    );
    expect(result.code).not.toBe(0);
    expect(result.err).toContain("outside a quoted scalar");
  });
});

describe("input kubeseal reads is read", () => {
  it.each([
    [
      "a YAML flow mapping",
      "{apiVersion: v1, kind: Secret, metadata: {name: s, namespace: ns}, stringData: {a: b}}\n",
    ],
    [
      "JSON followed by ---",
      '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "ns"}, "stringData": {"a": "b"}}\n---\n',
    ],
    [
      "JSON followed by a comment",
      '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "ns"}, "stringData": {"a": "b"}}\n# end\n',
    ],
    ["a document ending with ---", `${SECRET("", "stringData:\n  a: b\n")}---\n`],
    [
      "CRLF and a byte-order mark",
      `\ufeff${SECRET("", "stringData:\n  a: b\n").replace(/\n/g, "\r\n")}`,
    ],
  ])("seals %s", async (_what, input) => {
    const { secret } = await sealAndOpen(input);
    expect(text(secret, "a")).toBe("b");
  });
});

describe("input kubeseal refuses is refused", () => {
  it("refuses invalid UTF-8 instead of replacing it with U+FFFD", async () => {
    const input = Buffer.concat([
      Buffer.from(SECRET("", "stringData:\n  a: caf")),
      Buffer.from([0xe9, 0x0a]),
    ]);
    const result = await signet(["--cert", "cert.pem"], io(input));
    expect(result).toMatchObject({ code: 1, out: "" });
    expect(result.err).toMatch(
      /^error: stdin: document 1, line 1: error converting YAML to JSON: yaml: .*UTF-8/,
    );
  });

  it("refuses text after --- without repeating it (a flow-style Secret there would print its values)", async () => {
    const input =
      "--- {apiVersion: v1, kind: Secret, metadata: {name: s, namespace: ns}, stringData: {password: hunter2}}\n";
    const result = await signet(["--cert", "cert.pem"], io(input));
    expect(result).toMatchObject({ code: 1, out: "" });
    expect(result.err).toMatch(/^error: stdin: document 1: invalid Yaml document separator: /);
    expect(result.err).not.toContain("hunter2");
  });

  it("says why a %YAML directive before --- fails (kubeseal skips that document silently)", async () => {
    const result = await signet(
      ["--cert", "cert.pem"],
      io(`%YAML 1.1\n---\n${SECRET("", "stringData:\n  a: b\n")}`),
    );
    expect(result).toMatchObject({ code: 1, out: "" });
    expect(result.err).toMatch(
      /did not find expected <document start> \(this document holds only YAML directives/,
    );
  });

  it("refuses an alias bomb of a few hundred bytes as go-yaml does", async () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      levels.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const input = `${levels.join("\n")}\n`;
    expect(input.length).toBeLessThan(600);
    const result = await signet(["--cert", "cert.pem"], io(input));
    expect(result).toMatchObject({ code: 1, out: "" });
    expect(result.err).toMatch(/document contains excessive aliasing/);
  });
});

describe("errors never repeat a value that may be a secret", () => {
  // Each value is something a user may really have as a password; each fails to read (in Go too).
  it.each([
    ["an alias-like value", "  password: *hunter2XYZ\n"],
    ["a block-scalar-like value", "  password: |hunter2XYZ\n"],
    ["a folded-scalar-like value", "  password: >hunter2XYZ\n"],
    ["a tag-like value", "  password: !hunter2XYZ!\n"],
    ["a tag-handle-like value", "  password: !hunter2!XYZ\n"],
    ["a bad \\U escape", '  password: "pa\\Uhunter2XYZ"\n'],
    ["an explicit tag the value does not fit", "  password: !!int hunter2XYZ\n"],
    ["a list as a key", "  password: {[hunter2XYZ]}\n"],
    ["a map as a key", "  ? {p: hunter2XYZ}\n  : x\n"],
  ])("%s", async (_what, body) => {
    const result = await signet(["--cert", "cert.pem"], io(SECRET("", `stringData:\n${body}`)));
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: stdin: document 1/);
    expect(result.err).not.toMatch(/hunter2|XYZ|\bhun/);
  });

  it("says a value starting with * is read as an alias", async () => {
    const result = await signet(
      ["--cert", "cert.pem"],
      io(SECRET("", "stringData:\n  password: *hunter2XYZ\n")),
    );
    expect(result.err).toContain("a value starting with * is read as an alias; quote it");
  });
});

describe("a value YAML reads as a tag or anchor alone", () => {
  it.each([
    ["a tag", "  password: !Secr3t\n", "!", "a tag"],
    ["an anchor", "  password: &Secr3t\n", "&", "an anchor"],
    ["a tag starting with !!", "  password: !!Secr3t\n", "!", "a tag"],
    ["a tag holding !! and more", "  password: !!Secr3t!\n", "!", "a tag"],
    ["a tag starting like a core tag", "  password: !!strSecr3t\n", "!", "a tag"],
    ["a tag then an anchor", "  password: !Secr3t &a\n", "!", "a tag"],
    ["an anchor then a tag", "  password: &Secr3t !t\n", "&", "an anchor"],
    ["an anchor then a core tag", "  password: &Secr3t !!str\n", "&", "an anchor"],
  ])(
    "seals %s as Go reads it (empty) and warns, naming the key but not the text",
    async (_what, body, indicator, what) => {
      const input = SECRET("", `stringData:\n${body}  user: u\n`);
      const sealed = await signet(["--cert", "cert.pem", "-o", "yaml"], io(input));
      expect(sealed.code).toBe(0);
      expect(sealed.err).toBe(
        `warning: stringData.password of Secret ns/s is empty: its value starts with "${indicator}", which YAML reads as ${what} (kubeseal seals it empty too); quote the value to seal its text\n`,
      );
      const opened = await signet(
        ["--recovery-unseal", "--recovery-private-key", "key.pem"],
        io(sealed.out),
      );
      expect(text(JSON.parse(opened.out) as Record<string, unknown>, "password")).toBe("");
    },
  );

  it("warns about a flow mapping entry written so, naming the key but not the text", async () => {
    const input = SECRET("", "stringData: {password: !Secr3t , user: u}\n");
    const sealed = await signet(["--cert", "cert.pem", "-o", "yaml"], io(input));
    expect(sealed.code).toBe(0);
    expect(sealed.err).toBe(
      'warning: stringData.password of Secret ns/s is empty: its value starts with "!", which YAML reads as a tag (kubeseal seals it empty too); quote the value to seal its text\n',
    );
  });

  it("warns about a key written with blanks before its colon", async () => {
    const input = SECRET("", "stringData:\n  password  : !Secr3t\n  user: u\n");
    const sealed = await signet(["--cert", "cert.pem"], io(input));
    expect(sealed.code).toBe(0);
    expect(sealed.err).toContain("warning: stringData.password of Secret ns/s is empty");
  });

  it("warns about such a value beside a block scalar holding a line of 600,000 blanks", async () => {
    // The pattern that finds keys once took time quadratic in a line of blanks without ':'.
    const blanks = `    a${" ".repeat(600_000)}b\n`;
    const input = SECRET("", `stringData:\n  password: !Secr3t\n  note: |\n${blanks}`);
    const sealed = await signet(["--cert", "cert.pem"], io(input));
    expect(sealed.code).toBe(0);
    expect(sealed.err).toContain("warning: stringData.password of Secret ns/s is empty");
  });

  it("does not warn about a flow mapping entry written as a core tag alone", async () => {
    const input = SECRET("", "stringData: {password: !!str , user: u}\n");
    const sealed = await signet(["--cert", "cert.pem"], io(input));
    expect(sealed.code).toBe(0);
    expect(sealed.err).toBe("");
  });

  it.each([
    ["quoted", "  password: '!Secr3t'\n"],
    ["a core tag", "  password: !!str\n"],
    ["empty on purpose", '  password: ""\n'],
    ["empty on purpose, a comment showing a tag", '  # password: !old\n  password: ""\n'],
  ])("does not warn when it is %s", async (_what, body) => {
    const sealed = await signet(["--cert", "cert.pem"], io(SECRET("", `stringData:\n${body}`)));
    expect(sealed.code).toBe(0);
    expect(sealed.err).toBe("");
  });
});

describe("a quoted value continued on a line indented no more than its key", () => {
  it.each([
    ["double-quoted", '  q: "first\n  second"\n'],
    ["single-quoted", "  q: 'first\n  second'\n"],
  ])(
    "is refused %s as the YAML 1.1/1.2 difference it is, not as an unclosed quote",
    async (_, body) => {
      const sealed = await signet(["--cert", "cert.pem"], io(SECRET("", `stringData:\n${body}`)));
      expect(sealed.code).toBe(1);
      expect(sealed.err).toContain(
        "line 7: a quoted value continues on a line indented no more than its key, which YAML 1.1 tools (kubectl, kubeseal) read and YAML 1.2 tools do not",
      );
      expect(sealed.err).not.toContain("first");
    },
  );

  it.each([
    ["double-quoted", '  q: "pass\u0085word"\n'],
    ["single-quoted", "  q: 'pass\u0085word'\n"],
  ])(
    "names a NEL (U+0085) inside a one-line %s value as what breaks it, not its indentation",
    async (_, body) => {
      const sealed = await signet(["--cert", "cert.pem"], io(SECRET("", `stringData:\n${body}`)));
      expect(sealed.code).toBe(1);
      expect(sealed.err).toContain(
        "line 7: a quoted value holds a NEL (U+0085), which YAML 1.1 tools (kubectl, kubeseal) read as a line break",
      );
      expect(sealed.err).not.toContain("indent");
      expect(sealed.err).not.toContain("pass");
    },
  );

  it.each([
    ["on a quoted value's continuation line", '  q: "a\n    b\u0085c"\n', 8],
    ["in a plain value", "  q: a\u0085b\n", 7],
    ["in a literal block", "  q: |\n    a\u0085b\n", 8],
  ])("says where a NEL is when one %s breaks the document", async (_, body, line) => {
    const sealed = await signet(["--cert", "cert.pem"], io(SECRET("", `stringData:\n${body}`)));
    expect(sealed.code).toBe(1);
    expect(sealed.err).toContain(
      `(line ${line} holds a NEL, U+0085, which YAML 1.1 tools such as kubectl and kubeseal read as a line break)`,
    );
  });

  it("is still an unclosed quote when it never closes", async () => {
    const sealed = await signet(
      ["--cert", "cert.pem"],
      io(SECRET("", 'stringData:\n  q: "first\n')),
    );
    expect(sealed.err).toContain('Missing closing "quote');
  });
});

describe("files", () => {
  it("creates the plaintext file of --recovery-unseal -w with mode 0600", async () => {
    const sealed = await signet(["--cert", "cert.pem"], io(SECRET("", "stringData:\n  a: b\n")));
    const at = io(sealed.out);
    const result = await signet(
      ["--recovery-unseal", "--recovery-private-key", "key.pem", "-w", "plain.json"],
      at,
    );
    expect(result.code).toBe(0);
    expect(at.modes.get("plain.json")).toBe(0o600);
  });

  it("narrows an existing world-readable file to 0600 when --recovery-unseal -w writes plaintext into it", async () => {
    const sealed = await signet(["--cert", "cert.pem"], io(SECRET("", "stringData:\n  a: b\n")));
    const at = io(sealed.out, { "plain.json": "{}" });
    at.modes.set("plain.json", 0o666);
    const result = await signet(
      ["--recovery-unseal", "--recovery-private-key", "key.pem", "-w", "plain.json"],
      at,
    );
    expect(result.code).toBe(0);
    expect(at.files.get("plain.json")!.toString()).toContain('"a": "Yg=="');
    expect(at.modes.get("plain.json")).toBe(0o600);
  });

  const EXISTING = async (annotations = ""): Promise<string> => {
    const sealed = await signet(
      ["--cert", "cert.pem", "-o", "yaml"],
      io(SECRET(annotations, "stringData:\n  old: x\n")),
    );
    return sealed.out;
  };

  it("merges into a file that ends with --- and keeps it", async () => {
    const file = `${await EXISTING()}---\n`;
    const at = io(SECRET("", "stringData:\n  new: y\n"), { "ss.yaml": file });
    const result = await signet(["--cert", "cert.pem", "--merge-into", "ss.yaml"], at);
    expect(result.err).toBe("");
    const merged = at.files.get("ss.yaml")!.toString();
    expect(merged.endsWith("---\n")).toBe(true);
    expect(merged).toMatch(/\n {4}new: Ag/);
  });

  it("merges into a file that is one document written on its --- line, rewritten whole as kubeseal does", async () => {
    const json = await signet(
      ["--cert", "cert.pem", "-o", "json"],
      io(SECRET("", "stringData:\n  old: x\n")),
    );
    const file = `# sealed\n--- ${JSON.stringify(JSON.parse(json.out))}\n`;
    const at = io(SECRET("", "stringData:\n  new: z\n"), { "ss.yaml": file });
    const result = await signet(["--cert", "cert.pem", "--merge-into", "ss.yaml"], at);
    expect(result.err).toBe("");
    const merged = at.files.get("ss.yaml")!.toString();
    // Rewritten in kubeseal's format, JSON: edited in place, the flow mapping would stay a
    // line starting with `{`, which stream readers (kubeseal --recovery-unseal) take for JSON.
    expect(merged.startsWith('{\n  "kind": "SealedSecret"')).toBe(true);
    expect(merged.endsWith("}\n")).toBe(true);
    const opened = await signet(
      ["--recovery-unseal", "--recovery-private-key", "key.pem", "-o", "json"],
      io(merged),
    );
    expect(opened.err).toBe("");
    expect(JSON.parse(opened.out).data).toEqual({ new: "eg==", old: "eA==" });
  });

  it("merges into a document written on its --- line followed by an empty document (a trailing ---)", async () => {
    const json = await signet(
      ["--cert", "cert.pem", "-o", "json"],
      io(SECRET("", "stringData:\n  old: x\n")),
    );
    const file = `--- ${JSON.stringify(JSON.parse(json.out))}\n---\n`;
    const at = io(SECRET("", "stringData:\n  new: z\n"), { "ss.yaml": file });
    const result = await signet(["--cert", "cert.pem", "--merge-into", "ss.yaml"], at);
    expect(result.err).toBe("");
    const opened = await signet(
      ["--recovery-unseal", "--recovery-private-key", "key.pem", "-o", "json"],
      io(at.files.get("ss.yaml")!.toString()),
    );
    expect(JSON.parse(opened.out).data).toEqual({ new: "eg==", old: "eA==" });
  });

  it("refuses a stream whose first document is written on its --- line, the file untouched (Go would read that one alone)", async () => {
    const json = await signet(
      ["--cert", "cert.pem", "-o", "json"],
      io(SECRET("", "stringData:\n  old: x\n")),
    );
    const file = `--- ${JSON.stringify(JSON.parse(json.out))}\n---\napiVersion: v1\nkind: ConfigMap\n`;
    const at = io(SECRET("", "stringData:\n  new: z\n"), { "ss.yaml": file });
    const result = await signet(["--cert", "cert.pem", "--merge-into", "ss.yaml"], at);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: ss\.yaml: document 1: invalid Yaml document separator/);
    expect(at.files.get("ss.yaml")!.toString()).toBe(file);
  });

  it("writes --merge-into through a symbolic link: the link stays, the target changes", async () => {
    const at = memoryIo({
      stdin: SECRET("", "stringData:\n  new: y\n"),
      files: { "cert.pem": CERT, "real/ss.yaml": await EXISTING() },
      links: { "ss.yaml": "real/ss.yaml" },
    });
    const result = await signet(["--cert", "cert.pem", "--merge-into", "ss.yaml"], at);
    expect(result.err).toBe("");
    expect(at.links.get("ss.yaml")).toBe("real/ss.yaml");
    expect(at.files.get("real/ss.yaml")!.toString()).toMatch(/\n {4}new: Ag/);
  });

  it("refuses --merge-into with a scope other than the file's and leaves the file untouched", async () => {
    const file = await EXISTING();
    const at = io(SECRET("", "stringData:\n  new: y\n"), { "ss.yaml": file });
    const result = await signet(
      ["--cert", "cert.pem", "--scope", "cluster-wide", "--merge-into", "ss.yaml"],
      at,
    );
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: .*scope/);
    expect(at.files.get("ss.yaml")!.toString()).toBe(file);
  });
});

describe("namespace", () => {
  it("refuses SEALED_SECRETS_NAMESPACE that disagrees with the input's namespace, as -n is", async () => {
    const input = SECRET("", "stringData:\n  a: b\n");
    const viaFlag = await signet(["--cert", "cert.pem", "-n", "other"], io(input));
    const viaEnv = await signet(
      ["--cert", "cert.pem"],
      io(input, {}, { SEALED_SECRETS_NAMESPACE: "other" }),
    );
    expect(viaFlag.code).toBe(1);
    expect(viaEnv).toEqual(viaFlag);
  });

  it("refuses the namespace of a context chosen with --context that disagrees with the input's", async () => {
    const input = SECRET("", "stringData:\n  a: b\n");
    const at = io(input, { kc: KUBECONFIG });
    const result = await signet(
      ["--cert", "cert.pem", "--kubeconfig", "kc", "--context", "dev"],
      at,
    );
    expect(result).toMatchObject({ code: 1, out: "" });
    expect(result.err).toMatch(/^error: namespace mismatch: .*"ns".*"ctxns"/);
  });

  it("lets the input's namespace win over the current context's, as kubeseal and kubectl do", async () => {
    const input = SECRET("", "stringData:\n  a: b\n");
    const result = await signet(
      ["--cert", "cert.pem", "--kubeconfig", "kc"],
      io(input, { kc: KUBECONFIG }),
    );
    expect(result.code).toBe(0);
    expect(result.out).toContain('"namespace": "ns"');
  });

  it("refuses a --context that does not exist (a typo) in client-go's words, instead of sealing into default", async () => {
    const input = SECRET("", "stringData:\n  a: b\n").replace("  namespace: ns\n", "");
    const at = io(input, { kc: KUBECONFIG });
    const result = await signet(
      ["--cert", "cert.pem", "--kubeconfig", "kc", "--context", "dve"],
      at,
    );
    expect(result).toMatchObject({ code: 1, out: "" });
    expect(result.err).toBe(
      "error: invalid configuration: [context was not found for specified context: dve, cluster has no server defined]\n",
    );
  });
});

/**
 * Differences found by a second side-by-side review against kubeseal v0.36.6, now fixed: each
 * comment states what Go does.
 */
describe("differences found by the second review against kubeseal", () => {
  const LONG = "k".repeat(1100);

  // Go: go-yaml v2 (libyaml) takes a block-context key as a simple key only within 1,024
  // characters of its start; a longer plain or quoted key fails with "could not find expected
  // ':'", so kubeseal skips the document ("no secrets found" when it was the only one, and with
  // another document before it, seals only that one). Signet seals the key, though its README
  // says a document kubeseal skips after an error is refused. (JSON input is read by encoding/json
  // and has no such limit: both seal it.)
  it.each([
    ["a plain stringData key", `stringData:\n  ${LONG}: v\n`, "could not find expected ':'"],
    ["a quoted stringData key", `stringData:\n  "${LONG}": v\n`, "could not find expected ':'"],
    ["a data key", `data:\n  ${LONG}: dg==\n`, "could not find expected ':'"],
    ["a key in a flow mapping", `stringData: {${LONG}: v}\n`, "did not find expected ',' or '}'"],
  ])(
    "refuses %s longer than 1,024 characters, which go-yaml cannot read",
    async (_what, body, problem) => {
      const result = await signet(["--cert", "cert.pem"], io(SECRET("", body)));
      expect(result).toMatchObject({ code: 1, out: "" });
      expect(result.err).toMatch(/^error: /);
      expect(result.err).toContain(problem);
    },
  );

  it("seals a key of exactly 1,024 characters, as go-yaml reads it", async () => {
    const key = "k".repeat(1024);
    const result = await signet(
      ["--cert", "cert.pem"],
      io(SECRET("", `stringData:\n  ${key}: v\n`)),
    );
    expect(result.code).toBe(0);
    expect(result.out).toContain(key);
  });

  it("refuses a second document with a key longer than 1,024 characters (kubeseal drops it silently)", async () => {
    const input = `${SECRET("", "stringData:\n  a: b\n")}---\n${SECRET("", `stringData:\n  ${LONG}: v\n`).replace("name: s", "name: t")}`;
    const result = await signet(["--cert", "cert.pem"], io(input));
    expect(result).toMatchObject({ code: 1, out: "" });
    expect(result.err).toMatch(/^error: .*document 2/);
  });

  // Go: encoding/json writes map keys sorted by their UTF-8 bytes: "-" < "1" < "10" < "9" < "a",
  // and U+E000 (EE 80 80) before U+1F600 (F0 9F 98 80). Signet writes integer-like keys first in
  // numeric order (JavaScript's own property order) and sorts by UTF-16 code units, which puts a
  // character above U+FFFF before U+E000..U+FFFF. Values are the same; the bytes of the file (and
  // every GitOps diff of it) are not.
  it("writes -o json map keys in Go's byte order (encryptedData, template annotations)", async () => {
    const input = JSON.stringify({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "ns", annotations: { a: "1", "10": "2", "9": "3" } },
      stringData: { x: "1", "-": "2", "10": "3", "9": "4", "\ue000": "5", "\u{1f600}": "6" },
    });
    const result = await signet(["--cert", "cert.pem", "-o", "json"], io(input));
    expect(result.code).toBe(0);
    const keysOf = (section: string): string[] => {
      const body = result.out.slice(result.out.lastIndexOf(`"${section}": {`));
      return [...body.slice(0, body.indexOf("}")).matchAll(/\n\s+"([^"]*)": /g)].map((m) => m[1]!);
    };
    expect(keysOf("annotations")).toEqual(["10", "9", "a"]);
    expect(keysOf("encryptedData")).toEqual(["-", "10", "9", "x", "\ue000", "\u{1f600}"]);
  });

  // Go: --recovery-unseal prints the Secret with encoding/json, keys in UTF-8 byte order.
  it("writes --recovery-unseal JSON data keys in Go's byte order", async () => {
    const sealed = await signet(
      ["--cert", "cert.pem"],
      io(SECRET("", 'stringData:\n  x: "1"\n  "10": "2"\n  "9": "3"\n')),
    );
    const opened = await signet(
      ["--recovery-unseal", "--recovery-private-key", "key.pem"],
      io(sealed.out),
    );
    expect(opened.code).toBe(0);
    const data = opened.out.slice(opened.out.indexOf('"data": {'));
    expect([...data.matchAll(/\n\s+"([^"]*)": /g)].map((m) => m[1])).toEqual(["10", "9", "x"]);
  });
});
