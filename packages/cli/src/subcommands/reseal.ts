import { flag, scopeFromAnnotations, SignetError } from "@signet/core";
import type { SealedSecret } from "@signet/core";

import { describeFsError } from "../files.js";
import { CLUSTER_FLAGS, KUBESEAL_FLAGS } from "../flags.js";
import type { Io } from "../io.js";
import { subcommandOptions } from "../options.js";
import type { Subcommand } from "./common.js";
import {
  EXCLUDE_FLAG,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_STALE,
  guarded,
  HELP_FLAG,
  messageOf,
  parseSubcommand,
  UsageError,
} from "./common.js";
import type { ObjectEdit } from "./edit.js";
import { applyObjectEdits } from "./edit.js";
import type { FoundSealedSecret, ManifestFile } from "./manifests.js";
import { readManifest } from "./manifests.js";
import type { Engine, Verdict } from "./reseal-engines.js";
import { engineFor } from "./reseal-engines.js";
import { collectFiles } from "./walk.js";

const HELP = `Usage: signet reseal [flags] PATH...

Re-encrypts with the current sealing key every SealedSecret value in PATH (files, or directories
walked for *.yaml, *.yml and *.json; .git and node_modules are skipped; symbolic links are
followed while they stay inside the PATH they were found under, loops and links leaving it
reported) that is not already sealed with it. YAML and JSON, multi-document
files, JSON streams, Lists and files mixing other kinds are supported. Unchanged files stay
byte-identical; changed files keep their comments, key order and layout (only the ciphertexts
and the signet.dev/sealed-with hint change), are read back and compared before they replace the
original, and are written atomically through symbolic links; read-only files are refused.
The scope of every value is kept: it is sealed again with the label it was bound to.
Go templates (Helm chart templates, files with {{ ... }} outside strings) are skipped and
reported. A SealedSecret without metadata.namespace (a kustomize base or patch) is bound to the
namespace it was sealed for: give it with -n (objects with their own namespace keep it).

Modes:
  offline      --recovery-private-key KEYS --cert CERT: decrypts each value with the keys and
               re-seals those not opened by CERT's key (exact, per value). Objects whose values
               are all current but whose key hint is missing or wrong get the hint.
  controller   (default) the controller's /v1/rotate through the API server's service proxy;
               an object is stale when its signet.dev/sealed-with hint is not the controller's
               current certificate (objects without a hint, such as kubeseal's, count as
               stale). Requests are paced by the controller's rate limit (--rate-limit,
               2/s by default): signet waits and retries when it answers "limit exceeded".
  hint only    --check or --dry-run with --cert and no keys: staleness from the hint, offline.
  recipients   --cert NAME=SOURCE, repeated (with the keys, or --check/--dry-run): each
               SealedSecret is judged against its own recipient's certificate, picked by its
               signet.dev/recipient annotation or by --recipient-path (e.g. clusters/{name}/);
               an object with neither, or for a recipient not given, fails.

Exit codes: 0 done (or nothing stale); 1 some file or SealedSecret failed (the others are still
resealed); 2 usage error; 3 with --check: something would be written (nothing is).`;

const RESEAL_FLAGS = {
  cert: KUBESEAL_FLAGS.cert,
  recoveryPrivateKey: KUBESEAL_FLAGS.recoveryPrivateKey,
  cluster: CLUSTER_FLAGS,
  check: flag.bool(
    "check",
    false,
    "Write nothing; exit 3 when any SealedSecret is stale (for CI)",
    {
      noEnv: true,
    },
  ),
  dryRun: flag.bool("dry-run", false, "Report what would be resealed; write nothing", {
    noEnv: true,
  }),
  recipientPath: flag.string(
    "recipient-path",
    "",
    "With named --cert NAME=SOURCE recipients: a path pattern whose {name} picks the recipient of a file without a signet.dev/recipient annotation and cross-checks an annotated one (e.g. clusters/{name}/; matched against paths resolved from the current directory)",
    { noEnv: true },
  ),
  exclude: EXCLUDE_FLAG,
  help: HELP_FLAG,
};

interface Totals {
  files: number;
  skipped: number;
  objects: number;
  resealed: number;
  hinted: number;
  current: number;
  failed: number;
  written: number;
}

type Mode = "write" | "check" | "dry-run";

interface ResealRun {
  io: Io;
  engine: Engine;
  mode: Mode;
  /** `-n`: the namespace of SealedSecrets that have none. */
  namespace: string;
  totals: Totals;
}

export const reseal: Subcommand = async (argv, io) => {
  const parsed = parseSubcommand({ name: "reseal", help: HELP, flags: RESEAL_FLAGS }, argv, io);
  if (typeof parsed === "number") return parsed;
  const mode: Mode = parsed.values.check ? "check" : parsed.values.dryRun ? "dry-run" : "write";
  const options = subcommandOptions(parsed.values, parsed.changed);
  return guarded(io, async () => {
    if (parsed.args.length === 0) throw new UsageError("signet reseal needs at least one PATH");
    const engine = await engineFor(options, io, mode !== "write", parsed.values.recipientPath);
    const walked = await collectFiles(parsed.args, io, parsed.values.exclude, {
      confineLinks: true,
    });
    const run: ResealRun = {
      io,
      engine,
      mode,
      namespace: options.cluster.namespace,
      totals: { ...EMPTY_TOTALS, skipped: walked.skipped.length },
    };
    for (const s of walked.skipped) io.writeStderr(`skipped ${s.path}: ${s.reason}\n`);
    for (const [i, path] of walked.files.entries()) {
      if (io.stderrIsTTY) io.writeStderr(`\r\x1b[K[${i + 1}/${walked.files.length}] ${path}`);
      await resealFile(path, run);
    }
    if (io.stderrIsTTY) io.writeStderr("\r\x1b[K");
    engine.finish?.();
    io.writeStdout(summary(run.totals, mode));
    if (run.totals.failed > 0) return EXIT_FAILED;
    const pending = run.totals.resealed + run.totals.hinted > 0;
    return mode === "check" && pending ? EXIT_STALE : EXIT_OK;
  });
};

const EMPTY_TOTALS: Totals = {
  files: 0,
  skipped: 0,
  objects: 0,
  resealed: 0,
  hinted: 0,
  current: 0,
  failed: 0,
  written: 0,
};

const VERBS: Record<Mode, { stale: string; hint: string; summary: string; hints: string }> = {
  write: { stale: "resealed", hint: "hinted", summary: "resealed", hints: "key hints added" },
  check: { stale: "stale", hint: "hint missing", summary: "stale", hints: "key hints missing" },
  "dry-run": {
    stale: "would reseal",
    hint: "would add hint",
    summary: "to reseal",
    hints: "key hints to add",
  },
};

function summary(t: Totals, mode: Mode): string {
  const parts = [
    `${count(t.files, "file")} scanned, ${count(t.objects, "SealedSecret")}: ${t.resealed} ${VERBS[mode].summary}, ${t.current} up to date (skipped), ${t.failed} failed`,
  ];
  if (mode === "write") parts.push(`${count(t.written, "file")} written`);
  if (t.hinted > 0) parts.push(`${t.hinted} ${VERBS[mode].hints}`);
  if (t.skipped > 0) parts.push(`${t.skipped} skipped (see stderr)`);
  return `${parts.join("; ")}\n`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** What reseal will do to one object: the line reporting it, and the edit (if it writes). */
interface Planned {
  line: string;
  edit?: ObjectEdit;
  hintOnly: boolean;
}

async function resealFile(path: string, run: ResealRun): Promise<void> {
  run.totals.files++;
  let file: ManifestFile | undefined;
  try {
    file = await readManifest(path, run.io, "SealedSecret");
  } catch (err) {
    return fail(run, messageOf(err));
  }
  if (!file) return;
  if (file.templated) {
    run.totals.skipped++;
    return skip(run, `${path}:${file.templated.line}`, "Go template (not rendered)");
  }
  const planned: Planned[] = [];
  for (const found of file.sealedSecrets) {
    const plan = await resealObject(found, path, run);
    if (plan) planned.push(plan);
  }
  const writing = run.mode === "write" ? planned.filter((p) => p.edit) : [];
  if (writing.length > 0 && !(await writeEdits(file, writing, run))) {
    // Nothing was written: only objects that needed no write are reported as done.
    return report(
      run,
      planned.filter((p) => !p.edit),
    );
  }
  report(run, planned);
}

function report(run: ResealRun, planned: readonly Planned[]): void {
  for (const p of planned) run.io.writeStdout(p.line);
}

/** Writes the file with every edit; false (and the objects counted failed) when it cannot. */
async function writeEdits(
  file: ManifestFile,
  planned: Planned[],
  run: ResealRun,
): Promise<boolean> {
  try {
    const edits = planned.map((p) => p.edit!);
    await run.io.writeFileAtomic(file.path, applyObjectEdits(file, edits));
    run.totals.written++;
    return true;
  } catch (err) {
    const hints = planned.filter((p) => p.hintOnly).length;
    run.totals.resealed -= planned.length - hints;
    run.totals.hinted -= hints;
    run.totals.current -= hints;
    run.totals.failed += planned.length;
    const reason = messageOf(err).startsWith(file.path) ? messageOf(err) : writeError(file, err);
    run.io.writeStderr(`error: ${reason}\n`);
    return false;
  }
}

function writeError(file: ManifestFile, err: unknown): string {
  const code = (err as { code?: string }).code;
  const reason = code === "EACCES" ? "permission denied (read-only file)" : describeFsError(err);
  return `${file.path}: not written: ${reason}; its SealedSecrets are unchanged`;
}

async function resealObject(
  found: FoundSealedSecret,
  path: string,
  run: ResealRun,
): Promise<Planned | undefined> {
  const where = `${path}:${found.location.line}`;
  if (found.templated) {
    run.totals.skipped++;
    return void skip(run, `${where} ${found.label}`, "holds Go template actions (not rendered)");
  }
  run.totals.objects++;
  if (!found.object) return void fail(run, `${where}: ${found.label}: ${found.problem}`);
  let verdict: Verdict;
  try {
    verdict = await run.engine.judge(namespaced(found.object, run), run.mode === "write", path);
  } catch (err) {
    return void fail(run, `${where}: ${found.label}: ${messageOf(err)}`);
  }
  const fingerprint = verdict.fingerprint ?? run.engine.fingerprint;
  if (verdict.hintOnly) return hintEdit(found, where, run, fingerprint);
  if (!verdict.stale) {
    run.totals.current++;
    return undefined;
  }
  run.totals.resealed++;
  const total = Object.keys(found.object.spec.encryptedData ?? {}).length;
  const changed = Object.keys(verdict.values).length;
  const detail = changed > 0 ? ` (${changed} of ${total} values)` : "";
  const line = `${VERBS[run.mode].stale} ${where} ${found.label}${detail}\n`;
  if (changed === 0) return { line, hintOnly: false };
  const edit = { found, values: verdict.values, hint: fingerprint };
  return { line, edit, hintOnly: false };
}

function hintEdit(
  found: FoundSealedSecret,
  where: string,
  run: ResealRun,
  fingerprint: string,
): Planned {
  run.totals.current++;
  run.totals.hinted++;
  const detail = `(values current; key hint ${fingerprint})`;
  const line = `${VERBS[run.mode].hint} ${where} ${found.label} ${detail}\n`;
  return { line, edit: { found, values: {}, hint: fingerprint }, hintOnly: true };
}

/**
 * The object as the engine must see it: `-n` fills a missing namespace. An engine that opens
 * values needs it for every scope but cluster-wide, since the label binds the namespace.
 */
function namespaced(ss: SealedSecret, run: ResealRun): SealedSecret {
  if (ss.metadata.namespace || !run.engine.opens) return ss;
  const scope = scopeFromAnnotations(ss.metadata.annotations);
  if (run.namespace !== "")
    return { ...ss, metadata: { ...ss.metadata, namespace: run.namespace } };
  if (scope === "cluster-wide") return ss;
  throw new SignetError(
    "ERR_MISSING_NAMESPACE",
    `no metadata.namespace: a ${scope} SealedSecret is bound to the namespace it was sealed for ` +
      "(kustomize sets it when building); give it with -n NAMESPACE (the file is not changed)",
  );
}

function fail(run: ResealRun, message: string): void {
  run.totals.failed++;
  run.io.writeStderr(`error: ${message}\n`);
}

function skip(run: ResealRun, what: string, reason: string): void {
  run.io.writeStderr(`skipped ${what}: ${reason}\n`);
}
