import { describe, expect, it } from "vitest";

import { goBinaryToString, goBytesToString, goStringBytes, withoutByteMarkers } from "./go-utf8.js";
import { goJsonString } from "./json-tree.js";
import { compareCodePoints } from "./sigs-yaml.js";

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe("bytes of a !!binary string that are not UTF-8", () => {
  it.each([
    ["one bad byte", bytes(0xff), '"\\ufffd"', "\ufffd"],
    ["a cut-off sequence, byte by byte", bytes(0xc3, 0x29), '"\\ufffd)"', "\ufffd)"],
    ["valid text around a bad byte", bytes(0x61, 0xb6, 0xc3, 0xa9), '"a\\ufffdé"', "a\ufffdé"],
    ["a real U+FFFD (written as itself)", bytes(0xef, 0xbf, 0xbd), '"\ufffd"', "\ufffd"],
    ["an astral character (no marker)", bytes(0xf0, 0x9f, 0x98, 0x80), '"😀"', "😀"],
  ])(
    "%s: JSON text as encoding/json writes it, U+FFFD after its round trip",
    (_, b, json, text) => {
      const s = goBinaryToString(b);
      expect(goJsonString(s)).toBe(json);
      expect(withoutByteMarkers(s)).toBe(text);
      expect(goStringBytes(s)).toEqual(b);
    },
  );

  it("text decoded from a reader's bytes never holds a marker", () => {
    expect(goBytesToString(bytes(0xff, 0x61))).toBe("\ufffda");
  });

  it.each([
    ["a bad byte sorts by its value, after a two-byte character", bytes(0xff), bytes(0xc3, 0xbf)],
    ["a cut-off lead byte sorts before the full sequence", bytes(0xc3, 0xbf), bytes(0xc3, 0x29)],
    ["a bad byte sorts after a real U+FFFD", bytes(0xff), bytes(0xef, 0xbf, 0xbd)],
  ])("keys compare by their bytes, as Go sorts them: %s", (_, later, earlier) => {
    const [a, b] = [goBinaryToString(later), goBinaryToString(earlier)];
    expect(compareCodePoints(a, b)).toBeGreaterThan(0);
    expect(compareCodePoints(b, a)).toBeLessThan(0);
  });
});
