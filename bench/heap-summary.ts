// Summarises a V8 heap snapshot (.heapsnapshot, as `--heapsnapshot-signal` writes it): where the
// heap's bytes are, by node type and constructor, for BENCHMARKS.md's "where the memory goes".
import { readFileSync } from "node:fs";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapGroup {
  /** `type` for strings, code and arrays; `type:constructor` for objects. */
  group: string;
  count: number;
  bytes: number;
}

/** Self sizes summed by group, largest first, and the total. */
export function summarizeHeap(file: string): { total: number; groups: HeapGroup[] } {
  const snap = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f));
  const groups = new Map<string, HeapGroup>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt!]!] ?? "?";
    const size = snap.nodes[i + sizeAt!]!;
    total += size;
    const name = snap.strings[snap.nodes[i + nameAt!]!] ?? "";
    const group = type === "object" || type === "closure" ? `${type}:${name}` : type;
    const g = groups.get(group) ?? { group, count: 0, bytes: 0 };
    g.count++;
    g.bytes += size;
    groups.set(group, g);
  }
  return { total, groups: [...groups.values()].sort((a, b) => b.bytes - a.bytes) };
}

/** A Markdown table of the `top` largest groups. */
export function heapTable(file: string, top = 12): string {
  const { total, groups } = summarizeHeap(file);
  const mib = (n: number): string => (n / 1048576).toFixed(1);
  const rows = groups
    .slice(0, top)
    .map((g) => `| ${g.group} | ${g.count.toLocaleString("en-US")} | ${mib(g.bytes)} |`);
  return `| heap objects (self size) | count | MiB |\n|---|---|---|\n${rows.join("\n")}\n| all | | ${mib(total)} |`;
}
