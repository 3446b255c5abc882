import { describe, expect, it } from "vitest";

import { decodeStdBase64 } from "./base64.js";

describe("strict standard base64", () => {
  it.each([
    ["aGVsbG8=", "hello"],
    ["aGVs\nbG8=", "hello"],
    ["", ""],
  ])("decodes %j", (text, plain) => {
    expect(decodeStdBase64(text)).toEqual(Buffer.from(plain));
  });

  it.each([
    ["aGVsbG8", 4],
    ["aGV_bG8=", 3],
    ["aG=sbG8=", 2],
    ["a-Vs", 1],
  ])("rejects %j at byte %i like Go", (text, at) => {
    expect(decodeStdBase64(text)).toEqual({ illegalAt: at });
  });
});
