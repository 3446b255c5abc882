import {
  appendAll,
  orderSecret,
  parseRecoveryKeys,
  readManifest,
  setOwn,
  SignetError,
  unsealSealedSecret,
} from "@signet/core";
import type { SealedSecret, Secret, UnsealingKey } from "@signet/core";

import { readFileOrFail } from "../files.js";
import type { Input } from "../input.js";
import type { Io } from "../io.js";
import type { CliOptions } from "../options.js";
import { templateRenderer } from "../templates.js";

async function loadKeys(files: readonly string[], io: Io): Promise<UnsealingKey[]> {
  const keys: UnsealingKey[] = [];
  for (const file of files) {
    appendAll(keys, parseRecoveryKeys(await readFileOrFail(io, file), file));
  }
  return keys;
}

/**
 * The SealedSecrets of the input: each document decoded as kubeseal decodes the one it reads
 * (the API machinery's universal decoder: case-sensitive fields, no number-to-string coercion,
 * another kind refused in the scheme's words).
 */
function sealedSecrets(input: Input): SealedSecret[] {
  const docs = readManifest(input.bytes, input.source).filter((doc) => doc.value !== null);
  if (docs.length === 0) {
    throw new SignetError("ERR_NO_SECRETS", `${input.source}: no SealedSecret found in input`);
  }
  return docs.map((doc) => doc.sealedSecret());
}

/**
 * Go marshals an empty (nil) byte slice as `null`, so kubeseal prints an empty value that way;
 * Signet's recovery output matches it.
 */
function withGoEmptyValues(secret: Secret): Secret {
  const data: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(secret.data ?? {}))
    setOwn(data, key, value === "" ? null : value);
  return { ...secret, data: data as Record<string, string> };
}

/**
 * `--recovery-unseal` (kubeseal's `UnsealSealedSecret`, pkg/kubeseal/kubeseal.go): open
 * SealedSecrets offline with the `--recovery-private-key` files and return the Secrets the
 * controller would write. Like kubeseal, the deprecated v1 `spec.data` is refused. Beyond kubeseal
 * (which reads only the first document), every SealedSecret of a multi-document input is opened, in
 * order.
 */
export async function runRecoveryUnseal(
  options: CliOptions,
  io: Io,
  input: Input,
): Promise<Secret[]> {
  const keys = await loadKeys(options.recoveryPrivateKey, io);
  const renderTemplates = templateRenderer(io);
  return sealedSecrets(input).map((ss) => {
    const { secret } = unsealSealedSecret(ss, {
      keys,
      acceptDeprecatedV1Data: false,
      renderTemplates,
    });
    return orderSecret(withGoEmptyValues(secret));
  });
}
