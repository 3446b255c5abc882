import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderTemplates, templateFunctionNames } from "../../packages/core/src/index.js";
import { beforeAll, describe, expect, it } from "vitest";
import { corpus, DATA, NOW } from "./corpus.js";
import type { CorpusCase } from "./corpus.js";

/**
 * Differential test: builds the Go program in this folder (text/template + sprig v3.3.0, as the
 * reference controller configures them) into a cache directory outside the repository, renders
 * the whole corpus once through it, and compares Signet's output byte for byte.
 */

interface GoResult {
  id: string;
  ok: boolean;
  output: string;
  error?: string;
}

const here = fileURLToPath(new URL(".", import.meta.url));
const cacheRoot = process.env.SIGNET_CACHE ?? join(homedir(), ".cache", "signet");
const binDir = join(cacheRoot, "template-diff");
const bin = join(binDir, "template-diff");
const cases = corpus();

/** Deterministic stand-in for crypto randomness (SHA-256 in counter mode). */
function seededRandom(): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 32) {
      const block = createHash("sha256").update(`seed-${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, n - i)), i);
    }
    return out;
  };
}

/** Go's text/template built-ins (funcs.go), which the Go program's map does not list. */
const GO_BUILTINS = [
  "and",
  "call",
  "eq",
  "ge",
  "gt",
  "html",
  "index",
  "js",
  "le",
  "len",
  "lt",
  "ne",
  "not",
  "or",
  "print",
  "printf",
  "println",
  "slice",
  "urlquery",
];

function runGo(all: CorpusCase[]): { funcs: string[]; results: Map<string, GoResult> } {
  const data = Object.fromEntries(
    Object.entries(DATA).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
  );
  const request = {
    now: NOW,
    cases: all.map((c) => ({
      id: c.id,
      template: Buffer.from(c.template, "utf8").toString("base64"),
      data,
    })),
  };
  const stdout = execFileSync(bin, [], {
    input: JSON.stringify(request),
    env: { ...process.env, TZ: "UTC" },
    maxBuffer: 64 * 1024 * 1024,
  });
  const response = JSON.parse(stdout.toString("utf8")) as { funcs: string[]; results: GoResult[] };
  return { funcs: response.funcs, results: new Map(response.results.map((r) => [r.id, r])) };
}

function renderSignet(c: CorpusCase): { ok: boolean; output: Buffer; code?: string } {
  const { data, failures } = renderTemplates({ [c.id]: c.template }, DATA, {
    now: () => new Date(NOW),
    random: seededRandom(),
  });
  const failure = failures[0];
  if (failure !== undefined) return { ok: false, output: Buffer.alloc(0), code: failure.code };
  return { ok: true, output: Buffer.from(data[c.id] ?? new Uint8Array()) };
}

describe("templates render like Go text/template + sprig v3.3.0", () => {
  let go: Map<string, GoResult>;
  let goFuncs: string[];

  beforeAll(() => {
    mkdirSync(binDir, { recursive: true });
    execFileSync("go", ["build", "-o", bin, "."], { cwd: here, stdio: "inherit" });
    ({ results: go, funcs: goFuncs } = runGo(cases));
  });

  it("offers exactly the reference's function names", () => {
    const reference = [...new Set([...goFuncs, ...GO_BUILTINS])].sort();
    expect(templateFunctionNames()).toEqual(reference);
  });

  it("has a corpus of at least 300 templates", () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
  });

  it("agrees with Go on every corpus case that is not a documented refusal", () => {
    const diffs: string[] = [];
    for (const c of cases.filter((x) => x.refusal === undefined)) {
      const ref = go.get(c.id);
      const ours = renderSignet(c);
      if (ref === undefined) {
        diffs.push(`${c.id}: no Go result`);
      } else if (ref.ok !== ours.ok) {
        diffs.push(
          `${c.id}: Go ${ref.ok ? "ok" : `error (${ref.error ?? ""})`}, Signet ${ours.ok ? `ok ${JSON.stringify(ours.output.toString("latin1"))}` : `error ${ours.code ?? ""}`}\n  ${c.template}`,
        );
      } else if (ref.ok && Buffer.compare(Buffer.from(ref.output, "base64"), ours.output) !== 0) {
        diffs.push(
          `${c.id}: output differs\n  template: ${c.template}\n  go:     ${JSON.stringify(Buffer.from(ref.output, "base64").toString("latin1"))}\n  signet: ${JSON.stringify(ours.output.toString("latin1"))}`,
        );
      }
    }
    const goErrors = [...go.values()].filter((r) => !r.ok).length;
    console.info(
      `template-diff: ${cases.length} cases, ${goErrors} Go errors, ${diffs.length} differences`,
    );
    expect(diffs.join("\n")).toBe("");
  });

  it("fails every documented refusal with its code", () => {
    for (const c of cases.filter((x) => x.refusal !== undefined)) {
      expect({ id: c.id, code: renderSignet(c).code }).toEqual({ id: c.id, code: c.refusal?.code });
    }
  });
});
