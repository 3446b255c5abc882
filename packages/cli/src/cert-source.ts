import { SignetError } from "@signet/core";

import { connectCluster } from "./cluster/entry.js";
import { readFileOrFail } from "./files.js";
import type { Io } from "./io.js";
import type { CliOptions } from "./options.js";
import { certSourceHint } from "./recipients.js";

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
  if (options.cert === "") return fetchClusterCertificate(options, io);
  if (!isCertUrl(options.cert)) {
    try {
      return await readFileOrFail(io, options.cert);
    } catch (err) {
      const hint = certSourceHint(options.cert, options.certFromEnv === true);
      if (hint === "" || !(err instanceof SignetError)) throw err;
      throw new SignetError(err.code, `${err.message}${hint}`, { cause: err });
    }
  }
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

/** The certificate of the controller's latest key, through the API server's service proxy. */
export async function fetchClusterCertificate(options: CliOptions, io: Io): Promise<Buffer> {
  const { api, client } = await connectCluster(options.cluster, io);
  return api.fetchCertificate(client, options.cluster);
}
