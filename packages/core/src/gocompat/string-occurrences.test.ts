import { describe, expect, it } from "vitest";

import { flag } from "./flag.js";
import { parseFlags } from "./parse.js";
import { flagUsages } from "./usage.js";

const GROUP = { cert: flag.stringOccurrences("cert", "Certificate file") };
const parse = (argv: string[], env: Record<string, string> = {}): string[] =>
  parseFlags(GROUP, argv, { env, envPrefix: "SEALED_SECRETS" }).values.cert;

describe("a string flag that keeps every occurrence", () => {
  it.each([
    ["absent", [], {}, []],
    ["given once", ["--cert", "a"], {}, ["a"]],
    ["given twice, in order", ["--cert", "a", "--cert=b"], {}, ["a", "b"]],
    ["from the environment only", [], { SEALED_SECRETS_CERT: "e" }, ["e"]],
    [
      "environment replaced by the command line",
      ["--cert", "a"],
      { SEALED_SECRETS_CERT: "e" },
      ["a"],
    ],
    ["a comma is not a separator", ["--cert", "a,b"], {}, ["a,b"]],
  ])("%s", (_, argv, env, expected) => {
    expect(parse(argv, env)).toEqual(expected);
  });

  it("prints in usage as a plain string flag, without a default", () => {
    expect(flagUsages(GROUP)).toBe("      --cert string   Certificate file\n");
  });
});
