import { describe, expect, it } from "vitest";

import { applyEdits, mergeEdits } from "./merge.js";
import type { SealedSecret } from "./model.js";

const existing: SealedSecret = {
  apiVersion: "bitnami.com/v1alpha1",
  kind: "SealedSecret",
  metadata: { name: "orig", namespace: "ns" },
  spec: {
    encryptedData: { a: "OLD-A", keep: "KEEP" },
    template: { metadata: { name: "orig", namespace: "ns" }, type: "Opaque" },
  },
};

function update(
  encryptedData: Record<string, string>,
  labels?: Record<string, string>,
): SealedSecret {
  return {
    metadata: { name: "orig", namespace: "ns" },
    spec: { encryptedData, template: { metadata: { labels, annotations: { note: "n" } } } },
  };
}

describe("merge into an existing SealedSecret", () => {
  it("adds a new item and template metadata, keeping untouched ciphertexts", () => {
    const merged = applyEdits(existing, mergeEdits(update({ b: "NEW-B" }, { app: "x" })));
    expect(merged.spec.encryptedData).toEqual({ a: "OLD-A", keep: "KEEP", b: "NEW-B" });
    expect(merged.spec.template?.metadata).toMatchObject({
      labels: { app: "x" },
      annotations: { note: "n" },
    });
    expect(merged.spec.template?.type).toBe("Opaque");
  });

  it("replaces an existing item (new wins) and leaves the input object untouched", () => {
    const merged = applyEdits(existing, mergeEdits(update({ a: "NEW-A" })));
    expect(merged.spec.encryptedData).toEqual({ a: "NEW-A", keep: "KEEP" });
    expect(existing.spec.encryptedData.a).toBe("OLD-A");
  });

  it("creates missing maps instead of failing on them", () => {
    const bare: SealedSecret = { metadata: { name: "x" }, spec: { encryptedData: {} } };
    const merged = applyEdits(bare, mergeEdits(update({ a: "A" }, { l: "v" })));
    expect(merged.spec.template?.metadata?.labels).toEqual({ l: "v" });
  });
});
