import { beforeAll, describe, expect, it } from "vitest";

import { encodeJson, encodeYaml } from "../../packages/core/src/codec.js";
import { goJsonString, marshalJson } from "../../packages/core/src/manifest/json-tree.js";
import { yamlChunkToJson } from "../../packages/core/src/manifest/yaml-chunk.js";
import { compareGoYamlKeys } from "../../packages/core/src/yaml-order.js";
import { goYamlNeedsQuotes, marshalGoYaml } from "../../packages/core/src/manifest/go-yaml-emit.js";
import { canonicalText } from "./canonical.js";
import { Random } from "./generator.js";
import { buildReference, runReference } from "./reference.js";
import type { GoCase } from "./reference.js";
import { writtenObject, writtenString } from "./written.js";

/**
 * The encoder half of the differential test against the Go code kubeseal v0.36.6 runs:
 * - Signet's YAML (`-o yaml`, `--recovery-unseal -o yaml`) is byte for byte what
 *   sigs.k8s.io/yaml.JSONToYAML (go-yaml v2) makes of kubeseal's JSON of the same object;
 * - Go reads every key, string, number, boolean and null of that YAML back unchanged;
 * - a string that `goYamlNeedsQuotes` lets an editor (reseal, --merge-into) write plain as a
 *   block mapping value reads back in Go as that string;
 * - Signet's own reader (inspect, reseal, --merge-into) reads its YAML back unchanged too, line
 *   separators (U+2028, U+2029) in go-yaml's single-quoted style among them.
 * SIGNET_YAML_DIFF_SEED replays a run.
 */

const seed = Number(process.env["SIGNET_YAML_DIFF_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
const COUNT = Number(process.env["SIGNET_YAML_DIFF_COUNT"] ?? 2500);

const utf8 = (text: string): Uint8Array => Buffer.from(text, "utf8");

/**
 * Whether kubeseal's own path (json.Marshal, then go-yaml reading that JSON as YAML and writing
 * it) keeps the value: Go's JSON leaves DEL, C1 controls (NEL among them), the BOM and the
 * non-characters U+FFFE/U+FFFF raw, which go-yaml's reader refuses ("control characters are not
 * allowed") or changes (NEL read as a line break); and go-yaml writes the string `<<` plain,
 * which it then reads as a merge key; a key longer than 1,024 characters fails go-yaml's reading
 * of the JSON. Signet writes all of these so that they read back (README:
 * "Where Signet differs from kubeseal"); the bytes are compared for everything else.
 */
/**
 * Whether go-yaml's key order is defined for every map of the value: its `keyList.Less` is not
 * a total order (digit runs wrap at 2^63 and compare with other characters by their numeric
 * value), and for keys where it is not transitive Go's output depends on its random map order.
 */
function keyOrderIsDefined(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    const keys = Object.keys(v).sort(compareGoYamlKeys);
    for (let i = 0; i < keys.length; i++)
      for (let j = i + 1; j < keys.length; j++)
        if (compareGoYamlKeys(keys[i]!, keys[j]!) > 0) return false;
    stack.push(...Object.values(v as Record<string, unknown>));
  }
  return true;
}

/**
 * Whether a key or string of the value holds a line feed and a U+2028 or U+2029: go-yaml writes
 * it as a literal block with the separator raw, Signet double-quoted (README: "Where Signet
 * differs from kubeseal"), so only what Go and Signet read back is compared.
 */
function blockWithSeparator(value: unknown): boolean {
  const stack: unknown[] = [value];
  const both = (s: string): boolean => s.includes("\n") && /[\u2028\u2029]/.test(s);
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string" && both(v)) return true;
    if (v === null || typeof v !== "object") continue;
    for (const [k, child] of Object.entries(v)) {
      if (both(k)) return true;
      stack.push(child);
    }
  }
  return false;
}

function kubesealWritesIt(value: unknown): boolean {
  const bad = (s: string): boolean => s === "<<" || /[\u007f-\u009f\ufeff\ufffe\uffff]/.test(s);
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string" && bad(v)) return false;
    if (v === null || typeof v !== "object") continue;
    for (const [k, child] of Object.entries(v)) {
      // go-yaml reads a JSON key of more than 1,024 characters (as Go's JSON writes it, `<` as
      // `\u003c`) as no key (libyaml's simple-key limit): kubeseal cannot write such an object.
      if (bad(k) || goJsonString(k).length > 1000) return false;
      stack.push(child);
    }
  }
  return true;
}

describe(`what Signet writes reads as in Go (seed ${seed})`, () => {
  let bin: string;

  beforeAll(() => {
    bin = buildReference("written");
  });

  it("writes YAML exactly as Go does, and Go reads every value back unchanged", () => {
    const r = new Random(seed);
    const values = Array.from({ length: COUNT }, () => writtenObject(r));
    const plain = Array.from({ length: COUNT }, () => writtenString(r)).filter(
      (s) => !goYamlNeedsQuotes(s),
    );
    const cases: GoCase[] = [
      ...values.map((v, i) => ({
        id: `enc-${i}`,
        mode: "encode" as const,
        input: utf8(encodeJson(v)),
      })),
      ...values.map((v, i) => ({
        id: `back-${i}`,
        mode: "readback" as const,
        input: utf8(encodeYaml(v)),
      })),
      ...plain.map((s, i) => ({
        id: `plain-${i}`,
        mode: "readback" as const,
        input: utf8(`a: ${s}\n`),
      })),
    ];
    const go = runReference(bin, cases);
    let separatorsRead = 0;
    const diffs: string[] = [];
    values.forEach((v, i) => {
      const enc = go.get(`enc-${i}`)!;
      const goYaml = enc.error ?? Buffer.from(enc.output ?? "", "base64").toString("utf8");
      const ours = marshalGoYaml(v);
      if (
        kubesealWritesIt(v) &&
        !blockWithSeparator(v) &&
        keyOrderIsDefined(v) &&
        goYaml !== ours
      ) {
        diffs.push(
          `encode ${JSON.stringify(v)}\n  go:     ${JSON.stringify(goYaml)}\n  signet: ${JSON.stringify(ours)}`,
        );
      }
      const signet = yamlChunkToJson(utf8(encodeYaml(v)));
      const reread = signet.ok
        ? canonicalText(JSON.parse(marshalJson(signet.json)))
        : `error: ${signet.error}`;
      if (reread === canonicalText(v)) {
        if (/[\u2028\u2029]/.test(JSON.stringify(v))) separatorsRead++;
      } else {
        diffs.push(
          `Signet reads back ${JSON.stringify(encodeYaml(v))}\n  signet: ${reread}\n  want: ${canonicalText(v)}`,
        );
      }
      const back = go.get(`back-${i}`)!;
      const read = back.error ?? String(back.value);
      if (read !== canonicalText(v)) {
        diffs.push(
          `read back ${JSON.stringify(encodeYaml(v))}\n  go: ${read}\n  want: ${canonicalText(v)}`,
        );
      }
    });
    plain.forEach((s, i) => {
      const back = go.get(`plain-${i}`)!;
      const want = canonicalText({ a: s });
      const read = back.error ?? String(back.value);
      if (read !== want) diffs.push(`plain ${JSON.stringify(s)}: go read ${read}`);
    });
    console.info(
      `yaml-diff written: seed ${seed}, ${values.length} objects encoded and read back, ${plain.length} plain strings, ${diffs.length} differences, ${separatorsRead} with line separators read back by Signet`,
    );
    expect(diffs.slice(0, 10).join("\n\n"), `seed ${seed}: ${diffs.length} differences`).toBe("");
    expect(values.length + plain.length).toBeGreaterThanOrEqual(2000);
    expect(separatorsRead).toBeGreaterThan(0);
  });
});
