import type { SignetErrorCode } from "../errors.js";

/**
 * Internal failure raised while executing a template. Messages are built only from template
 * source, function names, Go type names and counts: never from a data value (the leak rule of
 * SECURITY.md, "What Signet guarantees"; "Errors and the leak rule" in README.md). renderTemplates
 * turns it into a TemplateFailure.
 */
export class TemplateFault extends Error {
  readonly code: SignetErrorCode;

  constructor(code: SignetErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Execution error (Go's `error calling x: ...` class). */
export function execFault(message: string): TemplateFault {
  return new TemplateFault("ERR_TEMPLATE_EXEC", message);
}

/** Budget exhausted: output size, steps, depth or time. */
export function budgetFault(message: string): TemplateFault {
  return new TemplateFault("ERR_TEMPLATE_BUDGET", message);
}

/** A function Signet deliberately does not run. */
export function refusedFault(message: string): TemplateFault {
  return new TemplateFault("ERR_TEMPLATE_REFUSED", message);
}
