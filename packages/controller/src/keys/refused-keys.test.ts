import { describe, expect, it } from "vitest";

import { RefusedKeySecrets } from "./refused-keys.js";

describe("refused key Secrets", () => {
  it("counts each refused Secret once per reason, and forgets Secrets that were fixed", () => {
    const refused = new RefusedKeySecrets();
    expect(refused.counts()).toEqual({ unreadable: 0, weak: 0, "sealedsecret-output": 0 });
    expect(refused.record("a", "weak")).toBe(true);
    expect(refused.record("a", "weak")).toBe(false);
    expect(refused.record("b", "sealedsecret-output")).toBe(true);
    expect(refused.counts()).toEqual({ unreadable: 0, weak: 1, "sealedsecret-output": 1 });
    expect(refused.record("a", undefined)).toBe(true);
    expect(refused.record("never-refused", undefined)).toBe(false);
    expect(refused.counts()).toEqual({ unreadable: 0, weak: 0, "sealedsecret-output": 1 });
  });

  it("moves a Secret to its latest reason", () => {
    const refused = new RefusedKeySecrets();
    refused.record("a", "unreadable");
    expect(refused.record("a", "weak")).toBe(true);
    expect(refused.counts()).toMatchObject({ unreadable: 0, weak: 1 });
  });
});
