import { describe, expect, it } from "vitest";

import { decodeGoBase64 } from "./go-base64.js";

/**
 * Go's results (`base64.StdEncoding.DecodeString`) for a few cases; the decoder itself is compared
 * with Go on every `data` value of the yaml-diff corpus (test/yaml-diff).
 */
describe("Go's base64 decoding of a Secret's data value", () => {
  it.each([
    ["a full quantum", "YWJj", "abc"],
    ["one padded byte", "YQ==", "a"],
    ["two padded bytes", "YWI=", "ab"],
    ["line breaks anywhere, padding included", "YW\nI\r\n=", "ab"],
    ["nothing", "", ""],
  ])("decodes %s", (_, input, text) => {
    expect(Buffer.from(decodeGoBase64(input) as Uint8Array).toString()).toBe(text);
  });

  it.each([
    ["a missing padding (Go points at the quantum)", "YWI", 0],
    ["a character outside the alphabet", "YW-j", 2],
    ["bytes after the padding", "YQ==YQ==", 4],
    ["a lone padding", "=", 0],
  ])("reports %s at Go's offset", (_, input, offset) => {
    expect(decodeGoBase64(input)).toEqual({ illegalAt: offset });
  });

  it("returns exactly the decoded bytes of a large value, with line breaks left out", () => {
    const bytes = Buffer.alloc(768_001, 0xf0);
    const encoded = bytes.toString("base64").replace(/(.{76})/g, "$1\n");
    const decoded = decodeGoBase64(encoded) as Uint8Array;
    expect(decoded).toBeInstanceOf(Uint8Array);
    expect(decoded.length).toBe(768_001);
    expect(Buffer.from(decoded).equals(bytes)).toBe(true);
  });
});
