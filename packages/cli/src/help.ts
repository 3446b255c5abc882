import { EXIT_OK, UsageError } from "./exit.js";
import { usage } from "./flags.js";
import type { Io } from "./io.js";
import { isSubcommandName, SUBCOMMAND_NAMES, SUBCOMMAND_SUMMARIES } from "./subcommands/names.js";

/** The pseudo-command `signet help [COMMAND]`. */
export const HELP_COMMAND = "help";

const HELP_SUMMARY = "Print this help, or a command's help (signet help COMMAND)";

/** The `Commands:` section `--help` prints after kubeseal's usage text: one line per command. */
export function commandsSection(program: string): string {
  const rows: [string, string][] = [
    ...SUBCOMMAND_NAMES.map((name): [string, string] => [name, SUBCOMMAND_SUMMARIES[name]]),
    [HELP_COMMAND, HELP_SUMMARY.replace("signet", program)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length)) + 3;
  const lines = rows.map(([name, summary]) => `  ${name.padEnd(width)}${summary}\n`);
  return (
    `\nCommands (${program} COMMAND [flags] [ARGS]):\n${lines.join("")}` +
    `\nRun '${program} help COMMAND' or '${program} COMMAND --help' for a command's flags.\n` +
    `Seal for several clusters with --cert NAME=SOURCE, repeated: -w 'clusters/{name}/x.yaml'\n` +
    `writes one file per recipient, without {name} one stream annotated signet.dev/recipient.\n`
  );
}

/**
 * `signet --help`: kubeseal's usage text, byte for byte as kubeseal prints it (a flag error prints
 * only that), then Signet's commands.
 */
export function topLevelHelp(program: string): string {
  return usage(program) + commandsSection(program);
}

/**
 * What `signet help ARGS...` does: print the top-level help (no argument, or a help flag), or
 * run a command with `--help` (`signet help reseal` is `signet reseal --help`, further arguments
 * kept); an unknown command is a usage error. Never touches a cluster.
 */
export function helpRequest(
  args: readonly string[],
  io: Pick<Io, "program" | "writeStdout">,
): { code: number } | { argv: string[] } {
  const [topic, ...rest] = args;
  if (topic === undefined || topic === HELP_COMMAND || topic === "-h" || topic === "--help") {
    io.writeStdout(topLevelHelp(io.program));
    return { code: EXIT_OK };
  }
  if (isSubcommandName(topic)) return { argv: [topic, ...rest, "--help"] };
  throw new UsageError(
    `unknown command "${topic}" for "${io.program} help": the commands are ${SUBCOMMAND_NAMES.join(", ")} (see ${io.program} --help)`,
  );
}
