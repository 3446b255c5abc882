import { EXIT_OK, exitCodeOf, messageOf } from "../exit.js";
import type { FlagSpec, ParsedFlags } from "../flags.js";
import { FLAGS, FlagError, parseFlags, usage } from "../flags.js";
import type { Io } from "../io.js";
import type { CliOptions } from "../options.js";
import { toOptions } from "../options.js";

export { EXIT_FAILED, EXIT_OK, EXIT_STALE, EXIT_USAGE, messageOf, UsageError } from "../exit.js";

/** One subcommand: `signet NAME ...`; returns its exit code and never exits the process. */
export type Subcommand = (argv: readonly string[], io: Io) => Promise<number>;

/** The kubectl-style connection flags and controller location, reused from the top level. */
const CLUSTER_FLAG_NAMES = new Set([
  "as",
  "as-group",
  "as-uid",
  "certificate-authority",
  "client-certificate",
  "client-key",
  "cluster",
  "context",
  "controller-name",
  "controller-namespace",
  "insecure-skip-tls-verify",
  "kubeconfig",
  "namespace",
  "password",
  "request-timeout",
  "server",
  "tls-server-name",
  "token",
  "user",
  "username",
]);

/** Top-level flag specs by name, for subcommand tables that share them. */
export function topLevelFlags(names: readonly string[]): FlagSpec[] {
  return FLAGS.filter((f) => names.includes(f.name));
}

export const CLUSTER_FLAGS: readonly FlagSpec[] = FLAGS.filter((f) =>
  CLUSTER_FLAG_NAMES.has(f.name),
);

export const HELP_FLAG: FlagSpec = {
  name: "help",
  short: "h",
  kind: "bool",
  default: false,
  usage: "Print this help message",
};

/** A subcommand's parsed command line: the shared typed options plus its own raw values. */
export interface SubcommandArgs {
  options: CliOptions;
  flags: ParsedFlags;
  args: string[];
}

export interface SubcommandSpec {
  /** `signet reseal`, for messages. */
  name: string;
  /** Synopsis and description printed above the flags by `--help`. */
  help: string;
  flags: readonly FlagSpec[];
}

/**
 * Parses a subcommand's argv with its own flag table (pflag semantics, SEALED_SECRETS_* env for
 * the shared flags). Returns the exit code instead when it printed help or a usage error.
 */
export function parseSubcommand(
  spec: SubcommandSpec,
  argv: readonly string[],
  io: Io,
): SubcommandArgs | number {
  const text = (): string => usage(io.program, spec.flags, `${spec.help.trimEnd()}\n\nFlags:`);
  let flags: ParsedFlags;
  try {
    flags = parseFlags(argv, io.env, spec.flags);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    io.writeStderr(`${err.message}\n${text()}`);
    return exitCodeOf(err);
  }
  if (flags.values.get("help") === true) {
    io.writeStdout(text());
    return EXIT_OK;
  }
  return { options: toOptions(flags), flags, args: flags.args };
}

/** A string flag of a subcommand's own table. */
export function stringFlag(flags: ParsedFlags, name: string): string {
  return String(flags.values.get(name) ?? "");
}

/** A repeatable flag of a subcommand's own table. */
export function arrayFlag(flags: ParsedFlags, name: string): string[] {
  const value = flags.values.get(name);
  return Array.isArray(value) ? value : [];
}

/** `--exclude GLOB` of the subcommands that walk directories. */
export const EXCLUDE_FLAG: FlagSpec = {
  name: "exclude",
  kind: "array",
  default: "",
  noEnv: true,
  usage:
    "Leave out paths matching this glob (repeatable): without '/' it matches a file or directory name at any depth ('*.tmpl.yaml', 'charts'); with '/' the path under the PATH argument or as given ('apps/*/old/**')",
};

/** A bool flag of a subcommand's own table. */
export function boolFlag(flags: ParsedFlags, name: string): boolean {
  return flags.values.get(name) === true;
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

/** A subcommand's own bool flag (not read from SEALED_SECRETS_*). */
export function boolSpec(name: string, usage: string, short?: string): FlagSpec {
  return { name, kind: "bool", default: false, noEnv: true, usage, ...(short && { short }) };
}

/** A subcommand's own string flag (not read from SEALED_SECRETS_*). */
export function stringSpec(
  name: string,
  usage: string,
  extra: Partial<Pick<FlagSpec, "short" | "choices" | "default">> = {},
): FlagSpec {
  return { name, kind: "string", default: "", noEnv: true, usage, ...extra };
}

/** A flag table in name order, as pflag prints it. */
export function flagTable(flags: readonly FlagSpec[]): readonly FlagSpec[] {
  return [...flags].sort((a, b) => (a.name < b.name ? -1 : 1));
}
