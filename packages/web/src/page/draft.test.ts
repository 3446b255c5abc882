import { describe, expect, it } from "vitest";

import { checkDraft, fieldId } from "./draft.js";
import type { ItemDraft, PairDraft, SecretDraft } from "./draft.js";

const text = (id: string, key: string, value = "v"): ItemDraft => ({
  id,
  key,
  source: "text",
  text: value,
});
const pair = (id: string, key: string, value = "v"): PairDraft => ({ id, key, value });

function draft(overrides: Partial<SecretDraft> = {}): SecretDraft {
  return {
    name: "api",
    namespace: "shop",
    scope: "strict",
    type: "Opaque",
    immutable: false,
    items: [text("1", "token")],
    labels: [],
    annotations: [],
    ...overrides,
  };
}

const problems = (d: SecretDraft, mode: "new" | "merge" = "new"): [string, string][] =>
  checkDraft(d, mode, "add").problems.map((p) => [p.field, p.message]);

describe("checking what the user typed before sealing", () => {
  it("accepts a complete Secret", () => {
    expect(checkDraft(draft(), "new", "add")).toEqual({ problems: [], warnings: [] });
  });

  it.each([
    ["an empty name", { name: "" }, "name", "Enter a name."],
    ["an upper-case name", { name: "Api" }, "name", "Use lower-case letters"],
    ["a name ending in a dash", { name: "api-" }, "name", "Use lower-case letters"],
    ["a name of 254 characters", { name: "a".repeat(254) }, "name", "at most 253"],
    ["a missing namespace (strict)", { namespace: "" }, "namespace", "Enter a namespace."],
    [
      "a missing namespace (namespace-wide)",
      { namespace: "", scope: "namespace-wide" as const },
      "namespace",
      "Enter a namespace.",
    ],
    [
      "a namespace with a dot",
      { namespace: "a.b" },
      "namespace",
      "Use lower-case letters, digits and '-'",
    ],
    ["a namespace of 64 characters", { namespace: "a".repeat(64) }, "namespace", "at most 63"],
    ["a type with a space", { type: "my type" }, "type", "no spaces"],
    ["no values", { items: [text("1", "", "")] }, "add", "Add at least one value"],
    ["a key with a slash", { items: [text("1", "a/b")] }, fieldId.itemKey("1"), "letters, digits"],
    ["the key '..'", { items: [text("1", "..")] }, fieldId.itemKey("1"), "not allowed"],
    [
      "a value without a key",
      { items: [text("1", "", "x")] },
      fieldId.itemKey("1"),
      "Enter a key.",
    ],
    [
      "a key used twice",
      { items: [text("1", "a"), text("2", "a")] },
      fieldId.itemKey("2"),
      'The key "a" is used twice.',
    ],
    [
      "a file row without a file",
      { items: [{ id: "1", key: "f", source: "file" as const, text: "" }] },
      fieldId.itemValue("1"),
      "Choose a file.",
    ],
    [
      "more than 1 MiB of values",
      { items: [text("1", "a", "x".repeat(1024 * 1024 + 1))] },
      "add",
      "at most 1 MiB",
    ],
    [
      "a TLS Secret without its key",
      { type: "kubernetes.io/tls", items: [text("1", "tls.crt")] },
      "type",
      'needs "tls.key"',
    ],
    [
      "a basic-auth Secret without username or password",
      { type: "kubernetes.io/basic-auth" },
      "type",
      'needs "username" or "password"',
    ],
    [
      "a dockerconfigjson that is not JSON",
      { type: "kubernetes.io/dockerconfigjson", items: [text("1", ".dockerconfigjson", "{")] },
      "type",
      "must be valid JSON",
    ],
    [
      "a label key with two slashes",
      { labels: [pair("l", "a/b/c")] },
      fieldId.pairKey("label", "l"),
      "at most one '/'",
    ],
    [
      "a label key with a bad prefix",
      { labels: [pair("l", "Example.com/x")] },
      fieldId.pairKey("label", "l"),
      "prefix",
    ],
    [
      "a label value with a space",
      { labels: [pair("l", "app", "a b")] },
      fieldId.pairValue("label", "l"),
      "Use letters",
    ],
    [
      "a label value of 64 characters",
      { labels: [pair("l", "app", "a".repeat(64))] },
      fieldId.pairValue("label", "l"),
      "at most 63",
    ],
    [
      "an annotation given twice",
      { annotations: [pair("a", "x"), pair("b", "x")] },
      fieldId.pairKey("annotation", "b"),
      "given twice",
    ],
    [
      "a scope annotation typed by hand",
      { annotations: [pair("a", "sealedsecrets.bitnami.com/cluster-wide", "true")] },
      fieldId.pairKey("annotation", "a"),
      "Choose the scope above",
    ],
  ])("reports %s on its field", (_, overrides, field, message) => {
    const found = problems(draft(overrides));
    expect(found.map(([f]) => f)).toContain(field);
    expect(found.find(([f]) => f === field)?.[1]).toContain(message);
  });

  it.each([
    ["no namespace for a cluster-wide Secret", { scope: "cluster-wide" as const, namespace: "" }],
    ["an empty value", { items: [text("1", "empty", "")] }],
    ["a custom type", { type: "example.com/custom" }],
    [
      "annotation values of any text",
      { annotations: [pair("a", "example.com/note", "free text, with: anything")] },
    ],
    ["an empty label value", { labels: [pair("l", "app", "")] }],
    ["blank rows", { items: [text("1", "a"), text("2", "", "")], labels: [pair("l", "", "")] }],
    [
      "a complete TLS Secret",
      { type: "kubernetes.io/tls", items: [text("1", "tls.crt"), text("2", "tls.key")] },
    ],
  ])("accepts %s", (_, overrides) => {
    expect(problems(draft(overrides))).toEqual([]);
  });

  it("checks neither name, namespace nor type when merging (they are the target's)", () => {
    expect(
      problems(draft({ name: "", namespace: "", type: "kubernetes.io/tls" }), "merge"),
    ).toEqual([]);
    expect(problems(draft({ items: [] }), "merge")).toEqual([
      ["add", "Add at least one value or file to seal."],
    ]);
  });

  it("warns, without blocking, about types the Signet controller refuses by default", () => {
    const check = checkDraft(draft({ type: "kubernetes.io/service-account-token" }), "new", "add");
    expect(check.problems).toEqual([]);
    expect(check.warnings.join(" ")).toContain("--allow-privileged-secret-types");
  });
});
