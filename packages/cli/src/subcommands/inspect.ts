import {
  appendAll,
  DEFAULT_EXPIRY_WARNING_WINDOW_MS,
  decodeStdBase64,
  describeExpiry,
  EXPIRES_AT_ANNOTATION,
  encodeObject,
  expiryState,
  formatExpiresAt,
  readExpiresAt,
  flag,
  keyHint,
  parseSealingCertificate,
  scopeFromAnnotations,
  wrappedKeyLength,
} from "@signet/core";
import type { ExpiryStage, SealedSecret, SealingScope } from "@signet/core";

import { readCertificate } from "../cert-source.js";
import { SINGLE_CERT_FLAG } from "../flags.js";
import type { Io } from "../io.js";
import type { Subcommand } from "./common.js";
import {
  EXCLUDE_FLAG,
  EXIT_FAILED,
  EXIT_OK,
  guarded,
  HELP_FLAG,
  messageOf,
  parseSubcommand,
  UsageError,
} from "./common.js";
import { readManifest } from "./manifests.js";
import { collectFiles } from "./walk.js";

const HELP = `Usage: signet inspect [flags] FILE...

Shows what each SealedSecret in FILE (files, or directories walked for *.yaml, *.yml, *.json;
symbolic links followed, loops reported) holds, without decrypting anything: file and line,
name, namespace, scope, the Secret it produces, its item keys with ciphertext sizes and the RSA
key size each value was sealed for, template keys, the signet.dev/sealed-with key hint (and,
with --cert, whether it names that certificate's key), and the signet.dev/expires-at expiry
with how far it is from now ("expires in 20 days", "expired 3 days ago"; expiring soon within
the controller's default 14-day warning window). The hint is only a hint: anyone can edit
it. Go templates (Helm chart templates, files with {{ ... }} outside strings) are skipped and
reported on stderr.

Exit codes: 0 done; 1 a file could not be read or parsed, or a SealedSecret or one of its items
is malformed (each named on stderr with its file and line); 2 usage error.`;

const INSPECT_FLAGS = {
  cert: SINGLE_CERT_FLAG,
  output: flag.choice("output", "text", "Output format: text, json or yaml", {
    words: ["text", "json", "yaml"],
    shorthand: "o",
    noEnv: true,
  }),
  exclude: EXCLUDE_FLAG,
  help: HELP_FLAG,
};

/** One item of `spec.encryptedData`, described from its ciphertext alone. */
export interface InspectedItem {
  key: string;
  ciphertextBytes: number;
  /** RSA modulus size implied by the value's 2-byte length prefix, when it is consistent. */
  rsaBits?: number;
  problem?: string;
}

/** What `signet inspect` reports for one SealedSecret (also its JSON/YAML output shape). */
export interface InspectedSealedSecret {
  file: string;
  /** Line of the file where the object starts. */
  line?: number;
  name?: string;
  namespace?: string;
  scope?: SealingScope;
  target?: { name?: string; namespace?: string; type: string; immutable?: boolean };
  items?: InspectedItem[];
  /** The deprecated v1 `spec.data` blob is present. */
  legacyData?: boolean;
  template?: { labels: string[]; annotations: string[]; data: string[] };
  keyHint?: string;
  /** With `--cert`: whether the hint names that certificate's key (false when there is none). */
  hintMatchesCert?: boolean;
  /** `signet.dev/expires-at`, when set: the time, its stage now and how far it is. */
  expiry?: InspectedExpiry;
  /**
   * `signet.dev/expires-at` in `spec.template.metadata.annotations` (the input Secret carried
   * it): it is copied to the Secret, where nothing reads it. The value, to point it out.
   */
  templateExpiresAt?: string;
  problem?: string;
}

/** The expiry of a SealedSecret as `inspect` shows it (a malformed annotation: `invalid`). */
export type InspectedExpiry =
  { expiresAt: string; stage: ExpiryStage; relative: string } | { invalid: string };

/** The expiry of `ss` seen at `now`, or undefined without the annotation (pure). */
export function inspectExpiry(ss: SealedSecret, now: Date): InspectedExpiry | undefined {
  const annotation = readExpiresAt(ss);
  if (annotation.kind === "none") return undefined;
  if (annotation.kind === "invalid") return { invalid: annotation.error.message };
  const { at } = annotation;
  return {
    expiresAt: formatExpiresAt(at),
    stage: expiryState(at, now, DEFAULT_EXPIRY_WARNING_WINDOW_MS).stage,
    relative: describeExpiry(at, now),
  };
}

/** Describes one value from its bytes: size and the RSA size its length prefix announces. */
export function inspectItem(key: string, encoded: string): InspectedItem {
  const blob = decodeStdBase64(encoded);
  if (!Buffer.isBuffer(blob)) return { key, ciphertextBytes: 0, problem: "illegal base64 data" };
  const wrapped = wrappedKeyLength(blob);
  if (wrapped === undefined || wrapped === 0) {
    return { key, ciphertextBytes: blob.length, problem: "too short for a sealed value" };
  }
  return { key, ciphertextBytes: blob.length, rsaBits: wrapped * 8 };
}

/** A copy without the fields whose value is undefined (for clean JSON/YAML output). */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const sortedKeys = (m: Record<string, unknown> | null | undefined): string[] =>
  Object.keys(m ?? {}).sort();

/** Describes one SealedSecret (pure). */
export function inspectSealedSecret(
  file: string,
  ss: SealedSecret,
  certFingerprint?: string,
  now: Date = new Date(0),
): InspectedSealedSecret {
  const { name, namespace, annotations } = ss.metadata;
  const template = ss.spec.template ?? {};
  const hint = keyHint(ss);
  const legacy = ss.spec.data !== undefined && ss.spec.data !== null;
  return compact({
    file,
    name,
    namespace,
    scope: scopeFromAnnotations(annotations),
    target: compact({
      name,
      namespace,
      type: template.type || "Opaque",
      immutable: template.immutable,
    }),
    items: Object.entries(ss.spec.encryptedData ?? {})
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]) => inspectItem(key, value)),
    legacyData: legacy ? true : undefined,
    template: {
      labels: sortedKeys(template.metadata?.labels),
      annotations: sortedKeys(template.metadata?.annotations),
      data: sortedKeys(template.data),
    },
    keyHint: hint,
    hintMatchesCert: certFingerprint === undefined ? undefined : hint === certFingerprint,
    expiry: inspectExpiry(ss, now),
    templateExpiresAt: template.metadata?.annotations?.[EXPIRES_AT_ANNOTATION],
  });
}

export const inspect: Subcommand = async (argv, io) => {
  const parsed = parseSubcommand({ name: "inspect", help: HELP, flags: INSPECT_FLAGS }, argv, io);
  if (typeof parsed === "number") return parsed;
  const format = parsed.values.output;
  return guarded(io, async () => {
    if (parsed.args.length === 0) throw new UsageError("signet inspect needs at least one FILE");
    const fingerprint =
      parsed.values.cert.source === ""
        ? undefined
        : await certFingerprint(parsed.values.cert.source, io);
    const walked = await collectFiles(parsed.args, io, parsed.values.exclude);
    for (const s of walked.skipped) io.writeStderr(`skipped ${s.path}: ${s.reason}\n`);
    const reports: InspectedSealedSecret[] = [];
    let failed = false;
    for (const path of walked.files) {
      try {
        appendAll(reports, await inspectFile(path, io, fingerprint, io.now()));
      } catch (err) {
        failed = true;
        io.writeStderr(`error: ${messageOf(err)}\n`);
      }
    }
    const problems = reports.flatMap(problemsOf);
    for (const problem of problems) io.writeStderr(`error: ${problem}\n`);
    if (format === "text") io.writeStdout(reports.map(textReport).join("\n"));
    else io.writeStdout(encodeObject(reports, format === "yaml" ? "yaml" : "json"));
    return failed || problems.length > 0 ? EXIT_FAILED : EXIT_OK;
  });
};

/**
 * The fingerprint of `--cert` (path or URL). Expiry does not matter here, so the certificate is
 * read as of the epoch (the parser checks only NotAfter).
 */
async function certFingerprint(cert: string, io: Io): Promise<string> {
  const pem = await readCertificate({ cert } as Parameters<typeof readCertificate>[0], io);
  return parseSealingCertificate(pem.toString("utf8"), new Date(0)).fingerprint;
}

async function inspectFile(
  path: string,
  io: Io,
  fingerprint: string | undefined,
  now: Date,
): Promise<InspectedSealedSecret[]> {
  const file = await readManifest(path, io, "SealedSecret");
  if (!file) return [];
  if (file.templated) {
    io.writeStderr(`skipped ${path}:${file.templated.line}: Go template (not rendered)\n`);
    return [];
  }
  const reports: InspectedSealedSecret[] = [];
  for (const found of file.sealedSecrets) {
    const line = found.location.line;
    if (found.templated) {
      io.writeStderr(
        `skipped ${path}:${line} ${found.label}: holds Go template actions (not rendered)\n`,
      );
    } else if (!found.object) {
      reports.push({ file: path, line, name: found.label, problem: found.problem });
    } else {
      reports.push({ ...inspectSealedSecret(path, found.object, fingerprint, now), line });
    }
  }
  return reports;
}

/** `file:line: label: problem` for the object and each malformed item. */
function problemsOf(r: InspectedSealedSecret): string[] {
  const where = `${r.file}:${r.line ?? 0}: ${idOf(r)}`;
  if (r.problem !== undefined) return [`${where}: ${r.problem}`];
  return (r.items ?? [])
    .filter((i) => i.problem !== undefined)
    .map((i) => `${where}: item ${i.key}: ${i.problem}`);
}

function idOf(r: InspectedSealedSecret): string {
  return r.namespace !== undefined ? `${r.namespace}/${r.name ?? ""}` : (r.name ?? "");
}

function textReport(r: InspectedSealedSecret): string {
  const id = idOf(r);
  const lines = [`${r.file}:${r.line ?? 0}: SealedSecret ${id}`];
  if (r.problem !== undefined) return `${lines[0]}\n  problem:  ${r.problem}\n`;
  lines.push(`  scope:    ${r.scope}${scopeBinding(r)}`);
  const t = r.target!;
  const immutable = t.immutable === true ? ", immutable" : "";
  lines.push(`  target:   Secret ${id}, type ${t.type}${immutable}`);
  lines.push(
    `  items:    ${r.items!.length}${r.legacyData ? " (and a deprecated v1 spec.data blob)" : ""}`,
  );
  const width = Math.max(0, ...r.items!.map((i) => i.key.length));
  for (const item of r.items!) lines.push(`    ${item.key.padEnd(width)}  ${itemText(item)}`);
  const tpl = r.template!;
  lines.push(
    `  template: labels [${tpl.labels.join(", ")}], annotations [${tpl.annotations.join(", ")}], data [${tpl.data.join(", ")}]`,
  );
  lines.push(`  key hint: ${r.keyHint ?? "(none)"}${hintMatch(r)}`);
  if (r.expiry !== undefined) lines.push(`  expires:  ${expiryText(r.expiry)}`);
  if (r.templateExpiresAt !== undefined) {
    lines.push(
      `  note:     spec.template carries ${EXPIRES_AT_ANNOTATION} ${JSON.stringify(r.templateExpiresAt)}: it only reaches the Secret, where nothing reads it; the expiry belongs on the SealedSecret's metadata (--expires-in, --expires-at)`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function scopeBinding(r: InspectedSealedSecret): string {
  if (r.scope === "cluster-wide") return " (opens under any name and namespace)";
  if (r.namespace === undefined) {
    const bound =
      r.scope === "namespace-wide" ? "its namespace" : `its namespace and name ${r.name ?? ""}`;
    return ` (bound to ${bound}; the file has no metadata.namespace, kustomize or -n sets it)`;
  }
  if (r.scope === "namespace-wide") return ` (bound to namespace ${r.namespace})`;
  return ` (bound to ${r.namespace}/${r.name ?? ""})`;
}

function itemText(item: InspectedItem): string {
  if (item.problem !== undefined) return `${item.ciphertextBytes} bytes, ${item.problem}`;
  return `${item.ciphertextBytes} bytes, RSA-${item.rsaBits}`;
}

function expiryText(e: InspectedExpiry): string {
  if ("invalid" in e) return `invalid: ${e.invalid}`;
  const soon = e.stage === "expiring-soon" ? ", expiring soon" : "";
  return `${e.expiresAt} (${e.relative}${soon})`;
}

function hintMatch(r: InspectedSealedSecret): string {
  if (r.hintMatchesCert === undefined) return "";
  return r.hintMatchesCert ? " (matches --cert)" : " (does not match --cert)";
}
