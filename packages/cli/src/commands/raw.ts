import { parseSealingCertificate, sealRaw, SignetError } from "@signet/core";

import { describeFsError } from "../cert-source.js";
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
  try {
    return await io.readFile(path);
  } catch (cause) {
    throw new SignetError("ERR_IO", `open ${path}: ${describeFsError(cause)}`, { cause });
  }
}

/**
 * kubeseal `--raw` (`runCLI` in cmd/kubeseal/main.go, then `EncryptSecretItem`): strict needs a
 * namespace and `--name`, namespace-wide a namespace, cluster-wide neither. Output is one base64
 * value without a trailing newline.
 */
export async function runRaw(options: CliOptions, io: Io, certificatePem: string): Promise<string> {
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
  const certificate = parseSealingCertificate(certificatePem, io.now());
  const value = await rawValue(options, io);
  return sealRaw(value, { certificate, random: io.random, scope, namespace, name: options.name });
}
