import { describe, expect, it } from "vitest";

import { SEALED_WITH_ANNOTATION } from "./constants.js";
import { keyHint, keyHintMatches, withKeyHint } from "./hint.js";
import type { SealedSecret } from "./model.js";

const ss = (annotations?: Record<string, string>): SealedSecret => ({
  metadata: { name: "a", namespace: "b", ...(annotations && { annotations }) },
  spec: { encryptedData: {} },
});

describe("seal-time key hint", () => {
  it("reads the annotation, treating an empty value as absent", () => {
    expect(keyHint(ss())).toBeUndefined();
    expect(keyHint(ss({ [SEALED_WITH_ANNOTATION]: "" }))).toBeUndefined();
    expect(keyHint(ss({ [SEALED_WITH_ANNOTATION]: "SHA256:x" }))).toBe("SHA256:x");
  });

  it("tells match, mismatch and none", () => {
    expect(keyHintMatches(ss({ [SEALED_WITH_ANNOTATION]: "SHA256:x" }), "SHA256:x")).toBe("match");
    expect(keyHintMatches(ss({ [SEALED_WITH_ANNOTATION]: "SHA256:y" }), "SHA256:x")).toBe(
      "mismatch",
    );
    expect(keyHintMatches(ss(), "SHA256:x")).toBe("none");
  });

  it("adds the hint without touching other annotations or the input", () => {
    const input = ss({ "sealedsecrets.bitnami.com/namespace-wide": "true" });
    const hinted = withKeyHint(input, "SHA256:x");
    expect(hinted.metadata.annotations).toEqual({
      "sealedsecrets.bitnami.com/namespace-wide": "true",
      [SEALED_WITH_ANNOTATION]: "SHA256:x",
    });
    expect(input.metadata.annotations).not.toHaveProperty(SEALED_WITH_ANNOTATION);
  });
});
