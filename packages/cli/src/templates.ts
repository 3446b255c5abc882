import type { TemplateRenderer } from "@signet/core";

import type { Io } from "./io.js";

/**
 * The template renderer for `spec.template.data`. The engine (issue 5) plugs in here; until it
 * lands, templated SealedSecrets fail with a clear per-key message and nothing else is affected.
 */
export function templateRenderer(_io: Io): TemplateRenderer | undefined {
  return undefined;
}
