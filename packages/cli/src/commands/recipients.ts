import { encodeObject, quote, SignetError } from "@signet/core";
import type { OutputFormat, ResolvedNamespace, Secret } from "@signet/core";
import { posix } from "node:path";

import { readCertificate } from "../cert-source.js";
import type { Io } from "../io.js";
import type { CliOptions } from "../options.js";
import { resolvedFormat } from "../options.js";
import type { Recipient } from "../recipients.js";
import {
  checkPlaceholder,
  isNamePattern,
  recipientPath,
  warnSameCertificate,
  withRecipient,
} from "../recipients.js";
import { runRaw } from "./raw.js";
import { sealSecrets } from "./seal.js";

/** One recipient with its certificate read. */
interface ReadRecipient extends Recipient {
  readonly certificatePem: string;
}

/** One file (or stdout, path "") to write, decided before anything is written. */
interface Planned {
  /** The recipient it is for; "" for the one stream. */
  readonly name: string;
  readonly path: string;
  readonly text: string;
}

/** A failure while handling one recipient, named so the user knows which certificate failed. */
function forRecipient(name: string, err: unknown): unknown {
  if (!(err instanceof SignetError)) return err;
  return new SignetError(err.code, `recipient "${name}": ${err.message}`, { cause: err });
}

/** `fn` for every recipient in order; a failure is reported with the recipient's name. */
async function each<R extends Recipient, T>(
  recipients: readonly R[],
  fn: (r: R) => Promise<T> | T,
): Promise<T[]> {
  const out: T[] = [];
  for (const r of recipients) {
    try {
      out.push(await fn(r));
    } catch (err) {
      throw forRecipient(r.name, err);
    }
  }
  return out;
}

/** Reads every recipient's certificate (files or URLs) before anything is sealed. */
export async function readRecipients(options: CliOptions, io: Io): Promise<ReadRecipient[]> {
  const read = await each(options.recipients, async (r) => ({
    ...r,
    certificatePem: (await readCertificate({ ...options, cert: r.source }, io)).toString("utf8"),
  }));
  warnSameCertificate(
    read.map((r) => ({ name: r.name, key: r.certificatePem.trim() })),
    io,
  );
  return read;
}

/**
 * The modes named recipients apply to: sealing (stream, `-w`, `--raw`, `--merge-into`). Modes
 * that read no certificate or one cluster's (`--recovery-unseal`, `--validate`, `--re-encrypt`,
 * `--fetch-cert`) refuse them rather than silently use one.
 */
export function checkRecipientMode(options: CliOptions): void {
  checkPlaceholder("--sealed-secret-file", options.outputFile);
  checkPlaceholder("--merge-into", options.mergeInto);
  const pattern = [options.outputFile, options.mergeInto].some(isNamePattern);
  if (options.recipients.length === 0) {
    if (pattern) {
      throw new SignetError(
        "ERR_INVALID_FLAG",
        "{name} in -w or --merge-into needs named recipients (--cert NAME=SOURCE)",
      );
    }
    return;
  }
  const other = (
    [
      ["--recovery-unseal", options.recoveryUnseal],
      ["--validate", options.validate],
      ["--re-encrypt", options.reEncrypt],
      ["--fetch-cert", options.fetchCert],
    ] as const
  ).find(([, on]) => on);
  if (other) {
    throw new SignetError(
      "ERR_INVALID_FLAG",
      `named recipients (--cert NAME=SOURCE) only seal; ${other[0]} does not take them`,
    );
  }
  if (
    options.mergeInto !== "" &&
    options.recipients.length > 1 &&
    !isNamePattern(options.mergeInto)
  ) {
    throw new SignetError(
      "ERR_INVALID_FLAG",
      "--merge-into with several recipients needs {name} in its path (one file per recipient)",
    );
  }
}

/** The format of one output file: a .yaml/.yml path is YAML, as kubeseal's `-w` decides. */
function formatFor(path: string, options: CliOptions): OutputFormat {
  return /\.ya?ml$/i.test(path) ? "yaml" : resolvedFormat(options);
}

/** One output target: the recipient it is for ("" for a single stream), its path and flag. */
interface Target {
  readonly name: string;
  readonly path: string;
  readonly flag: "-w" | "--merge-into";
}

/**
 * Checks every output target before anything is written: its parent must be an existing
 * directory (a missing one usually means a misspelt recipient name or the wrong working
 * directory; signet creates none), the target must not be a directory, and no two recipients
 * may land on the same file (compared by the parent's real path, so `{name}/../x` and symbolic
 * links are caught). The first problem is named, with the recipients involved.
 */
async function checkOutputs(targets: readonly Target[], io: Io): Promise<void> {
  const seen = new Map<string, Target>();
  for (const t of targets) {
    const slashed = t.path.replaceAll("\\", "/");
    const where = `${t.flag} ${t.path}`;
    if (slashed.endsWith("/")) {
      throw new SignetError("ERR_IO", `${where}: names a directory; give a file name`);
    }
    const dir = posix.dirname(slashed);
    const dirKind = await io.pathKind(dir);
    if (dirKind === "missing") {
      throw new SignetError(
        "ERR_IO",
        `${where}: directory ${dir} does not exist (signet creates no directories; create it, or check the recipient name)`,
      );
    }
    if (dirKind !== "directory")
      throw new SignetError("ERR_IO", `${where}: ${dir} is not a directory`);
    const kind = await io.pathKind(slashed);
    if (kind === "directory") {
      throw new SignetError("ERR_IO", `${where}: is a directory; give a file name`);
    }
    // An existing file is compared by its real path (a symlinked file may be another
    // recipient's output), a new one by its directory's.
    const key =
      kind === "missing"
        ? `${await io.realPath(dir)}/${posix.basename(slashed)}`
        : await io.realPath(slashed);
    const other = seen.get(key);
    if (other) {
      throw new SignetError(
        "ERR_INVALID_FLAG",
        `${t.flag}: recipients ${quote(other.name)} (${other.path}) and ${quote(t.name)} (${t.path}) would write the same file; nothing was written`,
      );
    }
    seen.set(key, t);
  }
}

/**
 * The outputs for `-w` (or stdout): with `{name}`, one file per recipient holding `file(i, path)`
 * for the i-th recipient; otherwise one output holding `stream()`.
 */
function plan(
  outputFile: string,
  recipients: readonly Recipient[],
  text: { file: (i: number, path: string) => string; stream: () => string },
): Planned[] {
  if (!isNamePattern(outputFile)) return [{ name: "", path: outputFile, text: text.stream() }];
  return recipients.map((r, i) => {
    const path = recipientPath(outputFile, r.name);
    return { name: r.name, path, text: text.file(i, path) };
  });
}

/**
 * Writes the planned outputs: each file atomically (a failed write leaves that file as it was),
 * only after every output is sealed and every directory checked, so a bad certificate or path
 * writes nothing.
 */
async function writePlans(plans: readonly Planned[], io: Io): Promise<void> {
  await checkOutputs(
    plans.filter((p) => p.path !== "").map((p) => ({ ...p, flag: "-w" })),
    io,
  );
  for (const plan of plans) {
    if (plan.path === "") io.writeStdout(plan.text);
    else await io.writeFileAtomic(plan.path, plan.text);
  }
}

/**
 * `--raw` for named recipients: with `{name}` in `-w`, each file holds the bare value (as
 * kubeseal's `--raw` prints it); otherwise one `NAME=VALUE` line per recipient, in command-line
 * order (base64 has no '=' before its padding, and names none, so the first '=' splits).
 */
export async function sealRawForRecipients(
  options: CliOptions,
  io: Io,
  recipients: readonly ReadRecipient[],
): Promise<void> {
  const values = await runRaw(
    options,
    io,
    recipients.map((r) => r.certificatePem),
  );
  await writePlans(
    plan(options.outputFile, recipients, {
      file: (i) => values[i]!,
      stream: () => recipients.map((r, i) => `${r.name}=${values[i]!}\n`).join(""),
    }),
    io,
  );
}

/**
 * Seals the Secrets once per recipient; each SealedSecret carries `signet.dev/recipient: NAME`.
 * With `{name}` in `-w`, each recipient's SealedSecrets go to their own file; otherwise all go to
 * one stream (stdout or `-w`), recipient by recipient.
 */
export async function sealForRecipients(
  secrets: readonly Secret[],
  ctx: { options: CliOptions; io: Io; namespace: ResolvedNamespace },
  recipients: readonly ReadRecipient[],
): Promise<void> {
  const { options, io } = ctx;
  const sealed = await each(recipients, (r) =>
    sealSecrets(secrets, { ...ctx, certificatePem: r.certificatePem }).map((ss) =>
      withRecipient(ss, r.name),
    ),
  );
  const encode = (objects: readonly object[], path: string): string => {
    const format = formatFor(path, options);
    return objects.map((o) => encodeObject(o, format)).join("");
  };
  await writePlans(
    plan(options.outputFile, recipients, {
      file: (i, path) => encode(sealed[i]!, path),
      stream: () => encode(sealed.flat(), options.outputFile),
    }),
    io,
  );
}

/**
 * `--merge-into` for named recipients: each recipient's file (`{name}` replaced) gets the input's
 * items sealed with that recipient's certificate. A file annotated for another recipient is
 * refused before anything is written.
 */
export async function mergeForRecipients(
  secrets: readonly Secret[],
  ctx: { options: CliOptions; io: Io; namespace: ResolvedNamespace },
  recipients: readonly ReadRecipient[],
): Promise<void> {
  const { mergedFile } = await import("./merge-into.js");
  const targets = recipients.map((r) => ({
    ...ctx,
    certificatePem: r.certificatePem,
    path: recipientPath(ctx.options.mergeInto, r.name),
    recipient: r.name,
  }));
  await checkOutputs(
    recipients.map((r, i) => ({ name: r.name, path: targets[i]!.path, flag: "--merge-into" })),
    ctx.io,
  );
  // Every file is read and merged in memory before any is written.
  const merged = new Map<string, Uint8Array>();
  await each(recipients, async (r) => {
    const target = targets.find((t) => t.recipient === r.name)!;
    merged.set(r.name, await mergedFile(secrets, target));
  });
  await each(recipients, async (r) => {
    const target = targets.find((t) => t.recipient === r.name)!;
    await ctx.io.writeFileAtomic(target.path, merged.get(r.name)!);
  });
}
