import { describe, expect, it } from "vitest";

import { ManifestError, parseManifest } from "./manifests.js";

const SS = (meta: string, data = "    a: AgA=\n"): string =>
  `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n${meta}spec:\n  encryptedData:\n${data}`;

function thrown(path: string, text: string | Uint8Array): ManifestError {
  try {
    parseManifest(path, text);
  } catch (err) {
    if (err instanceof ManifestError) return err;
    throw err;
  }
  throw new Error("parseManifest did not throw");
}

describe("reading manifest files", () => {
  it("finds SealedSecrets in multi-document YAML and List items, with the line each starts on (documents split as Go splits them: a leading comment is a document)", () => {
    const text = `# comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n${SS("  name: a\n  namespace: ns\n")}---\napiVersion: v1\nkind: List\nitems:\n- ${SS("    name: b\n").split("\n").join("\n  ")}`;
    const file = parseManifest("f.yaml", text);
    expect(file.sealedSecrets.map((f) => [f.label, f.location])).toEqual([
      ["ns/a", { document: 2, path: [], line: 8 }],
      ["b", { document: 3, path: ["items", 0], line: 20 }],
    ]);
  });

  it.each([
    ["a plain name", "ns", "db", "ns/db"],
    [
      "a line break and an escape sequence",
      "ns",
      "db\n2 files scanned\u001b[2K",
      '"ns/db\\n2 files scanned\\u001b[2K"',
    ],
    ["a control character in the namespace", "n\rs", "db", '"n\\rs/db"'],
  ])("labels an object with %s so that it prints on one line", (_, namespace, name, label) => {
    const text = JSON.stringify({
      apiVersion: "bitnami.com/v1alpha1",
      kind: "SealedSecret",
      metadata: { name, namespace },
      spec: { encryptedData: { a: "AgA=" } },
    });
    expect(parseManifest("f.json", `${text}\n`).sealedSecrets.map((f) => f.label)).toEqual([label]);
  });

  it("reads a JSON stream and the items of a JSON List, with lines", () => {
    const ss = (name: string): string =>
      JSON.stringify({
        apiVersion: "bitnami.com/v1alpha1",
        kind: "SealedSecret",
        metadata: { name },
        spec: { encryptedData: {} },
      });
    const text = `{"kind":"ConfigMap"}\n${ss("a")}\n{"kind":"List","items":[\n${ss("b")}]}\n`;
    const file = parseManifest("f.json", text);
    expect(file.format).toBe("json");
    expect(file.sealedSecrets.map((f) => [f.label, f.location])).toEqual([
      ["a", { document: 1, path: [], line: 2 }],
      ["b", { document: 2, path: ["items", 0], line: 4 }],
    ]);
  });

  it.each([
    [
      "a YAML key repeated in a map",
      "f.yaml",
      SS("  name: a\n", "    a: AgA=\n    a: AgB=\n"),
      /^f\.yaml:8:5: duplicate key "a" \(first at line 7\): Go's decoders would silently keep one of them, so the file is refused; remove one$/,
    ],
    [
      "two keys Go reads as the same key (yes and true)",
      "f.yaml",
      SS("  name: a\n  labels:\n    yes: a\n    true: b\n"),
      /^f\.yaml:7:5: duplicate key "true" \(first at line 6\)/,
    ],
    [
      "a key repeated in a nested flow map of a later document",
      "f.yaml",
      `kind: X\n---\n${SS("  name: a\n  annotations: {a: x, 'a': y}\n")}`,
      /^f\.yaml:7:23: duplicate key "a" \(first at line 7\)/,
    ],
    [
      "a repeated encryptedData",
      "f.yaml",
      `${SS("  name: a\n")}  encryptedData:\n    b: AgA=\n`,
      /^f\.yaml:8:3: duplicate key "encryptedData" \(first at line 6\)/,
    ],
    [
      "a JSON key repeated in an object",
      "f.json",
      '{"kind": "SealedSecret",\n "spec": {"encryptedData": {"a": "x",\n   "a": "y"}}}',
      /^f\.json:3:4: duplicate key "a" \(first at line 2\)/,
    ],
    [
      "a YAML syntax error",
      "f.yaml",
      "a: b\n  c: d\n",
      /^f\.yaml:1: document 1: error converting YAML to JSON: yaml: /,
    ],
    [
      "a tab indentation in a later document (the line counted in the file)",
      "f.yaml",
      "kind: X\n---\na:\n\tb: c\n",
      /^f\.yaml:4: document 2: error converting YAML to JSON: yaml: /,
    ],
    [
      "a JSON value that is not YAML either (Go's JSON error, where the JSON reader stopped)",
      "f.json",
      '{"a": 1,\n "b": [tru}',
      /^f\.json:2:8: document 1: json: offset 20: invalid character '}' in literal true/,
    ],
    [
      "a truncated JSON value",
      "f.json",
      '{"a": [1, 2',
      /^f\.json:1:12: document 1: unexpected EOF$/,
    ],
    [
      "invalid UTF-8 (Go refuses it; it is never replaced by U+FFFD)",
      "f.yaml",
      Buffer.from([...Buffer.from("kind: X\nname: a"), 0xff, 0x0a]),
      /^f\.yaml:1: document 1: error converting YAML to JSON: yaml: invalid leading UTF-8 octet$/,
    ],
    [
      "a map key that is a collection",
      "f.yaml",
      "? [a]\n: b\n",
      /^f\.yaml:1: document 1: error converting YAML to JSON: yaml: invalid map key: /,
    ],
  ])("refuses %s, naming file, line and column", (_what, path, text, message) => {
    const err = thrown(path, text);
    expect(err.code).toBe("ERR_INVALID_INPUT");
    expect(err.message).toMatch(message);
  });

  it.each([
    [
      "a Helm `{{- if }}` line",
      "{{- if .Values.enabled }}\napiVersion: v1\nkind: Secret\n{{- end }}\n",
      1,
    ],
    [
      "an action as a plain value",
      "apiVersion: v1\nkind: X\nmetadata:\n  name: {{ .Release.Name }}\n",
      4,
    ],
    ["an action in a JSON file", '{"kind": "X", "name": {{ .Name }} }', 1],
    [
      "an action after a comment line",
      "# {{ ok }}\nkind: X\nspec:\n  {{- toYaml .Values.spec | nindent 2 }}\n",
      4,
    ],
  ])("recognises a Go template (%s) and reads nothing from it", (_what, text, line) => {
    const file = parseManifest(text.startsWith("{") ? "t.json" : "t.yaml", text);
    expect(file.templated).toEqual({ line });
    expect(file.sealedSecrets).toEqual([]);
  });

  it("keeps template text inside strings: a SealedSecret's template data, comments, other kinds", () => {
    const text = `# {{ not a template }}\n${SS("  name: a\n  namespace: ns\n")}  template:\n    data:\n      config: |\n        {{- if .a }}{{ .a }}{{ end }}\n      q: "{{ .b }}"\n---\nkind: PrometheusRule\nspec:\n  description: "{{ $labels.instance }}"\n`;
    const file = parseManifest("f.yaml", text);
    expect(file.templated).toBeUndefined();
    expect(file.sealedSecrets.map((f) => f.label)).toEqual(["ns/a"]);
    expect(file.sealedSecrets[0]!.object).toBeDefined();
  });

  it.each([
    ["name", SS('  name: "{{ .Release.Name }}"\n  namespace: ns\n')],
    ["namespace", SS("  name: a\n  namespace: '{{ .Release.Namespace }}'\n")],
    ["a ciphertext", SS("  name: a\n", '    a: "{{ .Values.sealed.a }}"\n')],
  ])("marks a SealedSecret whose %s holds a template action as templated", (_what, text) => {
    const [found] = parseManifest("f.yaml", text).sealedSecrets;
    expect(found).toMatchObject({ templated: true });
    expect(found!.object).toBeUndefined();
  });

  it.each([
    [
      "unquoted true annotation (YAML 1.1 bool)",
      SS("  name: a\n  annotations:\n    sealedsecrets.bitnami.com/namespace-wide: yes\n"),
      "metadata.annotations.sealedsecrets.bitnami.com/namespace-wide must be a string (quote it)",
    ],
    ["numeric name", SS("  name: 12\n"), "metadata.name must be a string"],
    [
      "list of ciphertexts",
      SS("  name: a\n", "    a: [1]\n"),
      "spec.encryptedData.a must be a string (quote it)",
    ],
    ["empty ciphertext", SS("  name: a\n", "    a:\n"), "spec.encryptedData.a has no value"],
    [
      "no spec",
      "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: a\n",
      "SealedSecret needs a spec",
    ],
    [
      "another group",
      SS("  name: a\n").replace("bitnami.com/v1alpha1", "example.com/v1"),
      'unexpected apiVersion "example.com/v1"',
    ],
  ])(
    "reports a malformed SealedSecret (%s) as a problem of that object only",
    (_what, text, problem) => {
      const file = parseManifest("f.yaml", `${text}---\n${SS("  name: ok\n")}`);
      expect(file.sealedSecrets.map((f) => f.problem)).toEqual([problem, undefined]);
    },
  );

  it("reads YAML 1.1 as go-yaml v2 does: yes/n are booleans, 0777 is octal, merge keys apply", () => {
    const file = parseManifest(
      "f.yaml",
      "base: &b {x: 1}\nm:\n  <<: *b\n  q: yes\n  z: 0777\n  w: '0777'\n  1: one\n  true: t\n  namespace: n\n",
    );
    expect(file.values[0]).toEqual({
      base: { x: 1 },
      m: { x: 1, q: true, z: 511, w: "0777", "1": "one", true: "t", namespace: false },
    });
  });

  it.each([
    ["a trailing comma", '{"a": 1,}', { a: 1 }],
    ["a bare word", '{"a": 1,\n "b": tru}', { a: 1, b: "tru" }],
  ])(
    "reads a JSON-looking file that is not JSON as YAML, as Go does (%s)",
    (_what, text, value) => {
      const file = parseManifest("f.json", text);
      expect(file.values).toEqual([value]);
      expect(file.format).toBe("yaml");
    },
  );

  it("reads a BOM-prefixed JSON file as JSON and BOM-prefixed YAML as YAML", () => {
    expect(parseManifest("f.json", '\uFEFF{"kind": "X"}').format).toBe("json");
    expect(parseManifest("f.yaml", "\uFEFFkind: X\n").values).toEqual([{ kind: "X" }]);
  });

  it("refuses alias expansion beyond the budget (billion laughs)", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      lines.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(", ")}]`);
    }
    expect(() => parseManifest("bomb.yaml", `${lines.join("\n")}\n`)).toThrow(
      /^bomb\.yaml:1: document 1: error converting YAML to JSON: yaml: document contains excessive aliasing$/,
    );
  });
});
