import type { Subcommand } from "./common.js";
import { inspect } from "./inspect.js";
import { keys } from "./keys.js";
import { lint } from "./lint/lint.js";
import { subcommandName } from "./names.js";
import type { SubcommandName } from "./names.js";
import { reseal } from "./reseal.js";
import { ui } from "./ui.js";

/**
 * Signet's subcommands, chosen by the first argument (`signet reseal ...`). Anything else is the
 * kubeseal-compatible top level, unchanged (kubeseal takes no positional arguments).
 */
export const SUBCOMMANDS: Readonly<Record<SubcommandName, Subcommand>> = {
  inspect,
  keys,
  lint,
  reseal,
  ui,
};

/** The subcommand named by argv[0], if any. */
export function subcommandOf(argv: readonly string[]): Subcommand | undefined {
  const name = subcommandName(argv);
  return name === undefined ? undefined : SUBCOMMANDS[name];
}
