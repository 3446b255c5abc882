import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

import { run } from "./run.js";
import { memoryIo } from "./test-support/memory-io.js";
import type { MemoryIo } from "./test-support/memory-io.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../test/fixtures/keys/${name}`, import.meta.url), "utf8");
const CERT = fixture("test-only-sealing-cert.pem");
const KEY = fixture("test-only-sealing-key.pem");
const OTHER_KEY = fixture("test-only-other-key.pem");
const b64 = (s: string): string => Buffer.from(s).toString("base64");

const SECRET = JSON.stringify({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "mysecret", namespace: "myns" },
  data: { foo: b64("bar") },
});

const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: dev
contexts:
- name: dev
  context: { cluster: c, user: u, namespace: ctxns }
- name: other
  context: { cluster: c, user: u }
`;

async function signet(
  argv: string[],
  io: MemoryIo,
): Promise<{ code: number; out: string; err: string }> {
  const code = await run(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

function withFiles(
  extra: Record<string, string> = {},
  stdin = SECRET,
  env: Record<string, string> = {},
): MemoryIo {
  return memoryIo({
    stdin,
    files: { "cert.pem": CERT, "key.pem": KEY, "other.pem": OTHER_KEY, ...extra },
    env,
  });
}

/** Seals stdin with the test cert and opens the result again with the test key. */
async function roundTrip(argv: string[], io = withFiles()): Promise<Record<string, unknown>> {
  const sealed = await signet(["--cert", "cert.pem", ...argv], io);
  expect(sealed.err).toBe("");
  expect(sealed.code).toBe(0);
  const opened = await signet(
    ["--recovery-unseal", "--recovery-private-key", "key.pem"],
    withFiles({}, sealed.out),
  );
  expect(opened.err).toBe("");
  return JSON.parse(opened.out) as Record<string, unknown>;
}

describe("signet top-level flags", () => {
  it("prints its version like kubeseal does", async () => {
    expect(await signet(["--version"], withFiles())).toEqual({
      code: 0,
      out: "signet version: 0.0.0-test\n",
      err: "",
    });
  });

  it("prints pflag-style usage with defaults to stdout on --help", async () => {
    const { code, out } = await signet(["--help"], withFiles());
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage of signet:\n/);
    expect(out).toMatch(
      /--controller-name string\s+Name of sealed-secrets controller. \(default "sealed-secrets-controller"\)/,
    );
    expect(out).toMatch(/-o, --format string/);
  });

  it.each([
    [["--nope"], "unknown flag: --nope"],
    [["-x"], "unknown shorthand flag: 'x' in -x"],
    [["--cert"], "flag needs an argument: --cert"],
    [
      ["--raw=maybe"],
      'invalid argument "maybe" for "--raw" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    ],
    [
      ["--scope", "global"],
      'invalid argument "global" for "--scope" flag: must be one of: strict, namespace-wide, cluster-wide',
    ],
    [["---x"], "bad flag syntax: ---x"],
    [["-o"], "flag needs an argument: 'o' in -o"],
    [
      ["--cert", "cert.pem", "--request-timeout", "soon"],
      'invalid --request-timeout "soon": Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a unit (e.g. 1s | 2m | 3h)',
    ],
  ])("rejects %j with pflag's message, the usage and exit 2", async (argv, message) => {
    const { code, err } = await signet(argv, withFiles());
    expect(code).toBe(2);
    expect(err).toMatch(
      new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\nUsage of signet:`),
    );
  });

  it.each([
    [
      "SEALED_SECRETS_SCOPE applies when the flag is absent",
      { SEALED_SECRETS_SCOPE: "cluster-wide" },
      [],
      "true",
    ],
    [
      "an invalid SEALED_SECRETS_SCOPE is ignored",
      { SEALED_SECRETS_SCOPE: "bogus" },
      [],
      undefined,
    ],
    [
      "the command line wins over the environment",
      { SEALED_SECRETS_SCOPE: "cluster-wide" },
      ["--scope", "strict"],
      undefined,
    ],
  ])("%s", async (_, env, argv, clusterWide) => {
    const io = withFiles({}, SECRET, env);
    const { code, out } = await signet(["--cert", "cert.pem", ...argv], io);
    expect(code).toBe(0);
    const ss = JSON.parse(out) as { metadata: { annotations?: Record<string, string> } };
    expect(ss.metadata.annotations?.["sealedsecrets.bitnami.com/cluster-wide"]).toBe(clusterWide);
  });

  it("prints the usage for -h, which pflag takes as a request for help", async () => {
    const { code, out, err } = await signet(["-h"], withFiles());
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(out).toMatch(/^Usage of signet:\n/);
  });

  it("refuses a bad SEALED_SECRETS_REQUEST_TIMEOUT at parse time, before anything connects", async () => {
    const io = withFiles({}, SECRET, { SEALED_SECRETS_REQUEST_TIMEOUT: "-5" });
    const { code, err } = await signet(["--cert", "cert.pem"], io);
    expect(code).toBe(2);
    expect(err).toMatch(/^invalid --request-timeout "-5": /);
  });

  it.each(["reseal", "inspect", "keys"])("prints the help of signet %s for -h", async (sub) => {
    const { code, out, err } = await signet([sub, "-h"], withFiles());
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(out).toMatch(new RegExp(`^Usage: signet ${sub} `));
    expect(out).toMatch(/\n {2}-h, --help +Print this help message\n/);
  });

  it("prints pflag's deprecation notice for --rotate on stderr", async () => {
    const { code, err } = await signet(["--rotate", "--help"], withFiles());
    expect(code).toBe(0);
    expect(err).toBe("Flag --rotate has been deprecated, please use --re-encrypt instead\n");
  });

  it("takes --cert from SEALED_SECRETS_CERT", async () => {
    const { code } = await signet([], withFiles({}, SECRET, { SEALED_SECRETS_CERT: "cert.pem" }));
    expect(code).toBe(0);
  });
});

describe("sealing", () => {
  it("seals stdin into a SealedSecret in kubeseal's JSON field order, which opens again", async () => {
    const io = withFiles();
    const { out } = await signet(["--cert", "cert.pem"], io);
    expect(Object.keys(JSON.parse(out) as object)).toEqual([
      "kind",
      "apiVersion",
      "metadata",
      "spec",
    ]);
    expect(out.endsWith("}\n")).toBe(true);
    expect(await roundTrip([])).toMatchObject({ kind: "Secret", data: { foo: b64("bar") } });
  });

  it("never emits creationTimestamp, status, managedFields or last-applied annotations", async () => {
    const input = JSON.stringify({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "s",
        namespace: "n",
        creationTimestamp: null,
        uid: "u",
        managedFields: [{ manager: "kubectl" }],
        ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "c", uid: "x" }],
        annotations: {
          "kubectl.kubernetes.io/last-applied-configuration": `{"data":{"foo":"${b64("bar")}"}}`,
        },
      },
      data: { foo: b64("bar") },
      status: {},
    });
    const { out } = await signet(["--cert", "cert.pem", "-o", "yaml"], withFiles({}, input));
    expect(out).not.toMatch(
      /creationTimestamp|status|managedFields|ownerReferences|last-applied|YmFy/,
    );
  });

  it("seals many values of many Secrets, their RSA steps in flight together, each opening to its own value in order", async () => {
    const many = (name: string, count: number) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, namespace: "ns" },
        stringData: Object.fromEntries(
          Array.from({ length: count }, (_, i) => [`k${i}`, `${name}-${i}`]),
        ),
      });
    // One Secret above the 64 values in flight, then small ones that share a group.
    const stream = [many("big", 150), ...Array.from({ length: 40 }, (_, i) => many(`s${i}`, 2))];
    const sealed = await signet(["--cert", "cert.pem"], withFiles({}, stream.join("\n")));
    expect(sealed.code).toBe(0);
    const opened = await signet(
      ["--recovery-unseal", "--recovery-private-key", "key.pem"],
      withFiles({}, sealed.out),
    );
    expect(opened.code).toBe(0);
    const secrets = opened.out
      .split(/\n(?=\{)/)
      .map(
        (text) => JSON.parse(text) as { metadata: { name: string }; data: Record<string, string> },
      );
    expect(secrets.map((s) => s.metadata.name)).toEqual([
      "big",
      ...Array.from({ length: 40 }, (_, i) => `s${i}`),
    ]);
    for (const s of secrets) {
      const values = Object.entries(s.data).map(([k, v]) => [
        k,
        Buffer.from(v, "base64").toString(),
      ]);
      expect(values).toEqual(values.map(([k]) => [k, `${s.metadata.name}-${k!.slice(1)}`]));
    }
    expect(Object.keys(secrets[0]!.data)).toHaveLength(150);
  });

  it("refuses a key Go will not encrypt to in Go's words, writing nothing, once a value is to be sealed", async () => {
    const io = withFiles({ "small.pem": fixture("test-only-rsa512-cert.pem") });
    const { code, out, err } = await signet(["--cert", "small.pem"], io);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toBe(
      "error: crypto/rsa: 512-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)\n",
    );
    // As kubeseal: an input error comes first, and raw values are refused too.
    const empty = JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name: "s" } });
    const first = await signet(
      ["--cert", "small.pem"],
      withFiles({ "small.pem": fixture("test-only-rsa512-cert.pem") }, empty),
    );
    expect(first.err).toContain("secret.data is empty in input Secret");
    const raw = await signet(
      [
        "--cert",
        "small.pem",
        "--raw",
        "--name",
        "s",
        "--namespace",
        "n",
        "--from-file",
        "cert.pem",
      ],
      withFiles({ "small.pem": fixture("test-only-rsa512-cert.pem") }),
    );
    expect(raw.err).toContain("512-bit keys are insecure");
    expect(raw.code).toBe(1);
  });

  it.each([
    ["a later Secret's missing name", "cert.pem", [{ namespace: "ns" }]],
    ["a later Secret's empty data", "cert.pem", [{ name: "e", namespace: "ns" }, {}]],
    ["the key's refusal", "small.pem", []],
  ])(
    "says a Secret without a namespace must declare one before %s, as kubeseal does",
    async (_, cert, later) => {
      const secret = (metadata: object, data: object = { a: b64("x") }) =>
        JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata, data });
      const [metadata, data] = later as [object?, object?];
      const stream = [secret({ name: "nons" }), ...(metadata ? [secret(metadata, data)] : [])];
      const io = withFiles(
        { "small.pem": fixture("test-only-rsa512-cert.pem") },
        stream.join("\n"),
      );
      const { code, out, err } = await signet(["--cert", cert], io);
      expect(code).toBe(1);
      expect(out).toBe("");
      expect(err).toBe("error: secret must declare a namespace\n");
    },
  );

  it("fails on the first bad Secret in input order, writing nothing, when later ones are bad too", async () => {
    const secret = (metadata: object, data: object = { a: b64("x") }) =>
      JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata, data });
    const stream = [
      secret({ name: "ok", namespace: "ns" }),
      secret({ namespace: "ns" }),
      secret({ name: "empty", namespace: "ns" }, {}),
    ].join("\n");
    const { code, out, err } = await signet(["--cert", "cert.pem"], withFiles({}, stream));
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toBe("error: missing metadata.name in input Secret\n");
  });

  it("checks managedFields as Go does, then seals without them", async () => {
    const meta = (managedFields: unknown) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "s", namespace: "ns", managedFields },
        data: { a: b64("x") },
      });
    const fields = [{ manager: "kubectl", fieldsV1: { "f:data": { "f:a": {} } } }];
    const ok = await signet(["--cert", "cert.pem", "-o", "yaml"], withFiles({}, meta(fields)));
    expect(ok.code).toBe(0);
    expect(ok.out).not.toMatch(/managedFields|fieldsV1|kubectl/);
    const bad = await signet(["--cert", "cert.pem"], withFiles({}, meta({ manager: "x" })));
    expect(bad.code).toBe(1);
    expect(bad.err).toBe(
      "error: json: cannot unmarshal object into Go struct field ObjectMeta.metadata.managedFields of type []v1.ManagedFieldsEntry\n",
    );
    expect(bad.out).toBe("");
  });

  it("seals every document of a multi-document YAML stream, output starting with --- and not ending with one", async () => {
    const yaml = `apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: n}\ndata: {x: ${b64("1")}}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\nstringData: {y: "2"}\n`;
    const io = withFiles({ kubeconfig: KUBECONFIG }, yaml);
    const { code, out } = await signet(
      ["--cert", "cert.pem", "-o", "yaml", "--kubeconfig", "kubeconfig"],
      io,
    );
    expect(code).toBe(0);
    expect(out.startsWith("---\n")).toBe(true);
    expect(out.endsWith("---\n")).toBe(false);
    expect(out.match(/^kind: SealedSecret$/gm)).toHaveLength(2);
    expect(out).toMatch(/name: b\n {2}namespace: ctxns/);
  });

  it.each([
    ["the kubeconfig context's namespace", ["--kubeconfig", "kubeconfig"], "ctxns"],
    ["-n", ["-n", "argns"], "argns"],
    ["-n with a namespaces/ prefix", ["-n", "namespaces/argns"], "argns"],
    [
      "--context without a namespace (default)",
      ["--kubeconfig", "kubeconfig", "--context", "other"],
      "default",
    ],
  ])("fills a missing input namespace from %s", async (_, argv, namespace) => {
    const input = JSON.stringify({
      kind: "Secret",
      metadata: { name: "s" },
      data: { a: b64("1") },
    });
    const io = withFiles({ kubeconfig: KUBECONFIG }, input);
    const { out } = await signet(["--cert", "cert.pem", ...argv], io);
    expect((JSON.parse(out) as { metadata: { namespace: string } }).metadata.namespace).toBe(
      namespace,
    );
  });

  it("writes YAML to a -w file.yaml and nothing to stdout", async () => {
    const io = withFiles();
    const { code, out } = await signet(["--cert", "cert.pem", "-w", "out.yaml"], io);
    expect(code).toBe(0);
    expect(out).toBe("");
    expect(io.files.get("out.yaml")?.toString()).toMatch(
      /^---\napiVersion: bitnami.com\/v1alpha1\nkind: SealedSecret\n/,
    );
  });

  it.each([
    ["a failing seal", JSON.stringify({ kind: "BadInput", metadata: { name: "x" } }), false],
    ["a failing write", SECRET, true],
  ])("leaves the -w file untouched after %s", async (_, stdin, failWrite) => {
    const io = withFiles({ "out.json": "OLD CONTENT" }, stdin);
    if (failWrite) io.failWritesTo.add("out.json");
    const { code, err } = await signet(["--cert", "cert.pem", "-w", "out.json"], io);
    expect(code).toBe(1);
    expect(err).toMatch(/^error: /);
    expect(io.files.get("out.json")?.toString()).toBe("OLD CONTENT");
  });

  it.each([
    [
      "malformed YAML (kubeseal skips it and finds no secrets)",
      "a: [1\nb",
      /^error: stdin: document 1, line 1: error converting YAML to JSON: yaml: line 2: /,
    ],
    [
      "malformed JSON (kubeseal skips it and finds no secrets)",
      '{"kind": "Secret",',
      /^error: stdin: document 1, line 1: unexpected EOF$/,
    ],
    [
      "another kind",
      JSON.stringify({ kind: "ConfigMap", metadata: { name: "c" }, data: { a: b64("b") } }),
      /^error: stdin: document 1 is a "ConfigMap", not a Secret$/,
    ],
    [
      "no data",
      JSON.stringify({ kind: "Secret", metadata: { name: "c", namespace: "n" } }),
      /^error: secret.data is empty in input Secret, assuming this is an error and aborting. To work with empty data, --allow-empty-data can be used$/,
    ],
    [
      "bad base64",
      JSON.stringify({
        kind: "Secret",
        metadata: { name: "c", namespace: "n" },
        data: { k: "%%%" },
      }),
      /^error: illegal base64 data at input byte 0$/,
    ],
    [
      "an empty stream",
      "",
      /^error: no secrets found. Ensure the input is valid and UTF-8 encoded$/,
    ],
    [
      "a document that is not an object",
      "- a\n- b\n",
      /^error: stdin: document 1, line 1: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type v1.Secret$/,
    ],
  ])("fails clearly on %s", async (_, stdin, message) => {
    const { code, err, out } = await signet(["--cert", "cert.pem"], withFiles({}, stdin));
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err.trimEnd()).toMatch(message);
  });

  it.each([
    [
      "a missing --cert file",
      ["--cert", "nope.pem"],
      /^error: open nope.pem: no such file or directory$/,
    ],
    [
      "a missing -f file",
      ["--cert", "cert.pem", "-f", "in.yaml"],
      /^error: Could not read file specified with --secret-file: open in.yaml: no such file or directory$/,
    ],
    [
      "an expired certificate",
      ["--cert", "expired.pem"],
      /^error: failed to encrypt using an expired certificate on \w+ \d+, \d{4}$/,
    ],
    ["an EC certificate", ["--cert", "ec.pem"], /^error: expected RSA public key but found/],
    [
      "a certificate file without a certificate",
      ["--cert", "key.pem"],
      /^error: data does not contain any valid RSA or ECDSA certificates$/,
    ],
    [
      "an unsupported format",
      ["--cert", "cert.pem", "-o", "xml"],
      /^error: unsupported output format: xml$/,
    ],
    [
      "--from-file without --raw",
      ["--cert", "cert.pem", "--from-file", "x"],
      /^error: --from-file requires --raw/,
    ],
    [
      "--validate without a reachable kubeconfig",
      ["--validate", "--kubeconfig", "/nonexistent/kubeconfig"],
      /^error: stat \/nonexistent\/kubeconfig: no such file or directory$/,
    ],
    [
      "--re-encrypt without a reachable kubeconfig",
      ["--re-encrypt", "--kubeconfig", "/nonexistent/kubeconfig"],
      /^error: stat \/nonexistent\/kubeconfig: no such file or directory$/,
    ],
    [
      "no kubeconfig at all outside a cluster (kubeseal's words)",
      ["--fetch-cert"],
      /^error: invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable$/,
    ],
    [
      "no --cert and no reachable cluster",
      ["--kubeconfig", "/nonexistent/kubeconfig"],
      /^error: stat \/nonexistent\/kubeconfig: no such file or directory$/,
    ],
  ])("fails clearly on %s", async (_, argv, message) => {
    const io = withFiles({
      "expired.pem": fixture("test-only-expired-cert.pem"),
      "ec.pem": fixture("test-only-ec-cert.pem"),
    });
    const { code, err } = await signet(argv, io);
    expect(code).toBe(1);
    expect(err.trimEnd()).toMatch(message);
  });

  it("reads the certificate from a URL and reports a non-200 answer", async () => {
    const io = memoryIo({
      stdin: SECRET,
      urls: {
        "https://certs.example/ok.pem": { status: 200, body: CERT },
        "https://certs.example/gone.pem": { status: 404, body: "" },
      },
    });
    expect((await signet(["--cert", "https://certs.example/ok.pem"], io)).code).toBe(0);
    const failed = await signet(
      ["--cert", "https://certs.example/gone.pem"],
      memoryIo({ stdin: SECRET, urls: {} }),
    );
    expect(failed.err).toMatch(/^error: cannot fetch "https:\/\/certs.example\/gone.pem": /);
  });

  it("copies the certificate verbatim with --fetch-cert --cert", async () => {
    expect((await signet(["--fetch-cert", "--cert", "cert.pem"], withFiles())).out).toBe(CERT);
  });
});

describe("building the Secret without kubectl", () => {
  it("seals --from-literal, --from-file and --from-env-file items with --name, -n and --type", async () => {
    const io = withFiles(
      { "tls.crt": "CRT", "app.env": "# comment\nUSER=admin\n\nPASS=p=w\n" },
      "",
    );
    const secret = await roundTrip(
      [
        "--name",
        "built",
        "-n",
        "apps",
        "--type",
        "kubernetes.io/tls",
        "--from-literal",
        "a=1",
        "--from-file",
        "tls.crt",
        "--from-file",
        "key=tls.crt",
      ],
      io,
    );
    expect(secret).toMatchObject({
      metadata: { name: "built", namespace: "apps" },
      type: "kubernetes.io/tls",
      data: { a: b64("1"), "tls.crt": b64("CRT"), key: b64("CRT") },
    });
    const fromEnv = await roundTrip(
      ["--name", "built", "-n", "apps", "--from-env-file", "app.env,more.env"],
      withFiles({ "app.env": "# comment\nUSER=admin\n\nPASS=p=w\n", "more.env": "B=2\n" }, ""),
    );
    expect(fromEnv["data"]).toEqual({ USER: b64("admin"), PASS: b64("p=w"), B: b64("2") });
  });

  it.each([
    [["--from-literal", "a=1"], /^error: --name is required/],
    [
      ["--name", "n", "-n", "x", "--from-literal", "a=1", "--from-literal", "a=2"],
      /^error: --from-literal: key "a" is given twice$/,
    ],
    [
      ["--name", "n", "-n", "x", "--from-literal", "novalue"],
      /^error: --from-literal: expected KEY=VALUE, got no = \(the text given is not repeated: it may hold the secret\)$/,
    ],
    [
      ["--name", "n", "-n", "x", "--from-literal", "=hunter2"],
      /^error: --from-literal: expected KEY=VALUE, got no key before = \(the text/,
    ],
    [["--name", "n", "-n", "x", "--from-literal", "bad key=1"], /is not a valid Secret key/],
    [
      ["--name", "n", "-n", "x", "--from-file", "missing.txt"],
      /^error: --from-file missing.txt: no such file or directory$/,
    ],
    [
      ["--name", "n", "-n", "x", "--from-env-file", "bad.env"],
      /^error: bad.env:2: "1A" is not a valid environment variable name \(letters/,
    ],
    [
      ["--name", "n", "-n", "x", "--from-env-file", "latin1.env"],
      /^error: latin1.env:1: the env file holds bytes that are not UTF-8$/,
    ],
    [
      ["--name", "n", "-n", "x", "--from-literal", "..=1"],
      /"\.\." is not a valid Secret key: must not be '\.\.'$/,
    ],
    [["--name", "n", "-n", "x", "--from-literal", "..a=1"], /must not start with '\.\.'$/],
    [["--name", "n", "-n", "x", "--from-literal", ".=1"], /must not be '\.'$/],
    [
      ["--name", "n", "-n", "x", "--from-literal", `${"k".repeat(254)}=1`],
      /must be no more than 253 characters$/,
    ],
    [
      ["--name", "n", "-n", "x", "--from-file", "k=dir"],
      /^error: --from-file k=dir: cannot give a key name for a directory path$/,
    ],
    [
      ["--name", "n", "-n", "x", "--from-file", "a=b=c"],
      /^error: --from-file "a=b=c": key names or file paths cannot contain '='$/,
    ],
    [
      ["--name", "n", "-n", "x", "--from-file", "k="],
      /^error: --from-file "k=": file path for key name "k" missing$/,
    ],
    [
      ["--name", "n", "-n", "x", "--from-file", "=in.yaml"],
      /^error: --from-file "=in.yaml": key name for file path "in.yaml" missing$/,
    ],
    [
      ["--name", "n", "-n", "x", "--from-env-file", "bad.env", "--from-literal", "Z=1"],
      /^error: --from-env-file cannot be combined with --from-file or --from-literal/,
    ],
    [
      ["--name", "n", "-n", "x", "--from-literal", "Z=1", "-f", "in.yaml"],
      /^error: -f "in.yaml" cannot be used with --from-\* flags/,
    ],
    [
      ["--name", "n", "-n", "x", "--from-literal", "\u001b[31mRED=1"],
      /^error: --from-literal: "\\x1b\[31mRED" is not a valid Secret key/,
    ],
    [
      ["--name", "n", "-n", "x", "--from-env-file", "long.env"],
      /^error: long.env:2: the line is 64 KiB or longer$/,
    ],
  ])("refuses %j clearly", async (argv, message) => {
    const { code, err } = await signet(
      ["--cert", "cert.pem", ...argv],
      withFiles(
        {
          "bad.env": "A=1\n1A=x\n",
          "latin1.env": Buffer.from("A=caf\xe9\n", "latin1") as unknown as string,
          "dir/a": "1",
          "long.env": `A=1\nB=${"x".repeat(65_533)}\r\nC=3\n`,
        },
        "",
      ),
    );
    expect(code).toBe(1);
    expect(err.trimEnd()).toMatch(message);
    expect(err).not.toContain("caf");
  });

  it("reads env files as kubectl does: BOM, CRLF, leading blanks, bare keys from the environment", async () => {
    const env = '\ufeff  A=1 \r\n\t# comment\r\nFROM_ENV\r\nUNSET\r\nQ="quoted"\r\n';
    const secret = await roundTrip(
      ["--name", "n", "-n", "x", "--from-env-file", "app.env"],
      memoryIo({
        stdin: "",
        files: { "cert.pem": CERT, "key.pem": KEY, "app.env": env },
        env: { FROM_ENV: "from the environment" },
      }),
    );
    const data = secret["data"] as Record<string, string | null>;
    expect(Object.keys(data).sort()).toEqual(["A", "FROM_ENV", "Q", "UNSET"]);
    expect(data).toMatchObject({
      A: b64("1 "),
      FROM_ENV: b64("from the environment"),
      Q: b64('"quoted"'),
    });
    // An empty value (the variable is unset).
    expect(data["UNSET"] ?? "").toBe("");
  });

  it("seals every regular file of a --from-file directory under its own name", async () => {
    const secret = await roundTrip(
      ["--name", "n", "-n", "x", "--from-file", "conf/"],
      memoryIo({
        stdin: "",
        files: {
          "cert.pem": CERT,
          "key.pem": KEY,
          "conf/a.txt": "A",
          "conf/b": "B",
          "conf/sub/c": "C",
        },
        links: { "conf/link": "a.txt" },
      }),
    );
    expect(secret["data"]).toEqual({ "a.txt": b64("A"), b: b64("B") });
  });

  it.each([
    ["given as its own argument", ["--from-literal", "k=caf\ufffd"], "k=caf\ufffd"],
    ["given with =", ["--from-literal=k=caf\ufffd"], "--from-literal=k=caf\ufffd"],
  ])("seals the bytes of a --from-literal value that is not UTF-8, %s", async (_, argv, arg) => {
    const raw = Buffer.concat([
      Buffer.from(arg.replace("\ufffd", ""), "utf8"),
      Buffer.from([0xe9]),
    ]);
    const secret = await roundTrip(
      ["--name", "n", "-n", "x", ...argv],
      memoryIo({
        stdin: "",
        files: { "cert.pem": CERT, "key.pem": KEY },
        commandLine: [Buffer.from("signet"), raw],
      }),
    );
    expect(secret["data"]).toEqual({ k: Buffer.from("caf\xe9", "latin1").toString("base64") });
  });

  it("seals the bytes of an environment value that is not UTF-8, for a bare KEY of an env file", async () => {
    const secret = await roundTrip(
      ["--name", "n", "-n", "x", "--from-env-file", "bare.env"],
      memoryIo({
        stdin: "",
        files: { "cert.pem": CERT, "key.pem": KEY, "bare.env": "DB_PASS\n" },
        env: { DB_PASS: "caf\ufffd" },
        environment: [
          Buffer.from("HOME=/x"),
          Buffer.concat([Buffer.from("DB_PASS=caf"), Buffer.from([0xe9])]),
        ],
      }),
    );
    expect(secret["data"]).toEqual({
      DB_PASS: Buffer.from("caf\xe9", "latin1").toString("base64"),
    });
  });

  it("refuses a --from-literal value that is not UTF-8 when its bytes cannot be read back", async () => {
    const { code, err } = await signet(
      ["--cert", "cert.pem", "--name", "n", "-n", "x", "--from-literal", "k=caf\ufffd"],
      withFiles({}, ""),
    );
    expect(code).toBe(1);
    expect(err).toMatch(/^error: --from-literal: the value of "k" holds bytes that are not UTF-8/);
  });
});

describe("raw mode", () => {
  it("prints one base64 value without a trailing newline", async () => {
    const { code, out } = await signet(
      ["--cert", "cert.pem", "--raw", "--scope", "cluster-wide"],
      withFiles({}, "v"),
    );
    expect(code).toBe(0);
    expect(out).toMatch(/^Ag[A-D][A-Za-z0-9+/]+=*$/);
  });

  it.each([
    [
      ["--scope", "strict", "--name", "n"],
      "must provide the --namespace flag with --raw and --scope strict",
    ],
    [
      ["--scope", "strict", "-n", "ns"],
      "must provide the --name flag with --raw and --scope strict",
    ],
    [
      ["--scope", "namespace-wide"],
      "must provide the --namespace flag with --raw and --scope namespace-wide",
    ],
    [
      ["--scope", "cluster-wide", "--from-file", "a", "--from-file", "b"],
      "must provide only one --from-file when encrypting a single item with --raw",
    ],
  ])("refuses %j in kubeseal's words", async (argv, message) => {
    const { code, err } = await signet(
      ["--cert", "cert.pem", "--raw", ...argv],
      withFiles({}, "v"),
    );
    expect(code).toBe(1);
    expect(err).toBe(`error: ${message}\n`);
  });
});

describe("raw mode with Secret-building or merge flags", () => {
  it.each([
    [["--from-literal=x=VAL"], "--from-literal"],
    [["--from-env-file", "a.env"], "--from-env-file"],
  ])(
    "refuses %j with --raw (kubeseal has no such flag) rather than sealing stdin",
    async (flags, name) => {
      const io = withFiles({ "a.env": "x=VAL\n" }, "stdin-value");
      const argv = ["--cert", "cert.pem", "--raw", "--scope", "cluster-wide", ...flags];
      const { code, out, err } = await signet(argv, io);
      expect({ code, out }).toEqual({ code: 2, out: "" });
      expect(err).toBe(
        `error: ${name} cannot be used with --raw: --raw encrypts one value, from --from-file or stdin\n`,
      );
    },
  );

  it("merges the Secret input with --raw --merge-into, as kubeseal does, and warns that --raw is ignored", async () => {
    const target = JSON.stringify({
      apiVersion: "bitnami.com/v1alpha1",
      kind: "SealedSecret",
      metadata: { name: "mysecret", namespace: "default" },
      spec: { encryptedData: {} },
    });
    const io = withFiles({ "ss.json": target, v: "VAL" });
    const argv = ["--cert", "cert.pem", "--raw", "--merge-into", "ss.json", "--from-file=x=v"];
    const { code, out, err } = await signet(argv, io);
    expect({ code, out }).toEqual({ code: 0, out: "" });
    expect(err).toBe(
      "warning: --raw is ignored with --merge-into (as kubeseal does): the Secret read from -f or stdin is merged\n",
    );
    const merged = JSON.parse(io.files.get("ss.json")!.toString()) as {
      spec: { encryptedData: Record<string, string> };
    };
    const input = JSON.parse(SECRET) as { data: Record<string, string> };
    expect(Object.keys(merged.spec.encryptedData)).toEqual(Object.keys(input.data));
  });
});

describe("merge into an existing file", () => {
  const EXISTING = `# Managed in Git: do not edit the ciphertext by hand.
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: orig
  namespace: myns
spec:
  encryptedData:
    # kept as is
    old: UNTOUCHED-CIPHERTEXT
  template:
    metadata:
      name: orig
      namespace: myns
`;

  it("keeps a YAML file's comments, format and untouched ciphertext, and adds the new item", async () => {
    const io = withFiles({ "ss.yaml": EXISTING });
    const { code, out } = await signet(["--cert", "cert.pem", "--merge-into", "ss.yaml"], io);
    expect(code).toBe(0);
    expect(out).toBe("");
    const merged = io.files.get("ss.yaml")!.toString();
    expect(merged).toContain("# Managed in Git: do not edit the ciphertext by hand.");
    expect(merged).toContain("    # kept as is\n    old: UNTOUCHED-CIPHERTEXT\n");
    expect(merged).toMatch(/\n {4}foo: Ag[A-D]/);
    const opened = await signet(
      ["--recovery-unseal", "--recovery-private-key", "key.pem", "-f", "ss.yaml"],
      withFiles({ "ss.yaml": merged.replace(/ {4}old: .*\n/, "") }),
    );
    expect(JSON.parse(opened.out)).toMatchObject({
      metadata: { name: "orig", namespace: "myns" },
      data: { foo: b64("bar") },
    });
  });

  it("keeps a JSON file JSON unless -o says otherwise", async () => {
    const json = JSON.stringify({
      apiVersion: "bitnami.com/v1alpha1",
      kind: "SealedSecret",
      metadata: { name: "orig", namespace: "myns" },
      spec: { encryptedData: { old: "X" } },
    });
    const io = withFiles({ "ss.json": json });
    await signet(["--cert", "cert.pem", "--merge-into", "ss.json"], io);
    expect(JSON.parse(io.files.get("ss.json")!.toString())).toMatchObject({
      spec: { encryptedData: { old: "X" } },
    });
    await signet(["--cert", "cert.pem", "--merge-into", "ss.json", "-o", "yaml"], io);
    expect(io.files.get("ss.json")!.toString()).toMatch(/^---\napiVersion/);
  });

  const twoSecrets = (second: object): string =>
    [{ metadata: { name: "orig", namespace: "myns" }, stringData: { password: "right" } }, second]
      .map((s) => JSON.stringify({ apiVersion: "v1", kind: "Secret", ...s }))
      .join("\n");

  it.each([
    [
      "another name",
      { metadata: { name: "other-app", namespace: "myns" }, stringData: { password: "WRONG" } },
      'Secret "myns/other-app" is not the file\'s SealedSecret "myns/orig"',
    ],
    [
      "another namespace",
      { metadata: { name: "orig", namespace: "staging" }, stringData: { password: "WRONG" } },
      'Secret "staging/orig" is not the file\'s SealedSecret "myns/orig"',
    ],
    [
      "no name",
      { metadata: { namespace: "myns" }, stringData: { password: "WRONG" } },
      'Secret "myns/" is not the file\'s SealedSecret "myns/orig"',
    ],
    [
      "another scope (the first Secret's values are not written either)",
      {
        metadata: {
          name: "orig",
          namespace: "myns",
          annotations: { "sealedsecrets.bitnami.com/cluster-wide": "true" },
        },
        stringData: { token: "t" },
      },
      "the SealedSecret is sealed strict, but the input asks for cluster-wide",
    ],
  ])(
    "refuses several input Secrets when one has %s, and leaves the file as it was",
    async (_, second, message) => {
      const io = withFiles({ "ss.yaml": EXISTING }, twoSecrets(second));
      const { code, err } = await signet(["--cert", "cert.pem", "--merge-into", "ss.yaml"], io);
      expect(code).toBe(1);
      expect(err).toContain(message);
      expect(err).not.toContain("WRONG");
      expect(io.files.get("ss.yaml")!.toString()).toBe(EXISTING);
    },
  );

  const sealedDoc = (namespace: string, name: string): string =>
    `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  encryptedData:\n    old: X-${namespace}-${name}\n`;
  const secretDoc = (name: string, namespace?: string): string =>
    JSON.stringify({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name, ...(namespace && { namespace }) },
      stringData: { added: "v" },
    });

  it.each([
    [
      "a ConfigMap of the same name beside it",
      [
        sealedDoc("ns", "a"),
        sealedDoc("ns", "b"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: ns\n",
      ],
      secretDoc("a", "ns"),
      [],
    ],
    [
      "the same name in two namespaces, told apart by -n",
      [sealedDoc("ns", "a"), sealedDoc("ns2", "a")],
      secretDoc("a"),
      ["-n", "ns2"],
    ],
  ])("picks the SealedSecret of a multi-document file with %s", async (_, docs, input, flags) => {
    const io = withFiles({ "ss.yaml": docs.join("---\n") }, input);
    const { code, err } = await signet(
      ["--cert", "cert.pem", ...flags, "--merge-into", "ss.yaml"],
      io,
    );
    expect(err).toBe("");
    expect(code).toBe(0);
    const merged = io.files.get("ss.yaml")!.toString().split("---\n");
    const target = flags.length > 0 ? 1 : 0;
    expect(merged[target]).toMatch(/\n {4}added: Ag/);
    merged.forEach((doc, i) => {
      if (i !== target) expect(doc).toBe(docs[i]);
    });
  });

  it("says which names it looked for when several SealedSecrets match", async () => {
    const io = withFiles(
      { "ss.yaml": [sealedDoc("ns", "a"), sealedDoc("ns2", "a")].join("---\n") },
      secretDoc("a"),
    );
    const { code, err } = await signet(["--cert", "cert.pem", "--merge-into", "ss.yaml"], io);
    expect(code).toBe(1);
    expect(err).toMatch(
      /\("a"\), and there are 2 \(give the namespace: -n or the input's metadata.namespace\)\n$/,
    );
  });

  it("merges several input Secrets that each name the file's SealedSecret, writing once", async () => {
    const io = withFiles(
      { "ss.yaml": EXISTING },
      twoSecrets({ metadata: { name: "orig" }, stringData: { token: "t" } }),
    );
    expect((await signet(["--cert", "cert.pem", "--merge-into", "ss.yaml"], io)).code).toBe(0);
    const opened = await signet(
      ["--recovery-unseal", "--recovery-private-key", "key.pem", "-f", "ss.yaml"],
      withFiles({
        "ss.yaml": io.files
          .get("ss.yaml")!
          .toString()
          .replace(/ {4}old: .*\n/, ""),
      }),
    );
    expect(JSON.parse(opened.out)).toMatchObject({
      data: { password: b64("right"), token: b64("t") },
    });
  });

  it("refuses a target file that is not a SealedSecret and leaves it as it was", async () => {
    const io = withFiles({ "cm.yaml": "apiVersion: v1\nkind: ConfigMap\n" });
    const { code, err } = await signet(["--cert", "cert.pem", "--merge-into", "cm.yaml"], io);
    expect(code).toBe(1);
    expect(err).toBe(
      "error: converting (v1.ConfigMap) to (v1alpha1.SealedSecret): unknown conversion\n",
    );
    expect(io.files.get("cm.yaml")!.toString()).toBe("apiVersion: v1\nkind: ConfigMap\n");
  });
});

describe("recovery unseal", () => {
  it("fails with the reference's message for the wrong key and never prints the value", async () => {
    const sealed = await signet(["--cert", "cert.pem"], withFiles());
    const { code, err, out } = await signet(
      ["--recovery-unseal", "--recovery-private-key", "other.pem"],
      withFiles({}, sealed.out),
    );
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toBe("error: no key could decrypt secret (foo)\n");
  });

  it("accepts several keys as a comma list", async () => {
    const sealed = await signet(["--cert", "cert.pem"], withFiles());
    const opened = await signet(
      ["--recovery-unseal", "--recovery-private-key", "other.pem,key.pem"],
      withFiles({}, sealed.out),
    );
    expect(opened.code).toBe(0);
  });

  it("names a missing key file", async () => {
    const { err } = await signet(
      ["--recovery-unseal", "--recovery-private-key", "gone.pem"],
      withFiles(),
    );
    expect(err).toBe("error: open gone.pem: no such file or directory\n");
  });
});

describe("recovery unseal output", () => {
  it("opens every SealedSecret of a multi-document input, in order", async () => {
    const two = `${SECRET}\n${JSON.stringify({ kind: "Secret", metadata: { name: "second", namespace: "myns" }, data: { b: b64("2") } })}`;
    const sealed = await signet(["--cert", "cert.pem", "-o", "yaml"], withFiles({}, two));
    const opened = await signet(
      ["--recovery-unseal", "--recovery-private-key", "key.pem", "-o", "yaml"],
      withFiles({}, sealed.out),
    );
    expect(opened.out.match(/^kind: Secret$/gm)).toHaveLength(2);
    expect(opened.out.indexOf("name: mysecret")).toBeLessThan(opened.out.indexOf("name: second"));
  });

  it("prints an empty value as null, as Go does for an empty byte slice", async () => {
    const input = JSON.stringify({
      kind: "Secret",
      metadata: { name: "e", namespace: "n" },
      stringData: { empty: "", full: "x" },
    });
    const secret = await roundTrip([], withFiles({}, input));
    expect(secret.data).toEqual({ empty: null, full: b64("x") });
  });

  it("renders spec.template.data over the decrypted values", async () => {
    const sealed = JSON.parse((await signet(["--cert", "cert.pem"], withFiles())).out) as {
      spec: { template: Record<string, unknown> };
    };
    sealed.spec.template.data = { "config.json": '{"password": {{ toJson .foo }}}' };
    const opened = await signet(
      ["--recovery-unseal", "--recovery-private-key", "key.pem"],
      withFiles({}, JSON.stringify(sealed)),
    );
    expect(opened.err).toBe("");
    const data = (JSON.parse(opened.out) as { data: Record<string, string> }).data;
    expect(Buffer.from(data["config.json"]!, "base64").toString()).toBe('{"password": "bar"}');
  });

  it("renders data-dependent templates as kubeseal does (the key holder reads every value)", async () => {
    const sealed = JSON.parse((await signet(["--cert", "cert.pem"], withFiles())).out) as {
      spec: { template: Record<string, unknown> };
    };
    sealed.spec.template.data = {
      choice: '{{ if eq .foo "bar" }}yes{{ else }}no{{ end }}|{{ .missing | default "d" }}',
    };
    const opened = await signet(
      ["--recovery-unseal", "--recovery-private-key", "key.pem"],
      withFiles({}, JSON.stringify(sealed)),
    );
    expect(opened.err).toBe("");
    const data = (JSON.parse(opened.out) as { data: Record<string, string> }).data;
    expect(Buffer.from(data["choice"]!, "base64").toString()).toBe("yes|d");
  });

  it("names a failing template key without quoting the decrypted value", async () => {
    const sealed = JSON.parse((await signet(["--cert", "cert.pem"], withFiles())).out) as {
      spec: { template: Record<string, unknown> };
    };
    sealed.spec.template.data = { leak: "{{ fail .foo }}" };
    const opened = await signet(
      ["--recovery-unseal", "--recovery-private-key", "key.pem"],
      withFiles({}, JSON.stringify(sealed)),
    );
    expect(opened.code).toBe(1);
    expect(opened.err).toContain("(leak)");
    expect(opened.err).not.toMatch(/bar|YmFy|626172/);
  });
});

describe("merge into a kubeseal-written YAML file", () => {
  it("inserts a new item where Go's YAML order puts it and quotes keys YAML 1.1 would misread", async () => {
    const existing =
      "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: orig\n  namespace: myns\nspec:\n  encryptedData:\n    a: A\n    z: Z\n";
    const io = withFiles(
      { "ss.yaml": existing },
      JSON.stringify({ kind: "Secret", metadata: { name: "x" }, stringData: { m: "1", y: "2" } }),
    );
    expect((await signet(["--cert", "cert.pem", "--merge-into", "ss.yaml"], io)).code).toBe(0);
    const keys = [
      ...io.files
        .get("ss.yaml")!
        .toString()
        .matchAll(/^ {4}("?\w"?):/gm),
    ].map((m) => m[1]);
    expect(keys).toEqual(["a", "m", '"y"', "z"]);
  });
});

/** The length of each piece `io` is given to write to stdout, as it writes them. */
function recordWrites(io: MemoryIo): number[] {
  const writes: number[] = [];
  const write = io.writeStdout.bind(io);
  io.writeStdout = (text) => {
    writes.push(text.length);
    write(text);
  };
  return writes;
}

describe("writing large output", () => {
  // 40,000 four-byte characters: 80,000 UTF-16 units, so a 64 KiB write boundary falls inside
  // the run, on one side or the other of a pair, depending on the key's length.
  const EMOJI = "\u{1F600}".repeat(40_000);
  it.each([["a"], ["ab"]])(
    "writes stdout in pieces without splitting a character (annotation key %j)",
    async (key) => {
      const input = JSON.stringify({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "s", namespace: "ns", annotations: { [key]: EMOJI } },
        data: { foo: b64("bar") },
      });
      const io = withFiles({}, input);
      const writes = recordWrites(io);
      const { code, out } = await signet(["--cert", "cert.pem"], io);
      expect(code).toBe(0);
      expect(writes.length).toBeGreaterThan(1);
      expect(out).not.toContain("\ufffd");
      expect(out).toContain(`"${key}": "${EMOJI}"`);
    },
  );

  it("writes a stream of many SealedSecrets in writes of 64 to 128 KiB, not one per document", async () => {
    const stream = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: `s${i}`, namespace: "ns" },
        data: { foo: b64("bar") },
      }),
    ).join("\n");
    const io = withFiles({}, stream);
    const writes = recordWrites(io);
    const { code, out } = await signet(["--cert", "cert.pem"], io);
    expect(code).toBe(0);
    expect(out.match(/"kind": "SealedSecret"/g)).toHaveLength(300);
    expect(writes.length).toBeGreaterThan(1);
    expect(writes.length).toBeLessThan(20);
    expect(writes.slice(0, -1).every((n) => n >= 64 * 1024 && n <= 128 * 1024)).toBe(true);
  });
});
