import { renderTemplates, templateFunctionNames } from "../../packages/core/src/index.js";
import { beforeAll, describe, expect, it } from "vitest";
import { compareCorpus } from "./compare.js";
import { corpus, DATA, NOW } from "./corpus.js";
import type { CorpusCase } from "./corpus.js";
import { buildReference, GO_BUILTINS, runReference, seededRandom } from "./reference.js";
import type { GoResult } from "./reference.js";

/**
 * Differential test: renders the whole corpus once through the Go reference program and
 * compares Signet's output byte for byte (and error versus success) for every case.
 */

const cases = corpus();

/** Renders a case; the differential runs with data-dependent templates allowed (Go's semantics). */
function renderSignet(
  c: CorpusCase,
  allowDataDependent = true,
): { ok: boolean; output: Buffer; code?: string } {
  const { data, failures } = renderTemplates({ [c.id]: c.template }, DATA, {
    now: () => new Date(NOW),
    random: seededRandom(),
    allowDataDependent,
  });
  const failure = failures[0];
  if (failure !== undefined) return { ok: false, output: Buffer.alloc(0), code: failure.code };
  return { ok: true, output: Buffer.from(data[c.id] ?? new Uint8Array()) };
}

describe("templates render like Go text/template + sprig v3.3.0", () => {
  let go: Map<string, GoResult>;
  let goFuncs: string[];

  beforeAll(() => {
    const bin = buildReference("corpus");
    ({ results: go, funcs: goFuncs } = runReference(bin, cases));
  });

  it("offers exactly the reference's function names", () => {
    const reference = [...new Set([...goFuncs, ...GO_BUILTINS])].sort();
    expect(templateFunctionNames()).toEqual(reference);
  });

  it("has a corpus of at least 1500 templates, 600 of them written independently", () => {
    expect(cases.length).toBeGreaterThanOrEqual(1500);
    expect(cases.filter((c) => c.id.startsWith("independent-")).length).toBeGreaterThanOrEqual(600);
  });

  it("agrees with Go on every corpus case that is not a documented refusal", () => {
    const result = compareCorpus(
      cases.filter((x) => x.refusal === undefined),
      go,
    );
    const goErrors = [...go.values()].filter((r) => !r.ok).length;
    console.info(
      `template-diff: ${cases.length} cases, ${goErrors} Go errors, ${result.diffs.length} differences, documented ${JSON.stringify(Object.fromEntries(result.documented))}; default mode accepts ${result.opaqueAccepted}, refuses ${result.dataDependent} as data-dependent`,
    );
    expect(result.diffs.join("\n")).toBe("");
    expect(Object.fromEntries(result.documented)).toEqual({});
    expect(result.opaqueDiffs.join("\n")).toBe("");
  });

  it("fails every documented refusal with its code", () => {
    for (const c of cases.filter((x) => x.refusal !== undefined)) {
      expect({ id: c.id, code: renderSignet(c).code }).toEqual({ id: c.id, code: c.refusal?.code });
    }
  });
});
