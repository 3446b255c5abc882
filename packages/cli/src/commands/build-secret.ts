import { setOwn, SignetError } from "@signet/core";
import type { Secret } from "@signet/core";

import { readFileOrFail } from "../files.js";
import type { Io } from "../io.js";
import type { CliOptions } from "../options.js";

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

const VALID_KEY = /^[-._a-zA-Z0-9]+$/;

function checkKey(key: string, flag: string): void {
  if (!VALID_KEY.test(key)) {
    throw new SignetError(
      "ERR_INVALID_FLAG",
      `${flag}: "${key}" is not a valid Secret key (letters, digits, '-', '_' and '.')`,
    );
  }
}

/** Parses an env file as kubectl does: `KEY=VALUE` lines, `#` comments and blank lines skipped. */
function envFileItems(text: string, path: string): [string, string][] {
  const items: [string, string][] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trimStart();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const eq = trimmed.indexOf("=");
    if (eq <= 0) {
      throw new SignetError("ERR_INVALID_INPUT", `${path}:${i + 1}: expected KEY=VALUE`);
    }
    items.push([trimmed.slice(0, eq), trimmed.slice(eq + 1)]);
  });
  return items;
}

/**
 * Builds the Secret that `kubectl create secret generic NAME --from-...` would: `--from-file
 * [key=]path` (key defaults to the file's base name), `--from-literal KEY=VALUE`, `--from-env-file`.
 * A key given twice is an error, as in kubectl.
 */
export async function buildSecretFromFlags(options: CliOptions, io: Io): Promise<Secret> {
  if (options.name === "") {
    throw new SignetError(
      "ERR_MISSING_NAME",
      "--name is required to build a Secret from --from-* flags",
    );
  }
  const items = new Map<string, string>();
  const put = (key: string, value: Buffer, flag: string): void => {
    checkKey(key, flag);
    if (items.has(key))
      throw new SignetError("ERR_INVALID_FLAG", `${flag}: key "${key}" is given twice`);
    items.set(key, value.toString("base64"));
  };
  for (const spec of options.fromFile) {
    const eq = spec.indexOf("=");
    const path = eq === -1 ? spec : spec.slice(eq + 1);
    const key = eq === -1 ? (path.split("/").pop() ?? path) : spec.slice(0, eq);
    put(key, await readFileOrFail(io, path, "--from-file"), "--from-file");
  }
  for (const literal of options.fromLiteral) {
    const [key, value] = splitPair(literal, "--from-literal");
    put(key, Buffer.from(value, "utf8"), "--from-literal");
  }
  for (const path of options.fromEnvFile) {
    const text = (await readFileOrFail(io, path, "--from-env-file")).toString("utf8");
    for (const [key, value] of envFileItems(text, path))
      put(key, Buffer.from(value, "utf8"), "--from-env-file");
  }
  const metadata: Secret["metadata"] = { name: options.name };
  if (options.cluster.namespace !== "") metadata.namespace = options.cluster.namespace;
  const data: Record<string, string> = {};
  for (const [key, value] of items) setOwn(data, key, value);
  return { apiVersion: "v1", kind: "Secret", metadata, type: options.secretType || "Opaque", data };
}
