import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { compareCorpus } from "./compare.js";
import type { Comparison } from "./compare.js";
import { buildReference, runReference } from "./reference.js";

/**
 * The corpus generated from the Go sources' own test tables (corpusgen/main.go: text/template's
 * exec, comparison, parse, lex and number tests, fmt's fmtTests, strconv's float, integer and
 * quote tables, regexp's RE2 search, find, split, replace, meta and syntax tables, net/url's URL
 * tables, sprig's tests) rendered by Go and by Signet: 0 differences except the documented ones,
 * whose counts are part of the documentation (packages/core/src/template/README.md).
 */

interface GeneratedCase {
  id: string;
  source: string;
  template: string;
}

const corpus = JSON.parse(
  readFileSync(new URL("./generated-corpus.json", import.meta.url), "utf8"),
) as { go: string; sprig: string; cases: GeneratedCase[] };

/** Documented differences on this corpus, by category (README.md, "Known, deliberate differences"). */
export const GENERATED_DOCUMENTED: Readonly<Record<string, number>> = {
  "complex number": 24,
  "refused function": 15,
  "random output": 7,
  "regular expression refused (backtracking)": 25,
  "clock of non-time dates": 2,
  "semver method outside the allowlist": 3,
};

describe("the corpus generated from Go's test tables renders like Go", () => {
  let result: Comparison;

  beforeAll(() => {
    const go = runReference(buildReference("generated"), corpus.cases).results;
    result = compareCorpus(corpus.cases, go);
    console.info(
      `generated corpus (${corpus.go}, sprig ${corpus.sprig}): ${corpus.cases.length} cases, ${result.diffs.length} differences, documented ${JSON.stringify(Object.fromEntries(result.documented))}; default mode accepts ${result.opaqueAccepted}, refuses ${result.dataDependent} as data-dependent`,
    );
  });

  it("has thousands of cases from every source", () => {
    expect(corpus.cases.length).toBeGreaterThan(4000);
    const sources = new Set(corpus.cases.map((c) => c.source.split(" ")[0]));
    for (const s of ["text/template", "fmt", "strconv", "regexp", "net/url", "sprig"]) {
      expect(sources).toContain(s);
    }
  });

  it("agrees with Go on every case, with data-dependent templates allowed", () => {
    expect(result.diffs.join("\n")).toBe("");
  });

  it("differs only as documented, in the documented numbers", () => {
    expect(Object.fromEntries(result.documented)).toEqual(GENERATED_DOCUMENTED);
  });

  it("renders every template the default mode accepts exactly as with them allowed", () => {
    expect(result.opaqueDiffs.join("\n")).toBe("");
    expect(result.opaqueAccepted).toBeGreaterThan(1000);
  });
});
