/// <reference types="node" />
// Differential test: Signet's position-keeping JSON reader (packages/cli/src/subcommands/
// json-source.ts, which `signet reseal` and `inspect` use to edit JSON files in place) against
// Go's encoding/json Decoder reading a stream value after value, as kubeseal's YAMLOrJSONDecoder
// does. Same inputs accepted, same values; the one deliberate difference is a key repeated in an
// object, which Go resolves silently (the last one wins) and Signet refuses.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

import {
  DuplicateKeyError,
  jsonValue,
  parseJsonStream,
} from "../../../packages/cli/src/subcommands/json-source.js";
import { cacheDir } from "../reference-tools.js";

interface GoResult {
  ok: boolean;
  /** The decoded values as JSON text. */
  values?: string;
  error?: string;
}

type Outcome = { ok: true; values: unknown[] } | { ok: false; duplicate: boolean; error: string };

const here = fileURLToPath(new URL(".", import.meta.url));

function buildGo(): string {
  const dir = join(cacheDir(), "json-diff");
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, "json-diff");
  execFileSync("go", ["build", "-o", bin, "."], { cwd: here, stdio: "inherit" });
  return bin;
}

function runGo(bin: string, inputs: readonly string[]): GoResult[] {
  const stdout = execFileSync(bin, [], {
    input: JSON.stringify(inputs.map((i) => Buffer.from(i, "utf8").toString("base64"))),
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(stdout.toString("utf8")) as GoResult[];
}

function runSignet(input: string): Outcome {
  try {
    return { ok: true, values: parseJsonStream(input).map(jsonValue) };
  } catch (err) {
    return {
      ok: false,
      duplicate: err instanceof DuplicateKeyError,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

/** Deep equality without recursion (the corpus nests 10000 levels); numbers by Object.is. */
function sameValue(a: unknown, b: unknown): boolean {
  const stack: [unknown, unknown][] = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    if (Array.isArray(x) || Array.isArray(y)) {
      if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
      x.forEach((item, i) => stack.push([item, y[i]]));
    } else if (x !== null && y !== null && typeof x === "object" && typeof y === "object") {
      const xo = x as Record<string, unknown>;
      const yo = y as Record<string, unknown>;
      const keys = Object.keys(xo);
      if (keys.length !== Object.keys(yo).length) return false;
      for (const k of keys) {
        if (!Object.hasOwn(yo, k)) return false;
        stack.push([xo[k], yo[k]]);
      }
    } else if (!Object.is(x, y)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Corpus: edge cases written from Go's scanner and decoder rules, generated values, and mutations

const nested = (depth: number): string => `${"[".repeat(depth)}${"]".repeat(depth)}`;

const EDGE_CASES = [
  "",
  " \t\r\n",
  "{}",
  "{}{}",
  "{} \n {}",
  "[1,2]{}",
  "1 2",
  "12",
  '"a""b"',
  "truefalse",
  "true false null",
  "nul",
  "tru e",
  "True",
  "-",
  "-0",
  "0.5",
  ".5",
  "5.",
  "1e",
  "1e+",
  "1E+2",
  "1e-0",
  "01",
  "00",
  "-01",
  "+1",
  "1.0e-5",
  "123456789012345678901234567890",
  "1e400",
  "-1e-400",
  "0x10",
  "NaN",
  "Infinity",
  '"\\u00e9"',
  '"\\/"',
  '"\\ud83d\\ude00"',
  '"\\ud800"',
  '"\\udc00x"',
  '"\\ud83d\\u0041"',
  '"\\ud83d\\ud83d\\ude00"',
  '"\\uDBFF\\uDFFF"',
  '"\\x41"',
  '"\\u12"',
  '"\\u12G4"',
  '"\\a"',
  '"\t"',
  '"\u0001"',
  '"\u001f"',
  '"\u007f"',
  '"\n"',
  '"é ✓ 😀"',
  '"unterminated',
  '"\\"',
  '{"a":1,}',
  "{,}",
  '{"a" 1}',
  '{"a":}',
  "{a:1}",
  "{'a':1}",
  '{"a":1 "b":2}',
  '{"a":1,,"b":2}',
  "[1 2]",
  "[,1]",
  "[1,,2]",
  "[1,]",
  "[",
  "]",
  "{}}",
  "[]]",
  "{\f}",
  "{\v}",
  "{\u00a0}",
  "\ufeff{}",
  "{}\u0000",
  "// comment\n{}",
  "{} /* c */",
  '{"a":{"b":[{"c":null}]}}',
  '{"":""}',
  '{"a":1,"b":{"a":2}}',
  '{"a":1,"a":2}',
  '{"a":1,"\\u0061":2}',
  '{"x":{"a":1,"a":1}}',
  '[{"a":1},{"a":1}]',
  nested(10000),
  nested(10001),
  `{"a":${nested(9999)}}`,
  `{"a":${nested(10000)}}`,
];

/** Deterministic PRNG (mulberry32) so the corpus is the same on every run. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHARS = [
  "a",
  "Z",
  "0",
  " ",
  '"',
  "\\",
  "/",
  "\n",
  "\t",
  "\u0001",
  "é",
  "✓",
  "😀",
  "<",
  "&",
  "\u2028",
];
const NUMBERS = [
  "0",
  "-0",
  "1",
  "-12",
  "3.25",
  "0.50",
  "1e3",
  "1E-7",
  "-2.5e+10",
  "123456789012345678901234567890",
];
const WS = ["", " ", "\n", "\r\n", "\t", "  "];

class Gen {
  private readonly r: () => number;

  constructor(seed: number) {
    this.r = prng(seed);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.r() * items.length)]!;
  }

  ws(): string {
    return this.pick(WS);
  }

  /** A JSON string token with a random mix of raw characters and escapes. */
  string(): string {
    let out = '"';
    const n = Math.floor(this.r() * 6);
    for (let i = 0; i < n; i++) {
      const c = this.pick(CHARS);
      const escape = this.r() < 0.3 || c === '"' || c === "\\" || c < " ";
      if (!escape) out += c;
      else if (this.r() < 0.5) out += JSON.stringify(c).slice(1, -1);
      else out += [...c].map((u) => escapeUnits(u)).join("");
    }
    return `${out}"`;
  }

  value(depth: number): string {
    const roll = this.r();
    if (depth <= 0 || roll < 0.4) return this.scalar();
    if (roll < 0.7) {
      const n = Math.floor(this.r() * 4);
      const items = Array.from(
        { length: n },
        () => `${this.ws()}${this.value(depth - 1)}${this.ws()}`,
      );
      return `[${items.join(",")}${n === 0 ? this.ws() : ""}]`;
    }
    const n = Math.floor(this.r() * 4);
    const keys = new Set<string>();
    const members: string[] = [];
    for (let i = 0; i < n; i++) {
      const key = this.string();
      if (keys.has(key)) continue;
      keys.add(key);
      members.push(
        `${this.ws()}${key}${this.ws()}:${this.ws()}${this.value(depth - 1)}${this.ws()}`,
      );
    }
    return `{${members.join(",")}${members.length === 0 ? this.ws() : ""}}`;
  }

  scalar(): string {
    const roll = this.r();
    if (roll < 0.35) return this.string();
    if (roll < 0.75) return this.pick(NUMBERS);
    return this.pick(["true", "false", "null"]);
  }

  stream(): string {
    const n = 1 + Math.floor(this.r() * 3);
    const values = Array.from({ length: n }, () => {
      const v = this.value(4);
      return v.startsWith("{") || v.startsWith("[") ? v : `{"v":${v}}`;
    });
    return `${this.ws()}${values.join(this.pick(["", "\n", " "]))}${this.ws()}`;
  }

  /** One random edit: delete, insert or replace a character. */
  mutate(text: string): string {
    const at = Math.floor(this.r() * (text.length + 1));
    const c = this.pick([
      "{",
      "}",
      "[",
      "]",
      ",",
      ":",
      '"',
      "\\",
      "0",
      "-",
      "e",
      ".",
      "t",
      " ",
      "x",
    ]);
    const roll = this.r();
    if (roll < 0.33) return text.slice(0, at) + text.slice(at + 1);
    if (roll < 0.66) return text.slice(0, at) + c + text.slice(at);
    return text.slice(0, at) + c + text.slice(at + 1);
  }
}

function escapeUnits(c: string): string {
  let out = "";
  for (let i = 0; i < c.length; i++) {
    out += `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`;
  }
  return out;
}

function corpus(): string[] {
  const gen = new Gen(19);
  const generated = Array.from({ length: 600 }, () => gen.stream());
  const mutated = generated.flatMap((text) => [gen.mutate(text), gen.mutate(gen.mutate(text))]);
  return [...EDGE_CASES, ...generated, ...mutated];
}

// ---------------------------------------------------------------------------------------------

describe("Signet's JSON reader agrees with Go's encoding/json on a generated corpus", () => {
  const inputs = corpus();
  let go: GoResult[];

  beforeAll(() => {
    go = runGo(buildGo(), inputs);
  });

  it("has a corpus of at least 1500 inputs, with both accepted and refused ones", () => {
    expect(inputs.length).toBeGreaterThanOrEqual(1500);
    expect(go.filter((r) => r.ok).length).toBeGreaterThan(500);
    expect(go.filter((r) => !r.ok).length).toBeGreaterThan(500);
  });

  it("accepts and refuses the same inputs and reads the same values; duplicate keys are the only (documented) refusal", () => {
    const differences: string[] = [];
    let refusals = 0;
    inputs.forEach((input, i) => {
      const theirs = go[i]!;
      const ours = runSignet(input);
      if (theirs.ok && !ours.ok && ours.duplicate) {
        refusals++;
        return;
      }
      const same = theirs.ok
        ? ours.ok && sameValue(ours.values, JSON.parse(theirs.values!))
        : !ours.ok;
      if (!same) {
        differences.push(
          `${JSON.stringify(input.slice(0, 200))}\n  go:     ${JSON.stringify(theirs).slice(0, 300)}\n  signet: ${JSON.stringify(ours).slice(0, 300)}`,
        );
      }
    });
    expect(differences).toEqual([]);
    // The four edge cases written with a repeated key, and any mutation that made one.
    expect(refusals).toBeGreaterThanOrEqual(4);
  });
});
