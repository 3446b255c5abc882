import type { Secret } from "@signet/core";

/**
 * A value written unquoted as `!Secr3t` or `&Secr3t` is a YAML tag or anchor with no content:
 * Go (and so kubeseal and kubectl) reads an empty string, and Signet seals what Go reads. Each
 * empty `data` or `stringData` value whose key is written so in the input gets a warning naming
 * the Secret and the key, never the text. `!!` (a core tag such as `!!str`) is deliberate and
 * not warned about.
 */
export function emptyValueWarnings(text: string, secrets: readonly Secret[]): string[] {
  return secrets.flatMap((secret) =>
    (["data", "stringData"] as const).flatMap((field) =>
      Object.keys(secret[field] ?? {})
        .filter((key) => secret[field]![key] === "")
        .flatMap((key) => warning(text, secret, field, key)),
    ),
  );
}

function warning(text: string, secret: Secret, field: string, key: string): string[] {
  const indicator = propertyOnlyValue(text, key);
  if (indicator === undefined) return [];
  const name = `${secret.metadata?.namespace ?? ""}/${secret.metadata?.name ?? ""}`;
  const what = indicator === "!" ? "a tag" : "an anchor";
  return [
    `warning: ${field}.${key} of Secret ${name} is empty: its value starts with "${indicator}", which YAML reads as ${what} (kubeseal seals it empty too); quote the value to seal its text\n`,
  ];
}

/** `!` or `&` when `key` is written followed by `: !x` or `: &x` somewhere in `text`. */
function propertyOnlyValue(text: string, key: string): "!" | "&" | undefined {
  const quotedKey = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const written = new RegExp(`(?:^|[\\s{,])(["']?)${quotedKey}\\1[ \\t]*:[ \\t]+([!&])(?!!)`, "m");
  const found = written.exec(text);
  return found ? (found[2] as "!" | "&") : undefined;
}
