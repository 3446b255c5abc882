import { orderSecret, parseRecoveryKeys, SignetError, unsealSealedSecret } from "@signet/core";
import type { SealedSecret, Secret, UnsealingKey } from "@signet/core";

import { describeFsError } from "../cert-source.js";
import type { Input } from "../input.js";
import { inputObjects } from "../input.js";
import type { Io } from "../io.js";
import type { CliOptions } from "../options.js";
import { templateRenderer } from "../templates.js";

async function loadKeys(files: readonly string[], io: Io): Promise<UnsealingKey[]> {
  const keys: UnsealingKey[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = (await io.readFile(file)).toString("utf8");
    } catch (cause) {
      throw new SignetError("ERR_IO", `open ${file}: ${describeFsError(cause)}`, { cause });
    }
    keys.push(...parseRecoveryKeys(text, file));
  }
  return keys;
}

function firstSealedSecret(input: Input): SealedSecret {
  const doc = inputObjects(input)[0];
  if (!doc) {
    throw new SignetError("ERR_NO_SECRETS", `${input.source}: no SealedSecret found in input`);
  }
  if (doc.kind !== undefined && doc.kind !== "SealedSecret") {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `${input.source}: is a ${JSON.stringify(doc.kind)}, not a SealedSecret`,
    );
  }
  const ss = doc as unknown as SealedSecret;
  if (!ss.metadata || !ss.spec || typeof ss.spec !== "object") {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `${input.source}: SealedSecret needs metadata and spec`,
    );
  }
  return ss;
}

/**
 * `--recovery-unseal` (spec §7.12): open the first SealedSecret of the input offline with the
 * `--recovery-private-key` files and return the Secret the controller would write.
 * Like kubeseal, the deprecated v1 `spec.data` is refused.
 */
export async function runRecoveryUnseal(
  options: CliOptions,
  io: Io,
  input: Input,
): Promise<Secret> {
  const keys = await loadKeys(options.recoveryPrivateKey, io);
  const ss = firstSealedSecret(input);
  const { secret } = unsealSealedSecret(ss, {
    keys,
    acceptDeprecatedV1Data: false,
    renderTemplates: templateRenderer(io),
  });
  return orderSecret(secret);
}
