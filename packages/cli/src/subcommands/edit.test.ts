import { describe, expect, it } from "vitest";

import { applyObjectEdits } from "./edit.js";
import { parseManifest } from "./manifests.js";

const FP = "SHA256:abc+/def";

/** Replaces item `a` of every SealedSecret with NEW and records the hint. */
function edit(text: string, path = "f.yaml"): string {
  const file = parseManifest(path, text);
  const edits = file.sealedSecrets.map((found) => ({ found, values: { a: "NEW" }, hint: FP }));
  return applyObjectEdits(file, edits);
}

const SS = (meta: string, data: string): string =>
  `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n${meta}spec:\n  encryptedData:\n${data}`;

describe("in-place edits of sealed files", () => {
  it("keeps the quoting of each value and every other byte", () => {
    const text = SS(
      "metadata:\n  name: x   # odd spacing kept\n  namespace: y\n",
      "    a: \"OLD\"   # trailing comment\n    b: 'KEEP'\n",
    );
    expect(edit(text)).toBe(
      SS(
        `metadata:\n  annotations:\n    signet.dev/sealed-with: ${FP}\n  name: x   # odd spacing kept\n  namespace: y\n`,
        "    a: \"NEW\"   # trailing comment\n    b: 'KEEP'\n",
      ),
    );
  });

  it("appends the hint to an existing annotations map and replaces an existing hint in place", () => {
    const meta =
      'metadata:\n    annotations:\n        sealedsecrets.bitnami.com/namespace-wide: "true"\n    name: x\n';
    expect(edit(SS(meta, "    a: OLD\n"))).toBe(
      SS(
        `metadata:\n    annotations:\n        sealedsecrets.bitnami.com/namespace-wide: "true"\n        signet.dev/sealed-with: ${FP}\n    name: x\n`,
        "    a: NEW\n",
      ),
    );
    const hinted = SS(
      "metadata:\n  annotations:\n    signet.dev/sealed-with: 'SHA256:old'\n",
      "    a: OLD\n",
    );
    expect(edit(hinted)).toBe(
      SS(`metadata:\n  annotations:\n    signet.dev/sealed-with: '${FP}'\n`, "    a: NEW\n"),
    );
  });

  it("edits flow maps in place and leaves a flow metadata without a hint", () => {
    const text = SS("metadata: {name: x, namespace: y}\n", "    {a: OLD, b: KEEP}\n").replace(
      "encryptedData:\n    {",
      "encryptedData: {",
    );
    expect(edit(text)).toBe(text.replace("a: OLD", "a: NEW"));
  });

  it("keeps CRLF line endings", () => {
    const text = SS("metadata:\n  name: x\n", "    a: OLD\n").replace(/\n/g, "\r\n");
    const out = edit(text);
    expect(out).toBe(
      SS(
        `metadata:\n  annotations:\n    signet.dev/sealed-with: ${FP}\n  name: x\n`,
        "    a: NEW\n",
      ).replace(/\n/g, "\r\n"),
    );
  });

  it("edits the items of a List, in YAML and in JSON", () => {
    const yaml = `apiVersion: v1\nkind: List\nitems:\n- ${SS(
      "metadata:\n    name: x\n",
      "      a: OLD\n",
    )
      .split("\n")
      .join("\n  ")
      .trimEnd()}\n`;
    expect(edit(yaml)).toContain("      a: NEW\n");
    const json = JSON.stringify(
      {
        apiVersion: "v1",
        kind: "List",
        items: [
          {
            apiVersion: "bitnami.com/v1alpha1",
            kind: "SealedSecret",
            metadata: { name: "x" },
            spec: { encryptedData: { a: "OLD" } },
          },
        ],
      },
      null,
      2,
    );
    const out = JSON.parse(edit(json, "f.json")) as {
      items: {
        metadata: { annotations: Record<string, string> };
        spec: { encryptedData: { a: string } };
      }[];
    };
    expect(out.items[0]!.spec.encryptedData.a).toBe("NEW");
    expect(out.items[0]!.metadata.annotations["signet.dev/sealed-with"]).toBe(FP);
  });

  it("keeps a JSON stream's other values, compact style and Go escapes", () => {
    const ss = `{"kind":"SealedSecret","apiVersion":"bitnami.com/v1alpha1","metadata":{"name":"x","annotations":{"n":"\\u003c"}},"spec":{"encryptedData":{"a":"OLD"}}}`;
    const text = `{"kind": "ConfigMap"}\n${ss}\n`;
    const out = edit(text, "f.json");
    expect(out.startsWith('{"kind": "ConfigMap"}\n{"kind":"SealedSecret"')).toBe(true);
    expect(out).toContain('"n":"\\u003c"');
    expect(out).toContain('"a":"NEW"');
  });

  it("refuses a block scalar ciphertext instead of reformatting it", () => {
    const text = SS("metadata:\n  name: x\n", "    a: |\n      OLD\n");
    expect(() => edit(text)).toThrow(/a is a block scalar/);
  });

  it("reports a SealedSecret without a usable shape as a problem of that object only", () => {
    const file = parseManifest(
      "f.yaml",
      `${SS("metadata:\n  name: ok\n", "    a: OLD\n")}---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: bad\nspec:\n  encryptedData:\n    a: [1]\n`,
    );
    expect(file.sealedSecrets.map((f) => [f.label, f.problem])).toEqual([
      ["ok", undefined],
      ["bad", "spec.encryptedData.a must be a string"],
    ]);
  });
});
