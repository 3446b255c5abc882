import { SignetError } from "@signet/core";

import { parseGoBool, parseGoDuration, parseGoFloat, parseGoInt } from "./go-values.js";

/**
 * A pflag-compatible parser for the controller's flags (docs/flags.md#how-flags-are-parsed):
 * `--flag value`, `--flag=value`, bare `--bool` meaning true, `--` ends flags. `SEALED_SECRETS_*`
 * variables are applied first, in flag-name order (pflag's VisitAll), with setter errors silently
 * ignored; the command line then overrides them. Durations are held in milliseconds.
 */
export type FlagKind = "bool" | "string" | "int" | "float" | "duration";

export type FlagValue = boolean | string | number;

export interface FlagSpec {
  name: string;
  kind: FlagKind;
  default: FlagValue;
  usage: string;
  /** Another flag this one writes to (pflag binding two names to one variable). */
  aliasOf?: string;
  deprecated?: string;
}

export interface ParsedFlags {
  /** Value per flag name (aliases are folded into their target). */
  values: ReadonlyMap<string, FlagValue>;
  /** Flags given on the command line (after alias folding). */
  changed: ReadonlySet<string>;
  positional: readonly string[];
}

/** `SEALED_SECRETS_` + upper-cased flag name with `-` → `_` (reference `pflagenv`). */
export function envName(flag: string, prefix = "SEALED_SECRETS_"): string {
  return prefix + flag.toUpperCase().replace(/-/g, "_");
}

/** Converts text to a flag value, or undefined when Go's setter would return an error. */
export function convertFlagValue(kind: FlagKind, text: string): FlagValue | undefined {
  switch (kind) {
    case "bool":
      return parseGoBool(text);
    case "string":
      return text;
    case "int":
      return parseGoInt(text);
    case "float":
      return parseGoFloat(text);
    case "duration":
      return parseGoDuration(text);
  }
}

/** Parses environment then argv against `specs`; throws ERR_INVALID_FLAG on a bad command line. */
export function parseFlags(
  specs: readonly FlagSpec[],
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values = new Map<string, FlagValue>();
  for (const spec of specs) if (!spec.aliasOf) values.set(spec.name, spec.default);
  for (const spec of [...specs].sort((a, b) => a.name.localeCompare(b.name))) {
    const text = env[envName(spec.name)];
    if (text === undefined) continue;
    const value = convertFlagValue(spec.kind, text);
    if (value !== undefined) values.set(spec.aliasOf ?? spec.name, value);
  }
  const changed = new Set<string>();
  const positional = parseArgv(argv, byName, (spec, value) => {
    values.set(spec.aliasOf ?? spec.name, value);
    changed.add(spec.aliasOf ?? spec.name);
  });
  return { values, changed, positional };
}

type Setter = (spec: FlagSpec, value: FlagValue) => void;

function parseArgv(argv: readonly string[], byName: Map<string, FlagSpec>, set: Setter): string[] {
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positional.push(arg);
      continue;
    }
    if (!arg.startsWith("--")) throw flagError(`unknown shorthand flag: '${arg[1]}' in ${arg}`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) throw flagError(`unknown flag: --${name}`);
    let text: string;
    if (eq !== -1) text = arg.slice(eq + 1);
    else if (spec.kind === "bool") text = "true";
    else if (i + 1 < argv.length) text = argv[++i]!;
    else throw flagError(`flag needs an argument: --${name}`);
    set(spec, checked(spec, text));
  }
  return positional;
}

function checked(spec: FlagSpec, text: string): FlagValue {
  const value = convertFlagValue(spec.kind, text);
  if (value === undefined) {
    throw flagError(
      `invalid argument "${text}" for "--${spec.name}" flag: not a valid ${spec.kind}`,
    );
  }
  return value;
}

function flagError(message: string): SignetError {
  return new SignetError("ERR_INVALID_FLAG", message);
}
