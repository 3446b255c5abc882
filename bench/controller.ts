// Controller benchmark (issue 4): cold start of N SealedSecrets x 3 values with 12 registered
// RSA-4096 keys on the real control plane (test/cluster), time until every SealedSecret is
// Synced=True, for Signet's controller and the reference controller v0.36.6 in the same run,
// against the RSA-4096 limit `openssl speed` measures on this machine at the same time.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { request } from "node:https";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

import {
  generatePrivateKeyAndCert,
  parseSealingCertificate,
  SEALED_SECRETS_KEY_LABEL,
  sealSecret,
  withKeyHint,
} from "@signet/core";
import type { GeneratedKey, SealedSecret, SealingCertificate } from "@signet/core";

import { apiCall, apiRequest, sleep } from "../test/cluster/api.js";
import { controllerNodeFlags } from "../test/e2e/controller/node-flags.js";
import { heapTable } from "./heap-summary.js";
import { controllerSection, fmt } from "./controller-report.js";
import type {
  ControllerBenchOptions,
  Name,
  RsaSpeed,
  RunResult,
  Sealer,
  StoredReference,
} from "./controller-report.js";
import { freePort, startControlPlane } from "../test/cluster/controlPlane.js";
import type { ControlPlane } from "../test/cluster/controlPlane.js";
import { spawnManaged } from "../test/cluster/proc.js";
import type { ManagedProcess } from "../test/cluster/proc.js";
import { cacheDir, repoRoot } from "../test/interop/reference-tools.js";

const VALUES = 3;
const KEY_BITS = 4096;
const KEY_NAMESPACE = "kube-system";
const DAY_MS = 86_400_000;
const SS_API = "/apis/bitnami.com/v1alpha1";
/** Same flags for both controllers: no key rotation during the run, client throttle off. */
const COMMON_FLAGS = ["--key-renew-period=0", "--kubeclient-qps=-1", "--kubeclient-burst=100"];
/** Runs the reference with in-cluster config: a private /run holding the service account. */
const IN_CLUSTER = `set -e
mount -t tmpfs tmpfs /run
d=/run/secrets/kubernetes.io/serviceaccount
mkdir -p "$d"
cp "$SA_DIR/token" "$SA_DIR/ca.crt" "$SA_DIR/namespace" "$d/"
exec "$@"`;

function measureSpeed(when: string): RsaSpeed {
  log(`openssl speed rsa4096 ${when} the controllers (1 and 2 processes, wall and CPU divisors)`);
  const speed = {
    oneProcess: opensslRsa4096(1),
    twoProcesses: opensslRsa4096(2),
    oneProcessCpu: opensslRsa4096(1, "cpu"),
  };
  log(
    `openssl: ${speed.oneProcess} ops/s (1 process), ${speed.twoProcesses} ops/s (2), ${speed.oneProcessCpu} ops per CPU-second`,
  );
  return speed;
}

const log = (msg: string): void => {
  process.stderr.write(`[bench:controller] ${new Date().toISOString().slice(11, 19)} ${msg}\n`);
};

/**
 * Private-key operations per second for RSA-4096 (`openssl speed`): per second of wall time
 * (`-elapsed`), or per second of the process's own CPU time, which a loaded machine does not move.
 */
function opensslRsa4096(processes: number, divisor: "wall" | "cpu" = "wall"): number {
  const args = ["speed", ...(divisor === "wall" ? ["-elapsed"] : []), "-seconds", "3"];
  if (processes > 1) args.push("-multi", String(processes));
  const res = spawnSync("openssl", [...args, "rsa4096"], { encoding: "utf8" });
  const m = /^rsa\s+4096 bits\s+\S+\s+\S+\s+([\d.]+)/m.exec(res.stdout ?? "");
  if (res.status !== 0 || !m?.[1]) {
    throw new Error(`openssl speed failed: ${res.stderr ?? ""}${res.stdout ?? ""}`);
  }
  return Number(m[1]);
}

/**
 * CPU milliseconds of one RSA-OAEP-SHA256 decryption with a bench key on the Node.js signet runs
 * on, the way its controller decrypts (WebCrypto, on libuv's thread pool): each Node.js line
 * brings its own OpenSSL, and their RSA costs differ several-fold (the machine's `openssl speed`
 * measures one of them). Best of three rounds of 200 after a warm-up, in a child process.
 */
function runtimeRsaCpuMs(node: string, key: GeneratedKey): number {
  const script = `
const { createPrivateKey, createPublicKey, publicEncrypt, constants, webcrypto } = require("node:crypto");
const pem = require("node:fs").readFileSync(0, "utf8");
const priv = createPrivateKey(pem);
(async () => {
  const ck = await webcrypto.subtle.importKey("pkcs8", priv.export({ format: "der", type: "pkcs8" }),
    { name: "RSA-OAEP", hash: "SHA-256" }, false, ["decrypt"]);
  const label = Buffer.from("bench");
  const ct = publicEncrypt({ key: createPublicKey(priv), oaepHash: "sha256",
    padding: constants.RSA_PKCS1_OAEP_PADDING, oaepLabel: label }, Buffer.alloc(32));
  const round = async (n) => {
    const t = process.cpuUsage();
    for (let i = 0; i < n; i++) await webcrypto.subtle.decrypt({ name: "RSA-OAEP", label }, ck, ct);
    const u = process.cpuUsage(t);
    return (u.user + u.system) / 1000 / n;
  };
  await round(20);
  const best = Math.min(await round(200), await round(200), await round(200));
  process.stdout.write(String(best));
})();`;
  const res = spawnSync(node, ["-e", script], { input: key.privateKeyPem, encoding: "utf8" });
  const ms = Number(res.stdout);
  if (res.status !== 0 || !(ms > 0)) throw new Error(`RSA calibration failed: ${res.stderr}`);
  log(`RSA-OAEP-${KEY_BITS} decryption on ${node}: ${ms.toFixed(3)} CPU-ms`);
  return ms;
}

/** Test-only keys, generated once and cached outside the repository (never committed). */
async function benchKeys(n: number): Promise<GeneratedKey[]> {
  const dir = join(cacheDir(), "bench-keys", `rsa${KEY_BITS}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys: GeneratedKey[] = [];
  const base = Date.now();
  for (let i = 0; i < n; i++) {
    const file = join(dir, `key-${String(i).padStart(2, "0")}.json`);
    if (existsSync(file)) {
      keys.push(JSON.parse(readFileSync(file, "utf8")) as GeneratedKey);
      continue;
    }
    log(`generating bench key ${i + 1}/${n} (${KEY_BITS} bits, cached for later runs)`);
    // NotBefore one day apart, oldest first, so "newest" is unambiguous for both controllers.
    const key = await generatePrivateKeyAndCert({
      keySize: KEY_BITS,
      now: new Date(base - (n - i) * DAY_MS),
      random: randomBytes,
    });
    writeFileSync(file, JSON.stringify(key), { mode: 0o600 });
    keys.push(key);
  }
  return keys;
}

/** Which key (index, oldest 0) seals SealedSecret `i`: older ones evenly spread, else newest. */
function keyIndexFor(i: number, o: ControllerBenchOptions): number {
  const older = Math.floor((i + 1) * o.oldShare) > Math.floor(i * o.oldShare);
  if (!older || o.keys < 2) return o.keys - 1;
  return Math.floor(i * o.oldShare) % (o.keys - 1);
}

/** The run's SealedSecrets; sealed by `signet` they carry the key hint, as the CLI writes it. */
function sealAll(ns: string, certs: SealingCertificate[], o: ControllerBenchOptions, by: Sealer) {
  const out: SealedSecret[] = [];
  for (let i = 0; i < o.count; i++) {
    const stringData: Record<string, string> = {};
    for (let v = 0; v < VALUES; v++) stringData[`value-${v}`] = randomBytes(24).toString("hex");
    const certificate = certs[keyIndexFor(i, o)]!;
    const ss = sealSecret(
      { apiVersion: "v1", kind: "Secret", metadata: { name: `s-${i}`, namespace: ns }, stringData },
      { certificate, random: randomBytes },
    );
    out.push(by === "signet" ? withKeyHint(ss, certificate.fingerprint) : ss);
  }
  return out;
}

async function pool<T>(items: readonly T[], width: number, fn: (t: T) => Promise<void>) {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

interface SyncedCondition {
  type: string;
  status: string;
  message?: string;
}
interface WatchedObject {
  metadata: { name: string; generation?: number; resourceVersion: string };
  status?: { observedGeneration?: number; conditions?: SyncedCondition[] };
}

/** The Synced condition when it is about the object's current generation (or False at all). */
function syncedCondition(o: WatchedObject): SyncedCondition | undefined {
  const c = o.status?.conditions?.find((x) => x.type === "Synced");
  if (c?.status === "False") return c;
  return o.status?.observedGeneration === (o.metadata.generation ?? 1) ? c : undefined;
}

/** Watches the namespace's SealedSecrets; `done` resolves when all `count` are Synced=True. */
function watchSynced(cp: ControlPlane, ns: string, count: number, fromRv: string) {
  const synced = new Set<string>();
  const failures = new Map<string, string>();
  let rv = fromRv;
  let firstAt: number | undefined;
  let stopped = false;
  let current: ReturnType<typeof request> | undefined;
  let resolveDone: (at: number) => void = () => undefined;
  const done = new Promise<number>((r) => (resolveDone = r));
  const onObject = (o: WatchedObject): void => {
    rv = o.metadata.resourceVersion;
    const c = syncedCondition(o);
    if (c?.status === "True") {
      synced.add(o.metadata.name);
      firstAt ??= performance.now();
      failures.delete(o.metadata.name);
      if (synced.size === count) resolveDone(performance.now());
    } else if (c?.status === "False") {
      failures.set(o.metadata.name, c.message ?? "");
    }
  };
  const connect = (): void => {
    if (stopped) return;
    const url = new URL(
      `${SS_API}/namespaces/${ns}/sealedsecrets?watch=1&resourceVersion=${rv}`,
      cp.admin.server,
    );
    let buf = "";
    current = request(
      url,
      { ca: cp.admin.caPem, headers: { authorization: `Bearer ${cp.admin.token}` } },
      (res) => {
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf("\n")) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (!line.trim()) continue;
            const ev = JSON.parse(line) as { type: string; object: WatchedObject };
            if (ev.type === "ADDED" || ev.type === "MODIFIED") onObject(ev.object);
          }
        });
        res.on("end", () => setTimeout(connect, 100));
        res.on("error", () => setTimeout(connect, 500));
      },
    );
    current.on("error", () => setTimeout(connect, 500));
    current.end();
  };
  connect();
  return {
    done,
    synced: (): number => synced.size,
    firstAt: (): number | undefined => firstAt,
    failures: (): Map<string, string> => failures,
    stop: (): void => {
      stopped = true;
      current?.destroy();
    },
  };
}

function procStatus(pid: number | undefined): { hwmKiB?: number; cpu?: number; comm?: string } {
  if (pid === undefined) return {};
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return {
      hwmKiB: Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]),
      cpu: ticks / clockTicks(),
      comm: readFileSync(`/proc/${pid}/comm`, "utf8").trim(),
    };
  } catch {
    return {};
  }
}

/** CPU seconds per thread name of a process (main thread, decide workers, GC helpers...). */
function threadCpu(pid: number | undefined): string {
  if (pid === undefined) return "?";
  const byName = new Map<string, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const [user, sys] = [Number(f[11]) / clockTicks(), Number(f[12]) / clockTicks()];
      if (user + sys < 0.05) continue;
      const label = `${tid === String(pid) ? "main" : `${comm}:${tid}`} (sys ${fmt(sys)} s)`;
      byName.set(label, (byName.get(label) ?? 0) + user + sys);
    }
  } catch {
    return "?";
  }
  return [...byName].map(([k, v]) => `${k} ${fmt(v)} s`).join(", ");
}

function controlPlaneCpu(cp: ControlPlane): Record<string, number> {
  return Object.fromEntries(
    Object.entries(cp.pids()).map(([name, pid]) => [name, procStatus(pid).cpu ?? 0]),
  );
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  ticksPerSecond ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;
  return ticksPerSecond;
}

const nodeArgs = (): string[] =>
  (process.env.SIGNET_BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);

interface Binaries {
  reference: string;
  signet: string;
  /** Another signet build (`--baseline`), if given. */
  baseline: string | undefined;
  saDir: string;
  /** The Node.js binary signet runs on. */
  node: string;
}

interface Started {
  proc: ManagedProcess;
  metricsPort: number;
}

async function startController(
  name: Name,
  cp: ControlPlane,
  bins: Binaries,
  dirs: { logDir: string; snapshotDir?: string },
): Promise<Started> {
  const { logDir, snapshotDir } = dirs;
  const [port, metricsPort] = [await freePort(), await freePort()];
  const listen = [
    `--listen-addr=127.0.0.1:${port}`,
    `--listen-metrics-addr=127.0.0.1:${metricsPort}`,
  ];
  const logFile = join(logDir, `${name}-${port}.log`);
  if (name !== "reference") {
    const main = name === "baseline" ? bins.baseline! : bins.signet;
    const proc = spawnManaged(
      "signet-controller",
      bins.node,
      // SIGNET_BENCH_NODE_ARGS: extra Node flags for profiling, e.g. `--cpu-prof --cpu-prof-dir=D`.
      [
        // The flags the bundle's first line names (the image's ENTRYPOINT passes the same).
        ...controllerNodeFlags(main),
        ...nodeArgs(),
        ...(snapshotDir === undefined ? [] : ["--heapsnapshot-signal=SIGUSR2"]),
        main,
        `--kubeconfig=${cp.info.adminKubeconfig}`,
        ...listen,
        ...COMMON_FLAGS,
      ],
      {
        logFile,
        env: { ...process.env, POD_NAMESPACE: KEY_NAMESPACE, KUBECONFIG: "" },
        ...(snapshotDir !== undefined && { cwd: snapshotDir }),
      },
    );
    return { proc, metricsPort };
  }
  const url = new URL(cp.info.server);
  const proc = spawnManaged(
    "reference-controller",
    "unshare",
    [
      ...["--mount", "--propagation", "private", "sh", "-c", IN_CLUSTER, "sh", bins.reference],
      ...listen,
      ...COMMON_FLAGS,
    ],
    {
      logFile,
      env: {
        ...process.env,
        SA_DIR: bins.saDir,
        POD_NAMESPACE: KEY_NAMESPACE,
        KUBERNETES_SERVICE_HOST: url.hostname,
        KUBERNETES_SERVICE_PORT: url.port,
      },
    },
  );
  return { proc, metricsPort };
}

/** `signet_unseal_rsa_operations_total` from the controller's metrics endpoint. */
async function rsaOperations(metricsPort: number): Promise<number | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    const m = /^signet_unseal_rsa_operations_total (\d+)/m.exec(await res.text());
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** One reading of the controller's memory: RSS and, for signet, V8's heap spaces. */
export interface MemorySample {
  atMs: number;
  rssMiB: number;
  /** Signet: `nodejs_heap_space_size_total_bytes` per space, and external memory, in MiB. */
  parts: Record<string, number>;
}

/** The RSS of a process now (VmRSS), in MiB. */
function rssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) / 1024;
  } catch {
    return undefined;
  }
}

/** Signet's heap spaces (committed) and external memory from its metrics, in MiB. */
async function heapParts(metricsPort: number): Promise<Record<string, number>> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const parts: Record<string, number> = {};
    for (const m of text.matchAll(/^nodejs_heap_space_size_total_bytes\{space="(\w+)"\} (\d+)/gm)) {
      parts[m[1]!] = Number(m[2]) / 1048576;
    }
    const external = /^nodejs_external_memory_bytes (\d+)/m.exec(text);
    if (external) parts.external = Number(external[1]) / 1048576;
    return parts;
  } catch {
    return {};
  }
}

/**
 * Samples the controller's memory every `everyMs` until stopped; keeps the sample with the
 * highest RSS (where the memory was at the peak) and the last one.
 */
function memorySampler(
  detail: boolean,
  pid: number | undefined,
  metricsPort: number,
  everyMs = 1000,
) {
  const started = performance.now();
  let peak: MemorySample | undefined;
  let last: MemorySample | undefined;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const rss = rssMiB(pid);
      if (rss !== undefined) {
        const parts = detail ? await heapParts(metricsPort) : {};
        last = { atMs: performance.now() - started, rssMiB: rss, parts };
        if (!peak || rss > peak.rssMiB) peak = last;
      }
      await sleep(everyMs);
    }
  })();
  return {
    peak: () => peak,
    last: () => last,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** RSS (MiB) after the controller has idled `ms` once everything is Synced. */
async function steadyRss(proc: ManagedProcess, ms: number): Promise<number | undefined> {
  await sleep(ms);
  return rssMiB(proc.child.pid);
}

/** Logs where the memory was at the sampled RSS peak. */
function logPeak(spec: RunSpec, peak: MemorySample | undefined): void {
  if (!peak) return;
  const parts = Object.entries(peak.parts)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(", ");
  const heap = parts ? `; heap spaces (committed) and external, MiB: ${parts}` : "";
  log(
    `${label(spec)}: RSS peak sampled ${fmt(peak.rssMiB)} MiB at ${fmt(peak.atMs / 1000)} s${heap}`,
  );
}

interface RunContext {
  cp: ControlPlane;
  bins: Binaries;
  certs: SealingCertificate[];
  o: ControllerBenchOptions;
  logDir: string;
}

/** Creates the run's namespace and SealedSecrets; returns the list's resourceVersion. */
async function prepare(ctx: RunContext, ns: string, by: Sealer): Promise<string> {
  const { cp, certs, o } = ctx;
  const t = { token: cp.admin.token };
  await apiCall(cp.admin, "/api/v1/namespaces", {
    ...t,
    method: "POST",
    body: { metadata: { name: ns } },
  });
  await pool(sealAll(ns, certs, o, by), 16, async (ss) => {
    await apiCall(cp.admin, `${SS_API}/namespaces/${ns}/sealedsecrets`, {
      ...t,
      method: "POST",
      body: ss,
    });
  });
  const head = await apiCall(cp.admin, `${SS_API}/namespaces/${ns}/sealedsecrets?limit=1`, t);
  return (head.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
}

type Outcome = { at: number } | { exited: number | string } | { timeout: true };

/** Waits for all Synced, the controller's exit or the timeout, whichever comes first. */
async function outcomeOf(
  done: Promise<number>,
  proc: ManagedProcess,
  timeoutMs: number,
): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race<Outcome>([
      done.then((at) => ({ at })),
      proc.exited.then((code) => ({ exited: code })),
      new Promise<Outcome>((r) => (timer = setTimeout(() => r({ timeout: true }), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(r: RunResult, count: number): string {
  const what =
    r.ms === undefined
      ? `gave up, ${r.synced}/${count} Synced`
      : `all Synced in ${(r.ms / 1000).toFixed(1)} s`;
  const rss = ((r.peakRssKiB ?? 0) / 1024).toFixed(0);
  const cp = Object.entries(r.controlPlaneCpu)
    .map(([k, v]) => `${k} ${fmt(v)} s`)
    .join(", ");
  const ops = r.rsaOperations === undefined ? "" : `, ${r.rsaOperations} RSA ops`;
  return `${label(r)}: ${what}, peak RSS ${rss} MiB, CPU ${fmt(r.cpuSeconds)} s (${r.process})${ops}; control plane CPU: ${cp}`;
}

const label = (r: { name: Name; sealer: Sealer; repetition: number }): string =>
  `${r.name} (sealed by ${r.sealer}) #${r.repetition}`;

interface RunSpec {
  name: Name;
  sealer: Sealer;
  repetition: number;
}

/** Signals the controller to write a heap snapshot once half the objects are Synced. */
function snapshotHalfway(
  proc: ManagedProcess,
  watch: ReturnType<typeof watchSynced>,
  count: number,
): ReturnType<typeof setInterval> {
  const timer = setInterval(() => {
    if (watch.synced() < count / 2 || proc.child.pid === undefined) return;
    clearInterval(timer);
    log(`heap snapshot at ${watch.synced()}/${count} Synced`);
    process.kill(proc.child.pid, "SIGUSR2");
  }, 200);
  return timer;
}

/** The summary of the snapshot in `dir` (written asynchronously: waits for it to be complete). */
function snapshotTable(dir: string): string | undefined {
  const file = readdirSync(dir).find((f) => f.endsWith(".heapsnapshot"));
  if (!file) return undefined;
  const table = heapTable(join(dir, file));
  log(`heap snapshot:\n${table}`);
  return table;
}

interface Observed {
  ctx: RunContext;
  proc: ManagedProcess;
  metricsPort: number;
  outcome: { at: number } | { timeout: true };
  started: number;
  cpuBefore: Record<string, number>;
  watch: ReturnType<typeof watchSynced>;
  peak: MemorySample | undefined;
}

/** The figures of a run that ended (all Synced, or timed out): CPU, memory, RSA operations. */
async function measure(spec: RunSpec, w: Observed): Promise<RunResult> {
  const { proc, cpuBefore, started, watch } = w;
  const stats = procStatus(proc.child.pid);
  const cpuAfter = controlPlaneCpu(w.ctx.cp);
  log(`${label(spec)}: CPU by thread: ${threadCpu(proc.child.pid)}`);
  const at = "at" in w.outcome ? w.outcome.at : undefined;
  const rsaOps = spec.name === "reference" ? undefined : await rsaOperations(w.metricsPort);
  const steady = at === undefined ? undefined : await steadyRss(proc, w.ctx.o.settleMs);
  logPeak(spec, w.peak);
  const first = watch.firstAt();
  return {
    ...spec,
    ms: at === undefined ? undefined : at - started,
    synced: watch.synced(),
    firstMs: first === undefined ? undefined : first - started,
    gaveUpMs: at === undefined ? performance.now() - started : undefined,
    peakRssKiB: stats.hwmKiB,
    cpuSeconds: stats.cpu,
    process: stats.comm ?? "?",
    controlPlaneCpu: Object.fromEntries(
      Object.entries(cpuAfter).map(([k, v]) => [k, v - (cpuBefore[k] ?? 0)]),
    ),
    rsaOperations: rsaOps,
    steadyRssKiB: steady === undefined ? undefined : steady * 1024,
    peakParts: w.peak?.parts,
  };
}

async function runOne(spec: RunSpec, ctx: RunContext): Promise<RunResult> {
  const { cp, o } = ctx;
  const { name, sealer, repetition } = spec;
  const ns = `bench-${repetition}-${name}-${sealer}`;
  const rv = await prepare(ctx, ns, sealer);
  const watch = watchSynced(cp, ns, o.count, rv);
  log(`${label(spec)}: ${o.count} SealedSecrets in ${ns}; starting the controller`);
  const cpuBefore = controlPlaneCpu(cp);
  const started = performance.now();
  let proc: ManagedProcess | undefined;
  const progress = setInterval(() => {
    const s = ((performance.now() - started) / 1000).toFixed(0);
    log(`${label(spec)}: ${watch.synced()}/${o.count} Synced after ${s} s`);
  }, 30_000);
  let sampler: ReturnType<typeof memorySampler> | undefined;
  const snapshotDir =
    o.heapSnapshot && name !== "reference" ? mkdtempSync(join(ctx.logDir, "heap-")) : undefined;
  let snapshot: ReturnType<typeof setInterval> | undefined;
  try {
    const run = await startController(name, cp, ctx.bins, { logDir: ctx.logDir, snapshotDir });
    if (snapshotDir !== undefined) snapshot = snapshotHalfway(run.proc, watch, o.count);
    proc = run.proc;
    sampler = memorySampler(
      o.memoryDetail && name !== "reference",
      proc.child.pid,
      run.metricsPort,
    );
    const outcome = await outcomeOf(watch.done, proc, o.timeoutMs);
    if ("exited" in outcome) {
      throw new Error(`${name} exited (${outcome.exited}):\n${proc.tail(30)}`);
    }
    const result = await measure(spec, {
      ctx,
      proc,
      metricsPort: run.metricsPort,
      outcome,
      started,
      cpuBefore,
      watch,
      peak: sampler.peak(),
    });
    const finished = result.ms !== undefined;
    if (snapshotDir !== undefined) result.heapTable = snapshotTable(snapshotDir);
    const [failure] = watch.failures();
    if (failure) log(`${label(spec)}: not synced yet at the end, e.g. ${failure.join(": ")}`);
    log(describe(result, o.count));
    if (finished) await spotCheck(cp, ns, o.count);
    log(`${label(spec)}: every Secret checked; removing ${ns}`);
    return result;
  } finally {
    clearInterval(progress);
    clearInterval(snapshot);
    await sampler?.stop();
    watch.stop();
    await proc?.stop();
    await removeNamespace(cp, ns);
  }
}

/**
 * Every run of one repetition: signet (and the baseline build) on both workloads, the reference
 * on kubeseal's.
 */
function runSpecs(o: ControllerBenchOptions): RunSpec[] {
  const specs: RunSpec[] = [];
  for (let repetition = 0; repetition < o.repetitions; repetition++) {
    const round: RunSpec[] = [
      { name: "signet", sealer: "signet", repetition },
      { name: "signet", sealer: "kubeseal", repetition },
      { name: "baseline", sealer: "signet", repetition },
      { name: "baseline", sealer: "kubeseal", repetition },
      { name: "reference", sealer: "kubeseal", repetition },
    ];
    if (repetition % 2 === 1) round.reverse();
    specs.push(
      ...round.filter(
        (r) =>
          o.controllers.includes(r.name) &&
          (r.name === "reference" || o.sealers.includes(r.sealer)),
      ),
    );
  }
  return specs;
}

/**
 * The produced Secrets exist, one per SealedSecret, each with all values. Read in pages: one list
 * of 10,000 Secrets is a response the API server may not finish within its request timeout.
 */
async function spotCheck(cp: ControlPlane, ns: string, count: number): Promise<void> {
  let complete = 0;
  let next = "";
  do {
    const res = await apiCall(
      cp.admin,
      `/api/v1/namespaces/${ns}/secrets?limit=500${next ? `&continue=${encodeURIComponent(next)}` : ""}`,
      { token: cp.admin.token, timeoutMs: 120_000 },
    );
    const page = res.json as {
      items: { data?: Record<string, string> }[];
      metadata: { continue?: string };
    };
    complete += page.items.filter((s) => Object.keys(s.data ?? {}).length === VALUES).length;
    next = page.metadata.continue ?? "";
  } while (next);
  if (complete !== count) throw new Error(`${ns}: ${complete} complete Secrets, want ${count}`);
}

/**
 * Deletes the run's SealedSecrets and namespace so the next controller starts from cold. Deleting
 * 10,000 objects can outlast one request, so the collection delete is repeated until none is left.
 */
async function removeNamespace(cp: ControlPlane, ns: string): Promise<void> {
  const t = { token: cp.admin.token };
  const collection = `${SS_API}/namespaces/${ns}/sealedsecrets`;
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    await apiRequest(cp.admin, collection, { ...t, method: "DELETE", timeoutMs: 120_000 }).catch(
      (err: Error) => log(`${ns}: deleting its SealedSecrets: ${err.message}; retrying`),
    );
    const left = await apiRequest(cp.admin, `${collection}?limit=1`, t).catch(() => undefined);
    const items = (left?.json as { items?: unknown[] } | undefined)?.items;
    if (left?.status === 200 && items?.length === 0) break;
    await sleep(1000);
  }
  await apiRequest(cp.admin, `/api/v1/namespaces/${ns}`, { ...t, method: "DELETE" });
  while (Date.now() < deadline) {
    const res = await apiRequest(cp.admin, `/api/v1/namespaces/${ns}`, t);
    if (res.status === 404) return;
    await sleep(1000);
  }
  log(`${ns} still terminating after 10 min; continuing`);
}

/** Where the reference's figures come from when it does not run (and where they go when it does). */
export interface ReferenceStore {
  stored?: StoredReference;
  store?: (ref: StoredReference) => void;
}

/** Runs the controller benchmark; returns the Markdown section for BENCHMARKS.md. */
export async function controllerBenchmark(
  o: ControllerBenchOptions,
  refs: ReferenceStore = {},
): Promise<string> {
  const load = loadavg();
  // SIGNET_BENCH_CONTROLLER: another build of the controller to measure (A/B comparisons).
  const signet =
    process.env.SIGNET_BENCH_CONTROLLER ??
    join(repoRoot, "packages/controller/dist/bundle/main.js");
  if (!existsSync(signet)) throw new Error(`${signet} is missing: run \`npm run build\` first`);
  if (o.baseline !== undefined && !existsSync(o.baseline)) {
    throw new Error(`--baseline ${o.baseline} does not exist`);
  }
  const reference = execFileSync(
    "bash",
    [join(repoRoot, "test/e2e/controller/reference-controller.sh")],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  )
    .trim()
    .split("\n")
    .at(-1)!;
  const before = measureSpeed("before");
  const keys = await benchKeys(o.keys);
  const now = new Date();
  const certs = keys.map((k) => parseSealingCertificate(k.certificatePem, now));
  log("starting the control plane");
  const cp = await startControlPlane({ manifests: [join(repoRoot, "crds")] });
  const workDir = mkdtempSync(join(tmpdir(), "signet-bench-controller-"));
  const results: RunResult[] = [];
  try {
    const saDir = join(workDir, "sa");
    mkdirSync(saDir, { mode: 0o700 });
    writeFileSync(join(saDir, "token"), cp.admin.token);
    writeFileSync(join(saDir, "ca.crt"), cp.admin.caPem);
    writeFileSync(join(saDir, "namespace"), KEY_NAMESPACE);
    const bins = { reference, signet, baseline: o.baseline, saDir, node: o.node.path };
    const ctx: RunContext = { cp, bins, certs, o, logDir: workDir };
    for (const key of keys) await createKeySecret(cp, key);
    await createUnrelatedSecrets(cp, o.unrelatedSecrets);
    for (const spec of runSpecs(o)) results.push(await runOne(spec, ctx));
  } finally {
    await cp.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  const speeds = { before, after: measureSpeed("after") };
  const runtimeRsaMs = runtimeRsaCpuMs(o.node.path, keys[0]!);
  const storedReference = withReference(o, refs, results, load);
  return controllerSection({
    o,
    values: VALUES,
    keyBits: KEY_BITS,
    keyNamespace: KEY_NAMESPACE,
    commonFlags: COMMON_FLAGS,
    speeds,
    runtimeRsaMs,
    loadStart: load,
    loadEnd: loadavg(),
    results,
    storedReference,
  });
}

/**
 * Stores the reference's runs when it ran (and `refs.store` is given), else adds its stored runs
 * of the same workload to `results`; returns the stored figures used, if any.
 */
function withReference(
  o: ControllerBenchOptions,
  refs: ReferenceStore,
  results: RunResult[],
  load: number[],
): StoredReference | undefined {
  const ran = results.filter((r) => r.name === "reference");
  const date = new Date().toISOString().slice(0, 10);
  const { count, unrelatedSecrets } = o;
  if (ran.length > 0) {
    refs.store?.({ date, load, count, unrelatedSecrets, results: ran });
    return undefined;
  }
  const stored = refs.stored;
  if (!stored) return undefined;
  if (stored.count !== count || stored.unrelatedSecrets !== unrelatedSecrets) {
    log("the stored reference figures are for another workload: not compared");
    return undefined;
  }
  results.push(...stored.results);
  return stored;
}

/** Namespaces the unrelated Secrets are spread over. */
const UNRELATED_NAMESPACES = 10;

/**
 * `count` Secrets of 4 KiB (Opaque, random data) in namespaces of their own: what every real
 * cluster has besides SealedSecrets (service-account tokens, Helm releases, other controllers'
 * Secrets). Both controllers watch all Secrets, so they pay for these in memory.
 */
async function createUnrelatedSecrets(cp: ControlPlane, count: number): Promise<void> {
  if (count === 0) return;
  log(`creating ${count} unrelated 4 KiB Secrets in ${UNRELATED_NAMESPACES} namespaces`);
  const t = { token: cp.admin.token };
  for (let n = 0; n < UNRELATED_NAMESPACES; n++) {
    await apiCall(cp.admin, "/api/v1/namespaces", {
      ...t,
      method: "POST",
      body: { metadata: { name: `bench-unrelated-${n}` } },
    });
  }
  const indexes = Array.from({ length: count }, (_, i) => i);
  await pool(indexes, 16, async (i) => {
    const ns = `bench-unrelated-${i % UNRELATED_NAMESPACES}`;
    await apiCall(cp.admin, `/api/v1/namespaces/${ns}/secrets`, {
      ...t,
      method: "POST",
      body: {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: `unrelated-${i}`, labels: { app: "unrelated" } },
        type: "Opaque",
        data: { blob: randomBytes(3072).toString("base64") },
      },
    });
  });
}

async function createKeySecret(cp: ControlPlane, key: GeneratedKey): Promise<void> {
  await apiCall(cp.admin, `/api/v1/namespaces/${KEY_NAMESPACE}/secrets`, {
    token: cp.admin.token,
    method: "POST",
    body: {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        generateName: "sealed-secrets-key",
        labels: { [SEALED_SECRETS_KEY_LABEL]: "active" },
      },
      type: "kubernetes.io/tls",
      data: {
        "tls.crt": Buffer.from(key.certificatePem).toString("base64"),
        "tls.key": Buffer.from(key.privateKeyPem).toString("base64"),
      },
    },
  });
}
