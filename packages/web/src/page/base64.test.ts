import { describe, expect, it } from "vitest";

import { decodeStdBase64 } from "@signet/core";

import { base64ToBytes, bytesToBase64 } from "./base64.js";

describe("base64 without Buffer", () => {
  it.each([0, 1, 2, 3, 100, 65_537])("round-trips %i bytes as Buffer does", (size) => {
    const bytes = new Uint8Array(size).map((_, i) => (i * 31) % 256);
    const encoded = bytesToBase64(bytes);
    expect(encoded).toBe(Buffer.from(bytes).toString("base64"));
    expect(base64ToBytes(encoded)).toEqual(bytes);
  });

  it.each(["YQ==", "YWI=", "YWJj", "YW\r\nJj", ""])("accepts %j like core's decoder", (text) => {
    const core = decodeStdBase64(text);
    expect(Buffer.isBuffer(core)).toBe(true);
    expect(Buffer.from(base64ToBytes(text)!)).toEqual(core);
  });

  it.each(["YQ", "Y===", "YW-j", "YW_j", "YQ==YQ==", "a b=", "!!!!"])(
    "refuses %j like core's decoder",
    (text) => {
      expect(Buffer.isBuffer(decodeStdBase64(text))).toBe(false);
      expect(base64ToBytes(text)).toBeUndefined();
    },
  );
});
