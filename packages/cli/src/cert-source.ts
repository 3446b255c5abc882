import { quote, SignetError } from "@signet/core";

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

/**
 * kubeseal reads every `--cert` value as one file or URL, the last one winning. A value Signet
 * would read as a named recipient (`prod=other.pem`, docs/recipients.md) that names an existing
 * file is that file, as kubeseal reads it (then all values mean what they mean to kubeseal), with
 * a warning saying how to name the recipient instead. Otherwise the options are unchanged.
 */
export async function withCertFiles(
  options: CliOptions,
  io: Pick<Io, "pathKind" | "writeStderr">,
): Promise<CliOptions> {
  if (options.recipients.length === 0) return options;
  let files = 0;
  for (const { name, source } of options.recipients) {
    const whole = `${name}=${source}`;
    const kind = await io.pathKind(whole).catch(() => "missing");
    if (kind === "missing") continue;
    files++;
    io.writeStderr(
      `warning: --cert ${quote(whole)} names an existing file: it is read as that file, as kubeseal reads it, not as recipient ${quote(name)} (for the recipient, write --cert ${quote(`${name}=./${source}`)})\n`,
    );
  }
  if (files === 0) return options;
  const last = options.recipients.at(-1)!;
  return { ...options, cert: `${last.name}=${last.source}`, recipients: [] };
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
