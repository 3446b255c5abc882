/**
 * Regression tests of a hostile review of `signet lint`: ways a plaintext Secret got past it
 * (spellings of `Secret` without the ASCII text, Go templates, encodings, huge files), output
 * injection, suppression without a trace, and setup mistakes that left no report.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { EXIT_FAILED, EXIT_LINT_WARNINGS, EXIT_OK, EXIT_USAGE } from "../../exit.js";
import { nodeIo } from "../../node-io.js";
import { run } from "../../run.js";
import { memoryIo } from "../../test-support/memory-io.js";
import { ioWith, KEYS, sealWith, secretJson, signet } from "../test-support/fixtures.js";

/** `file:line severity rule` of each (not suppressed) finding of a text report. */
function findings(out: string): string[] {
  return out
    .split("\n")
    .filter((l) => / (error|warning): /.test(l))
    .map((l) => {
      const m = /^(.*?):(\d+): (error|warning): .*\[([\w-]+)\]/.exec(l)!;
      return `${m[1]}:${m[2]} ${m[3]} ${m[4]}`;
    });
}

const DATA = "metadata: {name: a, namespace: d}\ndata: {password: aHVudGVyMg==}\n";

describe("signet lint parses every file: Secret spelt without the ASCII text", () => {
  it.each([
    [
      "JSON \\u escape",
      "s.json",
      '{"apiVersion":"v1","kind":"Secr\\u0065t","metadata":{"name":"a"},"data":{"p":"dg=="}}',
      ["f/s.json:1 error plaintext-secret"],
    ],
    [
      "YAML \\x escape",
      "s.yaml",
      `apiVersion: v1\nkind: "Secr\\x65t"\n${DATA}`,
      ["f/s.yaml:4 error plaintext-secret"],
    ],
    [
      "YAML \\u escape",
      "s.yaml",
      `apiVersion: v1\nkind: "Secr\\u0065t"\n${DATA}`,
      ["f/s.yaml:4 error plaintext-secret"],
    ],
    [
      "YAML !!binary",
      "s.yaml",
      `apiVersion: v1\nkind: !!binary U2VjcmV0\n${DATA}`,
      ["f/s.yaml:4 error plaintext-secret"],
    ],
    [
      "a double-quoted line continuation",
      "s.yaml",
      `apiVersion: v1\nkind: "Sec\\\n  ret"\n${DATA}`,
      ["f/s.yaml:5 error plaintext-secret"],
    ],
    [
      "mismatch: a plain scalar does not unescape (kind Sec\\u0072et is no Secret)",
      "s.yaml",
      `apiVersion: v1\nkind: Sec\\u0072et\n${DATA}`,
      [],
    ],
  ])("%s", async (_, name, text, expected) => {
    const r = await signet(["lint", "f"], ioWith({ [`f/${name}`]: text }));
    expect(findings(r.out)).toEqual(expected);
    expect(r.code).toBe(expected.length > 0 ? EXIT_FAILED : EXIT_OK);
  });

  it.each([
    [
      "UTF-16LE with a byte-order mark",
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`kind: Secret\n${DATA}`, "utf16le")]),
      "f/s.yaml:1 error unreadable-encoding",
    ],
    [
      "UTF-16LE without one (NUL bytes)",
      Buffer.from(`kind: Secret\n${DATA}`, "utf16le"),
      "f/s.yaml:1 error unreadable-encoding",
    ],
    [
      "mismatch: UTF-8 with a byte-order mark is read",
      Buffer.from(`\uFEFFapiVersion: v1\nkind: Secret\n${DATA}`),
      "f/s.yaml:4 error plaintext-secret",
    ],
  ])("a file in %s is a finding, never skipped", async (_, bytes, expected) => {
    const io = memoryIo({ files: { ...KEYS, "f/s.yaml": bytes } });
    const r = await signet(["lint", "f"], io);
    expect(findings(r.out)).toEqual([expected]);
    expect(r.code).toBe(EXIT_FAILED);
  });
});

describe("signet lint checks the plain documents of Go templates", () => {
  const secret =
    "apiVersion: v1\nkind: Secret\nmetadata: {name: f, namespace: d}\nstringData: {password: hunter2}\n";
  it.each([
    [
      "a Secret before `---` {{ end }}",
      { "f/s.yaml": `${secret}---\n{{ end }}\n` },
      ["f/s.yaml:4 error plaintext-secret", "f/s.yaml:6 warning template-not-checked"],
    ],
    [
      "a Secret before a templated document",
      { "f/s.yaml": `${secret}---\nfoo: {{ .x }}\n` },
      ["f/s.yaml:4 error plaintext-secret", "f/s.yaml:6 warning template-not-checked"],
    ],
    [
      "a literal Secret in a Helm chart's templates",
      { "chart/Chart.yaml": "name: c\nversion: 1.0.0\n", "chart/templates/s.yaml": secret },
      ["chart/templates/s.yaml:4 error plaintext-secret"],
    ],
    [
      "a literal Secret inside a template action in a chart is still plaintext",
      {
        "chart/Chart.yaml": "name: c\nversion: 1.0.0\n",
        "chart/templates/s.yaml": `{{- if .Values.on }}\n${secret}{{- end }}\n`,
      },
      [
        "chart/templates/s.yaml:1 error plaintext-secret",
        "chart/templates/s.yaml:1 warning template-not-checked",
      ],
    ],
    [
      "mismatch: a chart Secret whose values are all template actions is a warning only",
      {
        "chart/Chart.yaml": "name: c\nversion: 1.0.0\n",
        "chart/templates/s.yaml":
          "{{- if .Values.on }}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}\nstringData:\n  password: {{ .Values.pw | quote }}\n  user: |\n    {{ .Values.user }}\n{{- end }}\n",
      },
      ["chart/templates/s.yaml:1 warning template-not-checked"],
    ],
    [
      "a templated JSON Secret with a literal value",
      {
        "f/s.json":
          '{\n  "apiVersion": "v1",\n  "kind": "Secret",\n  "metadata": {"name": {{ .x }}},\n  "data": {\n    "p": "aHVudGVyMg=="\n  }\n}\n',
      },
      ["f/s.json:1 error plaintext-secret", "f/s.json:4 warning template-not-checked"],
    ],
    [
      "mismatch: a templated Secret whose block value uses an action is a warning only",
      {
        "f/s.yaml":
          "apiVersion: v1\nkind: Secret\nmetadata: {name: {{ .x }}}\nstringData:\n  config.yaml: |\n    host: {{ .Values.host }}\n    port: 5432\n  {{- range .Values.extra }}\n  {{ .k }}: {{ .v }}\n  {{- end }}\ntype: Opaque\n",
      },
      ["f/s.yaml:3 warning template-not-checked"],
    ],
    [
      "a broken document without a template action of its own is a parse error",
      { "f/s.yaml": `foo: |\n  {{ x }}\n---\na: [\n` },
      ["f/s.yaml:5 error parse-error"],
    ],
    [
      "a broken templated document that looks like a plaintext Secret is an error",
      {
        "f/s.yaml": `apiVersion: v1\nkind: Secret\nmetadata: {name: {{ .x }}}\ndata:\n  p: aHVudGVyMg==\n`,
      },
      ["f/s.yaml:1 error plaintext-secret", "f/s.yaml:3 warning template-not-checked"],
    ],
  ])("%s", async (_, files, expected) => {
    const r = await signet(["lint", "."], ioWith(files));
    expect(findings(r.out).map((f) => f.replace(/^\.\//, ""))).toEqual(expected);
    const strict = await signet(["lint", "--strict", "."], ioWith(files));
    expect(strict.code).not.toBe(EXIT_OK);
  });
});

describe("signet lint: spec.template.data of a SealedSecret", () => {
  it.each([
    ["a literal value", "password: hunter2", ["f/s.yaml:12 error plaintext-secret"]],
    [
      "mismatch: a template referencing a sealed value",
      'url: "postgres://u:{{ .password }}@db"',
      [],
    ],
    ["mismatch: an empty value", 'empty: ""', []],
  ])("%s", async (_, entry, expected) => {
    const good = await sealWith("new-cert.pem", secretJson("db", { password: "s3cret" }));
    // The sealed manifest ends with spec.template.metadata.
    const text = `${good.trimEnd()}\n    data:\n      ${entry}\n`;
    const r = await signet(["lint", "f"], ioWith({ "f/s.yaml": text }));
    expect(findings(r.out)).toEqual(
      expected.map((e) => e.replace(/:12 /, `:${text.split("\n").length - 1} `)),
    );
  });
});

describe("signet lint limits and setup mistakes", () => {
  it.each([
    [
      "a file over --max-file-size",
      ["--max-file-size", "100"],
      ["f/s.yaml:1 error file-too-large"],
    ],
    ["mismatch: under the limit", ["--max-file-size", "100000"], []],
  ])("%s", async (_, flags, expected) => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: ${"x".repeat(200)}\n`;
    const r = await signet(["lint", ...flags, "f"], ioWith({ "f/s.yaml": text }));
    expect(findings(r.out)).toEqual(expected);
  });

  it.each([
    ["a missing PATH", ["nowhere"], "nowhere: no such file or directory"],
    ["a missing --cert file", ["--cert", "missing.pem", "f"], "--cert: "],
  ])("%s is a usage error (exit 2), with a valid SARIF log saying so", async (_, args, message) => {
    const text = await signet(["lint", ...args], ioWith({ "f/a.yaml": "" }));
    expect(text.code).toBe(EXIT_USAGE);
    expect(text.err).toContain(message);
    const sarif = await signet(["lint", "--format", "sarif", ...args], ioWith({ "f/a.yaml": "" }));
    expect(sarif.code).toBe(EXIT_USAGE);
    const log = JSON.parse(sarif.out) as {
      runs: { invocations: { executionSuccessful: boolean }[] }[];
    };
    expect(log.runs[0]!.invocations[0]!.executionSuccessful).toBe(false);
  });

  it.each([
    ["an unreadable directory", "f/d", EXIT_USAGE],
    ["mismatch: readable directories", "nowhere", EXIT_OK],
  ])("%s: a usage error (exit 2), not a silent pass", async (_, unreadable, code) => {
    const io = ioWith({ "f/d/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n" });
    const list = io.readDirectory.bind(io);
    io.readDirectory = (dir) =>
      dir === unreadable
        ? Promise.reject(
            Object.assign(new Error(`EACCES: permission denied, scandir '${dir}'`), {
              code: "EACCES",
            }),
          )
        : list(dir);
    const r = await signet(["lint", "f"], io);
    expect(r.code).toBe(code);
    if (code === EXIT_USAGE) expect(r.err).toContain("permission denied");
  });

  it("refuses a file over --max-file-size without reading it", async () => {
    const io = ioWith({ "f/big.yaml": "x".repeat(5000) });
    let read = 0;
    const readFile = io.readFile.bind(io);
    io.readFile = (path) => {
      if (path.endsWith("big.yaml")) read++;
      return readFile(path);
    };
    const r = await signet(["lint", "--max-file-size", "4096", "f"], io);
    expect(findings(r.out)).toEqual(["f/big.yaml:1 error file-too-large"]);
    expect(read).toBe(0);
  });

  it("announces a skipped node_modules directory on stderr", async () => {
    const r = await signet(["lint", "f"], ioWith({ "f/node_modules/p/s.yaml": "kind: Secret\n" }));
    expect(r.err).toContain("skipped f/node_modules: node_modules directory (not walked)");
  });

  it.each([
    [
      "a file name",
      {
        "f/c\n::stop-commands::tok\n.yaml":
          "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\ndata: {a: dg==}\n",
      },
    ],
    [
      "an object name",
      {
        "f/s.yaml":
          'apiVersion: v1\nkind: Secret\nmetadata: {name: "x\\n::warning::injected"}\ndata: {a: dg==}\n',
      },
    ],
  ])("--format github: %s cannot start a workflow command", async (_, files) => {
    const r = await signet(["lint", "--format", "github", "f"], ioWith(files));
    const lines = `${r.out}${r.err}`.split("\n").filter((l) => l !== "");
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^(::error file=|skipped )/);
  });
});

describe("signet lint stale-value with named recipients", () => {
  it.each([
    [
      // The fixture "old-cert.pem" is the one issued last.
      "staging sealed for its only certificate (older than prod's)",
      ["prod=old-cert.pem", "staging=new-cert.pem"],
      ["staging", "new-cert.pem"],
      [],
    ],
    [
      "mismatch: prod sealed for the older of its own certificates",
      ["prod=new-cert.pem", "prod=old-cert.pem"],
      ["prod", "new-cert.pem"],
      ["clusters/prod/db.yaml:6 warning stale-value"],
    ],
  ])("%s", async (_, certs, [dir, cert], expected) => {
    const text = await sealWith(cert!, secretJson("db", { password: "s3cret" }));
    const args = ["lint", ...certs.flatMap((c) => ["--cert", c])];
    args.push("--recipient-path", "clusters/{name}/", "clusters");
    const r = await signet(args, ioWith({ [`clusters/${dir}/db.yaml`]: text }));
    expect(findings(r.out)).toEqual(expected);
    expect(r.code).toBe(expected.length > 0 ? EXIT_OK : EXIT_OK);
    const strict = await signet(
      ["lint", "--strict", ...args.slice(1)],
      ioWith({ [`clusters/${dir}/db.yaml`]: text }),
    );
    expect(strict.code).toBe(expected.length > 0 ? EXIT_LINT_WARNINGS : EXIT_OK);
  });
});

describe("signet lint: kustomize secretGenerator", () => {
  it.each([
    [
      "literals",
      "secretGenerator:\n- name: db\n  literals:\n  - password=hunter2\n",
      ["f/kustomization.yaml:3 error plaintext-secret"],
    ],
    [
      "literals with kind: Kustomization",
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nsecretGenerator:\n- name: db\n  literals: [a=b]\n",
      ["f/kustomization.yaml:5 error plaintext-secret"],
    ],
    [
      "mismatch: envs only (files lint does not read)",
      "secretGenerator:\n- name: db\n  envs: [db.env]\n",
      [],
    ],
  ])("%s", async (_, text, expected) => {
    const r = await signet(["lint", "f"], ioWith({ "f/kustomization.yaml": text }));
    expect(findings(r.out)).toEqual(expected);
  });
});

describe("signet lint: second hostile review (lists of any kind, apiVersion, breaks, case)", () => {
  const secret = (head: string, data = "stringData: {password: hunter2}\n"): string =>
    `${head}metadata: {name: a, namespace: d}\n${data}`;
  it.each([
    [
      "a ConfigMap with an items array (kubectl reads it as a list)",
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: c}\n  stringData: {password: hunter2}\n",
      ["f/s.yaml:8 error plaintext-secret"],
    ],
    [
      "a SealedSecret with an items array",
      "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: l, namespace: ns}\nspec:\n  encryptedData: {a: b}\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: l, namespace: ns}\n  stringData: {password: hunter2}\n",
      ["f/s.yaml:5 error invalid-base64", "f/s.yaml:10 error plaintext-secret"],
    ],
    [
      'apiVersion /v1 (group "", version v1 for Go)',
      secret("apiVersion: /v1\nkind: Secret\n"),
      ["f/s.yaml:4 error plaintext-secret"],
    ],
    [
      "an empty apiVersion",
      secret('apiVersion: ""\nkind: Secret\n'),
      ["f/s.yaml:4 error plaintext-secret"],
    ],
    [
      "a null apiVersion",
      secret("apiVersion: null\nkind: Secret\n"),
      ["f/s.yaml:4 error plaintext-secret"],
    ],
    [
      "mismatch: a Secret kind of another group is not the core Secret",
      secret("apiVersion: example.com/v1\nkind: Secret\n"),
      [],
    ],
    [
      "a lone CR before a commented action",
      secret("apiVersion: v1\nkind: Secret\n", "stringData:\n  password: hunter2\r# {{ x }}\n"),
      ["f/s.yaml:4 error plaintext-secret"],
    ],
    [
      "a NEL before a commented action",
      secret("apiVersion: v1\nkind: Secret\n", "stringData:\n  password: hunter2\u0085# {{ x }}\n"),
      ["f/s.yaml:4 error plaintext-secret"],
    ],
    [
      "StringData and DATA (Go matches field names case-insensitively)",
      secret(
        "apiVersion: v1\nkind: Secret\n",
        "StringData: {password: hunter2}\nDATA: {p: aGVsbG8=}\n",
      ),
      ["f/s.yaml:5 error plaintext-secret", "f/s.yaml:4 error plaintext-secret"],
    ],
    [
      "APIVERSION and KIND in capitals, stringdata",
      secret("APIVERSION: v1\nKIND: Secret\n", "stringdata: {password: hunter2}\n"),
      ["f/s.yaml:4 error plaintext-secret"],
    ],
    [
      "kind ConfigMap and Kind Secret",
      secret("apiVersion: v1\nkind: ConfigMap\nKind: Secret\n"),
      ["f/s.yaml:5 error plaintext-secret"],
    ],
    [
      "mismatch: a ConfigMap with a StringData key is no Secret",
      secret("apiVersion: v1\nkind: ConfigMap\n", "StringData: {password: hunter2}\n"),
      [],
    ],
  ])("%s", async (_, text, expected) => {
    const r = await signet(["lint", "f"], ioWith({ "f/s.yaml": text }));
    expect(findings(r.out)).toEqual(expected);
    expect(r.code).toBe(expected.length > 0 ? EXIT_FAILED : EXIT_OK);
  });
});

describe("signet lint: no output line can start a GitHub Actions workflow command", () => {
  const name = "::error title=pwn::owned.yaml";
  const text = "apiVersion: v1\nkind: Secret\nmetadata: {name: a}\nstringData: {p: x}\n";
  it.each([
    ["text", [name], `./${name}:4: error: `],
    ["json", [name], undefined],
    ["sarif", [name], undefined],
    ["github", [name], undefined],
    ["text", ["::missing.yaml"], undefined],
    ["text", ["::warning::dir"], undefined],
  ])("--format %s %s", async (format, paths, first) => {
    const io = ioWith({ [name]: text, "::warning::dir/s.yaml": text });
    const r = await signet(["lint", "--format", format, ...paths], io);
    const lines = `${r.out}\n${r.err}`.split("\n");
    const commands = lines.filter((l) => l.startsWith("::"));
    // Only our own annotations, whose file property is escaped.
    expect(commands.every((l) => /^::(error|warning|notice) file=/.test(l))).toBe(true);
    expect(commands.length).toBe(format === "github" ? 1 : 0);
    if (first) expect(r.out.startsWith(first)).toBe(true);
  });
});

describe("signet lint: files that are not regular files", () => {
  it("skips a FIFO given as PATH or found in a directory, announced, without blocking", async () => {
    const dir = mkdtempSync(join(tmpdir(), "signet-lint-fifo-"));
    try {
      execFileSync("mkfifo", [join(dir, "pipe.yaml")]);
      writeFileSync(
        join(dir, "s.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata: {name: a}\ndata: {p: eA==}\n",
      );
      let out = "";
      let err = "";
      const io = {
        ...nodeIo("0.0.0"),
        writeStdout: (t: string) => void (out += t),
        writeStderr: (t: string) => void (err += t),
      };
      const code = await run(["lint", dir, join(dir, "pipe.yaml")], io);
      expect(err.split("\n").filter((l) => l.includes("pipe.yaml"))).toEqual([
        `skipped ${join(dir, "pipe.yaml")}: not a regular file (FIFO, socket or device), not read`,
        `skipped ${join(dir, "pipe.yaml")}: not a regular file (FIFO, socket or device), not read`,
      ]);
      expect(out).toContain("s.yaml:4: error: ");
      expect(code).toBe(EXIT_FAILED);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
