import { renderTemplates } from "@signet/core";
import type { TemplateRenderer } from "@signet/core";

import type { Io } from "./io.js";

/**
 * The renderer for `spec.template.data` in `--recovery-unseal`: the sandboxed Go text/template +
 * sprig engine of core, with the process clock and randomness, and the default budgets.
 */
export function templateRenderer(io: Io): TemplateRenderer {
  return (templates, values) =>
    renderTemplates(templates, values, { now: () => io.now(), random: io.random });
}
