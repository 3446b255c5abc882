import { flag } from "@signet/core";
import type { Flag, FlagGroup, FlagValues } from "@signet/core";

import { EXIT_OK, exitCodeOf, messageOf } from "../exit.js";
import { FlagError, parseCommandLine, usageLines } from "../flags.js";
import type { Io } from "../io.js";

export { EXIT_FAILED, EXIT_OK, EXIT_STALE, EXIT_USAGE, messageOf, UsageError } from "../exit.js";

/** One subcommand: `signet NAME ...`; returns its exit code and never exits the process. */
export type Subcommand = (argv: readonly string[], io: Io) => Promise<number>;

/** `-h, --help` of every subcommand. */
export const HELP_FLAG = flag.bool("help", false, "Print this help message", { shorthand: "h" });

/** `--exclude GLOB` of the subcommands that walk directories. */
export const EXCLUDE_FLAG = flag.stringArray(
  "exclude",
  "Leave out paths matching this glob (repeatable): without '/' it matches a file or directory name at any depth ('*.tmpl.yaml', 'charts'); with '/' the path under the PATH argument or as given ('apps/*/old/**')",
  { noEnv: true },
);

/** A subcommand's parsed command line: its typed flags and its arguments. */
export interface SubcommandArgs<G extends FlagGroup> {
  values: FlagValues<G>;
  args: readonly string[];
  /** Whether a flag was given on the command line (pflag `Changed`). */
  changed: ReadonlySet<string>;
}

export interface SubcommandSpec<G extends FlagGroup> {
  /** `signet reseal`, for messages. */
  name: string;
  /** Synopsis and description printed above the flags by `--help`. */
  help: string;
  /** The subcommand's flags, `help` among them. */
  flags: G;
}

/**
 * Parses a subcommand's argv with its own flag group (pflag semantics, SEALED_SECRETS_* env for
 * the shared flags). Returns the exit code instead when it printed help or a usage error.
 */
export function parseSubcommand<G extends FlagGroup & { help: Flag<boolean> }>(
  spec: SubcommandSpec<G>,
  argv: readonly string[],
  io: Io,
): SubcommandArgs<G> | number {
  const text = (): string => `${spec.help.trimEnd()}\n\nFlags:\n${usageLines(spec.flags)}`;
  const parsed = parseCommandLine(spec.flags, argv, io, text);
  if (parsed instanceof FlagError) return exitCodeOf(parsed);
  if (parsed.values.help === true || parsed.helpRequested) {
    io.writeStdout(text());
    return EXIT_OK;
  }
  return { values: parsed.values, args: parsed.args, changed: parsed.changed };
}

/** Runs a subcommand body, printing `error: ...` and mapping errors to exit codes. */
export async function guarded(io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    io.writeStderr(`error: ${messageOf(err)}\n`);
    return exitCodeOf(err);
  }
}
