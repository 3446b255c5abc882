import { X509Certificate } from "node:crypto";

import { appendAll, flag, parseSealingCertificate, SignetError } from "@signet/core";

import { readCertificate } from "../../cert-source.js";
import { EXIT_LINT_WARNINGS } from "../../exit.js";
import { readFileOrFail } from "../../files.js";
import { readCertValue } from "../../recipients.js";
import type { Io } from "../../io.js";
import type { Subcommand } from "../common.js";
import {
  EXCLUDE_FLAG,
  EXIT_FAILED,
  EXIT_OK,
  guarded,
  HELP_FLAG,
  messageOf,
  parseSubcommand,
  UsageError,
} from "../common.js";
import { lineIndex } from "../lines.js";
import type { ManifestFile } from "../manifests.js";
import { isObject, lineAt, ManifestError, objectsOf, parseManifest } from "../manifests.js";
import { recipientFromPath } from "../reseal-engines.js";
import { collectFiles } from "../walk.js";
import type { LintConfig } from "./config.js";
import { CONFIG_FILE, EMPTY_CONFIG, parseLintConfig } from "./config.js";
import { fileFinding, judgeObject } from "./judge.js";
import type { AllowedCertificate, Finding, LintContext, LintObject } from "./model.js";
import type { LintFormat } from "./report.js";
import { formatReport, LINT_FORMATS, sarifFailure } from "./report.js";
import { printable } from "./printable.js";
import { FILE_RULES } from "./rules.js";
import { looksLikePlaintextSecret, PLAINTEXT_SECRET } from "./rules-secret.js";

const HELP = `Usage: signet lint [flags] PATH...

Checks Kubernetes manifests in PATH (files, or directories walked for *.yaml, *.yml and *.json
as signet reseal walks them) without any cluster access, for CI and pre-commit hooks: plaintext
Secrets (also inside Lists), malformed SealedSecrets (CRD schema, base64, ciphertexts too short
for the key size, empty encryptedData), scope annotations that disagree, strict and
namespace-wide SealedSecrets without a namespace, and with --cert (or the config's
certificates): SealedSecrets sealed for a certificate outside the allowed set (by their
signet.dev/sealed-with hint), without a hint, for an expired or expiring certificate, or for
an allowed certificate that is not the newest (stale, as signet reseal --check decides);
SealedSecrets whose signet.dev/expires-at has passed, is within --expiry-warning-days, or is
malformed or misplaced in spec.template.
Each finding names the file, the line and the field. The rules, the config file
(${CONFIG_FILE} in the current directory, or --config) and the
signet.dev/lint-ignore annotation are described in docs/lint.md.

Every file walked is parsed (whatever its text); files over --max-file-size, not UTF-8, or
that cannot be parsed are errors; documents of Go templates that are not plain YAML are
template-not-checked warnings. Suppressed findings are listed, not counted.

Exit codes: 0 no errors (and, with --strict, no warnings); 1 some error was found; 2 usage error
(a bad flag or config file, a missing PATH or --cert, an unreadable directory); 3 with
--strict: warnings only.`;

/** Default --max-file-size: manifests are small; the API server refuses objects over ~1.5 MiB. */
export const DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024;

const LINT_FLAGS = {
  cert: flag.stringArray(
    "cert",
    "An allowed sealing certificate (path or URL; repeatable): SealedSecrets hinted for another are errors",
    { noEnv: true },
  ),
  certExpiryDays: flag.int(
    "cert-expiry-days",
    30,
    "Report SealedSecrets sealed for an allowed certificate expiring within this many days",
    { noEnv: true },
  ),
  expiryWarningDays: flag.int(
    "expiry-warning-days",
    14,
    "Report SealedSecrets whose signet.dev/expires-at is within this many days (expiring-soon)",
    { noEnv: true },
  ),
  config: flag.string("config", "", `Config file (default ${CONFIG_FILE} when present)`, {
    noEnv: true,
  }),
  format: flag.choice("format", "text", "Output format: text, json, sarif or github", {
    words: LINT_FORMATS,
    noEnv: true,
  }),
  recipientPath: flag.string(
    "recipient-path",
    "",
    "With --cert NAME=SOURCE: where each recipient's files are ('clusters/{name}/'); a SealedSecret there must be sealed for that recipient",
    { noEnv: true },
  ),
  maxFileSize: flag.int(
    "max-file-size",
    DEFAULT_MAX_FILE_SIZE,
    "Bytes: a larger file is not read and is a file-too-large error",
    { noEnv: true },
  ),
  strict: flag.bool("strict", false, "Exit 3 when there are warnings but no errors", {
    noEnv: true,
  }),
  exclude: EXCLUDE_FLAG,
  help: HELP_FLAG,
};

export const lint: Subcommand = async (argv, io) => {
  const parsed = parseSubcommand({ name: "lint", help: HELP, flags: LINT_FLAGS }, argv, io);
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const format = values.format as LintFormat;
  return guarded(io, async () => {
    try {
      return await runLint(parsed, io, format);
    } catch (err) {
      // A SARIF consumer gets a valid log saying the run failed, never an empty file.
      if (format === "sarif") io.writeStdout(sarifFailure(printable(messageOf(err)), io.version));
      throw err instanceof UsageError ? err : new UsageError(printable(messageOf(err)));
    }
  });
};

interface LintValues {
  cert: readonly string[];
  certExpiryDays: number;
  expiryWarningDays: number;
  config: string;
  recipientPath: string;
  strict: boolean;
  exclude: readonly string[];
  maxFileSize: number;
}

async function runLint(
  {
    args,
    values,
    changed,
  }: { args: readonly string[]; values: LintValues; changed: ReadonlySet<string> },
  io: Io,
  format: LintFormat,
): Promise<number> {
  if (args.length === 0) throw new UsageError("signet lint needs at least one PATH");
  checkDays(values);
  if (values.maxFileSize <= 0) throw new UsageError("--max-file-size must be positive");
  const config = await readConfig(values.config, io);
  const certificates = await readCertificates([...config.certificates, ...values.cert], io).catch(
    (err: unknown) => {
      throw new UsageError(`--cert: ${printable(messageOf(err))}`);
    },
  );
  const context: LintContext = {
    now: io.now(),
    certificates,
    expiryDays: changed.has("cert-expiry-days")
      ? values.certExpiryDays
      : (config.certExpiryDays ?? values.certExpiryDays),
    expiryWarningDays: changed.has("expiry-warning-days")
      ? values.expiryWarningDays
      : (config.expiryWarningDays ?? values.expiryWarningDays),
    namespaceFromLayout: config.namespaceFromLayout,
    // Resolved from the current directory, as reseal matches it.
    recipientOfPath: recipientFromPath(values.recipientPath, io.cwd()).match,
  };
  const walked = await collectFiles(args, io, values.exclude, {
    readHelmTemplates: true,
    announceSkippedDirectories: true,
  }).catch((err: unknown) => {
    throw new UsageError(printable(messageOf(err)));
  });
  for (const s of walked.skipped) {
    io.writeStderr(`skipped ${printable(s.path)}: ${printable(s.reason)}\n`);
  }
  const findings: Finding[] = [];
  let objects = 0;
  for (const path of walked.files) {
    const result = await lintFile(path, { io, context, config, maxBytes: values.maxFileSize });
    objects += result.objects;
    appendAll(findings, result.findings);
  }
  io.writeStdout(
    formatReport({ files: walked.files.length, objects, findings }, format, io.version, io.cwd()),
  );
  const counted = findings.filter((f) => !f.suppressed);
  if (counted.some((f) => f.severity === "error")) return EXIT_FAILED;
  return values.strict && counted.length > 0 ? EXIT_LINT_WARNINGS : EXIT_OK;
}

/** The day-count flags are windows: a negative one is a usage error. */
function checkDays(values: { certExpiryDays: number; expiryWarningDays: number }): void {
  if (values.certExpiryDays < 0) throw new UsageError("--cert-expiry-days must not be negative");
  if (values.expiryWarningDays < 0) {
    throw new UsageError("--expiry-warning-days must not be negative");
  }
}

/** --config, else the default file when it exists, else no config. */
async function readConfig(path: string, io: Io): Promise<LintConfig> {
  if (path === "" && (await io.pathKind(CONFIG_FILE)) !== "file") return EMPTY_CONFIG;
  const file = path === "" ? CONFIG_FILE : path;
  try {
    return parseLintConfig(file, (await readFileOrFail(io, file)).toString("utf8"));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--config: ${messageOf(err)}`);
  }
}

/** Reads the allowed certificates (never from a cluster: lint runs without one). */
async function readCertificates(values: readonly string[], io: Io): Promise<AllowedCertificate[]> {
  const out: AllowedCertificate[] = [];
  for (const value of new Set(values)) {
    const named = readCertValue(value);
    const source = named.source;
    const pem = (
      await readCertificate({ cert: source } as Parameters<typeof readCertificate>[0], io)
    ).toString("utf8");
    // Read as of the epoch: an expired certificate is a finding here, not a reason to stop.
    const cert = parseSealingCertificate(pem, new Date(0));
    const x509 = new X509Certificate(pem);
    out.push({
      source,
      ...("name" in named && { recipient: named.name }),
      fingerprint: cert.fingerprint,
      notAfter: cert.notAfter,
      notBefore: new Date(x509.validFrom),
      modulusBytes: (cert.publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8,
    });
  }
  return out;
}

interface FileResult {
  objects: number;
  findings: Finding[];
}

/**
 * Every finding of one file. Every file is parsed, whatever its text (a `Secret` can be spelt
 * with escapes: `"Secr\u0065t"`, `!!binary`); a file over `maxBytes`, or not UTF-8, is a
 * finding instead. A Go template's documents that are plain YAML are checked one by one.
 */
/** What judging one file needs besides the file. */
interface FileRun {
  io: Io;
  context: LintContext;
  config: LintConfig;
  /** --max-file-size */
  maxBytes: number;
}

async function lintFile(path: string, run: FileRun): Promise<FileResult> {
  const { io, context, config, maxBytes } = run;
  const fail = (rule: FileRule, line: number, message: string): FileResult => ({
    objects: 0,
    findings: [fileFinding(rule, { file: path, line }, message, config)],
  });
  // Sized before it is read, so memory stays bounded by --max-file-size whatever the file.
  const size = await io.fileSize(path);
  const bytes = size > maxBytes ? undefined : await readFileOrFail(io, path);
  if (!bytes || bytes.length > maxBytes) {
    return fail(
      FILE_RULES.fileTooLarge,
      1,
      `${bytes?.length ?? size} bytes, more than --max-file-size ${maxBytes}: not read`,
    );
  }
  const encoding = unreadableEncoding(bytes);
  if (encoding) return fail(FILE_RULES.unreadableEncoding, 1, encoding);
  let file: ManifestFile;
  try {
    file = parseManifest(path, bytes);
  } catch (err) {
    if (!(err instanceof ManifestError) && !(err instanceof SignetError)) throw err;
    const { line, message } = locatedError(err);
    return fail(FILE_RULES.parseError, line, message);
  }
  if (file.templated) return lintTemplate(file.text, path, run);
  const objects = objectsOfFile(file);
  return {
    objects: objects.length,
    findings: objects.flatMap((o) => judgeObject(o, context, config)),
  };
}

type FileRule = (typeof FILE_RULES)[keyof typeof FILE_RULES];

function locatedError(err: unknown): { line: number; message: string } {
  const line = Number(/^[^\n]*?:(\d+):/.exec(messageOf(err))?.[1] ?? 1);
  return { line, message: messageOf(err).replace(/^.*?:\d+(:\d+)?: /, "") };
}

/** Byte-order marks of encodings other than UTF-8 (longest first: UTF-32LE starts as UTF-16LE). */
const OTHER_ENCODINGS: readonly [number[], string][] = [
  [[0xff, 0xfe, 0, 0], "UTF-32 (little-endian)"],
  [[0, 0, 0xfe, 0xff], "UTF-32 (big-endian)"],
  [[0xff, 0xfe], "UTF-16 (little-endian)"],
  [[0xfe, 0xff], "UTF-16 (big-endian)"],
];

/** Why a file's bytes are not UTF-8 manifests (a UTF-16/32 byte-order mark, NUL bytes). */
export function unreadableEncoding(bytes: Uint8Array): string | undefined {
  const bom = OTHER_ENCODINGS.find(([mark]) => mark.every((b, i) => bytes[i] === b));
  if (bom) return `${bom[1]} text: convert it to UTF-8`;
  return bytes.includes(0) ? "NUL bytes (UTF-16 without a byte-order mark, or binary)" : undefined;
}

/** A `---` line, as Kubernetes' YAMLReader splits documents (spaces or a comment may follow). */
const DOCUMENT_SEPARATOR = /^---[ \t]*(#.*)?$/;

/**
 * A Go template, document by document as kubectl's YAMLReader splits it: a document that is
 * plain YAML is checked (a literal Secret in a chart is committed all the same); one with
 * template actions, or that cannot be read without rendering, is a template-not-checked warning.
 */
function lintTemplate(text: string, path: string, run: FileRun): FileResult {
  const result: FileResult = { objects: 0, findings: [] };
  const lines = text.split("\n");
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i < lines.length && !DOCUMENT_SEPARATOR.test(lines[i]!.replace(/\r$/, ""))) continue;
    const body = lines.slice(start, i);
    if (body.some((l) => l.trim() !== "" && !l.trim().startsWith("#"))) {
      // Padded with empty lines, so lines are counted from the start of the file.
      const document = { text: `${"\n".repeat(start)}${body.join("\n")}`, firstLine: start + 1 };
      lintDocument(document, path, run, result);
    }
    start = i + 1;
  }
  return result;
}

function lintDocument(
  { text, firstLine }: { text: string; firstLine: number },
  path: string,
  { context, config }: FileRun,
  result: FileResult,
): void {
  const warn = (line: number, why: string): void => {
    result.findings.push(
      fileFinding(
        FILE_RULES.templateNotChecked,
        { file: path, line },
        `Go template document (${why}): not checked until rendered (check the rendered manifests)`,
        config,
      ),
    );
  };
  const plaintext = (): void => {
    if (!looksLikePlaintextSecret(text)) return;
    result.findings.push(
      fileFinding(
        PLAINTEXT_SECRET,
        { file: path, line: firstLine },
        "plaintext Secret in a Go template document: a kind Secret with a data or stringData value that is no template action (seal it; never commit the Secret)",
        config,
      ),
    );
  };
  let file: ManifestFile;
  try {
    file = parseManifest(path, text);
  } catch (err) {
    const { line, message } = locatedError(err);
    // Only a document with a template action of its own is excused as a template.
    if (!text.includes("{{")) {
      result.findings.push(
        fileFinding(FILE_RULES.parseError, { file: path, line }, message, config),
      );
      return;
    }
    plaintext();
    return warn(firstLine, `not YAML without rendering: ${message}`);
  }
  if (file.templated) {
    plaintext();
    return warn(file.templated.line, "template action");
  }
  const objects = objectsOfFile(file);
  result.objects += objects.length;
  appendAll(
    result.findings,
    objects.flatMap((o) => judgeObject(o, context, config)),
  );
}

/** Every object of a parsed file (documents and List items) with its line and field lines. */
function objectsOfFile(file: ManifestFile): LintObject[] {
  const lines = lineIndex(file.text);
  const out: LintObject[] = [];
  file.values.forEach((value, document) => {
    for (const [object, sub] of objectsOf(value, [], { anyItems: true })) {
      const line = lineAt(file, lines, document, sub) ?? 1;
      const lineOf = (field: readonly (string | number)[]): number => {
        for (let n = field.length; n > 0; n--) {
          const at = lineAt(file, lines, document, [...sub, ...field.slice(0, n)]);
          if (at !== undefined) return at;
        }
        return line;
      };
      out.push({
        file: file.path,
        line,
        label: labelOf(object, out.length),
        kind: typeof object.kind === "string" ? object.kind : "",
        value: object,
        lineOf,
      });
    }
  });
  return out;
}

function labelOf(object: Record<string, unknown>, index: number): string {
  const meta = isObject(object.metadata) ? object.metadata : {};
  const name = typeof meta.name === "string" && meta.name !== "" ? meta.name : `#${index + 1}`;
  const ns =
    typeof meta.namespace === "string" && meta.namespace !== "" ? `${meta.namespace}/` : "";
  const kind = typeof object.kind === "string" && object.kind !== "" ? object.kind : "object";
  return `${kind} ${ns}${name}`;
}
