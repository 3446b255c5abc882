import { beforeAll, describe, expect, it } from "vitest";
import { encodeRune } from "../../packages/core/src/template/bytes.js";
import { compareCorpus } from "./compare.js";
import type { Comparison } from "./compare.js";
import { buildReference, runReference } from "./reference.js";
import type { DiffCase } from "./reference.js";

/**
 * Unicode sweeps: every code point of planes 0 and 1 (where every cased script lives) through
 * the case functions (upper, lower, title, swapcase and untitle, also word by word, so every
 * rune starts a word once), the word functions (camelcase, snakecase, kebabcase, initials,
 * nospace, trim, wrap: Go's unicode.IsSpace, IsLetter...), fmt's %q and %+q, `js` and `toJson`
 * (printability), and the regexp's case folding, \w, \s, \b and Unicode classes, rendered by Go and by
 * Signet. Go's own unicode tables decide (Unicode 15.0 for Go 1.26), whatever Node's ICU holds:
 * the special casings of İ, ǅ, ß, the Georgian Mtavruli and the late additions included.
 */

const CHUNK = 512;
const PLANES_0_1 = 0x20000;

/** A Go string literal of the code points in [lo, hi), surrogates skipped, `sep` between. */
function literal(lo: number, hi: number, sep = ""): string {
  const parts: string[] = [];
  for (let r = lo; r < hi; r++) {
    if (r >= 0xd800 && r <= 0xdfff) continue;
    parts.push(`\\U${r.toString(16).padStart(8, "0")}`);
  }
  return `"${parts.join(sep)}"`;
}

function caseSweep(): DiffCase[] {
  const cases: DiffCase[] = [];
  for (let lo = 0; lo < PLANES_0_1; lo += CHUNK) {
    const s = literal(lo, lo + CHUNK);
    const words = literal(lo, lo + CHUNK, " ");
    cases.push({
      id: `case-${lo.toString(16)}`,
      template: `{{ $s := ${s} }}{{ $w := ${words} }}{{ upper $s }}|{{ lower $s }}|{{ swapcase $s }}|{{ swapcase $w }}|{{ title $w }}|{{ title $s }}|{{ untitle $w }}|{{ printf "%q|%+q" $s $s }}|{{ js $s }}|{{ toJson $s }}`,
    });
    cases.push({
      id: `words-${lo.toString(16)}`,
      template: `{{ $s := ${s} }}{{ $w := ${words} }}{{ camelcase $w }}|{{ snakecase $w }}|{{ kebabcase $w }}|{{ initials $w }}|{{ nospace $w }}|{{ trim $s }}|{{ wrap 7 $w }}|{{ regexFindAll "\\\\w+|\\\\s+|\\\\b" $w -1 | len }}`,
    });
  }
  return cases;
}

/** Code points JS (Node's ICU, another Unicode version) gives a case mapping: the candidates. */
function casedRunes(): number[] {
  const out: number[] = [];
  for (let r = 0; r < PLANES_0_1; r++) {
    if (r >= 0xd800 && r <= 0xdfff) continue;
    const c = String.fromCodePoint(r);
    if (c.toUpperCase() !== c || c.toLowerCase() !== c) out.push(r);
  }
  return out;
}

/** (?i) over each range of code points holding a cased rune, against every cased rune. */
function foldSweep(): DiffCase[] {
  const cased = casedRunes();
  const subject = `"${cased.map((r) => `\\U${r.toString(16).padStart(8, "0")}`).join("")}"`;
  const cases: DiffCase[] = [];
  for (let lo = 0; lo < PLANES_0_1; lo += CHUNK) {
    const hi = lo + CHUNK - 1;
    if (!cased.some((r) => r >= lo && r <= hi)) continue;
    const range = `\\\\x{${lo.toString(16)}}-\\\\x{${hi.toString(16)}}`;
    cases.push({
      id: `fold-${lo.toString(16)}`,
      template: `{{ regexReplaceAll "(?i)[${range}]" ${subject} "" }}|{{ regexReplaceAll "(?i)[^${range}]" ${literal(lo, lo + CHUNK)} "" }}`,
    });
  }
  return cases;
}

const CLASSES = [
  "L",
  "Lu",
  "Ll",
  "Lt",
  "Lm",
  "Lo",
  "M",
  "Mn",
  "Mc",
  "Me",
  "N",
  "Nd",
  "Nl",
  "No",
  "P",
  "Pc",
  "Pd",
  "Ps",
  "Pe",
  "Pi",
  "Pf",
  "Po",
  "S",
  "Sm",
  "Sc",
  "Sk",
  "So",
  "Z",
  "Zs",
  "Zl",
  "Zp",
  "C",
  "Cc",
  "Cf",
  "Co",
  "Cs",
  "Cn",
  "LC",
  "Any",
  "Assigned",
  "ASCII",
  "Greek",
  "Latin",
  "Cyrillic",
  "Han",
  "Arabic",
  "Hebrew",
  "Devanagari",
  "Georgian",
  "Armenian",
  "Adlam",
  "Common",
  "Inherited",
  "Old_Italic",
  "Letter",
  "Uppercase_Letter",
  "greek",
  "LATIN",
];

/** Unicode classes (and their negations and (?i) closures) over every 7th code point. */
function classSweep(): DiffCase[] {
  const every = (step: number, offset: number): string => {
    const parts: string[] = [];
    for (let r = offset; r < PLANES_0_1; r += step) {
      if (r < 0xd800 || r > 0xdfff) parts.push(encodeRune(r));
    }
    return parts.join("");
  };
  const cases: DiffCase[] = [];
  CLASSES.forEach((name, i) => {
    const subject = JSON.stringify(Buffer.from(every(7, i % 7), "latin1").toString("utf8"));
    for (const pattern of [`\\\\p{${name}}`, `\\\\P{${name}}`, `(?i)\\\\p{${name}}`]) {
      cases.push({
        id: `class-${name}-${cases.length}`,
        template: `{{ regexReplaceAll "${pattern}" ${subject} "" | sha256sum }}`,
      });
    }
  });
  return cases;
}

describe("Unicode sweeps render like Go", () => {
  const cases = [...caseSweep(), ...foldSweep(), ...classSweep()];
  let result: Comparison;

  let goFailures: string[] = [];

  beforeAll(() => {
    const go = runReference(buildReference("unicode"), cases).results;
    goFailures = [...go.values()].filter((r) => !r.ok).map((r) => r.id);
    result = compareCorpus(cases, go);
    console.info(
      `unicode sweeps: ${cases.length} cases, ${result.diffs.length} differences, documented ${JSON.stringify(Object.fromEntries(result.documented))}`,
    );
  });

  it("maps case, quotes and matches every code point of planes 0 and 1 as Go does", () => {
    // Go's regexp does not find multi-word script names: canonicalName drops the underscore
    // of `Old_Italic` (and Signet fails them the same way, as the comparison shows).
    expect(goFailures.map((id) => id.replace(/-\d+$/, ""))).toEqual([
      "class-Old_Italic",
      "class-Old_Italic",
      "class-Old_Italic",
    ]);
    expect(result.diffs.join("\n")).toBe("");
    expect(Object.fromEntries(result.documented)).toEqual({});
  });
});
