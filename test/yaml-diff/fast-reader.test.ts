import { describe, expect, it } from "vitest";
import { goBytesToString } from "../../packages/core/src/manifest/go-utf8.js";
import { parseFastYaml } from "../../packages/core/src/manifest/yaml-fast.js";
import { parseYaml, YamlSyntaxError } from "../../packages/core/src/manifest/yaml-parse.js";
import { YamlDocumentReader } from "../../packages/core/src/manifest/yaml-reader.js";
import { plainScalar } from "../../packages/core/src/manifest/yaml-node.js";
import type { YamlNode } from "../../packages/core/src/manifest/yaml-node.js";
import { checkedIn } from "./checked-in.js";
import { generated } from "./corpus.js";
import { Random } from "./generator.js";

/**
 * The fast reader (yaml-fast.ts) must yield exactly the nodes the full reader (yaml-parse.ts)
 * yields wherever it accepts a document: compared directly on every document of the
 * differential corpus and on texts built from the lines the fast reader handles.
 */

const seed = Number(process.env["SIGNET_YAML_DIFF_SEED"] ?? 1829089068);
const count = Number(process.env["SIGNET_YAML_DIFF_COUNT"] ?? 2500);

/** What the full reader makes of `text`: its nodes (plain data) or its error. */
function full(text: string): unknown {
  try {
    return { node: structuredClone(parseYaml(text).node ?? "empty") };
  } catch (err) {
    if (err instanceof YamlSyntaxError)
      return { error: err.message, offset: err.offset, ...(err.yaml12 ? { yaml12: true } : {}) };
    throw err;
  }
}

/** The fast reader's nodes with plain scalars spelled out as the full reader builds them. */
function spelled(node: YamlNode): unknown {
  if (typeof node === "string") return plainScalar(node);
  if (node.kind === "mapping" || node.kind === "sequence")
    return { kind: node.kind, children: node.children.map(spelled) };
  if (node.kind === "alias")
    return { kind: "alias", name: node.name, target: spelled(node.target) };
  return structuredClone(node);
}

function fast(text: string): unknown {
  const node = parseFastYaml(text);
  if (node === undefined) return undefined;
  if (node === "empty") return { node };
  if ("refusal" in node) return { error: node.refusal };
  if ("unclosedQuote" in node)
    return { error: node.unclosedQuote.message, offset: node.unclosedQuote.offset };
  return { node: spelled(node) };
}

/** Compares the readers on `text`; true when the fast reader accepted it. */
function agree(text: string): boolean {
  const mine = fast(text);
  if (mine === undefined) return false;
  const theirs = full(text);
  // Where the full reader fails only for being YAML 1.2 (a flow line indented less than the
  // block around it), Go is the judge: test/yaml-diff reads such documents against it.
  if (typeof theirs === "object" && theirs !== null && "yaml12" in theirs) return true;
  expect({ text, read: mine }).toEqual({ text, read: theirs });
  return true;
}

function documents(input: Uint8Array): string[] {
  const reader = new YamlDocumentReader(input, 0);
  const out: string[] = [];
  for (let r = reader.read(); r.kind === "document"; r = reader.read())
    out.push(goBytesToString(r.bytes));
  return out;
}

const KEYS = [
  "a",
  "b",
  "k1",
  "data",
  "x.y/z",
  "1",
  "true",
  "null",
  "~",
  "on",
  "<<",
  '"q k"',
  "'s: k'",
  "'it''s'",
  '"a\\tb"',
  '"#"',
  '"1"',
];
const VALUES = [
  "v",
  "1",
  "0x1F",
  "yes",
  "~",
  "null",
  "2001-12-14",
  "1e3",
  "'q'",
  '"d"',
  '"it\'s"',
  "'a # b'",
  "a # c",
  "a:b",
  "a: b",
  "-1",
  "- x",
  "[a]",
  "{a: b}",
  "&a1 v",
  "&a2 'q'",
  "&a1 x",
  "*a1",
  "*a2",
  "*a3",
  "*a1 # c",
  "&a3",
  "&a1 &a2 v",
  "!!str 1",
  "|",
  '"unclosed',
  "",
  "# c",
  "é ü",
  "v  ",
];

type Tree = string | { map: [string, Tree][] } | { seq: Tree[] };

function randomTree(r: Random, depth: number): Tree {
  if (depth > 3 || r.chance(0.4)) return r.chance(0.8) ? r.pick(GOOD) : r.pick(VALUES);
  const n = 1 + r.int(4);
  if (r.chance(0.5))
    return { map: Array.from({ length: n }, () => [r.pick(KEYS), randomTree(r, depth + 1)]) };
  return { seq: Array.from({ length: n }, () => randomTree(r, depth + 1)) };
}

/** Block-style lines of `tree` as a value after `head` (a key or a dash) at `indent`. */
function render(r: Random, tree: Tree, at: { head: string; indent: number }, out: string[]): void {
  const { head, indent } = at;
  const pad = " ".repeat(indent);
  if (typeof tree === "string") {
    out.push(`${pad}${head}${tree === "" ? "" : r.pick([" ", " ", "  "])}${tree}`);
    return;
  }
  if ("map" in tree && head.startsWith("-") && r.chance(0.7)) {
    // The mapping's first entry on the dash's line.
    const gap = r.pick([" ", " ", "  "]);
    const column = indent + 1 + gap.length;
    const lines: string[] = [];
    tree.map.forEach(([k, v], i) =>
      render(r, v, { head: `${k}:`, indent: i === 0 ? 0 : column }, lines),
    );
    out.push(`${pad}-${gap}${lines[0]!}`, ...lines.slice(1));
    return;
  }
  out.push(`${pad}${head}`);
  const inner = "seq" in tree && !head.startsWith("-") ? r.pick([0, 0, 2]) : r.pick([1, 2, 2, 4]);
  if ("map" in tree)
    for (const [k, v] of tree.map) render(r, v, { head: `${k}:`, indent: indent + inner }, out);
  else for (const v of tree.seq) render(r, v, { head: "-", indent: indent + inner }, out);
}

/** A block document of random mappings and sequences, sometimes with a line disturbed. */
function randomText(r: Random): string {
  const lines: string[] = [];
  const root = 1 + r.int(4);
  for (let i = 0; i < root; i++)
    render(r, randomTree(r, 0), { head: `${r.pick(KEYS)}:`, indent: 0 }, lines);
  if (r.chance(0.3)) {
    const at = r.int(lines.length);
    const line = lines[at]!;
    lines[at] = r.pick([
      ` ${line}`,
      line.replace(/^ /, ""),
      `${line} # c`,
      `${line}\n# c`,
      `${line}\n`,
    ]);
  }
  return (r.chance(0.1) ? "---\n" : "") + lines.join("\n") + r.pick(["\n", "\n", ""]);
}

/** Values the fast reader takes (anchors, aliases, quoted and plain scalars). */
const GOOD = [
  "v",
  "1",
  "yes",
  "~",
  "'q'",
  '"d"',
  "&a1 v",
  "&a2 'q'",
  "*a1",
  "*a2",
  "a # c",
  "2001-12-14",
  "",
  '"x\\ny"',
];

/** Flow scalars, tricky ones among them (what YAML 1.1 and 1.2 split or end differently). */
const FLOW_SCALARS = [
  "v",
  "a b",
  "1",
  "-1",
  "-a",
  "- a",
  "yes",
  "~",
  "'q'",
  "'it''s'",
  '"d"',
  '"a\\nb"',
  '"\\x41\\u00e9"',
  '"\\/"',
  '"\\ud800"',
  '"q\\"x"',
  '"a, b]"',
  "a:b",
  "a#b",
  "a #b",
  "?a",
  "a?",
  ":a",
  "*a1",
  "*a2",
  "*a9",
  "*a1:",
  "&a1 v",
  "&a2 'q'",
  "&a1 [x]",
  "&a2 {k: v}",
  "!t v",
  "!!str 1",
  "é",
  ".5",
  "...",
  "",
];

/** A flow rendering of `tree`, with random spacing and line breaks at `indent` or other columns. */
function flowText(r: Random, tree: Tree, indent: number, tricky = 0.3): string {
  const gap = (): string =>
    r.pick([
      "",
      " ",
      " ",
      "  ",
      "",
      " ",
      " ",
      `\n${" ".repeat(indent + 1 + r.int(3))}`,
      `\n${" ".repeat(r.int(indent + 2))}`,
    ]);
  if (typeof tree === "string") return r.chance(tricky) ? r.pick(FLOW_SCALARS) : r.pick(GOOD);
  const comma = (): string => `${gap()}${r.chance(tricky / 6) ? ",," : ","}${gap()}`;
  const trailing = r.chance(0.2) ? "," : "";
  if ("seq" in tree) {
    const items = tree.seq.map((t) => flowText(r, t, indent + 2, tricky));
    return `[${gap()}${items.join(comma())}${trailing}${gap()}]`;
  }
  const colon = (): string => r.pick([": ", ": ", ":", " : ", ":\n" + " ".repeat(indent + 2)]);
  const entries = tree.map.map(([k, t]) => {
    const key = r.chance(0.2) ? r.pick(['"k"', "'k'", "k x", tricky ? "*a1" : "k"]) : k;
    return r.chance(tricky / 6) ? key : `${key}${colon()}${flowText(r, t, indent + 2, tricky)}`;
  });
  return `{${gap()}${entries.join(comma())}${trailing}${gap()}}`;
}

/** A block document with flow collections as values, items and root. */
function randomFlowText(r: Random): string {
  const tricky = r.chance(0.3) ? 0.3 : 0;
  const prefix = r.chance(0.5) ? "a1: &a1 v\n" : "";
  const tree = (): Tree => {
    const t = randomTree(r, 1);
    return typeof t === "string" ? { seq: [t] } : t;
  };
  const shapes = [
    () => `${prefix}${r.pick(KEYS)}: ${flowText(r, tree(), 0, tricky)}`,
    () => `${prefix}k:\n- ${flowText(r, tree(), 0)}\n- ${flowText(r, tree(), 0, tricky)}`,
    () => `${prefix}k:\n  - x: ${flowText(r, tree(), 4, tricky)}`,
    () =>
      `${" ".repeat(r.int(2))}${flowText(
        r,
        {
          map: [
            ["a", tree()],
            ["b", "v"],
          ],
        },
        0,
        tricky,
      )}`,
  ];
  const suffix = r.pick([
    "",
    "\n",
    " # c\n",
    "\nz: 1\n",
    "\n# c\n",
    tricky ? "#c\n" : "",
    tricky ? " x\n" : "",
  ]);
  return r.pick(shapes)() + suffix;
}

describe("the fast YAML reader agrees with the full reader", () => {
  it("on every document of the checked-in and generated corpus it accepts", () => {
    let accepted = 0;
    for (const c of [...checkedIn(), ...generated(seed, count)])
      for (const text of documents(c.input)) if (agree(text)) accepted++;
    expect(accepted).toBeGreaterThan(100);
  });

  it("on random texts of keys, sequence items, anchors and aliases", () => {
    const r = new Random(seed);
    let accepted = 0;
    let sequences = 0;
    for (let i = 0; i < count * 4; i++) {
      const text = randomText(r);
      if (!agree(text)) continue;
      accepted++;
      if (/^ *- /m.test(text)) sequences++;
    }
    expect(accepted).toBeGreaterThan(count / 10);
    expect(sequences).toBeGreaterThan(count / 20);
  });

  it("on random texts with flow collections (values, items, a root mapping)", () => {
    const r = new Random(seed);
    let accepted = 0;
    for (let i = 0; i < count * 4; i++) if (agree(randomFlowText(r))) accepted++;
    expect(accepted).toBeGreaterThan(count / 10);
  });
});
