import { renderTemplates } from "@signet/core";
import type { TemplateRenderer } from "@signet/core";

import type { Io } from "./io.js";

/**
 * The renderer for `spec.template.data` in `--recovery-unseal`: the sandboxed Go text/template +
 * sprig engine of core, with the process clock and randomness, and the default budgets. Data-
 * dependent templates are allowed, as kubeseal's `SealedSecret.Unseal` renders them: whoever
 * holds the private key reads every value anyway, so opacity protects nothing here
 * (docs/templates.md, "Offline").
 */
export function templateRenderer(io: Io): TemplateRenderer {
  return (templates, values) =>
    renderTemplates(templates, values, {
      now: () => io.now(),
      random: io.random,
      allowDataDependent: true,
    });
}
