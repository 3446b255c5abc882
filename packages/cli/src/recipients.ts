import { FlagError, quote, withAnnotation } from "@signet/core";
import type { SealedSecret } from "@signet/core";

/**
 * Named recipients (a Signet extension of kubeseal's `--cert`): `--cert prod=prod.pem --cert
 * staging=https://...` seals the same Secret once per named certificate. kubeseal's `--cert` is a
 * single string flag (the last occurrence wins); an unnamed `--cert SOURCE`, given once or more,
 * keeps exactly that meaning. Pure: no file is read here (cert-source.ts reads the sources).
 */

/** The annotation each SealedSecret sealed for a named recipient carries (reseal reads it). */
export const RECIPIENT_ANNOTATION = "signet.dev/recipient";

/** The `{name}` placeholder of a `-w` / `--merge-into` path pattern. */
export const NAME_PLACEHOLDER = "{name}";

/** One named recipient: its name and its certificate's source (file path or URL). */
export interface Recipient {
  readonly name: string;
  readonly source: string;
}

/** What the `--cert` occurrences mean: kubeseal's single source, or named recipients. */
export interface CertChoice {
  /** kubeseal's `--cert`: the last unnamed occurrence; "" when absent or named. */
  readonly source: string;
  /** Named recipients in command-line order; empty for kubeseal's form. */
  readonly recipients: readonly Recipient[];
  /** The source is SEALED_SECRETS_CERT's (no --cert on the command line). */
  readonly fromEnv?: boolean;
}

/**
 * `--cert` as the parser finishes it: named recipients come from the command line only; the
 * environment's SEALED_SECRETS_CERT is always one source, read as kubeseal reads it, so it
 * never changes what a command that does not seal accepts (kubeseal's binaries ignore it there).
 */
export function certFlagChoice(values: readonly string[], ctx: { changed?: boolean }): CertChoice {
  if (ctx.changed === false && values.length > 0) {
    return { source: values.at(-1)!, recipients: [], fromEnv: true };
  }
  return certChoice(values);
}

/**
 * The hint a failure to read `--cert`'s source gets when the text looks like a recipient name
 * attempt (`prod.eu=x.pem` is a file name, since a name has no '.'), or came from
 * SEALED_SECRETS_CERT (which is never read as NAME=SOURCE).
 */
export function certSourceHint(source: string, fromEnv: boolean): string {
  const eq = source.indexOf("=");
  const before = eq === -1 ? "" : source.slice(0, eq);
  if (fromEnv) {
    return eq > 0 && !/[/\\:]/.test(before)
      ? " (from SEALED_SECRETS_CERT, which is one file or URL: named recipients NAME=SOURCE are read from --cert on the command line only)"
      : " (from SEALED_SECRETS_CERT)";
  }
  if (eq > 0 && /^[A-Za-z0-9][-A-Za-z0-9._]*$/.test(before) && /[._A-Z]/.test(before)) {
    return ` (read as a file name: a recipient name before '=' is a DNS label, lowercase letters, digits and '-' only, so ${quote(before)} is not one)`;
  }
  return "";
}

/** A recipient name is a DNS label: it becomes a directory name and an annotation value. */
const RECIPIENT_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Characters that make the text before the first `=` a path or URL rather than a name attempt:
 * `./a=b.pem`, `certs/x=y.pem`, `https://host/cert?v=1`, `C:\a=b.pem`, `my.cert=1.pem`.
 */
const SOURCE_CHARACTERS = /[/\\.:]/;

/**
 * Reads one `--cert` value: `NAME=SOURCE` when the text before the first `=` has no `/`, `\`,
 * `.` or `:` (then NAME must be a DNS label and SOURCE non-empty), else the whole value is a
 * source, as kubeseal reads it. A file whose name looks like `NAME=...` is given as `./NAME=...`.
 */
export function readCertValue(value: string): Recipient | { source: string } {
  const eq = value.indexOf("=");
  if (eq === -1) return { source: value };
  const name = value.slice(0, eq);
  if (SOURCE_CHARACTERS.test(name)) return { source: value };
  if (!RECIPIENT_NAME.test(name)) {
    throw new FlagError(
      `invalid argument "${value}" for "--cert" flag: recipient name "${name}" must be a DNS label (lowercase letters, digits and '-', at most 63); to read a file whose name contains '=', write it as ./${value}`,
    );
  }
  const source = value.slice(eq + 1);
  if (source === "") {
    throw new FlagError(
      `invalid argument "${value}" for "--cert" flag: recipient "${name}" has no certificate file or URL after '='`,
    );
  }
  return { name, source };
}

/**
 * The meaning of every `--cert` occurrence (environment first, replaced by the command line):
 * all unnamed → kubeseal's last-wins source; all named → recipients (names unique); mixed → an
 * error naming the flag.
 */
export function certChoice(values: readonly string[]): CertChoice {
  const read = values.map(readCertValue);
  const recipients = read.filter((r): r is Recipient => "name" in r);
  if (recipients.length === 0) return { source: read.at(-1)?.source ?? "", recipients: [] };
  if (recipients.length < read.length) {
    throw new FlagError(
      `invalid argument for "--cert" flag: named (NAME=SOURCE) and unnamed certificates cannot be mixed; name every --cert`,
    );
  }
  const seen = new Set<string>();
  for (const { name } of recipients) {
    if (seen.has(name)) {
      throw new FlagError(
        `invalid argument for "--cert" flag: recipient "${name}" is named more than once`,
      );
    }
    seen.add(name);
  }
  return { source: "", recipients };
}

/**
 * Refuses a placeholder written with another case or spaces (`{NAME}`, `{ name }`): it would be
 * kept literally, writing a file named `{NAME}` instead of one per recipient.
 */
export function checkPlaceholder(flag: string, path: string): void {
  for (const m of path.matchAll(/\{\s*name\s*\}/gi)) {
    if (m[0] === NAME_PLACEHOLDER) continue;
    throw new FlagError(
      `invalid argument ${quote(path)} for "${flag}" flag: ${quote(m[0])} looks like the ${NAME_PLACEHOLDER} placeholder; write it exactly ${NAME_PLACEHOLDER}`,
    );
  }
}

/** Whether an output path is a per-recipient pattern. */
export function isNamePattern(path: string): boolean {
  return path.includes(NAME_PLACEHOLDER);
}

/** The path of one recipient's output: every `{name}` replaced by its name. */
export function recipientPath(pattern: string, name: string): string {
  return pattern.replaceAll(NAME_PLACEHOLDER, name);
}

/** A SealedSecret with the recipient annotation set (other annotations kept). */
export function withRecipient(ss: SealedSecret, name: string): SealedSecret {
  return withAnnotation(ss, RECIPIENT_ANNOTATION, name);
}

/** The recipient a SealedSecret was sealed for, by its annotation; undefined when it has none. */
export function recipientOf(object: {
  metadata?: { annotations?: Record<string, string> };
}): string | undefined {
  return object.metadata?.annotations?.[RECIPIENT_ANNOTATION];
}

/** A warning for each recipient whose certificate an earlier one already has (likely a typo). */
export function warnSameCertificate(
  recipients: readonly { name: string; key: string }[],
  io: { writeStderr(text: string): void },
): void {
  const first = new Map<string, string>();
  for (const { name, key } of recipients) {
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, name);
    else {
      io.writeStderr(
        `warning: recipients "${earlier}" and "${name}" have the same certificate: either cluster opens the other's SealedSecrets\n`,
      );
    }
  }
}
