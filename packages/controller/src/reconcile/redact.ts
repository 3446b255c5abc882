import type { TemplateRenderer } from "@signet/core";

/** Values shorter than this are not searched for (they would match ordinary words). */
export const MIN_REDACTED_VALUE_LENGTH = 3;

export const WITHHELD_TEMPLATE_MESSAGE =
  "template failed (details withheld: they quoted secret data)";

/** The forms a value could appear in: as text, standard and URL-safe base64, hex. */
export function valueForms(value: Uint8Array): string[] {
  const bytes = Buffer.from(value);
  return [
    bytes.toString("utf8"),
    bytes.toString("base64"),
    bytes.toString("base64").replace(/=+$/, ""),
    bytes.toString("base64url"),
    bytes.toString("hex"),
    bytes.toString("hex").toUpperCase(),
  ].filter((form) => form.length >= MIN_REDACTED_VALUE_LENGTH);
}

/** True when `message` contains any form of any value. */
export function quotesAnyValue(
  message: string,
  values: Readonly<Record<string, Uint8Array>>,
): boolean {
  return Object.values(values).some((v) => valueForms(v).some((form) => message.includes(form)));
}

/**
 * Wraps the template engine so that a failure message quoting a decrypted value (sprig `fail`
 * with a value, a parse error echoing its input…) is replaced by a fixed text before it can
 * reach a status, event, log or metric (security-and-demand §3.4 item 1). Defence in depth: the
 * engine's contract already forbids such messages.
 */
export function redactingRenderer(render: TemplateRenderer): TemplateRenderer {
  return (templates, values) => {
    const result = render(templates, values);
    return {
      data: result.data,
      failures: result.failures.map((f) =>
        quotesAnyValue(f.message, values) ? { key: f.key, message: WITHHELD_TEMPLATE_MESSAGE } : f,
      ),
    };
  };
}
