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
  // Only Secrets with an empty value are looked at further: no arrays per Secret for a stream of
  // 60,000 Secrets that have none.
  return secrets.filter(hasEmptyValue).flatMap((secret) =>
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

function hasEmptyValue(secret: Secret): boolean {
  return hasEmpty(secret.data) || hasEmpty(secret.stringData);
}

function hasEmpty(values: Record<string, string> | undefined): boolean {
  for (const key in values) if (Object.hasOwn(values, key) && values[key] === "") return true;
  return false;
}

function warning(secret: Secret, field: string, key: string, indicator: "!" | "&"): string {
  const name = `${secret.metadata?.namespace ?? ""}/${secret.metadata?.name ?? ""}`;
  const what = indicator === "!" ? "a tag" : "an anchor";
  return `warning: ${field}.${key} of Secret ${name} is empty: its value starts with "${indicator}", which YAML reads as ${what} (kubeseal seals it empty too); quote the value to seal its text\n`;
}

/**
 * `key: !x` or `key: &x` alone on a block-mapping line, or as an entry of a flow mapping
 * (`{key: !x , other: v}`); several properties (`!x &y`) count too. The key is group 2 (quoted)
 * or 3 (plain, up to its `:`, blanks before it included), the properties group 4. A plain key is
 * matched greedily up to the first `:` and trimmed afterwards: a lazy key followed by `[ \t]*:`
 * made a line of blanks without `:` (in a block scalar) cost time quadratic in its length.
 */
const PROPERTY_ONLY =
  /^[ \t]*(?:(["'])([^"'\n]*)\1[ \t]*|([^\s"'#:][^\n:#]*)):[ \t]+((?:[!&]\S*[ \t]+)*[!&]\S*)[ \t]*(?:#.*)?$/gm;
const FLOW_PROPERTY_ONLY =
  /[{,][ \t]*(?:(["'])([^"'\n]*)\1[ \t]*|([^\s"'#:,{}[\]][^\n:#,{}[\]]*)):[ \t]+((?:[!&][^\s,{}[\]]*[ \t]+)*[!&][^\s,{}[\]]*)[ \t]*(?=[,}])/g;

/** A core tag (`!!str`): an empty value written so is deliberate. */
const CORE_TAG = /^!!(?:str|binary|null|bool|int|float|timestamp|map|seq)$/;

/** The keys written with a tag or anchor alone as their value, and the first such property. */
function propertyOnlyKeys(text: string): Map<string, "!" | "&"> {
  const keys = new Map<string, "!" | "&">();
  for (const m of [...text.matchAll(PROPERTY_ONLY), ...text.matchAll(FLOW_PROPERTY_ONLY)]) {
    const property = m[4]!.split(/[ \t]+/).find((p) => !CORE_TAG.test(p));
    if (property !== undefined)
      keys.set(m[2] ?? withoutTrailingBlanks(m[3]!), property[0] as "!" | "&");
  }
  return keys;
}

/** `text` without the spaces and tabs it ends with (a loop: `/[ \t]+$/` is quadratic on blanks). */
function withoutTrailingBlanks(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === " " || text[end - 1] === "\t")) end--;
  return text.slice(0, end);
}
