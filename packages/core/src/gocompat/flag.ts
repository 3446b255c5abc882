import { SignetError } from "../errors.js";
import { formatDuration, parseDuration } from "./duration.js";
import type { GoParsed } from "./strconv.js";
import { parseBool, parseFloat64, parseInt64 } from "./strconv.js";

/**
 * Typed flag declarations with pflag's value semantics (github.com/spf13/pflag v1.0.10, the
 * version kubeseal and the controller v0.36 build with). A flag is declared once, as a field of
 * a flag group: `keySize: flag.int("key-size", 4096, "Size of encryption key.")`, the way Go's
 * `fs.IntVar(&f.KeySize, "key-size", 4096, ...)` binds the name and the field in one line;
 * parsing a group yields an object typed field by field (see parse.ts).
 */

/** A command-line usage error: pflag's text; both binaries print it and exit 2. */
export class FlagError extends SignetError {
  /** Deprecation notices of flags parsed before the error (pflag prints them as it goes). */
  readonly deprecations: readonly string[];

  constructor(message: string, deprecations: readonly string[] = []) {
    super("ERR_INVALID_FLAG", message);
    this.name = "FlagError";
    this.deprecations = deprecations;
  }
}

/** pflag's Value for one type: its Type() name, Set() and the default's text (DefValue). */
interface ValueKind<R> {
  /** pflag `Value.Type()`: "bool", "string", "int", "float64", "duration", "stringSlice"... */
  readonly type: string;
  /** A custom Value (pflag's `Var`): usage judges its default by pflag's generic rule. */
  readonly custom?: boolean;
  /** `Value.Set(text)`; `first` is true until a slice was set once (then it appends). */
  set(text: string, previous: R, first: boolean): GoParsed<R>;
  /**
   * The command line's first Set replaces what the environment set (a string's rule), though
   * later command-line Sets append (Signet's repeatable `--cert NAME=SOURCE`).
   */
  readonly commandLineReplacesEnv?: boolean;
}

/** Settings of a flag besides its name, default and usage. */
export interface FlagOptions {
  /** One-letter shorthand (`-o`). */
  readonly shorthand?: string;
  /** Not read from `SEALED_SECRETS_*` (a flag of Signet's own subcommands). */
  readonly noEnv?: boolean;
  /** pflag MarkDeprecated: hidden from usage; using it prints `Flag --x has been deprecated, <this>`. */
  readonly deprecated?: string;
}

/** What a flag's `map` function may do besides returning the field. */
export interface FinishContext {
  /** The flag's name, for messages (`--${ctx.flag} must be positive`). */
  readonly flag: string;
  /** Records a non-fatal problem (the program logs it; parsing goes on). */
  warn(message: string): void;
  /** The flag was given on the command line (not only by the environment or its default). */
  readonly changed?: boolean;
}

/** A second name bound to the same field (Go: two `BoolVar` calls on one variable). */
export interface FlagAlias {
  readonly name: string;
  readonly usage: string;
  readonly deprecated?: string;
}

/** One declared flag whose parsed field has type `T`. */
export class Flag<T> {
  readonly name: string;
  readonly shorthand: string;
  readonly usage: string;
  readonly noEnv: boolean;
  readonly deprecated: string;
  readonly aliases: readonly FlagAlias[];
  /** pflag's `DefValue`, as usage prints it. */
  readonly defValue: string;
  /** @internal the raw value before any Set. */
  readonly initial: unknown;
  /** @internal pflag's Value. */
  readonly kind: ValueKind<unknown>;
  /** @internal raw value → field value (checks and conversions after parsing). */
  readonly finish: (raw: unknown, ctx: FinishContext) => T;

  constructor(
    fields: Omit<
      Flag<T>,
      "map" | "alias" | "type" | "aliases" | "shorthand" | "noEnv" | "deprecated"
    > &
      FlagOptions & { aliases?: readonly FlagAlias[] },
  ) {
    this.name = fields.name;
    this.shorthand = fields.shorthand ?? "";
    this.usage = fields.usage;
    this.noEnv = fields.noEnv ?? false;
    this.deprecated = fields.deprecated ?? "";
    this.aliases = fields.aliases ?? [];
    this.defValue = fields.defValue;
    this.initial = fields.initial;
    this.kind = fields.kind;
    this.finish = fields.finish;
  }

  /** pflag `Value.Type()`. */
  get type(): string {
    return this.kind.type;
  }

  /**
   * The field as `fn` turns the parsed value into it, once the command line and environment
   * are applied; `fn` throws FlagError for a value the program refuses (exit 2, at parse time).
   */
  map<U>(fn: (value: T, ctx: FinishContext) => U): Flag<U> {
    const finish = this.finish;
    return new Flag<U>({ ...this, finish: (raw, ctx) => fn(finish(raw, ctx), ctx) });
  }

  /** Binds a second flag name to this field (`--rotate` for `--re-encrypt`). */
  alias(name: string, options: { usage?: string; deprecated?: string } = {}): Flag<T> {
    const alias = { name, usage: options.usage ?? "", deprecated: options.deprecated };
    return new Flag<T>({ ...this, aliases: [...this.aliases, alias] });
  }
}

/** The parts of a flag every constructor gives: its value kind, default and texts. */
interface Declared<R> {
  kind: ValueKind<R>;
  name: string;
  initial: R;
  /** pflag's DefValue text of `initial`. */
  defValue: string;
  usage: string;
}

function declare<R>(d: Declared<R>, options: FlagOptions): Flag<R> {
  return new Flag<R>({
    ...d,
    finish: (raw) => raw as R,
    ...options,
  });
}

const NS_PER_MS = 1_000_000n;

const BOOL: ValueKind<boolean> = { type: "bool", set: (text) => parseBool(text) };
const STRING: ValueKind<string> = { type: "string", set: (text) => ({ ok: true, value: text }) };
const INT: ValueKind<number> = {
  type: "int",
  set: (text) => {
    const parsed = parseInt64(text);
    return { ...parsed, value: Number(parsed.value ?? 0n) };
  },
};
const FLOAT64: ValueKind<number> = { type: "float64", set: (text) => parseFloat64(text) };
/** Durations are held in milliseconds (fractions keep sub-millisecond precision). */
const DURATION: ValueKind<number> = {
  type: "duration",
  set: (text) => {
    const parsed = parseDuration(text);
    const ns = parsed.value ?? 0n;
    const ms = ns / NS_PER_MS;
    return { ...parsed, value: Number(ms) + Number(ns - ms * NS_PER_MS) / 1e6 };
  },
};

/** pflag's stringSlice: comma-separated (CSV, quotes allowed); the first Set replaces the default. */
const STRING_SLICE: ValueKind<string[]> = {
  type: "stringSlice",
  set: (text, previous, first) => {
    const items = readAsCSV(text);
    if (!items.ok) return items;
    return { ok: true, value: first ? items.value : [...previous, ...items.value] };
  },
};
/** pflag's stringArray: each Set appends the text as one item (no splitting). */
const STRING_ARRAY: ValueKind<string[]> = {
  type: "stringArray",
  set: (text, previous, first) => ({ ok: true, value: first ? [text] : [...previous, text] }),
};

/**
 * A string flag that keeps every occurrence: pflag's Type() is "string" (usage prints it as
 * one), the environment's value is replaced by the command line's first, and each further
 * command-line occurrence is kept after it instead of overwriting it.
 */
const STRING_OCCURRENCES: ValueKind<string[]> = {
  type: "string",
  commandLineReplacesEnv: true,
  set: (text, previous, first) => ({ ok: true, value: first ? [text] : [...previous, text] }),
};

/**
 * Go's encoding/csv reading one record, as pflag's readAsCSV does for stringSlice: fields split
 * on commas, a field in double quotes may hold commas and `""`; "" is an empty list.
 */
export function readAsCSV(text: string): GoParsed<string[]> {
  if (text === "") return { ok: true, value: [] };
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    const field = text[i] === '"' ? quotedField(text, i) : bareField(text, i);
    if (typeof field === "string") return { ok: false, error: field };
    fields.push(field.value);
    i = field.end;
    if (i >= text.length) return { ok: true, value: fields };
    i++; // the comma
    if (i === text.length) return { ok: true, value: [...fields, ""] };
  }
}

/** A field up to the next comma; a `"` inside it is encoding/csv's ErrBareQuote. */
function bareField(text: string, start: number): { value: string; end: number } | string {
  const comma = text.indexOf(",", start);
  const end = comma === -1 ? text.length : comma;
  const value = text.slice(start, end);
  const quote = value.indexOf('"');
  return quote === -1 ? { value, end } : csvError(start + quote, 'bare " in non-quoted-field');
}

/** A `"..."` field (`""` is one quote); it must end the text or be followed by a comma. */
function quotedField(text: string, start: number): { value: string; end: number } | string {
  let value = "";
  let i = start + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q === -1) return csvError(text.length, 'extraneous or missing " in quoted-field');
    value += text.slice(i, q);
    i = q + 1;
    if (text[i] !== '"') break;
    value += '"';
    i++;
  }
  if (i === text.length || text[i] === ",") return { value, end: i };
  return csvError(i, 'extraneous or missing " in quoted-field');
}

/** encoding/csv's ParseError text for a one-line record (columns count from 1). */
function csvError(at: number, what: string): string {
  return `parse error on line 1, column ${at + 1}: ${what}`;
}

/** pflag's `Value.Set` of a custom type that accepts one of fixed words (kubeseal's `--scope`). */
function choice(words: readonly string[]): ValueKind<string> {
  const listed = words.filter((w) => w !== "").join(", ");
  return {
    type: "string",
    custom: true,
    set: (text) =>
      words.includes(text)
        ? { ok: true, value: text }
        : { ok: false, error: `must be one of: ${listed}` },
  };
}

/** Go's strconv.FormatFloat(v, 'g', -1, 64), as pflag prints a float default. */
function formatFloatG(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
  const [mantissa, e] = v.toExponential().split("e") as [string, string];
  const exp = Number(e);
  // Shortest digits in %e form when the exponent is below -4 or at least 6 (strconv's 'g').
  if (exp >= -4 && exp < 6) return String(v);
  const digits = String(Math.abs(exp)).padStart(2, "0");
  return `${mantissa}e${exp < 0 ? "-" : "+"}${digits}`;
}

/** Flag constructors, one per pflag `XxxVar`. */
export const flag = {
  /** `fs.BoolVar`: `--x`, `--x=false`; never takes the next argument. */
  bool: (name: string, def: boolean, usage: string, options: FlagOptions = {}): Flag<boolean> =>
    declare({ kind: BOOL, name, initial: def, defValue: String(def), usage }, options),
  /** `fs.StringVar`. */
  string: (name: string, def: string, usage: string, options: FlagOptions = {}): Flag<string> =>
    declare({ kind: STRING, name, initial: def, defValue: def, usage }, options),
  /** A string flag limited to `options.words` (a custom pflag Value whose Type() is "string"). */
  choice: (
    name: string,
    def: string,
    usage: string,
    { words, ...options }: FlagOptions & { readonly words: readonly string[] },
  ): Flag<string> =>
    declare({ kind: choice(words), name, initial: def, defValue: def, usage }, options),
  /** `fs.IntVar` (strconv.ParseInt base 0, 64 bits). */
  int: (name: string, def: number, usage: string, options: FlagOptions = {}): Flag<number> =>
    declare({ kind: INT, name, initial: def, defValue: String(def), usage }, options),
  /** `fs.Float64Var`. */
  float64: (name: string, def: number, usage: string, options: FlagOptions = {}): Flag<number> =>
    declare({ kind: FLOAT64, name, initial: def, defValue: formatFloatG(def), usage }, options),
  /** `fs.DurationVar`, the field in milliseconds. */
  duration: (name: string, defMs: number, usage: string, options: FlagOptions = {}): Flag<number> =>
    declare(
      {
        kind: DURATION,
        name,
        initial: defMs,
        defValue: formatDuration(BigInt(Math.round(defMs * 1e6))),
        usage,
      },
      options,
    ),
  /** `fs.StringSliceVar` with a nil default: comma-separated, repeatable. */
  stringSlice: (name: string, usage: string, options: FlagOptions = {}): Flag<string[]> =>
    declare({ kind: STRING_SLICE, name, initial: [], defValue: "[]", usage }, options),
  /**
   * A string flag (usage and environment as `fs.StringVar` with a "" default) whose field holds
   * every command-line occurrence in order: pflag's string keeps only the last, which the
   * program can still take; a Signet extension decides what several mean.
   */
  stringOccurrences: (name: string, usage: string, options: FlagOptions = {}): Flag<string[]> =>
    declare({ kind: STRING_OCCURRENCES, name, initial: [], defValue: "", usage }, options),
  /** `fs.StringArrayVar` with a nil default: repeatable, never split. */
  stringArray: (name: string, usage: string, options: FlagOptions = {}): Flag<string[]> =>
    declare({ kind: STRING_ARRAY, name, initial: [], defValue: "[]", usage }, options),
};

/** pflag's `defaultIsZeroValue`: whether usage leaves out `(default ...)`. */
export function defaultIsZero(f: {
  type: string;
  defValue: string;
  kind: { custom?: boolean };
}): boolean {
  switch (f.kind.custom ? "" : f.type) {
    case "bool":
      return f.defValue === "false" || f.defValue === "";
    case "duration":
      return f.defValue === "0" || f.defValue === "0s";
    case "int":
    case "float64":
      return f.defValue === "0";
    case "string":
      return f.defValue === "";
    case "stringSlice":
    case "stringArray":
      return f.defValue === "[]";
    default:
      return ["false", "<nil>", "", "0"].includes(f.defValue);
  }
}
