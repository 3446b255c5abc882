import { encodeObject, SignetError } from "@signet/core";
import type { OutputFormat } from "@signet/core";

import { readCertificate, withCertFiles } from "./cert-source.js";
import { buildSecretFromFlags, buildsSecretFromFlags } from "./commands/build-secret.js";
import { runReEncrypt, runValidate } from "./commands/cluster-ops.js";
import { runRaw } from "./commands/raw.js";
import {
  checkRecipientMode,
  mergeForRecipients,
  readRecipients,
  sealForRecipients,
  sealRawForRecipients,
} from "./commands/recipients.js";
import { runRecoveryUnseal } from "./commands/recovery-unseal.js";
import { readSecrets, sealedTexts } from "./commands/seal.js";
import { expiryOption } from "./expiry.js";
import { EXIT_OK, exitCodeOf, messageOf } from "./exit.js";
import { FlagError, KUBESEAL_FLAGS, parseCommandLine, usage } from "./flags.js";
import { HELP_COMMAND, helpRequest, topLevelHelp } from "./help.js";
import type { Input } from "./input.js";
import { readInput } from "./input.js";
import type { Io } from "./io.js";
import { resolveClientNamespace } from "./kubeconfig.js";
import type { CliOptions } from "./options.js";
import { resolvedFormat, toOptions } from "./options.js";
import { subcommandName } from "./subcommands/names.js";

/** Where the result goes: stdout, or `-w FILE` written atomically once everything succeeded. */
interface Output {
  file: string;
  format: () => OutputFormat;
}

function outputFor(options: CliOptions): Output {
  const file = options.outputFile;
  const yamlFile = /\.ya?ml$/i.test(file);
  return { file, format: () => (yamlFile ? "yaml" : resolvedFormat(options)) };
}

/**
 * Writes the result to stdout or, atomically and through a symbolic link, to `-w`. Plaintext
 * (`--recovery-unseal`) goes to a file readable by its owner only (0600, as kubeseal writes
 * it), an existing file included: its mode is not kept, or a world-readable file would hold the
 * decrypted Secret. Other output keeps an existing file's mode.
 */
async function emit(
  text: string | Buffer | readonly string[],
  output: Output,
  io: Io,
  plaintext = false,
): Promise<void> {
  if (output.file !== "") {
    return io.writeFileAtomic(output.file, text, plaintext ? { mode: 0o600 } : {});
  }
  if (Buffer.isBuffer(text)) return io.writeStdout(text);
  writeInPieces(typeof text === "string" ? [text] : text, io);
}

/**
 * Text to stdout in writes of 64 to 128 KiB: no joined copy of the whole output, no copy of a
 * large document as bytes, and no system call per small document. Small documents are not
 * sliced: slicing flattens a text built by concatenation, and the flat copies of 12,000
 * documents took 15 MiB more than the texts themselves.
 */
function writeInPieces(parts: readonly string[], io: Pick<Io, "writeStdout">): void {
  let batch = "";
  for (const part of parts) {
    if (part.length <= STDOUT_BATCH) batch += part;
    else {
      if (batch !== "") io.writeStdout(batch);
      batch = "";
      for (let at = 0; at < part.length;) {
        const end = pieceEnd(part, at, STDOUT_BATCH);
        io.writeStdout(part.slice(at, end));
        at = end;
      }
    }
    if (batch.length < STDOUT_BATCH) continue;
    io.writeStdout(batch);
    batch = "";
  }
  if (batch !== "" || parts.every((part) => part === "")) io.writeStdout(batch);
}

const STDOUT_BATCH = 64 * 1024;

/** Where a piece of at most `room` (>= 2) code units from `at` ends, never inside a surrogate pair. */
function pieceEnd(text: string, at: number, room: number): number {
  const end = Math.min(text.length, at + room);
  const last = text.charCodeAt(end - 1);
  return end < text.length && last >= 0xd800 && last <= 0xdbff ? end - 1 : end;
}

/**
 * Runs one `signet` invocation and returns its exit code; never exits the process. A first argument
 * naming a subcommand (`reseal`, `inspect`, `keys`) runs it, `help [COMMAND]` prints help (kubeseal
 * would ignore the word and seal stdin); otherwise modes follow kubeseal's
 * precedence (`runCLI`, cmd/kubeseal/main.go); every failure prints `error: <message>` and returns
 * the exit code `exitCodeOf` maps it to (exit.ts).
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  if (argv[0] === HELP_COMMAND) {
    try {
      const request = helpRequest(argv.slice(1), io);
      return "code" in request ? request.code : await run(request.argv, io);
    } catch (err) {
      io.writeStderr(`error: ${messageOf(err)}\n`);
      return exitCodeOf(err);
    }
  }
  // Subcommands and --merge-into load their code (and the `yaml` package) only when used.
  if (subcommandName(argv)) {
    const { subcommandOf } = await import("./subcommands/index.js");
    return subcommandOf(argv)!(argv.slice(1), io);
  }
  const parsed = parseCommandLine(KUBESEAL_FLAGS, argv, io, () => usage(io.program));
  if (parsed instanceof FlagError) return exitCodeOf(parsed);
  try {
    const options = await withCertFiles(toOptions(parsed), io);
    await dispatch(options, io);
    return EXIT_OK;
  } catch (err) {
    io.writeStderr(`error: ${messageOf(err)}\n`);
    return exitCodeOf(err);
  }
}

async function dispatch(options: CliOptions, io: Io): Promise<void> {
  if (options.help) return void io.writeStdout(topLevelHelp(io.program));
  if (options.version) return void io.writeStdout(`${io.program} version: ${io.version}\n`);
  // Checked before anything is read, so a bad value costs no certificate fetch.
  expiryOption(options, io.now());
  if (options.raw) {
    const building =
      options.fromLiteral.length > 0
        ? "--from-literal"
        : options.fromEnvFile.length > 0
          ? "--from-env-file"
          : "";
    if (building !== "") {
      // kubeseal has no such flag ("unknown flag"); Signet's builds a Secret, which --raw is not.
      throw new FlagError(
        `${building} cannot be used with --raw: --raw encrypts one value, from --from-file or stdin`,
      );
    }
    if (options.mergeInto !== "") {
      // kubeseal's runCLI handles --merge-into before --raw: the Secret input is merged.
      io.writeStderr(
        "warning: --raw is ignored with --merge-into (as kubeseal does): the Secret read from -f or stdin is merged\n",
      );
      return dispatchModes({ ...options, raw: false, fromFile: [] }, io, false);
    }
  }
  const building = buildsSecretFromFlags(options);
  if (options.fromFile.length > 0 && !options.raw && !building) {
    throw new SignetError(
      "ERR_INVALID_FLAG",
      "--from-file requires --raw (or --name to build a Secret)",
    );
  }
  return dispatchModes(options, io, building);
}

/** Steps 4–11 of kubeseal's mode precedence. */
async function dispatchModes(options: CliOptions, io: Io, building: boolean): Promise<void> {
  checkRecipientMode(options);
  const output = outputFor(
    options.reEncrypt && options.inputFile !== "" && options.outputFile === ""
      ? { ...options, outputFile: options.inputFile }
      : options,
  );
  const input = lazyInput(options, io, building);
  if (options.recoveryUnseal) {
    const secrets = await runRecoveryUnseal(options, io, await input());
    const format = output.format();
    return emit(secrets.map((s) => encodeObject(s, format)).join(""), output, io, true);
  }
  if (options.recoveryPrivateKey.length > 0 && io.stderrIsTTY) {
    io.writeStderr(
      "warning: ignoring --recovery-private-key because unseal command not chosen with --recovery-unseal\n",
    );
  }
  if (options.validate) return runValidate(options, io, await input());
  if (options.reEncrypt) {
    return emit(await runReEncrypt(options, io, await input(), output.format()), output, io);
  }
  if (options.recipients.length > 0) return sealNamed(options, io, input, building);
  const certificate = await readCertificate(options, io);
  if (options.fetchCert) return emit(certificate, output, io);
  return seal(options, io, output, {
    certificatePem: certificate.toString("utf8"),
    input,
    building,
  });
}

/** Sealing for named recipients (`--cert NAME=SOURCE`, commands/recipients.ts). */
async function sealNamed(
  options: CliOptions,
  io: Io,
  input: () => Promise<Input>,
  building: boolean,
): Promise<void> {
  const recipients = await readRecipients(options, io);
  if (options.raw) return sealRawForRecipients(options, io, recipients);
  const namespace = await resolveClientNamespace(options.cluster, io);
  const secrets = building
    ? [await buildSecretFromFlags(options, io)]
    : readSecrets(await input(), (text) => io.writeStderr(text));
  const ctx = { options, io, namespace };
  if (options.mergeInto !== "") return mergeForRecipients(secrets, ctx, recipients);
  return sealForRecipients(secrets, ctx, recipients);
}

/** Reads the input once, on first use, with kubeseal's TTY notice. */
function lazyInput(options: CliOptions, io: Io, building: boolean): () => Promise<Input> {
  let pending: Promise<Input> | undefined;
  return () => {
    if (pending) return pending;
    if (options.inputFile === "" && !options.raw && !building && io.stdinIsTTY) {
      io.writeStderr("(tty detected: expecting json/yaml k8s resource in stdin)\n");
    }
    pending = readInput(options.inputFile, io);
    return pending;
  };
}

interface SealInputs {
  certificatePem: string;
  input: () => Promise<Input>;
  building: boolean;
}

async function seal(
  options: CliOptions,
  io: Io,
  output: Output,
  inputs: SealInputs,
): Promise<void> {
  if (options.raw) {
    const [value] = await runRaw(options, io, [inputs.certificatePem]);
    return emit(value!, output, io);
  }
  const namespace = await resolveClientNamespace(options.cluster, io);
  const secrets = inputs.building
    ? [await buildSecretFromFlags(options, io)]
    : readSecrets(await inputs.input(), (text) => io.writeStderr(text));
  const ctx = { options, io, certificatePem: inputs.certificatePem, namespace };
  if (options.mergeInto !== "") {
    const { runMergeInto } = await import("./commands/merge-into.js");
    await runMergeInto(secrets, { ...ctx, path: options.mergeInto });
    return;
  }
  await emit(await sealedTexts(secrets, ctx, output.format()), output, io);
}
