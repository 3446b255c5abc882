import { Flag, FlagError } from "./flag.js";
import type { FinishContext } from "./flag.js";
import { quote, quoteRune } from "./strconv.js";

/**
 * pflag's FlagSet.Parse (v1.0.10) over a group of typed flags, with the reference's
 * `pflagenv.SetFlagsFromEnv` applied first: every flag (in name order) takes
 * `<PREFIX>_<NAME>` from the environment when set, invalid values silently ignored; the command
 * line then overrides (slices append to what the environment set).
 */

/** A group of flags: each key is the field a flag (or a nested group) yields. */
export interface FlagGroup {
  readonly [field: string]: Flag<unknown> | FlagGroup;
}

/** The typed fields a group yields: `Flag<T>` becomes `T`, nested groups nest. */
export type FlagValues<G extends FlagGroup> = {
  -readonly [K in keyof G]: G[K] extends Flag<infer T>
    ? T
    : G[K] extends FlagGroup
      ? FlagValues<G[K]>
      : never;
};

export interface ParseOptions {
  /** Environment variables, e.g. `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Variable prefix (`SEALED_SECRETS`); a trailing `_` is ignored as pflagenv does. */
  readonly envPrefix?: string;
  /**
   * An environment value the flag refuses: `"ignore"` (Signet's binaries: the default stays) or
   * `"assign"` (Go exactly: pflag's Set stores what strconv/time return beside the error, 0,
   * false or a clamped int, and pflagenv drops only the error).
   */
  readonly invalidEnv?: "ignore" | "assign";
}

export interface ParseResult<G extends FlagGroup> {
  readonly values: FlagValues<G>;
  /** Flag names set on the command line (pflag `Changed`; not by the environment). */
  readonly changed: ReadonlySet<string>;
  /** Positional arguments, in order, and everything after `--`. */
  readonly args: readonly string[];
  /** `Flag --x has been deprecated, ...` lines pflag prints for each deprecated flag used. */
  readonly deprecations: readonly string[];
  /** Non-fatal problems the flags' `map` functions reported. */
  readonly warnings: readonly string[];
  /** `-h` or `--help` without such a flag (pflag's ErrHelp): print usage, exit 0. */
  readonly helpRequested: boolean;
}

/** One flag name (a flag's own or an alias) bound to a slot. */
interface Named {
  readonly name: string;
  readonly shorthand: string;
  readonly deprecated: string;
  readonly noEnv: boolean;
  readonly slot: Slot;
}

interface Slot {
  readonly flag: Flag<unknown>;
  raw: unknown;
  /** Not yet Set: a slice's first Set replaces its default. */
  first: boolean;
}

/** Every flag of a group with the path of its field. */
export function flagsOf(group: FlagGroup): Flag<unknown>[] {
  return Object.values(group).flatMap((v) => (v instanceof Flag ? [v] : flagsOf(v)));
}

interface Indexed {
  readonly slots: Map<Flag<unknown>, Slot>;
  readonly byName: Map<string, Named>;
  readonly byShort: Map<string, Named>;
}

function index(group: FlagGroup): Indexed {
  const slots = new Map<Flag<unknown>, Slot>();
  const byName = new Map<string, Named>();
  const byShort = new Map<string, Named>();
  const add = (named: Named): void => {
    // Go panics on a redefined flag; so does this (a programming error, not user input).
    if (byName.has(named.name)) throw new Error(`flag redefined: ${named.name}`);
    byName.set(named.name, named);
    if (named.shorthand === "") return;
    if (byShort.has(named.shorthand)) throw new Error(`shorthand redefined: ${named.shorthand}`);
    byShort.set(named.shorthand, named);
  };
  for (const f of flagsOf(group)) {
    if (slots.has(f)) continue;
    const slot: Slot = { flag: f, raw: f.initial, first: true };
    slots.set(f, slot);
    add({ name: f.name, shorthand: f.shorthand, deprecated: f.deprecated, noEnv: f.noEnv, slot });
    for (const a of f.aliases) {
      add({ name: a.name, shorthand: "", deprecated: a.deprecated ?? "", noEnv: f.noEnv, slot });
    }
  }
  return { slots, byName, byShort };
}

/** pflag's Value.Set on a slot; the Go error text, or undefined when it was accepted. */
function setSlot(slot: Slot, text: string, assignOnError = false): string | undefined {
  const parsed = slot.flag.kind.set(text, slot.raw, slot.first);
  if (!parsed.ok) {
    if (assignOnError && "value" in parsed) slot.raw = parsed.value;
    return parsed.error;
  }
  slot.raw = parsed.value;
  slot.first = false;
  return undefined;
}

/** `<PREFIX>_<NAME>` with `-` as `_` (the reference's pflagenv). */
export function envName(prefix: string, name: string): string {
  return `${prefix.replace(/_$/, "")}_${name.toUpperCase().replace(/-/g, "_")}`;
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

class ArgvParser {
  readonly changed = new Set<string>();
  readonly args: string[] = [];
  readonly deprecations: string[] = [];
  helpRequested = false;
  readonly #idx: Indexed;

  constructor(idx: Indexed) {
    this.#idx = idx;
  }

  /** FlagSet.Set: Value.Set, then Changed and the deprecation notice. */
  #set(named: Named, text: string): void {
    const error = setSlot(named.slot, text);
    if (error !== undefined) {
      const shown =
        named.shorthand !== "" ? `-${named.shorthand}, --${named.name}` : `--${named.name}`;
      throw new FlagError(`invalid argument ${quote(text)} for ${quote(shown)} flag: ${error}`);
    }
    this.changed.add(named.name);
    if (named.deprecated !== "") {
      this.deprecations.push(`Flag --${named.name} has been deprecated, ${named.deprecated}`);
    }
  }

  /** FlagSet.parseArgs (interspersed): returns when done or when help was asked for. */
  parse(argv: readonly string[]): void {
    let rest = [...argv];
    while (rest.length > 0 && !this.helpRequested) {
      const s = rest.shift()!;
      if (s.length < 2 || s[0] !== "-") this.args.push(s);
      else if (s === "--") {
        this.args.push(...rest);
        return;
      } else if (s[1] === "-") rest = this.#long(s, rest);
      else rest = this.#shorts(s, rest);
    }
  }

  #long(s: string, rest: string[]): string[] {
    const body = s.slice(2);
    if (body === "" || body[0] === "-" || body[0] === "=")
      throw new FlagError(`bad flag syntax: ${s}`);
    const eq = body.indexOf("=");
    const name = eq === -1 ? body : body.slice(0, eq);
    const named = this.#idx.byName.get(name);
    if (!named) {
      if (name === "help") {
        this.helpRequested = true;
        return rest;
      }
      throw new FlagError(`unknown flag: --${name}`);
    }
    if (eq !== -1) this.#set(named, body.slice(eq + 1));
    else if (named.slot.flag.type === "bool") this.#set(named, "true");
    else if (rest.length > 0) this.#set(named, rest.shift()!);
    else throw new FlagError(`flag needs an argument: --${name}`);
    return rest;
  }

  /** FlagSet.parseShortArg: `-abc` is `-a -b -c` while they are bools; `-ovalue`, `-o=value`. */
  #shorts(s: string, rest: string[]): string[] {
    let shorthands = s.slice(1);
    // pflag skips Go test flags (`-test.v`) without a word.
    if (shorthands.startsWith("test.")) return rest;
    while (shorthands.length > 0) {
      const c = String.fromCodePoint(shorthands.codePointAt(0)!);
      const named = this.#idx.byShort.get(c);
      if (!named) {
        if (c === "h") {
          this.helpRequested = true;
          return rest;
        }
        throw new FlagError(`unknown shorthand flag: ${firstByteRune(c)} in -${shorthands}`);
      }
      const after = shorthands.slice(c.length);
      if (after.length > 1 && after[0] === "=") {
        this.#set(named, after.slice(1));
        return rest;
      }
      if (named.slot.flag.type === "bool") this.#set(named, "true");
      else if (after.length > 0) {
        this.#set(named, after);
        return rest;
      } else if (rest.length > 0) this.#set(named, rest.shift()!);
      else throw new FlagError(`flag needs an argument: ${firstByteRune(c)} in -${shorthands}`);
      shorthands = after;
      if (shorthands.startsWith("test.")) return rest;
    }
    return rest;
  }
}

/** pflag quotes `rune(name[0])`: the first UTF-8 byte as a rune (`'x'`, `'Ã'` for 0xC3). */
function firstByteRune(c: string): string {
  return quoteRune(new TextEncoder().encode(c)[0]!);
}

/** pflagenv: `<PREFIX>_<NAME>` values, in name order, before the command line. */
function applyEnv(idx: Indexed, options: ParseOptions): void {
  const { env = {}, envPrefix, invalidEnv = "ignore" } = options;
  if (envPrefix === undefined) return;
  for (const name of [...idx.byName.keys()].sort(byteOrder)) {
    const named = idx.byName.get(name)!;
    const text = named.noEnv ? undefined : env[envName(envPrefix, name)];
    if (text !== undefined) setSlot(named.slot, text, invalidEnv === "assign");
  }
  for (const slot of idx.slots.values()) {
    if (slot.flag.kind.commandLineReplacesEnv) slot.first = true;
  }
}

/**
 * Parses `argv` (without the program name) against `group`: environment first, then the
 * command line, then each flag's `map` checks. Throws FlagError with pflag's text.
 */
export function parseFlags<G extends FlagGroup>(
  group: G,
  argv: readonly string[],
  options: ParseOptions = {},
): ParseResult<G> {
  const idx = index(group);
  applyEnv(idx, options);
  const parser = new ArgvParser(idx);
  try {
    parser.parse(argv);
  } catch (err) {
    if (!(err instanceof FlagError) || parser.deprecations.length === 0) throw err;
    throw new FlagError(err.message, parser.deprecations);
  }
  const warnings: string[] = [];
  const warn = (message: string): void => void warnings.push(message);
  const values = finish(group, idx.slots, warn, parser.changed) as FlagValues<G>;
  return {
    values,
    changed: parser.changed,
    args: parser.args,
    deprecations: parser.deprecations,
    warnings,
    helpRequested: parser.helpRequested,
  };
}

function finish(
  group: FlagGroup,
  slots: Map<Flag<unknown>, Slot>,
  warn: FinishContext["warn"],
  changed: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, v] of Object.entries(group)) {
    out[field] =
      v instanceof Flag
        ? v.finish(slots.get(v)!.raw, { flag: v.name, warn, changed: changed.has(v.name) })
        : finish(v, slots, warn, changed);
  }
  return out;
}
