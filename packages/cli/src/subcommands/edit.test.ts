import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

import { applyObjectEdits } from "./edit.js";
import { parseManifest } from "./manifests.js";

const FP = "SHA256:abc+/def";

/** Replaces item `a` of every SealedSecret with NEW (unless `values` says otherwise) + the hint. */
function edit(text: string, path = "f.yaml", values: Record<string, string> = { a: "NEW" }) {
  const file = parseManifest(path, text);
  const edits = file.sealedSecrets.map((found) => ({ found, values, hint: FP }));
  return applyObjectEdits(file, edits);
}

const SS = (meta: string, data: string): string =>
  `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n${meta}spec:\n  encryptedData:\n${data}`;

const HINT_LINE = `signet.dev/sealed-with: ${FP}`;

describe("in-place YAML edits", () => {
  it("keeps the quoting of each value and every other byte; sorted metadata gets annotations first", () => {
    const text = SS(
      "metadata:\n  name: x   # odd spacing kept\n  namespace: y\n",
      "    a: \"OLD\"   # trailing comment\n    b: 'KEEP'\n",
    );
    expect(edit(text)).toBe(
      SS(
        `metadata:\n  annotations:\n    ${HINT_LINE}\n  name: x   # odd spacing kept\n  namespace: y\n`,
        "    a: \"NEW\"   # trailing comment\n    b: 'KEEP'\n",
      ),
    );
  });

  it("puts a new annotations map where Go's sorted order puts it when metadata is sorted (kubeseal's YAML)", () => {
    const text = SS(
      "metadata:\n  creationTimestamp: null\n  name: x\n  namespace: y\n",
      "    a: OLD\n",
    );
    expect(edit(text)).toBe(
      SS(
        `metadata:\n  annotations:\n    ${HINT_LINE}\n  creationTimestamp: null\n  name: x\n  namespace: y\n`,
        "    a: NEW\n",
      ),
    );
  });

  it.each([
    ["a block scalar `>-` before labels", "    z: >-\n      folded\n  labels:\n    q: r\n"],
    ["a block scalar `|` before labels", "    z: |\n      one\n      two\n  labels:\n    q: r\n"],
    ["a block scalar `|+` with blank lines", "    z: |+\n      kept\n\n  labels:\n    q: r\n"],
    ["a plain scalar with a comment", "    z: v # note\n  labels:\n    q: r\n"],
    ["a multi-line plain scalar", "    z: one\n      two\n  labels:\n    q: r\n"],
  ])("adds the hint after the last annotation when it is %s, inside annotations", (_what, tail) => {
    const text = SS(`metadata:\n  name: x\n  annotations:\n${tail}`, "    a: OLD\n");
    const out = edit(text);
    const [doc] = parseAllDocuments(out);
    const value = doc!.toJS() as {
      metadata: { annotations: Record<string, string>; labels: Record<string, string> };
    };
    expect(value.metadata.annotations["signet.dev/sealed-with"]).toBe(FP);
    expect(value.metadata.labels).toEqual({ q: "r" });
    expect(out.replace(`    ${HINT_LINE}\n`, "")).toBe(text.replace("a: OLD", "a: NEW"));
  });

  it("adds the hint after a block scalar annotation that ends the document, the file or a stream", () => {
    const one = SS("metadata:\n  name: x\n", "    a: OLD\n").replace(
      "metadata:\n  name: x\n",
      "metadata:\n  name: x\n  annotations:\n    z: |-\n      last",
    );
    const moved = `${one.replace("spec:\n  encryptedData:\n    a: OLD\n", "")}`;
    // The block scalar is the very last thing of the file (no final newline), then of a document.
    const text = `${SS("metadata:\n  name: y\n", "    a: OLD\n")}---\n${moved.replace("kind: SealedSecret\n", "kind: SealedSecret\nspec:\n  encryptedData:\n    a: OLD\n")}`;
    const out = edit(text);
    const docs = parseAllDocuments(out).map((d) => d.toJS() as Record<string, never>);
    expect(docs).toHaveLength(2);
    for (const doc of docs) {
      expect(doc).toMatchObject({
        metadata: { annotations: { "signet.dev/sealed-with": FP } },
        spec: { encryptedData: { a: "NEW" } },
      });
    }
    expect(docs[1]).toMatchObject({ metadata: { annotations: { z: "last" } } });
  });

  it.each([
    ["plain", "signet.dev/sealed-with: SHA256:old\n", `signet.dev/sealed-with: ${FP}\n`],
    [
      "single-quoted",
      "signet.dev/sealed-with: 'SHA256:old'\n",
      `signet.dev/sealed-with: '${FP}'\n`,
    ],
    [
      "a block scalar",
      "signet.dev/sealed-with: |\n      SHA256:old\n",
      `signet.dev/sealed-with: ${FP}\n`,
    ],
  ])("replaces a %s hint in place", (_what, before, after) => {
    const text = SS(`metadata:\n  annotations:\n    ${before}  name: x\n`, "    a: OLD\n");
    expect(edit(text)).toBe(
      SS(`metadata:\n  annotations:\n    ${after}  name: x\n`, "    a: NEW\n"),
    );
  });

  it.each([
    ["empty", "  annotations:\n", `  annotations: {${HINT_LINE}}\n`],
    ["null", "  annotations: null\n", `  annotations: {${HINT_LINE}}\n`],
    ["~", "  annotations: ~\n", `  annotations: {${HINT_LINE}}\n`],
    ["an empty flow map", "  annotations: {}\n", `  annotations: {${HINT_LINE}}\n`],
    ["a flow map", "  annotations: {a: b}\n", `  annotations: {a: b, ${HINT_LINE}}\n`],
    [
      "a JSON-style flow map",
      '  annotations: {"a": "b"}\n',
      `  annotations: {"a": "b", "signet.dev/sealed-with": "${FP}"}\n`,
    ],
  ])("fills annotations that are %s", (_what, before, after) => {
    const text = SS(`metadata:\n  name: x\n${before}`, "    a: OLD\n");
    expect(edit(text)).toBe(SS(`metadata:\n  name: x\n${after}`, "    a: NEW\n"));
  });

  it("edits flow maps in place, the hint included", () => {
    const text = SS("metadata: {name: x, namespace: y}\n", "    {a: OLD, b: KEEP}\n").replace(
      "encryptedData:\n    {",
      "encryptedData: {",
    );
    expect(edit(text)).toBe(
      text
        .replace("a: OLD", "a: NEW")
        .replace("namespace: y}", `namespace: y, annotations: {${HINT_LINE}}}`),
    );
  });

  it.each([
    [
      "a flow map whose closing brace is at column 0",
      "metadata:\n  name: x\nspec:\n  encryptedData: {\n    a: OLD,\n    b: KEEP\n}\n",
    ],
    [
      "a flow map indented less than its key in a field the edit does not touch",
      "metadata:\n  name: x\nextra:\n- {p: q,\nr: s}\nspec:\n  encryptedData:\n    a: OLD\n",
    ],
  ])("edits a document with %s (Go reads it; the editor's ranges hold)", (_what, body) => {
    const text = `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n${body}`;
    const out = edit(text);
    expect(out).toContain("a: NEW");
    expect(out).toContain(HINT_LINE);
    expect(parseManifest("f.yaml", out).sealedSecrets).toHaveLength(1);
  });

  it("refuses a flow map with lines indented less than its key (Go reads it, the editor cannot), naming it", () => {
    const text = SS("metadata: {name: x,\nnamespace: y}\n", "    a: OLD\n");
    expect(parseManifest("f.yaml", text).sealedSecrets).toHaveLength(1);
    expect(() => edit(text)).toThrow(
      /^f\.yaml:1: x: Signet reads this document as Go does but cannot edit it in place keeping its comments \(.*\); indent the lines of its flow collections past their key/,
    );
  });

  it("keeps CRLF line endings and a byte-order mark", () => {
    const text = `\uFEFF${SS("metadata:\n  name: x\n", "    a: OLD\n").replace(/\n/g, "\r\n")}`;
    expect(edit(text)).toBe(
      `\uFEFF${SS(`metadata:\n  name: x\n  annotations:\n    ${HINT_LINE}\n`, "    a: NEW\n").replace(/\n/g, "\r\n")}`,
    );
  });

  it("edits the items of a List, whose maps start on `- ` lines", () => {
    const item = SS("metadata:\n    name: x\n", "      a: OLD\n");
    const yaml = `apiVersion: v1\nkind: List\nitems:\n- ${item.split("\n").join("\n  ").trimEnd()}\n`;
    expect(edit(yaml)).toBe(
      yaml
        .replace("a: OLD", "a: NEW")
        .replace("      name: x\n", `      name: x\n      annotations:\n          ${HINT_LINE}\n`),
    );
  });

  it.each([
    ["literal, one line", "    a: |\n      OLD\n", "    a: |\n      NEW4567890\n"],
    ["literal strip", "    a: |-\n      OLD\n", "    a: |-\n      NEW4567890\n"],
    [
      "literal, wrapped at 4",
      "    a: |\n      OLD1\n      OLD2\n",
      "    a: |\n      NEW4\n      5678\n      90\n",
    ],
    ["folded", "    a: >\n      OLD\n", "    a: >\n      NEW4567890\n"],
    [
      "literal keep, blank line kept",
      "    a: |+\n      OLD\n\n",
      "    a: |+\n      NEW4567890\n\n",
    ],
  ])("replaces a block scalar ciphertext in its own style (%s)", (_what, before, after) => {
    const meta = `metadata:\n  annotations:\n    ${HINT_LINE}\n  name: x\n`;
    expect(edit(SS(meta, before), "f.yaml", { a: "NEW4567890" })).toBe(SS(meta, after));
  });

  it("refuses a ciphertext that is an alias, leaving the file to the caller unwritten", () => {
    const text = SS("metadata:\n  name: x\n  labels:\n    l: &old OLD\n", "    a: *old\n");
    expect(() => edit(text)).toThrow(/f\.yaml:1: x: spec\.encryptedData\.a is not a plain value/);
  });

  it("reads the edited text back and refuses it when it differs from the intended objects", () => {
    const file = parseManifest("f.yaml", SS("metadata:\n  name: x\n", "    a: OLD\n"));
    // Simulate an editor mistake: the positions no longer match the text they were taken from.
    const skewed = { ...file, text: `# one more line\n${file.text}` };
    const edits = file.sealedSecrets.map((found) => ({ found, values: { a: "NEW" }, hint: FP }));
    expect(() => applyObjectEdits(skewed, edits)).toThrow(
      /^f\.yaml: the edited text does not read back as intended \(.*\); nothing written$/,
    );
  });
});

describe("in-place JSON edits", () => {
  const sealed = (meta: string, rest = ""): string =>
    `{\n  "kind": "SealedSecret",\n  "apiVersion": "bitnami.com/v1alpha1",\n  "metadata": {\n${meta}\n  },\n  "spec": {\n    "encryptedData": {\n      "a": "OLD"${rest}\n    }\n  }\n}\n`;

  it("adds annotations after the ObjectMeta fields Go's struct order writes before them (kubeseal's JSON)", () => {
    const text = sealed(`    "name": "x",\n    "namespace": "y",\n    "creationTimestamp": null`);
    expect(edit(text, "f.json")).toBe(
      sealed(
        `    "name": "x",\n    "namespace": "y",\n    "creationTimestamp": null,\n    "annotations": {\n      "signet.dev/sealed-with": "${FP}"\n    }`,
      ).replace('"OLD"', '"NEW"'),
    );
  });

  it("adds the hint to existing annotations in sorted position and replaces an old hint", () => {
    const text = sealed(
      `    "name": "x",\n    "annotations": {\n      "a.io/x": "1",\n      "z.io/y": "2"\n    }`,
    );
    const out = edit(text, "f.json");
    expect(out).toContain(
      `"annotations": {\n      "a.io/x": "1",\n      "signet.dev/sealed-with": "${FP}",\n      "z.io/y": "2"\n    }`,
    );
    expect(edit(out.replace(FP, "SHA256:old"), "f.json")).toBe(out);
  });

  it("changes only the ciphertext and hint bytes of a JSON List: big integers, 0.50, escapes, key order stay", () => {
    const other = `{"kind":"Widget","apiVersion":"example.com/v1","metadata":{"name":"w"},"spec":{"big":123456789012345678901234567890,"ratio":0.50,"html":"\\u003cb\\u003e \\/ \\u00e9","zeta":1,"alpha":2}}`;
    const ss = `{"apiVersion":"bitnami.com/v1alpha1","kind":"SealedSecret","metadata":{"name":"x","namespace":"y"},"spec":{"encryptedData":{"a":"OLD","b":"KEEP"}}}`;
    const text = `{"apiVersion":"v1","kind":"List","items":[${other},\r\n${ss}]}\r\n`;
    const out = edit(text, "f.json");
    expect(out).toBe(
      text
        .replace('"a":"OLD"', '"a":"NEW"')
        .replace(
          '"namespace":"y"}',
          `"namespace":"y","annotations":{"signet.dev/sealed-with":"${FP}"}}`,
        ),
    );
  });

  it("edits every SealedSecret of a JSON stream, keeping the values between them", () => {
    const ss = (name: string): string =>
      `{"kind":"SealedSecret","apiVersion":"bitnami.com/v1alpha1","metadata":{"name":"${name}","annotations":{"n":"\\u003c"}},"spec":{"encryptedData":{"a":"OLD"}}}`;
    const text = `{"kind": "ConfigMap", "data": {"n": 1.50}}\n${ss("x")}\n\n${ss("y")}`;
    const out = edit(text, "f.json");
    const after = (name: string): string =>
      ss(name)
        .replace('"a":"OLD"', '"a":"NEW"')
        .replace('{"n":"\\u003c"}', `{"n":"\\u003c","signet.dev/sealed-with":"${FP}"}`);
    expect(out).toBe(`{"kind": "ConfigMap", "data": {"n": 1.50}}\n${after("x")}\n\n${after("y")}`);
  });

  it("edits next to a value nested as deep as Go allows (no recursion on the way)", () => {
    const deep = `{"kind":"Deep","v":${"[".repeat(9990)}${"]".repeat(9990)}}`;
    const ss = `{"kind":"SealedSecret","apiVersion":"bitnami.com/v1alpha1","metadata":{"name":"x","annotations":{}},"spec":{"encryptedData":{"a":"OLD"}}}`;
    expect(edit(`${deep}\n${ss}`, "f.json")).toBe(
      `${deep}\n${ss.replace("OLD", "NEW").replace("{}", `{"signet.dev/sealed-with": "${FP}"}`)}`,
    );
  });

  it("keeps a byte-order mark and CRLF of a JSON file", () => {
    const text = `\uFEFF${sealed(`    "name": "x",\n    "namespace": "y"`).replace(/\n/g, "\r\n")}`;
    expect(edit(text, "f.json")).toBe(
      `\uFEFF${sealed(
        `    "name": "x",\n    "namespace": "y",\n    "annotations": {\n      "signet.dev/sealed-with": "${FP}"\n    }`,
      )
        .replace('"OLD"', '"NEW"')
        .replace(/\n/g, "\r\n")}`,
    );
  });

  it("fills null and empty annotations", () => {
    for (const annotations of ["null", "{}"]) {
      const text = sealed(`    "name": "x",\n    "annotations": ${annotations}`);
      expect(edit(text, "f.json", {})).toBe(
        sealed(`    "name": "x",\n    "annotations": {"signet.dev/sealed-with": "${FP}"}`),
      );
    }
  });
});
