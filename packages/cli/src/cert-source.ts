import { SignetError } from "@signet/core";

import { fetchClusterCertificate } from "./commands/cluster-ops.js";
import type { Io } from "./io.js";
import type { CliOptions } from "./options.js";

/**
 * True when `--cert` names a URL rather than a path: a scheme of two or more letters (kubeseal's
 * `isFilename`, pkg/kubeseal/kubeseal.go).
 */
export function isCertUrl(value: string): boolean {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value);
  return match !== null && match[1]!.length > 1;
}

/** Reads the certificate bytes from `--cert` (path, http(s):// or file:// URL) or the cluster. */
export async function readCertificate(options: CliOptions, io: Io): Promise<Buffer> {
  if (options.cert === "") return fetchClusterCertificate(options);
  if (!isCertUrl(options.cert)) return readCertFile(options.cert, io);
  let response: Awaited<ReturnType<Io["fetchUrl"]>>;
  try {
    response = await io.fetchUrl(options.cert);
  } catch (cause) {
    const detail =
      cause instanceof Error
        ? ((cause.cause as Error | undefined)?.message ?? cause.message)
        : String(cause);
    throw new SignetError("ERR_CERT_FETCH", `cannot fetch "${options.cert}": ${detail}`, { cause });
  }
  if (response.status !== 200) {
    throw new SignetError(
      "ERR_CERT_FETCH",
      `cannot fetch "${options.cert}": ${response.status} ${response.statusText}`.trimEnd(),
    );
  }
  return response.body;
}

async function readCertFile(path: string, io: Io): Promise<Buffer> {
  try {
    return await io.readFile(path);
  } catch (cause) {
    throw new SignetError("ERR_IO", `open ${path}: ${describeFsError(cause)}`, { cause });
  }
}

/** Go-like text of a file-system error ("no such file or directory", "permission denied"...). */
export function describeFsError(err: unknown): string {
  const code = (err as { code?: string } | undefined)?.code;
  switch (code ?? "") {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    default:
      return err instanceof Error ? err.message : "unknown error";
  }
}
