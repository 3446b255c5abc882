import { beforeAll, describe, expect, it } from "vitest";
import { compareGeneric, compareStream, compareUniversal } from "./compare.js";
import type { Comparison } from "./compare.js";
import { checkedIn } from "./checked-in.js";
import { generated } from "./corpus.js";
import type { DiffCase } from "./corpus.js";
import { buildReference, runReference } from "./reference.js";
import type { GoResult } from "./reference.js";

/**
 * Differential test: every input is decoded by the Go code kubeseal v0.36.6 runs and by
 * Signet's decoder; the results must agree (values exactly, errors by text, YAML syntax errors by
 * class), except where Signet refuses a document on purpose (README: "Where Signet differs from
 * kubeseal"). SIGNET_YAML_DIFF_SEED replays a run.
 */

/**
 * The generated corpus's seed. CI runs a fixed seed, so a red run is a regression of the code,
 * not a new corner found by chance; `SIGNET_YAML_DIFF_SEED=random` explores (each new difference
 * found that way is fixed and its input checked in, or documented as a deliberate refusal).
 */
const FIXED_SEED = 1829089068;
const seedSetting = process.env["SIGNET_YAML_DIFF_SEED"];
const seed =
  seedSetting === "random"
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(seedSetting ?? FIXED_SEED);
const GENERATED = Number(process.env["SIGNET_YAML_DIFF_COUNT"] ?? 2500);

function compare(c: DiffCase, go: GoResult): Comparison {
  switch (c.mode) {
    case "secrets":
    case "sealedsecrets":
      return compareStream(c.input, c.mode, go);
    case "universal":
      return compareUniversal(c.input, go);
    case "generic":
      return compareGeneric(c.input, go);
    case "encode":
    case "list":
    case "readback":
      // Encoder cases are compared by written.test.ts, not in the decoder corpus.
      throw new Error(`no decoder comparison for ${c.mode}`);
  }
}

function show(input: Uint8Array): string {
  return JSON.stringify(Buffer.from(input).toString("utf8"));
}

describe(`manifests decode as in Go (seed ${seed})`, () => {
  let bin: string;

  beforeAll(() => {
    bin = buildReference("decode");
  });

  it("agrees with Go on every checked-in input (the classes of wrong sealing found against kubeseal)", () => {
    const cases = checkedIn();
    const go = runReference(bin, cases);
    const diffs = cases.flatMap((c) => {
      const cmp = compare(c, go.get(c.id)!);
      // The "read" cases are valid for Go: a refusal of one is a difference too.
      if (c.id.startsWith("read: ") && cmp.refusal !== undefined)
        return [`${c.id} ${show(c.input)}: refused (${cmp.refusal}) where Go reads it`];
      return cmp.same ? [] : [`${c.id} ${show(c.input)}${cmp.detail}`];
    });
    console.info(`yaml-diff: ${cases.length} checked-in cases, ${diffs.length} differences`);
    expect(diffs.join("\n\n")).toBe("");
  });

  it("agrees with Go on at least 2,000 generated inputs", () => {
    const cases = generated(seed, GENERATED);
    expect(cases.length).toBeGreaterThanOrEqual(2000);
    const go = runReference(bin, cases);
    const diffs: string[] = [];
    const refusals = new Map<string, number>();
    for (const c of cases) {
      const result = go.get(c.id);
      if (!result) {
        diffs.push(`${c.id}: no Go result`);
        continue;
      }
      const cmp = compare(c, result);
      if (cmp.refusal !== undefined)
        refusals.set(cmp.refusal, (refusals.get(cmp.refusal) ?? 0) + 1);
      if (!cmp.same) diffs.push(`${c.id} [${c.mode}] ${show(c.input)}${cmp.detail}`);
    }
    console.info(
      `yaml-diff: seed ${seed}, ${cases.length} cases, ${diffs.length} differences, refusals: ${JSON.stringify([...refusals])}`,
    );
    expect(diffs.slice(0, 20).join("\n\n"), `seed ${seed}: ${diffs.length} differences`).toBe("");
  });
});
