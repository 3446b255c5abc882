import { describe, expect, it } from "vitest";

import { SignetError } from "@signet/core";

import { ControllerApiError } from "./cluster/controller-api.js";
import { EXIT_FAILED, EXIT_USAGE, exitCodeOf, messageOf, UsageError } from "./exit.js";
import { FlagError } from "./flags.js";
import { guarded } from "./subcommands/common.js";
import { memoryIo } from "./test-support/memory-io.js";
import { run } from "./run.js";

// One mapping from errors to exit codes, for the top level and every subcommand.

describe("exitCodeOf", () => {
  it.each<[string, unknown, number]>([
    ["a bad flag (pflag's error)", new FlagError("unknown flag: --nope"), EXIT_USAGE],
    ["a subcommand's usage error", new UsageError("signet reseal needs at least one PATH"), 2],
    [
      "kubeseal's flag-combination error raised while running",
      new SignetError("ERR_INVALID_FLAG", "--from-file requires --raw"),
      EXIT_FAILED,
    ],
    ["a decryption failure", new SignetError("ERR_UNSEAL", "no key could decrypt secret"), 1],
    ["a controller API refusal", new ControllerApiError(429, "limit exceeded"), 1],
    ["any other error", new TypeError("x is undefined"), 1],
    ["a thrown string", "boom", 1],
  ])("exits %s with the right code", (_, err, code) => {
    expect(exitCodeOf(err)).toBe(code);
  });

  it.each<[unknown, string]>([
    [
      new SignetError("ERR_IO", "open x: no such file or directory"),
      "open x: no such file or directory",
    ],
    [new Error("plain"), "plain"],
    ["text", "text"],
    [42, "42"],
  ])("prints the message of %o as %s", (err, text) => {
    expect(messageOf(err)).toBe(text);
  });
});

describe("the exit codes commands return", () => {
  it.each<[string, () => Promise<unknown>, number]>([
    [
      "a usage error",
      () => Promise.reject(new UsageError("signet inspect needs at least one FILE")),
      2,
    ],
    ["a failure", () => Promise.reject(new SignetError("ERR_IO", "open a: denied")), 1],
    ["success", () => Promise.resolve(0), 0],
  ])("a subcommand body ending in %s exits %i", async (_, body, code) => {
    const io = memoryIo({});
    expect(await guarded(io, () => body() as Promise<number>)).toBe(code);
  });

  it.each<[string, string[], number, RegExp]>([
    ["an unknown flag", ["--nope"], 2, /^unknown flag: --nope\nUsage of signet/],
    [
      "a flag combination kubeseal refuses at run time",
      ["--from-file", "x"],
      1,
      /^error: --from-file requires --raw/,
    ],
    [
      "a subcommand without its argument",
      ["inspect"],
      2,
      /^error: signet inspect needs at least one FILE/,
    ],
  ])("the top level exits %s with the shared mapping", async (_, argv, code, stderr) => {
    const io = memoryIo({});
    expect(await run(argv, io)).toBe(code);
    expect(io.stderr()).toMatch(stderr);
  });
});
