import { SignetError } from "@signet/core";

import { FlagError } from "./flags.js";

/**
 * The one mapping from how a command ended to the process's exit code (documented in each
 * `--help`): 0 success, 1 failure, 2 usage error (a bad flag or argument, as pflag and cobra
 * exit), 3 "nothing failed, but CI should stop": `signet reseal --check` found something stale,
 * `signet lint --strict` found warnings only. Every command returns one of these; only
 * `main.ts` hands it to the process.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** `signet reseal --check`: something is stale (nothing was written). */
export const EXIT_STALE = 3;
/** `signet lint --strict`: warnings but no errors (same code as a stale `--check`: CI stops). */
export const EXIT_LINT_WARNINGS = 3;

/** A usage error of a subcommand (a missing or extra argument): exit 2, like a bad flag. */
export class UsageError extends SignetError {
  constructor(message: string) {
    super("ERR_INVALID_FLAG", message);
  }
}

/**
 * The exit code of a command that threw `err`: usage errors (flag parsing, a subcommand's
 * arguments) exit 2; everything else, including kubeseal's own flag-combination errors raised
 * while running (`--from-file requires --raw`), exits 1 as kubeseal's `RunE` errors do.
 */
export function exitCodeOf(err: unknown): number {
  return err instanceof FlagError || err instanceof UsageError ? EXIT_USAGE : EXIT_FAILED;
}

/** The message of any thrown value, as `error: <message>` prints it. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
