import { X509Certificate } from "node:crypto";

import { flag, parseSealingCertificate, SignetError } from "@signet/core";

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
import { isObject, lineAt, ManifestError, objectsOf, readManifest } from "../manifests.js";
import { recipientFromPath } from "../reseal-engines.js";
import { collectFiles } from "../walk.js";
import type { LintConfig } from "./config.js";
import { CONFIG_FILE, EMPTY_CONFIG, parseLintConfig } from "./config.js";
import { fileFinding, judgeObject } from "./judge.js";
import type { AllowedCertificate, Finding, LintContext, LintObject } from "./model.js";
import type { LintFormat } from "./report.js";
import { formatReport, LINT_FORMATS } from "./report.js";
import { FILE_RULES } from "./rules.js";

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

Exit codes: 0 no errors (and, with --strict, no warnings); 1 some error was found; 2 usage error
(a bad flag or config file); 3 with --strict: warnings only.`;

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
  return guarded(io, async () => {
    if (parsed.args.length === 0) throw new UsageError("signet lint needs at least one PATH");
    checkDays(values);
    const config = await readConfig(values.config, io);
    const certificates = await readCertificates([...config.certificates, ...values.cert], io);
    const context: LintContext = {
      now: io.now(),
      certificates,
      current: newest(certificates),
      expiryDays: parsed.changed.has("cert-expiry-days")
        ? values.certExpiryDays
        : (config.certExpiryDays ?? values.certExpiryDays),
      expiryWarningDays: parsed.changed.has("expiry-warning-days")
        ? values.expiryWarningDays
        : (config.expiryWarningDays ?? values.expiryWarningDays),
      namespaceFromLayout: config.namespaceFromLayout,
      // Resolved from the current directory, as reseal matches it.
      recipientOfPath: recipientFromPath(values.recipientPath, io.cwd()).match,
    };
    const walked = await collectFiles(parsed.args, io, values.exclude);
    for (const s of walked.skipped) io.writeStderr(`skipped ${s.path}: ${s.reason}\n`);
    const findings: Finding[] = [];
    let objects = 0;
    for (const path of walked.files) {
      const result = await lintFile(path, io, context, config);
      objects += result.objects;
      findings.push(...result.findings);
    }
    const format = values.format as LintFormat;
    io.writeStdout(
      formatReport({ files: walked.files.length, objects, findings }, format, io.version),
    );
    if (findings.some((f) => f.severity === "error")) return EXIT_FAILED;
    return values.strict && findings.length > 0 ? EXIT_LINT_WARNINGS : EXIT_OK;
  });
};

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

/** The certificate `reseal` would seal with: the one issued last. */
function newest(certificates: readonly AllowedCertificate[]): AllowedCertificate | undefined {
  return certificates.reduce<AllowedCertificate | undefined>(
    (best, c) => (best === undefined || c.notBefore > best.notBefore ? c : best),
    undefined,
  );
}

async function lintFile(
  path: string,
  io: Io,
  context: LintContext,
  config: LintConfig,
): Promise<{ objects: number; findings: Finding[] }> {
  let file: ManifestFile | undefined;
  try {
    // Files that cannot hold a Secret or SealedSecret are not parsed (most of a repository).
    file = await readManifest(path, io, "Secret");
  } catch (err) {
    if (!(err instanceof ManifestError) && !(err instanceof SignetError)) throw err;
    const line = Number(/^[^\n]*?:(\d+):/.exec(messageOf(err))?.[1] ?? 1);
    const message = messageOf(err).replace(/^.*?:\d+(:\d+)?: /, "");
    return {
      objects: 0,
      findings: fileFinding(FILE_RULES.parseError, { file: path, line }, message, config),
    };
  }
  if (!file) return { objects: 0, findings: [] };
  if (file.templated) {
    io.writeStderr(`skipped ${path}:${file.templated.line}: Go template (not rendered)\n`);
    return { objects: 0, findings: [] };
  }
  const objects = objectsOfFile(file);
  return {
    objects: objects.length,
    findings: objects.flatMap((o) => judgeObject(o, context, config)),
  };
}

/** Every object of a parsed file (documents and List items) with its line and field lines. */
function objectsOfFile(file: ManifestFile): LintObject[] {
  const lines = lineIndex(file.text);
  const out: LintObject[] = [];
  file.values.forEach((value, document) => {
    for (const [object, sub] of objectsOf(value)) {
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
