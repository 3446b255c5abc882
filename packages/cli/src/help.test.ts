import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

import { usage } from "./flags.js";
import { commandsSection, topLevelHelp } from "./help.js";
import { run } from "./run.js";
import { SUBCOMMAND_NAMES, SUBCOMMAND_SUMMARIES } from "./subcommands/names.js";
import { memoryIo } from "./test-support/memory-io.js";

async function signet(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  // No kubeconfig, no stdin, no files: anything reaching for a cluster or input would fail.
  const io = memoryIo({ env: { KUBECONFIG: "/nonexistent/kubeconfig" } });
  const code = await run(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe("signet --help lists the commands", () => {
  it("prints kubeseal's usage text unchanged, then one line per command", () => {
    const text = topLevelHelp("signet");
    expect(text.startsWith(usage("signet"))).toBe(true);
    const section = text.slice(usage("signet").length);
    expect(section).toBe(commandsSection("signet"));
    for (const name of SUBCOMMAND_NAMES) {
      expect(section).toContain(`\n  ${name.padEnd(10)}${SUBCOMMAND_SUMMARIES[name]}\n`);
    }
    expect(section).toMatch(/\n {2}help {6}Print this help, or a command's help/);
  });

  it.each(["inspect", "keys", "lint", "reseal", "ui"])("has a one-line summary for %s", (name) => {
    expect(SUBCOMMAND_NAMES).toContain(name);
    const summary = SUBCOMMAND_SUMMARIES[name as keyof typeof SUBCOMMAND_SUMMARIES];
    expect(summary).toMatch(/^\S.{10,90}$/);
  });
});

describe("signet --help points at named recipients as the docs describe them", () => {
  it("names the --cert NAME=SOURCE form, {name} and the annotation that docs/recipients.md defines", () => {
    const docs = readFileSync(new URL("../../../docs/recipients.md", import.meta.url), "utf8");
    const section = commandsSection("signet");
    for (const term of ["--cert NAME=SOURCE", "{name}", "signet.dev/recipient"]) {
      expect(section).toContain(term);
      expect(docs).toContain(term);
    }
  });
});

describe("signet help [COMMAND]", () => {
  const TOP = topLevelHelp("signet");
  it.each([
    ["--help", ["--help"]],
    ["-h", ["-h"]],
    ["help", ["help"]],
    ["help --help", ["help", "--help"]],
    ["help -h", ["help", "-h"]],
    ["help help", ["help", "help"]],
  ])("signet %s prints the top-level help and exits 0", async (_, argv) => {
    expect(await signet(argv)).toEqual({ code: 0, out: TOP, err: "" });
  });

  it.each([
    ["reseal", ["help", "reseal"], ["reseal", "--help"]],
    ["inspect", ["help", "inspect"], ["inspect", "--help"]],
    ["keys", ["help", "keys"], ["keys", "--help"]],
    ["ui", ["help", "ui"], ["ui", "--help"]],
    ["lint", ["help", "lint"], ["lint", "--help"]],
    ["keys with an action", ["help", "keys", "list"], ["keys", "-h"]],
  ])("signet help %s prints what the command's --help prints", async (_, argv, same) => {
    const help = await signet(argv);
    expect(help).toEqual(await signet(same));
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: signet /);
  });

  it.each([
    ["an unknown command", ["help", "nosuch"], "nosuch"],
    ["a kubeseal flag taken as a command", ["help", "--raw"], "--raw"],
  ])("refuses %s with a clear error and exit 2", async (_, argv, topic) => {
    const { code, out, err } = await signet(argv);
    expect({ code, out }).toEqual({ code: 2, out: "" });
    expect(err).toBe(
      `error: unknown command "${topic}" for "signet help": the commands are inspect, keys, lint, reseal, ui (see signet --help)\n`,
    );
  });

  it("keeps a flag error's usage text kubeseal's alone", async () => {
    const { code, err } = await signet(["--nope"]);
    expect(code).toBe(2);
    expect(err).toBe(`unknown flag: --nope\n${usage("signet")}`);
  });
});
