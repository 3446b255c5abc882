import {
  flag,
  FlagError,
  flagUsages,
  formatDuration,
  parseBool,
  parseDuration,
  parseFlags,
  parseFloat64,
  parseInt64,
  parseRFC1123Z,
  quote,
} from "../../packages/core/src/index.js";
import type { GoParsed } from "../../packages/core/src/index.js";
import { beforeAll, describe, expect, it } from "vitest";
import {
  argvCases,
  BOOL_TEXTS,
  durationTexts,
  floatTexts,
  intTexts,
  quoteTexts,
  rfc1123zTexts,
  seeded,
} from "./corpus.js";
import type { ArgvCase } from "./corpus.js";
import { buildReference, runReference } from "./reference.js";
import type { GoAnswer, GoCase } from "./reference.js";

/**
 * Differential test of packages/core/src/gocompat against Go itself: every generated input goes
 * through Go's strconv/time/pflag (main.go) and through Signet's port; accept/reject, the
 * value and the error text must be identical.
 */

/** The flag set of main.go's newFlagSet, declared with Signet's typed flags. */
const GROUP = {
  bool: flag.bool("bool", false, "A bool", { shorthand: "b" }),
  yes: flag.bool("yes", true, "A bool that defaults to true"),
  str: flag.string("str", 'def "x"', "A string", { shorthand: "s" }),
  int: flag.int("int", 7, "An int", { shorthand: "i" }),
  float: flag.float64("float", 5, "A float"),
  dur: flag
    .duration("dur", 720 * 3_600_000, "A duration", { shorthand: "d" })
    .alias("old-dur", { deprecated: "please use --dur instead" }),
  slice: flag.stringSlice("slice", "A slice", { shorthand: "l" }),
  array: flag.stringArray("array", "An array", { shorthand: "a" }),
  scope: flag.choice("scope", "strict", "A choice", {
    words: ["", "strict", "namespace-wide", "cluster-wide"],
  }),
};

/** JSON with sorted keys, so answers compare regardless of key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

function floatBits(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, f);
  return view.getBigUint64(0).toString(16).padStart(16, "0");
}

/** Go's `%q` of a []string. */
const goList = (xs: readonly string[]): string => `[${xs.map(quote).join(" ")}]`;

function answer<T>(parsed: GoParsed<T>, show: (v: T) => string): Omit<GoAnswer, "id"> {
  return parsed.ok ? { ok: true, value: show(parsed.value) } : { ok: false, error: parsed.error };
}

/** Accept/reject and the instant (Go's error text is not Signet's, so it is left out). */
function rfc1123z(text: string): Omit<GoAnswer, "id"> {
  const ns = parseRFC1123Z(text);
  if (ns === undefined) return { ok: false };
  const nanos = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  const seconds = (ns - nanos) / 1_000_000_000n;
  return { ok: true, value: `${seconds}.${String(nanos).padStart(9, "0")}` };
}

function signetFlags(c: ArgvCase): Omit<GoAnswer, "id"> {
  try {
    const r = parseFlags(GROUP, c.argv, {
      env: c.env,
      envPrefix: "SEALED_SECRETS",
      invalidEnv: "assign",
    });
    const deprecation = r.deprecations.map((d) => `${d}\n`).join("");
    if (r.helpRequested) return { ok: true, help: true, ...(deprecation && { deprecation }) };
    const v = r.values;
    return {
      ok: true,
      values: {
        bool: String(v.bool),
        yes: String(v.yes),
        str: v.str,
        int: String(v.int),
        float: floatBits(v.float),
        dur: String(Math.round(v.dur * 1e6)),
        slice: goList(v.slice),
        array: goList(v.array),
        scope: v.scope,
      },
      ...(r.changed.size > 0 && { changed: [...r.changed].sort() }),
      ...(r.args.length > 0 && { args: [...r.args] }),
      ...(deprecation && { deprecation }),
    };
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    const deprecation = err.deprecations.map((d) => `${d}\n`).join("");
    return { ok: false, error: err.message, ...(deprecation && { deprecation }) };
  }
}

const r = seeded("gocompat-diff");
const scalarCases: [GoCase, Omit<GoAnswer, "id">][] = [
  ...BOOL_TEXTS.map((t) => ["bool", t, answer(parseBool(t), String)] as const),
  ...intTexts(r, 400).map((t) => ["int", t, answer(parseInt64(t), String)] as const),
  ...floatTexts(r, 400).map((t) => ["float", t, answer(parseFloat64(t), floatBits)] as const),
  ...durationTexts(r, 400).map((t) => ["duration", t, answer(parseDuration(t), String)] as const),
  ...quoteTexts(r, 300).map((t) => ["quote", t, { ok: true, value: quote(t) }] as const),
  ...rfc1123zTexts(r, 600).map((t) => ["rfc1123z", t, rfc1123z(t)] as const),
].map(([op, text, ours], i) => [{ id: `${op}-${i}`, op, text }, ours]);

const durationValues = [
  0n,
  1n,
  999n,
  1000n,
  1500n,
  1_000_000n,
  1_500_000n,
  1_000_000_000n,
  60_000_000_000n,
  3_600_000_000_000n,
  5_400_000_000_000n,
  315_360_000_000_000_000n,
  -1n,
  -5_400_000_000_000n,
  9_223_372_036_854_775_807n,
  -9_223_372_036_854_775_808n,
  123_456_789_012n,
];
const stringCases: [GoCase, Omit<GoAnswer, "id">][] = durationValues.map((ns, i) => [
  { id: `durationString-${i}`, op: "durationString", text: String(ns) },
  { ok: true, value: formatDuration(ns) },
]);

const flagCases = argvCases(r, 1500);

const cases = new Map<string, GoAnswer>();
let goAnswers: Map<string, GoAnswer> = cases;

/** Go's answer; for RFC1123Z only accept/reject and the value (the error texts differ). */
function goAnswer(c: GoCase): GoAnswer | undefined {
  const a = goAnswers.get(c.id);
  if (a === undefined || c.op !== "rfc1123z") return a;
  return a.ok ? { id: a.id, ok: true, value: a.value } : { id: a.id, ok: false };
}

describe("Go value syntaxes and pflag, compared with Go on a generated corpus", () => {
  let go: Map<string, GoAnswer>;

  beforeAll(() => {
    const cases: GoCase[] = [
      ...scalarCases.map(([c]) => c),
      ...stringCases.map(([c]) => c),
      ...flagCases.map((c, i) => ({ id: `flags-${i}`, op: "flags" as const, ...c })),
      { id: "usage", op: "usage" },
    ];
    go = runReference(buildReference(), cases);
    goAnswers = go;
  }, 300_000);

  it("has a corpus of at least 3000 cases", () => {
    expect(scalarCases.length + flagCases.length).toBeGreaterThanOrEqual(3000);
  });

  it.each(["bool", "int", "float", "duration", "quote", "rfc1123z"])(
    "parses every %s text as Go does (value or error text)",
    (op) => {
      const mismatches = scalarCases
        .filter(([c]) => c.op === op)
        .map(([c, ours]) => ({ text: c.text, go: goAnswer(c), ours: { id: c.id, ...ours } }))
        .filter((m) => canonical(m.go) !== canonical(m.ours));
      expect(mismatches).toEqual([]);
    },
  );

  it("prints durations as Go's Duration.String does", () => {
    for (const [c, ours] of stringCases) expect({ id: c.id, ...ours }).toEqual(go.get(c.id));
  });

  it("parses every generated command line and environment as pflag + pflagenv do", () => {
    const mismatches = flagCases
      .map((c, i) => ({
        case: c,
        go: go.get(`flags-${i}`),
        ours: { id: `flags-${i}`, ...signetFlags(c) },
      }))
      .filter((m) => canonical(m.go) !== canonical(m.ours));
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(mismatches).toHaveLength(0);
  });

  it("prints pflag's usage text byte for byte", () => {
    expect(flagUsages(GROUP)).toBe(go.get("usage")?.usage);
  });
});
