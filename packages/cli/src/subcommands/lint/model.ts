/**
 * The vocabulary of `signet lint`: rules, the objects they judge and the findings they make.
 * Rules are pure functions of one object and a context; reading files, certificates and the
 * config happens before them (lint.ts), printing after them (report-*.ts).
 */

export type Severity = "error" | "warning";

/** Where a field of an object is written: a path below the object (`["spec", "encryptedData"]`). */
export type FieldPath = readonly (string | number)[];

/** One Kubernetes object of a linted file (a document, or an item of a List). */
export interface LintObject {
  /** The file as walked (relative when the PATH argument was relative). */
  file: string;
  /** Line of the file where the object starts. */
  line: number;
  /** `kind namespace/name` (or `kind name`, `kind #N`), for messages. */
  label: string;
  kind: string;
  value: Readonly<Record<string, unknown>>;
  /** The line a field of the object is written on (the object's line when it is not written). */
  lineOf(field: FieldPath): number;
}

/** A certificate of the allowed set (`--cert`, config `certificates`). */
export interface AllowedCertificate {
  /** How the user named it (path or URL), for messages. */
  source: string;
  /** The recipient it was named for (`--cert NAME=SOURCE`), when named. */
  recipient?: string;
  fingerprint: string;
  notAfter: Date;
  notBefore: Date;
  /** RSA modulus size in bytes: every value sealed for it has a wrapped key this long. */
  modulusBytes: number;
}

/**
 * What rules may know besides the object. Later rules extend it (a recipient's paths, for the
 * "sealed for the recipient of its directory" rule) without touching the existing ones.
 */
export interface LintContext {
  now: Date;
  /** The allowed set; empty when none was given (the certificate rules then say nothing). */
  certificates: readonly AllowedCertificate[];
  /** `--cert-expiry-days`: a certificate expiring sooner than this is reported. */
  expiryDays: number;
  /** `--expiry-warning-days`: a `signet.dev/expires-at` sooner than this is `expiring-soon`. */
  expiryWarningDays: number;
  /** The repository layout supplies namespaces (kustomize `namespace:`, Argo CD, Flux). */
  namespaceFromLayout: boolean;
  /** The recipient whose directory holds a file (`--recipient-path clusters/{name}/`), if any. */
  recipientOfPath(file: string): string | undefined;
}

/** What a rule reports about one object: the field it is about and what is wrong. */
export interface Hit {
  field?: FieldPath;
  message: string;
  /** A severity other than the rule's default for this hit (an expired, not expiring, cert). */
  severity?: Severity;
}

export interface Rule {
  /** Stable id (kebab-case): used in config, ignore annotations, SARIF and JSON output. */
  id: string;
  severity: Severity;
  /** One sentence: what the rule reports and why it matters (SARIF `shortDescription`). */
  description: string;
  check(object: LintObject, context: LintContext): Hit[];
}

/** One reported problem, after the config's severities and ignores are applied. */
export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  /** The field, dotted (`spec.encryptedData.password`), when the finding is about one. */
  field?: string;
  /** The object, as `LintObject.label` (absent for a file that could not be read). */
  object?: string;
  message: string;
  /** Set when the config or the object's annotation silences it: listed, never counted. */
  suppressed?: Suppression;
}

/** Who silenced a finding, and why (reported in every format). */
export interface Suppression {
  by: "config" | "annotation";
  reason: string;
}
