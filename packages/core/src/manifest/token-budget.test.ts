import { describe, expect, it } from "vitest";

import { exceedsYamlTokens } from "./token-budget.js";

const SEALED = `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: a, namespace: b}
spec:
  encryptedData:
    password: AgBy3i4OJSWK+PiTySYZZA==
  template:
    data:
      ca.crt: |
${"        line of a certificate bundle\n".repeat(5_000)}`;

describe("the YAML token budget", () => {
  it.each<[string, string, number, boolean]>([
    ["a flow list of 100,000 items", `x: [${"a,".repeat(100_000)}a]`, 50_000, true],
    ["a block list of 100,000 items", `x:\n${"- a\n".repeat(100_000)}`, 50_000, true],
    ["the same JSON array", `{"x":[${"1,".repeat(100_000)}1]}`, 50_000, true],
    ["100,000 comment lines", "# c\n".repeat(100_000), 50_000, true],
    ["a SealedSecret with a 5,000-line block scalar", SEALED, 1_000, false],
    ["a short document at the limit (8 tokens, the stream's markers included)", "a: b\n", 8, false],
    ["a short document one token over", "a: b\n", 7, true],
  ])("judges %s", (_, text, limit, exceeds) => {
    expect(exceedsYamlTokens(text, limit)).toBe(exceeds);
  });
});
