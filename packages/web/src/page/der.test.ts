import { describe, expect, it } from "vitest";

import { children, DerError, derTime, oidText, readElement, TAG } from "./der.js";

const bytes = (...b: number[]): Uint8Array<ArrayBuffer> => new Uint8Array(b);

describe("the DER reader", () => {
  it("reads short and long lengths", () => {
    const long = new Uint8Array(3 + 200);
    long.set([0x04, 0x81, 200]);
    expect(readElement(long, 0)).toMatchObject({ tag: 0x04, contentStart: 3, end: 203 });
    expect(readElement(bytes(0x30, 0x03, 0x02, 0x01, 0x05), 0)).toMatchObject({ end: 5 });
    expect(
      children(readElement(bytes(0x30, 0x07, 0x02, 0x01, 0x05, 0x05, 0x00, 0x04, 0x00), 0)).length,
    ).toBe(3);
  });

  it.each([
    ["a truncated header", bytes(0x30)],
    ["indefinite length", bytes(0x30, 0x80, 0x00, 0x00)],
    ["a length past the end", bytes(0x04, 0x05, 0x00)],
    ["a long length past the end", bytes(0x04, 0x82, 0x01)],
    ["a length of more than four octets", bytes(0x04, 0x85, 1, 1, 1, 1, 1)],
    ["a high tag number", bytes(0x1f, 0x81, 0x01, 0x00)],
  ])("refuses %s", (_, input) => {
    expect(() => readElement(input, 0)).toThrow(DerError);
  });

  it("refuses a child that runs past its parent", () => {
    const parent = readElement(bytes(0x30, 0x02, 0x04, 0x05, 0x00, 0x00, 0x00, 0x00), 0);
    expect(() => children(parent)).toThrow(DerError);
  });

  it.each([
    [[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01], "1.2.840.113549.1.1.1"],
    [[0x55, 0x04, 0x03], "2.5.4.3"],
    [[0x2b, 0x65, 0x70], "1.3.101.112"],
    [[0x88, 0x37, 0x01], "2.999.1"],
  ])("reads OID %j as %s", (input, text) => {
    expect(oidText(new Uint8Array(input))).toBe(text);
  });

  it.each([
    [TAG.UTC_TIME, "491231235959Z", "2049-12-31T23:59:59.000Z"],
    [TAG.UTC_TIME, "500101000000Z", "1950-01-01T00:00:00.000Z"],
    [TAG.GENERALIZED_TIME, "21090123163926Z", "2109-01-23T16:39:26.000Z"],
  ])("reads time %s %s", (tag, text, iso) => {
    const encoded = new Uint8Array([tag, text.length, ...new TextEncoder().encode(text)]);
    expect(derTime(readElement(encoded, 0)).toISOString()).toBe(iso);
  });

  it.each([
    [TAG.UTC_TIME, "4912312359Z"],
    [TAG.GENERALIZED_TIME, "21090123163926"],
    [TAG.UTF8_STRING, "491231235959Z"],
  ])("refuses time %s %s", (tag, text) => {
    const encoded = new Uint8Array([tag, text.length, ...new TextEncoder().encode(text)]);
    expect(() => derTime(readElement(encoded, 0))).toThrow(DerError);
  });
});
