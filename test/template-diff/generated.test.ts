import { readFileSync } from "node:fs";
import { renderTemplates } from "../../packages/core/src/index.js";
import { beforeAll, describe, expect, it } from "vitest";
import { DATA, NOW } from "./corpus.js";
import { buildReference, runReference, seededRandom } from "./reference.js";
import type { GoResult } from "./reference.js";

interface GeneratedCase {
  id: string;
  source: string;
  template: string;
}

const corpus = JSON.parse(
  readFileSync(new URL("./generated-corpus.json", import.meta.url), "utf8"),
) as { go: string; sprig: string; cases: GeneratedCase[] };

function signet(c: GeneratedCase, allowDataDependent: boolean) {
  const { data, failures } = renderTemplates({ [c.id]: c.template }, DATA, {
    now: () => new Date(NOW),
    random: seededRandom(),
    allowDataDependent,
  });
  const f = failures[0];
  return f === undefined
    ? { ok: true, output: Buffer.from(data[c.id] ?? new Uint8Array()), code: undefined }
    : { ok: false, output: Buffer.alloc(0), code: f.code, message: f.message };
}

describe("the generated corpus renders like Go", () => {
  let go: Map<string, GoResult>;
  beforeAll(() => {
    go = runReference(buildReference("generated"), corpus.cases).results;
  });

  it("agrees with Go", () => {
    const diffs: string[] = [];
    for (const c of corpus.cases) {
      const ref = go.get(c.id)!;
      const ours = signet(c, true);
      const theirs = ref.ok ? Buffer.from(ref.output, "base64") : null;
      const same = ref.ok === ours.ok && (!ref.ok || theirs!.equals(ours.output));
      if (!same)
        diffs.push(
          `${c.source} | ${JSON.stringify(c.template)}\n   go: ${ref.ok ? JSON.stringify(theirs!.toString("latin1")) : ref.error}\n   us: ${ours.ok ? JSON.stringify(ours.output.toString("latin1")) : `${ours.code} ${ours.message}`}`,
        );
    }
    console.info(`generated: ${corpus.cases.length} cases, ${diffs.length} differences`);
    expect(diffs.join("\n")).toBe("");
  });
});
