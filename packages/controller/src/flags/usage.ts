import type { FlagSpec, FlagValue } from "./parse.js";

/**
 * pflag-style help (`--help`): flags sorted by name, the value type after the name, the default
 * in Go's spelling unless it is the zero value, deprecated flags hidden as pflag does.
 */
export function formatUsage(program: string, specs: readonly FlagSpec[]): string {
  const rows = [...specs]
    .filter((s) => !s.deprecated)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(
      (s) => [`      --${s.name}${s.kind === "bool" ? "" : ` ${s.kind}`}`, describe(s)] as const,
    );
  const width = Math.max(...rows.map(([left]) => left.length)) + 3;
  return `Usage of ${program}:\n${rows.map(([l, r]) => l.padEnd(width) + r).join("\n")}\n`;
}

function describe(spec: FlagSpec): string {
  const shown = defaultText(spec.kind, spec.default);
  return shown === undefined ? spec.usage : `${spec.usage} (default ${shown})`;
}

function defaultText(kind: FlagSpec["kind"], value: FlagValue): string | undefined {
  switch (kind) {
    case "bool":
      return value === true ? "true" : undefined;
    case "string":
      return value === "" ? undefined : JSON.stringify(value);
    case "duration":
      return value === 0 ? undefined : formatGoDuration(Number(value));
    case "int":
    case "float":
      return value === 0 ? undefined : String(value);
  }
}

/** Go `time.Duration.String()` for whole milliseconds and above: `720h0m0s`, `1.5s`, `100ms`. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  const sign = ms < 0 ? "-" : "";
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${abs}ms`;
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const s = (abs % 60_000) / 1000;
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}
