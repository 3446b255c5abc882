import { describe, expect, it } from "vitest";

import { certChoice, readCertValue, recipientPath } from "./recipients.js";

describe("reading a --cert value", () => {
  it.each([
    ["a plain path", "cert.pem", { source: "cert.pem" }],
    ["a named file", "prod=prod.pem", { name: "prod", source: "prod.pem" }],
    [
      "a named URL",
      "eu-1=https://h/v1/cert.pem?x=1",
      { name: "eu-1", source: "https://h/v1/cert.pem?x=1" },
    ],
    [
      "a named path containing '='",
      "prod=certs/a=b.pem",
      { name: "prod", source: "certs/a=b.pem" },
    ],
    ["a URL whose query has '='", "https://h/cert.pem?v=1", { source: "https://h/cert.pem?v=1" }],
    ["a relative path with '='", "./prod=x.pem", { source: "./prod=x.pem" }],
    ["a directory path with '='", "certs/prod=x.pem", { source: "certs/prod=x.pem" }],
    ["a dotted name before '='", "my.cert=1.pem", { source: "my.cert=1.pem" }],
    ["a Windows path with '='", "C:\\a=b.pem", { source: "C:\\a=b.pem" }],
  ])("reads %s", (_, value, expected) => {
    expect(readCertValue(value)).toEqual(expected);
  });

  it.each([
    ["an uppercase name", "Prod=prod.pem", /recipient name "Prod" must be a DNS label/],
    ["an underscore", "eu_1=a.pem", /recipient name "eu_1" must be a DNS label/],
    ["a leading hyphen", "-prod=a.pem", /recipient name "-prod" must be a DNS label/],
    ["an empty name", "=a.pem", /recipient name "" must be a DNS label/],
    ["a name of 64 characters", `${"a".repeat(64)}=a.pem`, /must be a DNS label/],
    ["no source", "prod=", /recipient "prod" has no certificate file or URL/],
  ])("refuses %s, naming the flag", (_, value, message) => {
    expect(() => readCertValue(value)).toThrow(message);
    expect(() => readCertValue(value)).toThrow(/"--cert" flag/);
  });
});

describe("what several --cert occurrences mean", () => {
  it("keeps kubeseal's last-wins meaning for unnamed certificates", () => {
    expect(certChoice(["a.pem", "b.pem"])).toEqual({ source: "b.pem", recipients: [] });
    expect(certChoice([])).toEqual({ source: "", recipients: [] });
  });

  it("lists named recipients in command-line order", () => {
    expect(certChoice(["prod=p.pem", "staging=s.pem"])).toEqual({
      source: "",
      recipients: [
        { name: "prod", source: "p.pem" },
        { name: "staging", source: "s.pem" },
      ],
    });
  });

  it.each([
    ["a duplicate name", ["prod=a.pem", "prod=b.pem"], /recipient "prod" is named more than once/],
    ["named mixed with unnamed", ["prod=a.pem", "b.pem"], /cannot be mixed/],
  ])("refuses %s", (_, values, message) => {
    expect(() => certChoice(values)).toThrow(message);
  });
});

describe("a per-recipient path", () => {
  it("replaces every {name}", () => {
    expect(recipientPath("clusters/{name}/db-{name}.yaml", "prod")).toBe(
      "clusters/prod/db-prod.yaml",
    );
  });
});
