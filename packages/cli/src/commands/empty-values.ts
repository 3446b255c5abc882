import type { Secret } from "@signet/core";

/**
 * A value written unquoted as `!Secr3t` or `&Secr3t` is a YAML tag or anchor with no content:
 * Go (and so kubeseal and kubectl) reads an empty string, and Signet seals what Go reads. Each
 * empty `data` or `stringData` value whose key is written so on a line of the input gets a
 * warning naming the Secret and the key, never the text. A core tag (`!!str`) is deliberate and
 * not warned about. One pass over the text, whatever the number of values.
 */
export function emptyValueWarnings(input: Uint8Array, secrets: readonly Secret[]): string[] {
  // Decoded only when some value is empty (an ordinary seal never reads the text again).
  let written: Map<string, "!" | "&"> | undefined;
  const indicatorOf = (key: string): "!" | "&" | undefined =>
    (written ??= propertyOnlyKeys(Buffer.from(input).toString("utf8"))).get(key);
  return secrets.flatMap((secret) =>
    (["data", "stringData"] as const).flatMap((field) => {
      const values = secret[field] ?? {};
      return Object.keys(values)
        .filter((key) => values[key] === "")
        .flatMap((key) => {
          const indicator = indicatorOf(key);
          return indicator ? [warning(secret, field, key, indicator)] : [];
        });
    }),
  );
}

function warning(secret: Secret, field: string, key: string, indicator: "!" | "&"): string {
  const name = `${secret.metadata?.namespace ?? ""}/${secret.metadata?.name ?? ""}`;
  const what = indicator === "!" ? "a tag" : "an anchor";
  return `warning: ${field}.${key} of Secret ${name} is empty: its value starts with "${indicator}", which YAML reads as ${what} (kubeseal seals it empty too); quote the value to seal its text\n`;
}

/** `key: !x` or `key: &x` alone on a block-mapping line; a core tag (`!!str`) excluded. */
const PROPERTY_ONLY =
  /^[ \t]*(?:(["'])([^"'\n]*)\1|([^\s"'#:][^\n:#]*?))[ \t]*:[ \t]+(!(?!!(?:str|binary|null|bool|int|float|timestamp|map|seq)\b)|&)\S*[ \t]*(?:#.*)?$/gm;

/** The keys written with a tag or anchor alone as their value, and which of the two. */
function propertyOnlyKeys(text: string): Map<string, "!" | "&"> {
  const keys = new Map<string, "!" | "&">();
  for (const m of text.matchAll(PROPERTY_ONLY)) {
    keys.set(m[2] ?? m[3]!, m[4]! as "!" | "&");
  }
  return keys;
}
