// The controller benchmark's section of BENCHMARKS.md, from the measured runs (bench/controller.ts
// measures; this file only formats and compares).
import { cpus } from "node:os";

/**
 * Which controller ran: signet (this build), `baseline` (another signet build given with
 * `--baseline`, e.g. main before a change, measured side by side), the reference.
 */
export type Name = "signet" | "baseline" | "reference";
/**
 * Who sealed the workload: `signet` writes the `signet.dev/sealed-with` key hint (as the CLI
 * does), `kubeseal` does not (objects migrated from the reference, the cold-start worst case).
 */
export type Sealer = "signet" | "kubeseal";

export interface ControllerBenchOptions {
  /** SealedSecrets per run (the issue's size is 2,000). */
  count: number;
  /** Registered keys (12). */
  keys: number;
  /** Share of SealedSecrets sealed with an older key (spread evenly over them); the rest newest. */
  oldShare: number;
  /** Runs per controller and workload; the order alternates. */
  repetitions: number;
  /** Per-run limit; a run that reaches it is reported with how far it got. */
  timeoutMs: number;
  /** Which controllers run (both by default; one alone for profiling). */
  controllers: readonly Name[];
  /** Which workloads signet runs (both by default; one alone for profiling). */
  sealers: readonly Sealer[];
  /** Unrelated 4 KiB Secrets created in other namespaces before the runs (real clusters have them). */
  unrelatedSecrets: number;
  /** After all Synced, how long the controller idles before its steady-state RSS is read. */
  settleMs: number;
  /** Sample V8's heap spaces from signet's metrics during the runs (costs it some CPU). */
  memoryDetail: boolean;
  /** Take a heap snapshot of signet when half the objects are Synced (around its peak). */
  heapSnapshot: boolean;
  /** Section title: "cold start" or "10,000 SealedSecrets". */
  title: string;
  /** The Node.js binary signet runs on, and its version (default: this process's). */
  node: { path: string; version: string };
  /** Another signet build measured side by side (`--baseline`, e.g. main before a change). */
  baseline: string | undefined;
}

export interface RunResult {
  name: Name;
  sealer: Sealer;
  repetition: number;
  /** Wall time from spawning the controller to the last Synced=True seen, or undefined. */
  ms: number | undefined;
  synced: number;
  /** Wall time from spawning to the first Synced=True (start-up cost). */
  firstMs: number | undefined;
  /** Wall time at which the run gave up (timeout), when `ms` is undefined. */
  gaveUpMs: number | undefined;
  peakRssKiB: number | undefined;
  cpuSeconds: number | undefined;
  process: string;
  /** CPU seconds each control-plane component used during the run (same cores as the controller). */
  controlPlaneCpu: Record<string, number>;
  /** `signet_unseal_rsa_operations_total` at the end (signet only). */
  rsaOperations: number | undefined;
  /** RSS after all Synced and `settleMs` of idling (VmRSS), KiB. */
  steadyRssKiB: number | undefined;
  /** Where the memory was at the sampled RSS peak (with `memoryDetail`), MiB per part. */
  peakParts: Record<string, number> | undefined;
  /** The heap snapshot's largest groups, a Markdown table (with `heapSnapshot`). */
  heapTable?: string;
}

/** The reference's runs of a workload, kept when running it every time is too long. */
export interface StoredReference {
  /** When they were measured (YYYY-MM-DD). */
  date: string;
  /** Load average at the start of that run. */
  load: number[];
  count: number;
  unrelatedSecrets: number;
  results: RunResult[];
}

export interface RsaSpeed {
  oneProcess: number;
  twoProcesses: number;
  /** One process, per CPU-second (absent from runs stored before it was measured). */
  oneProcessCpu?: number;
}

/** openssl measured before and after the controllers; the limit uses the best rates. */
export interface RsaSpeeds {
  before: RsaSpeed;
  after: RsaSpeed;
}

export interface Summary {
  o: ControllerBenchOptions;
  values: number;
  keyBits: number;
  keyNamespace: string;
  commonFlags: readonly string[];
  speeds: RsaSpeeds;
  /** CPU-ms of one RSA-OAEP decryption on the Node.js signet runs on (absent in older runs). */
  runtimeRsaMs?: number;
  loadStart: number[];
  loadEnd: number[];
  results: RunResult[];
  /** The reference's figures when they come from an earlier run (not measured in this one). */
  storedReference: StoredReference | undefined;
}

/** The runs of one table column: a controller on one workload. */
interface Column {
  title: string;
  name: Name;
  sealer: Sealer;
}

const COLUMNS: readonly Column[] = [
  { title: "signet, sealed by signet (key hint)", name: "signet", sealer: "signet" },
  { title: "signet, sealed by kubeseal (no hint)", name: "signet", sealer: "kubeseal" },
  { title: "baseline build, sealed by signet", name: "baseline", sealer: "signet" },
  { title: "baseline build, sealed by kubeseal", name: "baseline", sealer: "kubeseal" },
  { title: "reference, sealed by kubeseal", name: "reference", sealer: "kubeseal" },
];

interface Measured {
  runs: RunResult[];
  /** Median seconds to all Synced, or undefined when a run gave up or none ran. */
  secs: number | undefined;
  /** The table cell: the median, or how far the first unfinished run got. */
  cell: string;
  rssMiB: number | undefined;
  steadyMiB: number | undefined;
  cpu: number | undefined;
  firstSecs: number | undefined;
  controlPlane: number | undefined;
  rsaOps: number | undefined;
}

/** Greedy wrap of one paragraph at 100 columns (Markdown source stays readable). */
export function para(text: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > 100) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join("\n");
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const fmt = (n: number | undefined, digits = 1): string =>
  n === undefined || Number.isNaN(n) ? "–" : n.toFixed(digits);
const int = (n: number | undefined): string =>
  n === undefined ? "–" : Math.round(n).toLocaleString("en-US");
const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || b === 0 ? "–" : `${fmt(a / b, 2)}x`;
const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

function unfinishedCell(r: RunResult, count: number): string {
  return `> ${fmt((r.gaveUpMs ?? 0) / 1000, 0)} (gave up: ${int(r.synced)}/${int(count)} Synced)`;
}

function measured(x: Summary, c: Column): Measured {
  const runs = x.results.filter((r) => r.name === c.name && r.sealer === c.sealer);
  const unfinished = runs.find((r) => r.ms === undefined);
  const secs = unfinished ? undefined : median(runs.map((r) => r.ms! / 1000));
  const defined = (f: (r: RunResult) => number | undefined): number[] =>
    runs.flatMap((r) => (f(r) === undefined ? [] : [f(r)!]));
  return {
    runs,
    secs,
    cell: unfinished ? unfinishedCell(unfinished, x.o.count) : fmt(secs),
    rssMiB: runs.length ? Math.max(...runs.map((r) => r.peakRssKiB ?? 0)) / 1024 : undefined,
    steadyMiB: median(
      defined((r) => (r.steadyRssKiB === undefined ? undefined : r.steadyRssKiB / 1024)),
    ),
    cpu: median(defined((r) => r.cpuSeconds)),
    firstSecs: median(defined((r) => (r.firstMs === undefined ? undefined : r.firstMs / 1000))),
    controlPlane: median(runs.map((r) => sum(r.controlPlaneCpu))),
    rsaOps: median(defined((r) => r.rsaOperations)),
  };
}

export function bestSpeed(x: RsaSpeeds): RsaSpeed {
  return {
    oneProcess: Math.max(x.before.oneProcess, x.after.oneProcess),
    twoProcesses: Math.max(x.before.twoProcesses, x.after.twoProcesses),
    oneProcessCpu: Math.max(
      x.before.oneProcessCpu ?? x.before.oneProcess,
      x.after.oneProcessCpu ?? x.after.oneProcess,
    ),
  };
}

/** Expected RSA operations of the reference: each value tries the keys in random map order. */
const referenceOps = (x: Summary): number => x.o.count * x.values * ((x.o.keys + 1) / 2);

/** The 2-core numbers a run is compared with. */
interface Limits {
  needed: number;
  /** needed / best 2-process rate: RSA alone on both cores. */
  limit: number;
  /**
   * CPU-seconds the needed operations take, at openssl's rate per CPU-second: a loaded machine
   * slows the wall-clock rate (it has measured 117 and 215 ops/s on the same machine), not this.
   */
  rsaCpu: number;
}

function limits(x: Summary): Limits {
  const speed = bestSpeed(x.speeds);
  const needed = x.o.count * x.values;
  return {
    needed,
    limit: needed / speed.twoProcesses,
    rsaCpu: needed / (speed.oneProcessCpu ?? speed.oneProcess),
  };
}

/**
 * The fastest any controller could finish on these 2 cores given the control plane's CPU
 * measured in the same run: the needed RSA work plus what etcd, the apiserver and KCM spent,
 * spread perfectly over both cores.
 */
const floorWith = (l: Limits, m: Measured): number | undefined =>
  m.controlPlane === undefined ? undefined : (l.rsaCpu + m.controlPlane) / 2;

const loadText = (l: number[]): string => l.map((v) => v.toFixed(2)).join(" / ");

function header(x: Summary): string {
  const part = x.o.unrelatedSecrets > 0 ? "controller-large" : "controller";
  const stored = x.storedReference
    ? ` The reference's figures come from its run of ${x.storedReference.date} (load average at
its start ${loadText(x.storedReference.load)}), stored in \`bench/reference-large.json\`: its run
takes most of an hour, so it is repeated only with \`--with-reference\`.`
    : "";
  return `## Controller: ${x.o.title}, signet vs the reference controller v0.36.6

${para(`Measured by \`npm run bench -- --only ${part}\` on ${new Date().toISOString().slice(0, 10)}:
${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}); the benchmark ran on Node ${process.version},
signet on Node ${x.o.node.version}; load average at the start ${loadText(x.loadStart)} (1 / 5 / 15
min), at the end ${loadText(x.loadEnd)}. The machine is shared: other engineers' builds and tests
may run at the same time, so the ratios (measured side by side in one run) matter more than the
absolute times; memory and CPU-seconds depend less on the load than wall time.${stored}`)}`;
}

function workload(x: Summary): string {
  const { o } = x;
  const newest = o.count - Math.round(o.count * o.oldShare);
  return para(`**Workload.** ${int(o.count)} SealedSecrets x ${x.values} values (strict scope) in a
fresh namespace, ${o.keys} RSA-${x.keyBits} keys registered in \`${x.keyNamespace}\` in the
reference's format (\`kubernetes.io/tls\`, label \`sealedsecrets.bitnami.com/sealed-secrets-key=active\`,
NotBefore one day apart). Key mix: ${int(newest)} sealed with the newest key, ${int(o.count - newest)}
(${fmt(o.oldShare * 100, 0)} %) spread evenly over the ${o.keys - 1} older ones. Two ways of sealing
the same mix: as \`signet\` seals (each SealedSecret carries the \`signet.dev/sealed-with\` key
hint) and as \`kubeseal\` seals (no hint: a cluster migrated from the reference; signet then tries
the newest key first and learns from the first value of each object). One real control plane
(etcd + kube-apiserver + kube-controller-manager, \`test/cluster\`) for the whole run; each run
starts its controller from cold on a fresh namespace (the previous one is deleted first), order
alternating across repetitions (${o.repetitions}). Both controllers watch all namespaces, with
\`${x.commonFlags.join(" ")}\` (the client throttle is off for both: at the default 5 QPS both
would spend ~${int((o.count * 2) / 5)} s just waiting on it) and their default concurrency
(signet: ${cpus().length} RSA operations at once on libuv's thread pool, one per CPU; the
reference: one worker). The reference
gets in-cluster config (private mount namespace), signet \`--kubeconfig\`; both use the admin token
over TLS to 127.0.0.1. Time = from spawning the process to a watch seeing the last SealedSecret with
\`Synced=True\` at its generation (process start, key loading and informer lists included); then
every produced Secret is checked to exist with all values. Peak RSS = \`VmHWM\` of the controller
process (threads included); CPU = user + sys of the process, and of etcd, kube-apiserver and
kube-controller-manager, over the run; steady-state RSS = \`VmRSS\` after all Synced and
${fmt(x.o.settleMs / 1000, 0)} s of idling. Signet's RSA operations are its
\`signet_unseal_rsa_operations_total\` metric at the end of the run.${unrelatedText(x)}${baselineText(x)}`);
}

function unrelatedText(x: Summary): string {
  if (x.o.unrelatedSecrets === 0) return "";
  return ` Besides the SealedSecrets, ${int(x.o.unrelatedSecrets)} unrelated Secrets of 4 KiB
(random data, as service-account tokens, Helm releases and other controllers' Secrets are) live in
10 other namespaces, created before the runs: both controllers watch every Secret (to re-create a
deleted one), so both pay for them.`;
}

function baselineText(x: Summary): string {
  if (x.o.baseline === undefined) return "";
  return ` The baseline columns are another signet build (\`--baseline\`: the build before this
change) run on the same workloads in the same run, for a fair before/after on a shared machine.`;
}

function mainTable(x: Summary, cols: readonly [Column, Measured][]): string {
  const ref = cols.find(([c]) => c.name === "reference")?.[1];
  const head = `| | ${cols.map(([c]) => c.title).join(" | ")} |`;
  const rule = `|---|${cols.map(() => "---").join("|")}|`;
  const row = (label: string, cell: (c: Column, m: Measured) => string): string =>
    `| ${label} | ${cols.map(([c, m]) => cell(c, m)).join(" | ")} |`;
  const vsRef = (m: Measured, c: Column): string =>
    c.name === "reference" || !ref ? "" : ` (**${ratio(m.secs, ref.secs)}** of the reference)`;
  const rssVsRef = (v: number | undefined, r: number | undefined, c: Column): string =>
    c.name === "reference" || r === undefined ? fmt(v, 0) : `${fmt(v, 0)} (${ratio(v, r)})`;
  return [
    head,
    rule,
    row(`time to all ${int(x.o.count)} Synced, s (median)`, (c, m) => `${m.cell}${vsRef(m, c)}`),
    row("time to the first Synced, s (start-up: process, keys, lists)", (_, m) => fmt(m.firstSecs)),
    row("peak RSS, MiB (max over runs; x of the reference)", (c, m) =>
      rssVsRef(m.rssMiB, ref?.rssMiB, c),
    ),
    row("steady-state RSS, MiB (median; x of the reference)", (c, m) =>
      rssVsRef(m.steadyMiB, ref?.steadyMiB, c),
    ),
    row("controller CPU until all Synced, s (median)", (_, m) => fmt(m.cpu)),
    row("control-plane CPU in the same time (etcd + apiserver + KCM), s", (_, m) =>
      fmt(m.controlPlane),
    ),
    row(`RSA-${x.keyBits} private-key operations`, (c, m) =>
      c.name === "reference"
        ? `≈${int(referenceOps(x))} (expected: each value tries the ${x.o.keys} keys in random map order)`
        : `${int(m.rsaOps)} (measured)`,
    ),
  ].join("\n");
}

function limitTable(x: Summary, cols: readonly [Column, Measured][]): string {
  const l = limits(x);
  const speed = bestSpeed(x.speeds);
  const rates = (r: RsaSpeed): string => `${fmt(r.oneProcess)} / ${fmt(r.twoProcesses)}`;
  const signet = cols.filter(([c]) => c.name === "signet");
  const intro = para(`**RSA-${x.keyBits} limit** (\`openssl speed -elapsed -seconds 3 rsa4096\`:
private-key operations per second of wall time, measured in this run before and after the
controllers; the limit uses the best rates seen). The issue's target compares the time to all
Synced with the needed decryptions at that rate on 2 cores. In a cluster the API server and etcd
run elsewhere; here they share the controller's 2 cores, so the table also gives the floor their
measured CPU leaves: (needed RSA CPU + control-plane CPU of the run) / 2 cores. Even a controller
with no overhead of its own could not finish before it. The needed RSA CPU is the needed
decryptions at openssl's rate per CPU-second (\`openssl speed -seconds 3 rsa4096\`, no
\`-elapsed\`), which the machine's load does not move as it moves the wall-clock rate.`);
  const perRun = signet.flatMap(([c, m]) => [
    `| ${c.title}: time / limit | **${ratio(m.secs, l.limit)}** |`,
    `| ${c.title}: floor with the control plane's CPU, s | ${fmt(floorWith(l, m))} (${ratio(floorWith(l, m), l.limit)} of the limit) |`,
    `| ${c.title}: time / that floor | ${ratio(m.secs, floorWith(l, m))} |`,
    `| ${c.title}: controller CPU / needed RSA CPU | ${ratio(m.cpu, l.rsaCpu)} |`,
    ...(x.runtimeRsaMs === undefined
      ? []
      : [
          `| ${c.title}: controller CPU / the needed decryptions at its runtime's cost | ${ratio(m.cpu, (l.needed * x.runtimeRsaMs) / 1000)} |`,
        ]),
  ]);
  const runtimeRow =
    x.runtimeRsaMs === undefined
      ? ""
      : `| one RSA-OAEP decryption on signet's Node.js (WebCrypto, CPU) | ${fmt(x.runtimeRsaMs, 2)} ms (openssl's: ${fmt(1000 / (speed.oneProcessCpu ?? speed.oneProcess), 2)} ms) |\n`;
  return `${intro}

| | value |
|---|---|
| ops/s, 1 / 2 processes (\`-multi 2\`): before, after | ${rates(x.speeds.before)}, ${rates(x.speeds.after)} |
| best 1-process / 2-process rate | ${fmt(speed.oneProcess)} / ${fmt(speed.twoProcesses)} ops/s |
| best 1-process rate per CPU-second (no \`-elapsed\`) | ${fmt(speed.oneProcessCpu)} ops/s |
| decryptions actually needed (one per value, right key first) | ${int(l.needed)} |
| limit on 2 cores (needed / best 2-process rate) | **${fmt(l.limit)} s** |
| needed RSA CPU (needed / best rate per CPU-second) | ${fmt(l.rsaCpu)} s |
${runtimeRow}${perRun.join("\n")}`;
}

/** The issue's bound on controller CPU / needed RSA CPU, per way of sealing. */
const CPU_RATIO_TARGET: Readonly<Record<Sealer, number>> = { signet: 1.15, kubeseal: 1.3 };

/** Time to all Synced may be at most this much above the build before (the baseline). */
const TIME_VS_BASELINE = 1.1;

const verdict = (ok: boolean | undefined): string =>
  ok === undefined ? "not measured" : ok ? "met" : "missed";

function targetLines(x: Summary, cols: readonly [Column, Measured][], sealer: Sealer): string[] {
  const get = (name: Name, s: Sealer): Measured | undefined =>
    cols.find(([c]) => c.name === name && c.sealer === s)?.[1];
  const m = get("signet", sealer);
  if (!m || m.secs === undefined) return [];
  const ref = get("reference", "kubeseal");
  const base = get("baseline", sealer);
  return [
    speedTarget(sealer, m, ref),
    cpuTarget(x, sealer, m),
    memoryTarget(x, sealer, m, ref),
    ...(base?.secs === undefined ? [] : [baselineTarget(sealer, m, base)]),
  ];
}

function speedTarget(sealer: Sealer, m: Measured, ref: Measured | undefined): string {
  const ok = ref && (ref.secs === undefined || (m.secs ?? Infinity) < ref.secs);
  const how = ref?.secs && m.secs ? ` (${fmt(ref.secs / m.secs, 1)}x faster)` : "";
  return `Sealed by ${sealer}: ahead of the reference — **${verdict(ok)}**${how}.`;
}

function cpuTarget(x: Summary, sealer: Sealer, m: Measured): string {
  const l = limits(x);
  const bound = CPU_RATIO_TARGET[sealer];
  const ok = m.cpu === undefined ? undefined : m.cpu / l.rsaCpu <= bound;
  return `Sealed by ${sealer}: controller CPU / needed RSA CPU at most ${fmt(bound, 2)}x — **${verdict(ok)}** (${ratio(m.cpu, l.rsaCpu)}; RSA operations ${int(m.rsaOps)} for the ${int(l.needed)} needed, ${ratio(m.rsaOps, l.needed)}).`;
}

function memoryTarget(x: Summary, sealer: Sealer, m: Measured, ref: Measured | undefined): string {
  const atOrBelow = (a: number | undefined, b: number | undefined): boolean | undefined =>
    b === undefined ? undefined : (a ?? Infinity) <= b;
  const peak = `peak RSS at or below the reference's — **${verdict(atOrBelow(m.rssMiB, ref?.rssMiB))}** (${fmt(m.rssMiB, 0)} vs ${fmt(ref?.rssMiB, 0)} MiB)`;
  const steady = `steady-state RSS at or below the reference's — **${verdict(atOrBelow(m.steadyMiB, ref?.steadyMiB))}** (${fmt(m.steadyMiB, 0)} vs ${fmt(ref?.steadyMiB, 0)} MiB)`;
  return `Sealed by ${sealer}: ${peak}${x.o.unrelatedSecrets > 0 ? `; ${steady}` : ""}.`;
}

function baselineTarget(sealer: Sealer, m: Measured, base: Measured): string {
  const ok =
    base.secs === undefined ? undefined : (m.secs ?? Infinity) <= TIME_VS_BASELINE * base.secs;
  return `Sealed by ${sealer}: time to all Synced at most ${Math.round((TIME_VS_BASELINE - 1) * 100)} % above the baseline build's — **${verdict(ok)}** (${fmt(m.secs)} vs ${fmt(base.secs)} s, ${ratio(m.secs, base.secs)}; peak RSS ${fmt(m.rssMiB, 0)} vs ${fmt(base.rssMiB, 0)} MiB).`;
}

function targets(x: Summary, cols: readonly [Column, Measured][]): string {
  const lines = (["signet", "kubeseal"] as const).flatMap((s) => targetLines(x, cols, s));
  const bullets = lines.map((t) => `- ${para(t).replace(/\n/g, "\n  ")}`).join("\n");
  const get = (name: Name, s: Sealer): Measured | undefined =>
    cols.find(([c]) => c.name === name && c.sealer === s)?.[1];
  return `Targets:\n\n${bullets}\n\n${whereTimeGoes(x, get("signet", "signet"))}${whereMemoryGoes(x)}`;
}

/** The heap breakdown at the sampled RSS peak of each signet run (with `--memory-detail`). */
function whereMemoryGoes(x: Summary): string {
  const runs = x.results.filter((r) => r.name !== "reference" && r.peakParts);
  if (runs.length === 0) return "";
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.peakParts ?? {})))].filter((n) =>
    runs.some((r) => (r.peakParts?.[n] ?? 0) >= 0.05),
  );
  // Without `--memory-detail` the runs have no parts: no table of empty columns.
  if (names.length === 0) return "";
  const rows = runs.map((r) => {
    const parts = r.peakParts ?? {};
    const heap = names.reduce((a, n) => a + (n === "external" ? 0 : (parts[n] ?? 0)), 0);
    return `| ${r.name}, sealed by ${r.sealer} | ${fmt((r.peakRssKiB ?? 0) / 1024, 0)} | ${names.map((n) => fmt(parts[n])).join(" | ")} | ${fmt(heap)} |`;
  });
  return `\n\nAt the sampled RSS peak (\`--memory-detail\`: V8's committed heap spaces and external memory
from signet's own metrics, MiB; the rest of the RSS is outside V8's heap: the Node.js binary,
threads, OpenSSL and libuv):\n\n| run | peak RSS | ${names.join(" | ")} | V8 heap |\n|---|${names.map(() => "---").join("|")}|---|---|\n${rows.join("\n")}`;
}

/** CPU by component for the hinted run: what the 2 cores spent until all were Synced. */
function whereTimeGoes(x: Summary, m: Measured | undefined): string {
  const l = limits(x);
  if (!m || m.secs === undefined || m.cpu === undefined || m.controlPlane === undefined) return "";
  const total = m.cpu + m.controlPlane;
  // The RSA work signet itself does costs its runtime's rate, not openssl's (when measured).
  const ownRsa = x.runtimeRsaMs === undefined ? l.rsaCpu : (l.needed * x.runtimeRsaMs) / 1000;
  const rates =
    x.runtimeRsaMs === undefined
      ? ""
      : ` at openssl's rate, ${fmt(ownRsa)} at signet's runtime's (${fmt(x.runtimeRsaMs, 2)} ms each)`;
  return para(`Where the time goes (sealed by signet): the needed RSA work is ${fmt(l.rsaCpu)}
CPU-seconds${rates}; signet's process spent ${fmt(m.cpu)} (${fmt(m.cpu - ownRsa)} above its RSA work:
HTTP, JSON, watches, thread messages, logs), and etcd, the apiserver and KCM ${fmt(m.controlPlane)}
for the Secret creates, status patches and watches. Together ${fmt(total)} CPU-seconds, i.e.
${fmt(total / 2)} s on 2 cores, against ${fmt(m.secs)} s measured (the rest: the benchmark's own
watch and other processes). Events (\`Unsealed\`) are held back while objects wait to be
reconciled and written after them; they are not in these numbers.`);
}

function runsTable(x: Summary): string {
  const rows = x.results.map((r) => {
    const time = r.ms === undefined ? unfinishedCell(r, x.o.count) : fmt(r.ms / 1000);
    const rss = fmt((r.peakRssKiB ?? 0) / 1024, 0);
    const cp = Object.entries(r.controlPlaneCpu)
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join(", ");
    const steady = fmt((r.steadyRssKiB ?? NaN) / 1024, 0);
    return `| ${r.repetition + 1} | ${r.name} | ${r.sealer} | ${time} | ${fmt((r.firstMs ?? NaN) / 1000)} | ${rss} | ${steady} | ${fmt(r.cpuSeconds)} | ${cp} | ${int(r.rsaOperations)} |`;
  });
  return `| repetition | controller | sealed by | all Synced, s | first Synced, s | peak RSS, MiB | steady RSS, MiB | CPU, s | control-plane CPU, s | RSA ops |
|---|---|---|---|---|---|---|---|---|---|
${rows.join("\n")}`;
}

/** The heap snapshots taken half-way (with `--heap-snapshot`). */
function snapshots(x: Summary): string[] {
  return x.results
    .filter((r) => r.heapTable)
    .map(
      (r) =>
        `Heap snapshot of ${r.name} (sealed by ${r.sealer}) when half the objects were Synced:\n\n${r.heapTable!}`,
    );
}

/** The Markdown section for BENCHMARKS.md. */
export function controllerSection(x: Summary): string {
  const cols = COLUMNS.map((c) => [c, measured(x, c)] as [Column, Measured]).filter(
    ([, m]) => m.runs.length > 0,
  );
  return [
    header(x),
    workload(x),
    mainTable(x, cols),
    limitTable(x, cols),
    targets(x, cols),
    `Runs:\n\n${runsTable(x)}`,
    ...snapshots(x),
  ].join("\n\n");
}
