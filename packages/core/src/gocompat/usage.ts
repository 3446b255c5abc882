import { defaultIsZero } from "./flag.js";
import type { FlagGroup } from "./parse.js";
import { flagsOf } from "./parse.js";
import { quote } from "./strconv.js";

/** Layout choices on top of pflag's; the defaults print exactly what pflag prints. */
export interface UsageStyle {
  /** Descriptions start at least at this column (0-based), even when every name is shorter. */
  readonly minColumn?: number;
  /** Type names shown instead of pflag's (e.g. `{ stringArray: "strings" }`). */
  readonly typeNames?: Readonly<Record<string, string>>;
}

/** pflag's UnquoteUsage type names. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  bool: "",
  float64: "float",
  int64: "int",
  stringSlice: "strings",
};

/**
 * pflag's FlagUsages (FlagUsagesWrapped(0)): one line per visible flag in name order,
 * `  -o, --name type` padded so descriptions align, then the usage and a non-zero
 * `(default ...)` (quoted for strings). Deprecated flags and aliases are hidden.
 */
export function flagUsages(group: FlagGroup, style: UsageStyle = {}): string {
  const rows = flagsOf(group)
    .flatMap((f) => [f, ...f.aliases.map((a) => ({ ...f, ...a, shorthand: "", type: f.type }))])
    .filter((f) => (f.deprecated ?? "") === "")
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => {
      const names = f.shorthand !== "" ? `  -${f.shorthand}, --${f.name}` : `      --${f.name}`;
      const type = style.typeNames?.[f.type] ?? TYPE_NAMES[f.type] ?? f.type;
      let text = f.usage;
      if (!defaultIsZero(f)) {
        text += ` (default ${f.type === "string" ? quote(f.defValue) : f.defValue})`;
      }
      return { left: type === "" ? names : `${names} ${type}`, text };
    });
  // pflag: maxlen is the longest name column plus one; descriptions start at maxlen + 2.
  const maxlen = Math.max((style.minColumn ?? 0) - 2, ...rows.map((r) => r.left.length + 1));
  const indent = `\n${" ".repeat(maxlen + 2)}`;
  return rows
    .map(
      (r) => `${r.left} ${" ".repeat(maxlen - r.left.length)} ${r.text.replace(/\n/g, indent)}\n`,
    )
    .join("");
}
