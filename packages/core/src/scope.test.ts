import { describe, expect, it } from "vitest";

import {
  encryptionLabel,
  parseSealingScope,
  scopeFromAnnotations,
  withScopeAnnotations,
} from "./scope.js";
import type { SealingScope } from "./scope.js";

const CW = "sealedsecrets.bitnami.com/cluster-wide";
const NW = "sealedsecrets.bitnami.com/namespace-wide";

describe("sealing scopes", () => {
  it.each<[string, SealingScope]>([
    ["strict", "strict"],
    ["namespace-wide", "namespace-wide"],
    ["cluster-wide", "cluster-wide"],
    ["", "strict"],
  ])("parses %j as %s", (text, scope) => {
    expect(parseSealingScope(text)).toBe(scope);
  });

  it("refuses an unknown scope with the reference's message and a stable code", () => {
    expect(() => parseSealingScope("global")).toThrow(
      expect.objectContaining({
        code: "ERR_INVALID_SCOPE",
        message: "must be one of: strict, namespace-wide, cluster-wide",
      }),
    );
  });

  it.each<[SealingScope, string]>([
    ["strict", "myns/myname"],
    ["namespace-wide", "myns"],
    ["cluster-wide", ""],
  ])("labels %s ciphertexts with %j", (scope, label) => {
    expect(encryptionLabel("myns", "myname", scope).toString()).toBe(label);
  });

  it.each<[string, Record<string, string> | undefined, SealingScope]>([
    ["no annotations", undefined, "strict"],
    ["cluster-wide", { [CW]: "true" }, "cluster-wide"],
    ["namespace-wide", { [NW]: "true" }, "namespace-wide"],
    ["both (cluster-wide wins)", { [CW]: "true", [NW]: "true" }, "cluster-wide"],
    ["TRUE is not true", { [CW]: "TRUE" }, "strict"],
    ["false", { [NW]: "false" }, "strict"],
    ["empty value", { [CW]: "" }, "strict"],
  ])("derives the scope from annotations: %s", (_, annotations, scope) => {
    expect(scopeFromAnnotations(annotations)).toBe(scope);
  });

  it("rewrites scope annotations to exactly the chosen one and keeps the rest", () => {
    const base = { [CW]: "true", other: "x" };
    expect(withScopeAnnotations(base, "namespace-wide")).toEqual({ other: "x", [NW]: "true" });
    expect(withScopeAnnotations(base, "strict")).toEqual({ other: "x" });
  });
});
