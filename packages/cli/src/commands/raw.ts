import { parseSealingCertificate, sealRaw, SignetError } from "@signet/core";

import { readFileOrFail } from "../files.js";
import type { Io } from "../io.js";
import { resolveClientNamespace } from "../kubeconfig.js";
import type { CliOptions } from "../options.js";

/** The value `--raw` encrypts: the single `--from-file` (its key part ignored) or all of stdin. */
async function rawValue(options: CliOptions, io: Io): Promise<Buffer> {
  if (options.fromFile.length > 1) {
    throw new SignetError(
      "ERR_INVALID_FLAG",
      "must provide only one --from-file when encrypting a single item with --raw",
    );
  }
  const spec = options.fromFile[0];
  if (spec === undefined) {
    if (io.stdinIsTTY) io.writeStderr("(tty detected: expecting a secret to encrypt in stdin)\n");
    return io.readStdin();
  }
  const eq = spec.indexOf("=");
  const path = eq === -1 ? spec : spec.slice(eq + 1);
  return readFileOrFail(io, path);
}

/**
 * kubeseal `--raw` (`runCLI` in cmd/kubeseal/main.go, then `EncryptSecretItem`): strict needs a
 * namespace and `--name`, namespace-wide a namespace, cluster-wide neither. Output is one base64
 * value (without a trailing newline) per certificate: the value is read once and sealed for
 * each (one for kubeseal's `--cert`, one per named recipient).
 */
export async function runRaw(
  options: CliOptions,
  io: Io,
  certificatePems: readonly string[],
): Promise<string[]> {
  const scope = options.scope;
  let namespace = "";
  if (scope !== "cluster-wide") {
    namespace = (await resolveClientNamespace(options.cluster, io)).namespace;
    if (namespace === "") {
      throw new SignetError(
        "ERR_MISSING_NAMESPACE",
        `must provide the --namespace flag with --raw and --scope ${scope}`,
      );
    }
  }
  if (scope === "strict" && options.name === "") {
    throw new SignetError(
      "ERR_MISSING_NAME",
      "must provide the --name flag with --raw and --scope strict",
    );
  }
  const certificates = certificatePems.map((pem) => parseSealingCertificate(pem, io.now()));
  const value = await rawValue(options, io);
  return certificates.map((certificate) =>
    sealRaw(value, { certificate, random: io.random, scope, namespace, name: options.name }),
  );
}
