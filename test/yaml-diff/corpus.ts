import { Generator } from "./generator.js";
import type { GenNode } from "./generator.js";
import type { Mode } from "./reference.js";
import { Renderer } from "./render.js";

/** One differential input: its bytes and which Go decoding it goes through. */
export interface DiffCase {
  id: string;
  mode: Mode;
  input: Uint8Array;
}

const utf8 = (text: string): Uint8Array => Buffer.from(text, "utf8");

/** Inserts bytes or text at a random line start or after a random `: `. */
function inject(text: string, what: string, gen: Generator): string {
  const spots = [...text.matchAll(/\n|: /g)].map((m) => m.index + m[0].length);
  if (spots.length === 0) return what + text;
  const at = gen.rng.pick(spots);
  return text.slice(0, at) + what + text.slice(at);
}

/** Text-level variations: line endings, BOM, tabs, odd characters, directives, markers. */
function noise(text: string, gen: Generator): string {
  const r = gen.rng;
  let out = text;
  if (r.chance(0.04)) out = inject(out, r.pick(["\t", "  \t"]), gen);
  if (r.chance(0.02))
    out = inject(
      out,
      r.pick(["\u0001", "\u007f", "\u0085", "\u2028", "\ufeff", "\r", "\u0000"]),
      gen,
    );
  if (r.chance(0.03))
    out =
      r.pick([
        "%YAML 1.1\n---\n",
        "%YAML 1.2\n---\n",
        "%TAG !e! tag:example.com,2000:\n---\n",
        "--- !!map\n",
      ]) + out;
  if (r.chance(0.03)) out += r.pick(["...\n", "...\ngarbage: [\n", "# trailing comment\n", "\n\n"]);
  if (r.chance(0.05)) out = `# leading comment\n${out}`;
  return out;
}

const SEPARATORS = [
  "---\n",
  "---\n",
  "---\n",
  "--- # next\n",
  "---   \n",
  "---\t\n",
  "--- x\n",
  "----\n",
  "--- |\n",
  "---#c\n",
];

/** A stream of one to three documents with separators, comment-only and empty documents. */
function stream(gen: Generator, make: () => GenNode): string {
  const r = gen.rng;
  const renderer = new Renderer(r);
  const docs: string[] = [];
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const node = make();
    const form = r.next();
    if (form < 0.12) docs.push(`${renderer.json(node, r.chance(0.5))}\n`);
    else if (form < 0.18) docs.push(`${renderer.flow(node, "")}\n`);
    else docs.push(noise(renderer.document(node), gen));
    if (r.chance(0.08)) docs.push(r.pick(["# only a comment\n", "\n", "", "   \n"]));
  }
  let out = r.chance(0.15) ? "---\n" : "";
  out += docs.map((d, i) => (i === 0 ? d : r.pick(SEPARATORS) + d)).join("");
  if (r.chance(0.1)) out += r.pick(["---\n", "---", "\n---", "\n#c", "\n# comment here\n"]);
  if (r.chance(0.05)) out = out.replace(/\n/g, "\r\n");
  if (r.chance(0.03)) out = `\ufeff${out}`;
  return out;
}

/** Concatenated JSON values, as kubectl and jq write them, sometimes mixed with YAML after. */
function jsonStream(gen: Generator, make: () => GenNode): string {
  const r = gen.rng;
  const renderer = new Renderer(r);
  const n = 1 + r.int(3);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(renderer.json(make(), r.chance(0.5)));
  let out = parts.join(r.pick(["", "\n", " ", "\n---\n", "\n"]));
  if (r.chance(0.2))
    out += r.pick(["\n", "\n---\n", "\n# c\n", "\n#c", " x", "\n---\nmetadata: {name: y}\n", "}"]);
  return out;
}

/** Bytes that are not UTF-8, at a random place. */
function badBytes(text: string, gen: Generator): Uint8Array {
  const bytes = utf8(text);
  const at = gen.rng.int(bytes.length + 1);
  const bad = gen.rng.pick([
    [0xff],
    [0xc3],
    [0xe2, 0x82],
    [0xed, 0xa0, 0x80],
    [0xc0, 0xaf],
    [0x80],
  ]);
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]);
}

/** `count` generated inputs from `seed`, spread over the decoding modes. */
export function generated(seed: number, count: number): DiffCase[] {
  const gen = new Generator(seed);
  const cases: DiffCase[] = [];
  for (let i = 0; i < count; i++) {
    const sealed = gen.rng.chance(0.3);
    const make = sealed ? () => gen.sealedSecret() : () => gen.secret();
    const text = gen.rng.chance(0.15) ? jsonStream(gen, make) : stream(gen, make);
    const input = gen.rng.chance(0.03) ? badBytes(text, gen) : utf8(text);
    const id = `gen-${seed}-${i}`;
    if (sealed) {
      cases.push({ id, mode: gen.rng.chance(0.5) ? "universal" : "sealedsecrets", input });
    } else {
      cases.push({ id, mode: "secrets", input });
    }
    if (gen.rng.chance(0.25)) cases.push({ id: `${id}-generic`, mode: "generic", input });
  }
  return cases;
}
