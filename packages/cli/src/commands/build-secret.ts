import { quote, setOwn, SignetError } from "@signet/core";
import type { Secret } from "@signet/core";

import { readFileOrFail } from "../files.js";
import type { Io } from "../io.js";
import type { CliOptions } from "../options.js";
import { checkSecretKey, envFileItems, literalBytes } from "./kubectl-rules.js";

/** True when the invocation builds the Secret from flags (kubectl create secret generic style). */
export function buildsSecretFromFlags(options: CliOptions): boolean {
  if (options.raw) return false;
  return (
    options.fromLiteral.length > 0 ||
    options.fromEnvFile.length > 0 ||
    (options.fromFile.length > 0 && options.name !== "")
  );
}

/** KEY=VALUE; the text is never repeated in the error (without `=` it may be the secret itself). */
function splitPair(value: string, flag: string): [string, string] {
  const eq = value.indexOf("=");
  if (eq <= 0) {
    throw new SignetError(
      "ERR_INVALID_FLAG",
      `${flag}: expected KEY=VALUE, got ${eq === 0 ? "no key before =" : "no ="} (the text given is not repeated: it may hold the secret)`,
    );
  }
  return [value.slice(0, eq), value.slice(eq + 1)];
}

/**
 * `--from-file [key=]path`: the file under its base name (or `key`), or every regular file of a
 * directory under its own name (symbolic links and subdirectories skipped, as kubectl's
 * `os.ReadDir` loop does; a key cannot be given for a directory).
 */
async function putFromFile(
  spec: string,
  io: Io,
  put: (key: string, value: Buffer, flag: string) => void,
): Promise<void> {
  const eq = spec.indexOf("=");
  const path = eq === -1 ? spec : spec.slice(eq + 1);
  if ((await io.pathKind(path).catch(() => "missing")) === "directory") {
    if (eq !== -1) {
      throw new SignetError(
        "ERR_INVALID_FLAG",
        `--from-file ${spec}: cannot give a key name for a directory path`,
      );
    }
    for (const entry of await io.readDirectory(path)) {
      if (entry.kind !== "file") continue;
      const file = `${path.replace(/\/+$/, "")}/${entry.name}`;
      put(entry.name, await readFileOrFail(io, file, "--from-file"), "--from-file");
    }
    return;
  }
  const key = eq === -1 ? (path.split("/").pop() ?? path) : spec.slice(0, eq);
  put(key, await readFileOrFail(io, path, "--from-file"), "--from-file");
}

/**
 * A variable's value as bytes: the environment's text, or when that holds U+FFFD (Node.js
 * replaced bytes that are not UTF-8) the bytes the process was given (`Io.environment`).
 */
function environment(io: Io): (name: string) => Buffer {
  return (name) => {
    const text = io.env[name] ?? "";
    if (!text.includes("\ufffd")) return Buffer.from(text, "utf8");
    const prefix = Buffer.from(`${name}=`, "utf8");
    const raw = io
      .environment?.()
      ?.find((entry) => Buffer.from(entry.subarray(0, prefix.length)).equals(prefix));
    return raw ? Buffer.from(raw.subarray(prefix.length)) : Buffer.from(text, "utf8");
  };
}

/** kubectl's `ParseFileSource`: at most one `=`, with text on both sides. */
function checkFileSource(spec: string): void {
  const eq = spec.indexOf("=");
  if (eq === -1) return;
  if (spec.indexOf("=", eq + 1) !== -1) {
    throw new SignetError(
      "ERR_INVALID_FLAG",
      `--from-file ${quote(spec)}: key names or file paths cannot contain '='`,
    );
  }
  if (eq === 0 || eq === spec.length - 1) {
    throw new SignetError(
      "ERR_INVALID_FLAG",
      eq === 0
        ? `--from-file ${quote(spec)}: key name for file path ${quote(spec.slice(1))} missing`
        : `--from-file ${quote(spec)}: file path for key name ${quote(spec.slice(0, -1))} missing`,
    );
  }
}

/** The inputs kubectl refuses together, and `-f`, which building the Secret would ignore. */
function checkSources(options: CliOptions): void {
  if (
    options.fromEnvFile.length > 0 &&
    (options.fromFile.length > 0 || options.fromLiteral.length > 0)
  ) {
    throw new SignetError(
      "ERR_INVALID_FLAG",
      "--from-env-file cannot be combined with --from-file or --from-literal (as in kubectl)",
    );
  }
  if (options.inputFile !== "") {
    throw new SignetError(
      "ERR_INVALID_FLAG",
      `-f ${quote(options.inputFile)} cannot be used with --from-* flags, which build the Secret: give one or the other`,
    );
  }
}

/**
 * Builds the Secret that `kubectl create secret generic NAME --from-...` would: `--from-file
 * [key=]path` (key defaults to the file's base name), `--from-literal KEY=VALUE`, `--from-env-file`.
 * A key given twice is an error, as in kubectl, and keys and env files follow kubectl's rules
 * (kubectl-rules.ts).
 */
export async function buildSecretFromFlags(options: CliOptions, io: Io): Promise<Secret> {
  if (options.name === "") {
    throw new SignetError(
      "ERR_MISSING_NAME",
      "--name is required to build a Secret from --from-* flags",
    );
  }
  checkSources(options);
  const items = new Map<string, string>();
  const put = (key: string, value: Buffer, flag: string): void => {
    checkSecretKey(key, flag);
    if (items.has(key))
      throw new SignetError("ERR_INVALID_FLAG", `${flag}: key ${quote(key)} is given twice`);
    items.set(key, value.toString("base64"));
  };
  for (const spec of options.fromFile) {
    checkFileSource(spec);
    await putFromFile(spec, io, put);
  }
  for (const literal of options.fromLiteral) {
    const [key] = splitPair(literal, "--from-literal");
    put(key, literalBytes(literal, key, io.commandLine?.()), "--from-literal");
  }
  for (const path of options.fromEnvFile) {
    const bytes = await readFileOrFail(io, path, "--from-env-file");
    for (const [key, value] of envFileItems(bytes, path, environment(io)))
      put(key, value, "--from-env-file");
  }
  const metadata: Secret["metadata"] = { name: options.name };
  if (options.cluster.namespace !== "") metadata.namespace = options.cluster.namespace;
  const data: Record<string, string> = {};
  for (const [key, value] of items) setOwn(data, key, value);
  return { apiVersion: "v1", kind: "Secret", metadata, type: options.secretType || "Opaque", data };
}
