import { parseRecoveryKeys, parseSealingCertificate, SignetError } from "@signet/core";
import type { SealedSecret, UnsealingKey } from "@signet/core";

import { readCertificate } from "../cert-source.js";
import { describeFsError } from "../cert-source.js";
import type { Io } from "../io.js";
import type { CliOptions } from "../options.js";
import type { Subcommand } from "./common.js";
import {
  boolFlag,
  boolSpec,
  CLUSTER_FLAGS,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_STALE,
  flagTable,
  guarded,
  HELP_FLAG,
  messageOf,
  parseSubcommand,
  topLevelFlags,
  UsageError,
} from "./common.js";
import type { ObjectEdit } from "./edit.js";
import { applyObjectEdits } from "./edit.js";
import type { FoundSealedSecret, ManifestFile } from "./manifests.js";
import { parseManifest } from "./manifests.js";
import { planOffline, rotatedValues, staleByHint } from "./reseal-plan.js";
import { collectFiles } from "./walk.js";

const HELP = `Usage: signet reseal [flags] PATH...

Re-encrypts with the current sealing key every SealedSecret value in PATH (files, or directories
walked for *.yaml, *.yml and *.json; .git and node_modules are skipped) that is not already
sealed with it. YAML and JSON, multi-document files and files mixing other kinds are supported.
Unchanged files stay byte-identical; changed files keep their comments, key order and layout
(only the ciphertexts and the signet.dev/sealed-with hint change) and are written atomically.
The scope of every value is kept: it is sealed again with the label it was bound to.

Modes:
  offline      --recovery-private-key KEYS --cert CERT: decrypts each value with the keys and
               re-seals those not opened by CERT's key (exact, per value).
  controller   (default) the controller's /v1/rotate through the API server's service proxy;
               an object is stale when its signet.dev/sealed-with hint is not the controller's
               current certificate (objects without a hint, such as kubeseal's, count as
               stale). Requests are paced by the controller's rate limit (--rate-limit,
               2/s by default): signet waits and retries when it answers "limit exceeded".
  hint only    --check or --dry-run with --cert and no keys: staleness from the hint, offline.

Exit codes: 0 done (or nothing stale); 1 some file or SealedSecret failed (the others are still
resealed); 2 usage error; 3 with --check: something is stale (nothing is written).`;

const RESEAL_FLAGS = flagTable([
  ...topLevelFlags(["cert", "recovery-private-key"]),
  ...CLUSTER_FLAGS,
  boolSpec("check", "Write nothing; exit 3 when any SealedSecret is stale (for CI)"),
  boolSpec("dry-run", "Report what would be resealed; write nothing"),
  HELP_FLAG,
]);

/** How one SealedSecret is judged and, when applying, resealed. */
interface Engine {
  fingerprint: string;
  /** New ciphertexts (empty when `apply` is false and only staleness is known) and staleness. */
  plan(
    ss: SealedSecret,
    apply: boolean,
  ): Promise<{ stale: boolean; values: Record<string, string> }>;
}

interface Totals {
  files: number;
  objects: number;
  resealed: number;
  current: number;
  failed: number;
  written: number;
}

interface ResealRun {
  io: Io;
  engine: Engine;
  /** False for --check and --dry-run. */
  write: boolean;
  verb: string;
  totals: Totals;
}

export const reseal: Subcommand = async (argv, io) => {
  const parsed = parseSubcommand({ name: "reseal", help: HELP, flags: RESEAL_FLAGS }, argv, io);
  if (typeof parsed === "number") return parsed;
  const check = boolFlag(parsed.flags, "check");
  const dryRun = boolFlag(parsed.flags, "dry-run");
  return guarded(io, async () => {
    if (parsed.args.length === 0) throw new UsageError("signet reseal needs at least one PATH");
    const engine = await engineFor(parsed.options, io, check || dryRun);
    const files = await collectFiles(parsed.args, io);
    const verb = check ? "stale" : dryRun ? "would reseal" : "resealed";
    const run: ResealRun = { io, engine, write: !check && !dryRun, verb, totals: emptyTotals() };
    for (const [i, path] of files.entries()) {
      if (io.stderrIsTTY) io.writeStderr(`\r\x1b[K[${i + 1}/${files.length}] ${path}`);
      await resealFile(path, run);
    }
    if (io.stderrIsTTY) io.writeStderr("\r\x1b[K");
    io.writeStdout(summary(run.totals, check, dryRun));
    if (run.totals.failed > 0) return EXIT_FAILED;
    return check && run.totals.resealed > 0 ? EXIT_STALE : EXIT_OK;
  });
};

function emptyTotals(): Totals {
  return { files: 0, objects: 0, resealed: 0, current: 0, failed: 0, written: 0 };
}

function summary(t: Totals, check: boolean, dryRun: boolean): string {
  const stale = check ? "stale" : dryRun ? "to reseal" : "resealed";
  const written = check || dryRun ? "" : `; ${count(t.written, "file")} written`;
  return `${count(t.files, "file")} scanned, ${count(t.objects, "SealedSecret")}: ${t.resealed} ${stale}, ${t.current} up to date (skipped), ${t.failed} failed${written}\n`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

async function resealFile(path: string, run: ResealRun): Promise<void> {
  run.totals.files++;
  let file: ManifestFile;
  try {
    const text = (
      await run.io.readFile(path).catch((cause: unknown) => {
        throw new SignetError("ERR_IO", `open ${path}: ${describeFsError(cause)}`, { cause });
      })
    ).toString("utf8");
    if (!text.includes("SealedSecret")) return;
    file = parseManifest(path, text);
  } catch (err) {
    return fail(run, `${messageOf(err)}`);
  }
  const edits: ObjectEdit[] = [];
  for (const found of file.sealedSecrets) {
    run.totals.objects++;
    const edit = await resealObject(found, path, run);
    if (edit) edits.push(edit);
  }
  if (!run.write || edits.length === 0) return;
  try {
    await run.io.writeFileAtomic(path, applyObjectEdits(file, edits));
    run.totals.written++;
  } catch (err) {
    run.totals.resealed -= edits.length;
    run.totals.failed += edits.length;
    run.io.writeStderr(`error: ${path}: not written: ${messageOf(err)}\n`);
  }
}

async function resealObject(
  found: FoundSealedSecret,
  path: string,
  run: ResealRun,
): Promise<ObjectEdit | undefined> {
  if (!found.object) return void fail(run, `${path}: ${found.label}: ${found.problem}`);
  let plan: { stale: boolean; values: Record<string, string> };
  try {
    plan = await run.engine.plan(found.object, run.write);
  } catch (err) {
    return void fail(run, `${path}: ${found.label}: ${messageOf(err)}`);
  }
  if (!plan.stale) {
    run.totals.current++;
    return undefined;
  }
  run.totals.resealed++;
  const total = Object.keys(found.object.spec.encryptedData ?? {}).length;
  const count = Object.keys(plan.values).length;
  const detail = count > 0 ? ` (${count} of ${total} values)` : "";
  run.io.writeStdout(`${run.verb} ${path} ${found.label}${detail}\n`);
  return count > 0 ? { found, values: plan.values, hint: run.engine.fingerprint } : undefined;
}

function fail(run: ResealRun, message: string): void {
  run.totals.failed++;
  run.io.writeStderr(`error: ${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// Engines

async function engineFor(options: CliOptions, io: Io, readOnly: boolean): Promise<Engine> {
  if (options.recoveryPrivateKey.length > 0) {
    if (options.cert === "") {
      throw new UsageError("offline reseal needs --cert (the certificate to seal with)");
    }
    return offlineEngine(options, io);
  }
  if (options.cert !== "") {
    if (!readOnly) {
      throw new UsageError(
        "--cert without --recovery-private-key can only --check or --dry-run (by the key hint); to reseal offline give the keys too, or drop --cert to go through the controller",
      );
    }
    const certificate = await sealingCertificate(options, io);
    return {
      fingerprint: certificate.fingerprint,
      plan: (ss) =>
        Promise.resolve({ stale: staleByHint(ss, certificate.fingerprint), values: {} }),
    };
  }
  return controllerEngine(options, io);
}

async function sealingCertificate(options: CliOptions, io: Io) {
  return parseSealingCertificate((await readCertificate(options, io)).toString("utf8"), io.now());
}

async function offlineEngine(options: CliOptions, io: Io): Promise<Engine> {
  const certificate = await sealingCertificate(options, io);
  const keys: UnsealingKey[] = [];
  for (const file of options.recoveryPrivateKey) {
    const text = await io.readFile(file).catch((cause: unknown) => {
      throw new SignetError("ERR_IO", `open ${file}: ${describeFsError(cause)}`, { cause });
    });
    keys.push(...parseRecoveryKeys(text.toString("utf8"), file));
  }
  if (!keys.some((k) => k.fingerprint === certificate.fingerprint)) {
    io.writeStderr(
      `warning: no --recovery-private-key holds the key of --cert (${certificate.fingerprint}); values already sealed with it cannot be opened and will fail\n`,
    );
  }
  return {
    fingerprint: certificate.fingerprint,
    plan: (ss) => {
      const plan = planOffline(ss, { keys, certificate, random: io.random });
      return Promise.resolve({ stale: plan.current < plan.total, values: plan.values });
    },
  };
}

/** Loads the cluster adapter on demand: only this path imports @kubernetes/client-node. */
async function controllerEngine(options: CliOptions, io: Io): Promise<Engine> {
  const [api, kube] = await Promise.all([
    import("../cluster/controller-api.js"),
    import("../cluster/kube-client.js"),
  ]);
  const client = await kube.connect(options.cluster);
  const base = await api.controllerProxyPath(client, options.cluster);
  const pem = await api.fetchCertificate(client, options.cluster);
  const { fingerprint } = parseSealingCertificate(pem.toString("utf8"), io.now());
  return {
    fingerprint,
    plan: async (ss, apply) => {
      if (!staleByHint(ss, fingerprint)) return { stale: false, values: {} };
      if (!apply) return { stale: true, values: {} };
      const rotated = await rotatePaced(() =>
        api.rotateSealedSecret(client, base, JSON.stringify(ss)),
      );
      if (rotated === undefined) throw new SignetError("ERR_DECRYPT", "unable to rotate secret");
      return { stale: true, values: rotatedValues(ss, rotated) };
    },
  };
}

/** Retries after the controller's rate limit (2 requests/s by default) answers 429. */
const RETRY_DELAYS_MS = [250, 500, 1000, 1000, 2000, 2000, 4000, 4000, 8000, 8000, 8000, 8000];

/**
 * Calls `/v1/rotate`, waiting and retrying while the controller's rate limiter refuses
 * ("limit exceeded"): through the API server's service proxy every client shares one source
 * address, so a repository-wide reseal is paced by that limit rather than failed by it.
 */
async function rotatePaced(call: () => Promise<unknown>): Promise<unknown> {
  for (const delay of [...RETRY_DELAYS_MS, undefined]) {
    try {
      return await call();
    } catch (err) {
      if (delay === undefined || !/limit exceeded|Too Many Requests/i.test(messageOf(err)))
        throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return undefined;
}
