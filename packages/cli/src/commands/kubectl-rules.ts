import { quote, SignetError } from "@signet/core";

/**
 * The rules `kubectl create secret generic` applies to what it is given (k8s.io/kubectl
 * `create_secret.go`, `util/env_file.go`, and apimachinery's `IsConfigMapKey`/`IsEnvVarName`),
 * so that `signet --from-*` builds the Secret kubectl would, or refuses what kubectl refuses (a
 * key the API server would refuse makes a SealedSecret that can never unseal).
 */

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** apimachinery's `IsConfigMapKey`: why `key` cannot be a Secret key (empty when it can). */
export function secretKeyErrors(key: string): string[] {
  const errors: string[] = [];
  if (key.length > 253) errors.push("must be no more than 253 characters");
  if (!CONFIG_KEY.test(key)) {
    errors.push("must consist of letters, digits, '-', '_' or '.'");
  }
  if (key === ".") errors.push("must not be '.'");
  else if (key === "..") errors.push("must not be '..'");
  else if (key.startsWith("..")) errors.push("must not start with '..'");
  return errors;
}

/** Refuses a key kubectl refuses, naming the flag. */
export function checkSecretKey(key: string, flag: string): void {
  const errors = secretKeyErrors(key);
  if (errors.length === 0) return;
  throw new SignetError(
    "ERR_INVALID_FLAG",
    `${flag}: ${quote(key)} is not a valid Secret key: ${errors.join("; ")}`,
  );
}

/** What `bufio.Scanner` reads in one line (a `\r` before the `\n` counted): kubectl stops at it. */
const MAX_ENV_LINE = 64 * 1024;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Go's `unicode.IsSpace`, which kubectl trims from the start of each line. */
const LEADING_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * An env file as kubectl reads it (`processEnvFileLine`): lines split at `\n` (a `\r` before it
 * dropped), a byte-order mark dropped from the first, leading white space trimmed, blank lines
 * and `#` comments skipped; `KEY=VALUE` (the value kept as it is, quotes and trailing blanks
 * included), or a bare `KEY`, whose value is the environment's (`env`, its bytes; empty when
 * unset). A line that is not UTF-8 or a key that is not an environment variable name is refused,
 * naming the file and line but never the line's text.
 */
export function envFileItems(
  bytes: Uint8Array,
  path: string,
  env: (name: string) => Buffer,
): [string, Buffer][] {
  const items: [string, Buffer][] = [];
  lines(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).forEach(([line, raw], n) => {
    const where = `${path}:${n + 1}`;
    // kubectl's reader stops there and drops the rest of the file without a word: refused.
    if (raw >= MAX_ENV_LINE) {
      throw new SignetError("ERR_INVALID_INPUT", `${where}: the line is 64 KiB or longer`);
    }
    const item = envLine(n === 0 ? withoutBom(line) : line, where, env);
    if (item) items.push(item);
  });
  return items;
}

/**
 * The lines of `buffer` as bufio.Scanner splits them (`\n`, a `\r` before it dropped), each
 * with its length before the `\r` is dropped.
 */
function lines(buffer: Buffer): [Buffer, number][] {
  const out: [Buffer, number][] = [];
  for (let start = 0; start < buffer.length;) {
    const newline = buffer.indexOf(0x0a, start);
    const end = newline < 0 ? buffer.length : newline;
    const cr = end > start && buffer[end - 1] === 0x0d ? 1 : 0;
    out.push([buffer.subarray(start, end - cr), end - start]);
    start = end + 1;
  }
  return out;
}

function withoutBom(line: Buffer): Buffer {
  return line.subarray(0, 3).equals(BOM) ? line.subarray(3) : line;
}

function envLine(
  line: Buffer,
  where: string,
  env: (name: string) => Buffer,
): [string, Buffer] | undefined {
  let text: string;
  try {
    text = utf8.decode(line).replace(LEADING_SPACE, "");
  } catch {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `${where}: the env file holds bytes that are not UTF-8`,
    );
  }
  if (text === "" || text.startsWith("#")) return undefined;
  const eq = text.indexOf("=");
  const key = eq < 0 ? text : text.slice(0, eq);
  if (!ENV_VAR_NAME.test(key)) {
    const what =
      eq < 0
        ? "a line without '=' must name an environment variable"
        : `${quote(key)} is not a valid environment variable name`;
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `${where}: ${what} (letters, digits, '_', '-' or '.', not starting with a digit)`,
    );
  }
  return [key, eq < 0 ? env(key) : Buffer.from(text.slice(eq + 1), "utf8")];
}

/** How a `--from-literal` value given in one argument starts. */
const LITERAL_FLAG = "--from-literal=";

/**
 * The bytes of a `--from-literal` value as the user gave them: `process.argv` replaces bytes that
 * are not UTF-8 with U+FFFD, which would seal a different value (kubectl seals the bytes). The
 * raw argument is found by its text among the process's arguments (`commandLine`); when it cannot
 * be, a value holding U+FFFD is refused rather than sealed changed.
 */
export function literalBytes(
  literal: string,
  key: string,
  commandLine: readonly Uint8Array[] | undefined,
): Buffer {
  const text = Buffer.from(literal.slice(key.length + 1), "utf8");
  if (!literal.includes("\ufffd")) return text;
  for (const raw of commandLine ?? []) {
    const arg = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const decoded = arg.toString("utf8");
    const prefix =
      decoded === literal ? 0 : decoded === `${LITERAL_FLAG}${literal}` ? LITERAL_FLAG.length : -1;
    if (prefix >= 0) return Buffer.from(arg.subarray(prefix + key.length + 1));
  }
  throw new SignetError(
    "ERR_INVALID_FLAG",
    `--from-literal: the value of ${quote(key)} holds bytes that are not UTF-8 and they cannot be read back from the command line; give it with --from-file`,
  );
}
