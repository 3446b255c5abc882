import type { Subcommand } from "./common.js";
import { inspect } from "./inspect.js";
import { keys } from "./keys.js";
import { reseal } from "./reseal.js";

/**
 * Signet's subcommands, chosen by the first argument (`signet reseal ...`). Anything else is the
 * kubeseal-compatible top level, unchanged (kubeseal takes no positional arguments).
 */
export const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  inspect,
  keys,
  reseal,
};

/** The subcommand named by argv[0], if any. */
export function subcommandOf(argv: readonly string[]): Subcommand | undefined {
  const first = argv[0];
  return first !== undefined && Object.hasOwn(SUBCOMMANDS, first) ? SUBCOMMANDS[first] : undefined;
}
