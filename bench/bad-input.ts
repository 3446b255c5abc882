// The bad-input budget of the CLI benchmark (`npm run bench -- --only cli`): hostile or broken
// inputs under 1 MiB, each of which the CLI must seal or refuse within 1 s and 100 MiB.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Hostile or broken inputs under 1 MiB: each must be sealed or refused within 1 s and 100 MiB. */
function hostileInputs(): [string, string | Buffer][] {
  const MiB = 1024 * 1024;
  const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const next = String.fromCharCode(97 + i);
    bomb.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(", ")}]`);
  }
  const head = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: ns\n";
  const deepBlock = Array.from({ length: 2000 }, (_, i) => `${" ".repeat(i)}a:`).join("\n");
  const big = "x".repeat(MiB - 200);
  const aliases = `${head}stringData:\n  a: &v ${"y".repeat(100_000)}\n${Array.from({ length: 9 }, (_, i) => `  k${i}: *v`).join("\n")}\n`;
  return [
    ["alias bomb (billion laughs), 9 levels", `${bomb.join("\n")}\n${head}`],
    ["1 MiB of `[` (flow nesting)", "[".repeat(MiB - 1)],
    ["1 MiB of `{` (JSON nesting)", `{"a":${"[".repeat(MiB - 10)}`],
    ["block nesting 2,000 levels deep", `${head}${deepBlock.slice(0, MiB - 100)}\n`],
    ["1 MiB of `---` lines (empty documents)", "---\n".repeat(MiB / 4 - 1)],
    ["one 1 MiB value (sealed)", `${head}stringData:\n  a: ${big}\n`],
    ["a 100 kB value through 9 aliases (sealed)", aliases],
    [
      "invalid UTF-8 after 1 MiB of comments",
      Buffer.concat([
        Buffer.from(`${head}${"# c\n".repeat(MiB / 4 - 100)}stringData:\n  a: `),
        Buffer.from([0xff, 0x0a]),
      ]),
    ],
    ["1 MiB of unclosed quotes", `${head}stringData:\n  a: "${"z".repeat(MiB - 200)}\n`],
    // Large but ordinary documents, which kubeseal seals: the budget holds for them too.
    ...ordinaryInputs(`${head}stringData:\n  a: b\n`),
  ];
}

/** `head`, then `line(i)` for i = 1, 2, ... while the text stays under `limit`; and the count. */
function fill(head: string, line: (i: number) => string, limit = 1024 * 1024): [string, number] {
  const parts = [head];
  let size = head.length;
  let i = 1;
  for (; size + line(i).length < limit; i++) {
    parts.push(line(i));
    size += line(i).length;
  }
  return [parts.join(""), i - 1];
}

/** Large ordinary Secrets under 1 MiB: lists, anchors, maps, JSON arrays, escapes. */
function ordinaryInputs(head: string): [string, string | Buffer][] {
  const n = (count: number): string => count.toLocaleString("en-US");
  const [list, items] = fill(`${head}extra:\n`, () => "- a\n");
  const [anchors, anchorCount] = fill(`${head}extra:\n`, (i) => `- &a${i} x\n`);
  const [map, keys] = fill(`${head}extra:\n`, (i) => `  k${i}: v\n`);
  const json = `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"ns"},"stringData":{"a":"b"},"extra":[${Array(500_000).fill(1).join(",")}]}`;
  return [
    [`a block list of ${n(items)} items (sealed)`, list],
    [`${n(anchorCount)} anchored items in a list (sealed)`, anchors],
    [`a map of ${n(keys)} keys (sealed)`, map],
    ["a JSON array of 500,000 numbers (sealed)", json],
    [
      "a list, 250,000 comment lines, then invalid UTF-8",
      Buffer.concat([
        Buffer.from(`${head}extra:\n- a\n- b\n${"# c\n".repeat(250_000)}x: `),
        Buffer.from([0xff, 0x0a]),
      ]),
    ],
    ...flowAndBoundInputs(head),
    ...residualInputs(),
    [
      "a double-quoted value of 250,000 `\\x41` escapes (sealed)",
      head.replace("a: b", `a: "${"\\x41".repeat(250_000)}"`),
    ],
  ];
}

/**
 * Flow-style and other dense documents under 1 MiB (what a reviewer found at 280-700 MiB): read
 * by the fast reader, or refused at the size bounds that keep the budget (README: deliberate
 * differences).
 */
function flowAndBoundInputs(head: string): [string, string][] {
  const n = (count: number): string => count.toLocaleString("en-US");
  const [flowList, flowItems] = fill(`${head}extra: [`, () => "1,");
  const [aliases, aliasCount] = fill(`${head}x: &x v\nextra: [`, () => "*x, ");
  const [beside, besideItems] = fill(
    head.replace("stringData:\n  a: b\n", "stringData: {a: b}\nextra:\n"),
    () => "- a\n",
  );
  const [maps, mapCount] = fill(`${head}extra:\n`, () => "- {a: b}\n");
  const limit = `${head}extra:\n${`- {a: ${"b".repeat(44)}}\n`.repeat(19_990)}`;
  const [tagged, tags] = fill(`${head}extra:\n`, () => "- !!str a\n");
  const [blocks, blockCount] = fill(`${head}extra:\n`, () => "- |\n  a\n");
  const [empty, emptyCount] = fill(`${head}extra:\n`, () => "-\n");
  return [
    // The last item's comma becomes the closing bracket: the text stays under 1 MiB.
    [`a flow list of ${n(flowItems)} numbers (sealed)`, `${flowList.slice(0, -1)}]`],
    [`a flow list of ${n(aliasCount)} aliases (sealed)`, `${aliases.slice(0, -2)}]\n`],
    [`a block list of ${n(besideItems)} items beside \`stringData: {a: b}\` (sealed)`, beside],
    [`a list of ${n(emptyCount)} empty items (sealed)`, empty],
    ["19,990 flow mappings, 1 MiB (at the collection bound, sealed)", limit],
    [`a list of ${n(mapCount)} flow mappings (over the collection bound)`, maps],
    [`a list of ${n(tags)} tagged items (over the token bound)`, tagged],
    [`a list of ${n(blockCount)} block scalars (over the token bound)`, blocks],
  ];
}

/**
 * The heaviest shapes found (each was once over the budget): many small values headed for fields
 * Go keeps as raw JSON or ignores, which Signet still reads into trees first, a Secret of tiny
 * values past the sealed-size bound, refused only once read, and a Secret of as many values as
 * the bound lets through, an RSA operation each. An ordinary Secret comes first: the
 * executable's own floor.
 */
function residualInputs(): [string, string][] {
  const n = (count: number): string => count.toLocaleString("en-US");
  const near = 1024 * 1024 - 16;
  const secret = "apiVersion: v1\nkind: Secret\nstringData: {a: b}\n";
  const meta = `${secret}metadata:\n  name: s\n  namespace: ns\n  managedFields:\n  - fieldsV1: `;
  const [numbers, numberCount] = fill(`${meta}{f: [0`, (i) => `,${i}`, near);
  const [fieldMap, fieldKeys] = fill(`${meta}{k0: 0`, (i) => `,k${i}: ${i}`, near);
  const [keys, keyCount] = fill(
    `${secret}metadata: {name: s, namespace: ns}\nextra: {k0: 1`,
    (i) => `,k${i}: 1`,
    near,
  );
  const [words, wordCount] = fill(
    `${secret}metadata: {name: s, namespace: ns}\nextra: [w0`,
    (i) => `,w${i}`,
    near,
  );
  const [tiny, tinyCount] = fill(
    "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\nstringData:\n",
    (i) => `  k${i}: x\n`,
  );
  const [kinds, kindCount] = fill("", () => "---\nkind: Secret\n");
  const [values, valueCount] = fill(
    "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\nstringData:\n",
    (i) => `  k${i}: v\n`,
    // Just under the sealed-size bound's count (README: about 8,000 tiny values).
    78_000,
  );
  return [
    [
      "an ordinary Secret (sealed: the executable's floor)",
      `${secret}metadata: {name: s, namespace: ns}\n`,
    ],
    [`a managedFields FieldsV1 of ${n(numberCount + 1)} numbers (sealed)`, `${numbers}]}\n`],
    [`a managedFields FieldsV1 map of ${n(fieldKeys + 1)} keys (sealed)`, `${fieldMap}}\n`],
    [`an unknown field's flow map of ${n(keyCount + 1)} keys (sealed)`, `${keys}}\n`],
    [`an unknown field's flow list of ${n(wordCount + 1)} words (sealed)`, `${words}]\n`],
    [`stringData of ${n(tinyCount)} one-byte values (over the sealed-size bound)`, tiny],
    [`${n(kindCount)} documents \`kind: Secret\` with no data`, kinds],
    [
      "one 1 MB base64 value under `data` (sealed)",
      `${secret}metadata: {name: s, namespace: ns}\ndata:\n  k: ${"QUFB".repeat(250_000)}\n`,
    ],
    [`a Secret of ${n(valueCount)} one-byte values (sealed)`, values],
    [
      "a double-quoted value of 262,000 four-byte characters (sealed)",
      `apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\nstringData:\n  k: "${"\u{1F600}".repeat(262_000)}"\n`,
    ],
    [
      "a 1 MB base64 `data` value of bytes that are not UTF-8 (sealed)",
      `apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\ndata:\n  k: ${"8PDw".repeat(256_000)}\n`,
    ],
    [
      "a value sealed empty (`!x`, warned about) beside a block-scalar line of blanks (sealed)",
      `apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\nstringData:\n  p: !x\n  q: |\n    a${" ".repeat(near - 120)}b\n`,
    ],
  ];
}

interface BadInputRow {
  name: string;
  bytes: number;
  seconds: number;
  maxRssMiB: number;
  exit: number;
  outcome: string;
}

/** One run under /usr/bin/time: wall seconds, peak RSS in MiB, status and standard error. */
function timed(
  argv: string[],
  input: Buffer,
): { seconds: number; maxRssMiB: number; status: number; stderr: string[] } {
  const run = spawnSync("/usr/bin/time", ["-f", "%e %M", ...argv], { input, maxBuffer: 1 << 30 });
  const stderr = String(run.stderr).trimEnd().split("\n");
  const [seconds, kib] = (stderr.pop() ?? "0 0").split(" ").map(Number);
  return { seconds: seconds ?? 0, maxRssMiB: (kib ?? 0) / 1024, status: run.status ?? -1, stderr };
}

/** A valid stream under 1 MiB that needs an RSA operation per document, signet beside kubeseal. */
export interface StreamRun {
  documents: number;
  bytes: number;
  signet: { seconds: number; maxRssMiB: number };
  kubeseal: { seconds: number; maxRssMiB: number };
}

/** Seals the most one-value Secrets that fit under 1 MiB with both tools. */
export function oneValueStream(signet: string, kubeseal: string, cert: string): StreamRun {
  const [text, documents] = fill(
    "",
    (i) =>
      `---\napiVersion: v1\nkind: Secret\nmetadata: {name: s${i}, namespace: ns}\nstringData: {a: b}\n`,
  );
  const input = Buffer.from(text);
  const measure = (bin: string) => {
    const run = timed([bin, "--cert", cert, "-o", "yaml"], input);
    if (run.status !== 0)
      throw new Error(`${bin} failed on the one-value stream: ${run.stderr[0] ?? ""}`);
    return { seconds: run.seconds, maxRssMiB: run.maxRssMiB };
  };
  return { documents, bytes: input.length, signet: measure(signet), kubeseal: measure(kubeseal) };
}

/** Runs the single-file `signet` on each hostile input under /usr/bin/time: wall time and peak RSS. */
export function badInputs(dir: string, signet: string, cert: string): BadInputRow[] {
  return hostileInputs().map(([name, input], i) => {
    const file = join(dir, `hostile-${i}`);
    writeFileSync(file, input);
    const run = timed([signet, "--cert", cert, "-o", "yaml"], readFileSync(file));
    const { seconds, stderr } = run;
    const first = stderr[0] ?? "";
    const outcome =
      run.status === 0
        ? "sealed"
        : first.startsWith("error: ")
          ? `refused: ${first.slice(7, 90)}`
          : `FAILED: ${first.slice(0, 90)}`;
    return {
      name,
      bytes: readFileSync(file).length,
      seconds,
      maxRssMiB: run.maxRssMiB,
      exit: run.status,
      outcome,
    };
  });
}

export function badInputReport(rows: BadInputRow[], stream: StreamRun): string {
  const within = (r: BadInputRow): boolean =>
    r.seconds <= 1 && r.maxRssMiB <= 100 && (r.exit === 0 || r.outcome.startsWith("refused"));
  const over = rows.filter((r) => !within(r));
  const lines = rows.map(
    (r) =>
      `| ${r.name} | ${r.bytes.toLocaleString("en-US")} | ${r.seconds.toFixed(2)} | ${r.maxRssMiB.toFixed(0)} | ${r.exit} | ${r.outcome.replace(/\|/g, "\\|")} | ${within(r) ? "yes" : "**no**"} |`,
  );
  const text = `
### Bad input budget

The single-file CLI (\`signet --cert CERT -o yaml\`) on hostile inputs under 1 MiB, one run each under
\`/usr/bin/time\` (wall time and peak RSS of the whole process, the executable's own floor included: see
"an ordinary Secret"). Target: each sealed or refused (\`error: ...\`, exit 1, nothing written)
within 1 s and 100 MiB — ${over.length === 0 ? "**met** in this run" : `**not met** in this run: ${over.length} of the ${rows.length} inputs are over`}. The budget bounds reading; sealing itself costs one RSA
operation per value (about 0.08 ms of CPU for a 4096-bit key; signet runs them on every core),
so a valid stream of many Secrets takes longer in proportion: ${stream.documents.toLocaleString("en-US")} one-value Secrets in
${stream.bytes.toLocaleString("en-US")} bytes took ${stream.signet.seconds.toFixed(2)} s and ${stream.signet.maxRssMiB.toFixed(0)} MiB in this run, kubeseal
${stream.kubeseal.seconds.toFixed(2)} s and ${stream.kubeseal.maxRssMiB.toFixed(0)} MiB (each SealedSecret is written as text as soon as it is sealed, and
the texts go out in pieces). A Secret of over 100,000 tiny values is refused (it would seal past the
API server's 3 MiB limit) only after reading it (a row below; kubeseal seals it in a minute and
1.2 GB).

| input | bytes | s | peak RSS MiB | exit | outcome | within budget |
|---|---|---|---|---|---|---|
${lines.join("\n")}
`;
  process.stdout.write(text);
  return text;
}
