import { parseExpiresIn, parseRfc3339, SignetError } from "@signet/core";

import { FlagError } from "./flags.js";
import type { CliOptions } from "./options.js";

/**
 * `--expires-in DURATION` / `--expires-at RFC3339` (docs/expiry.md): the time written to the
 * output SealedSecret's `signet.dev/expires-at`, or undefined when neither is given. `now` is
 * the injected clock. Refused as usage errors (exit 2), naming the flag: a malformed value, both
 * flags at once, an `--expires-at` not in the future (a reminder already due is a typo), and a
 * mode that writes no SealedSecret (`--raw`, `--re-encrypt`, `--validate`, `--fetch-cert`,
 * `--recovery-unseal`).
 */
export function expiryOption(
  options: Pick<
    CliOptions,
    "expiresIn" | "expiresAt" | "raw" | "reEncrypt" | "validate" | "fetchCert" | "recoveryUnseal"
  >,
  now: Date,
): Date | undefined {
  const { expiresIn, expiresAt } = options;
  if (expiresIn === "" && expiresAt === "") return undefined;
  if (expiresIn !== "" && expiresAt !== "") {
    throw new FlagError("--expires-in and --expires-at cannot be used together");
  }
  const flag = expiresIn !== "" ? "--expires-in" : "--expires-at";
  const mode = sealingMode(options);
  if (mode !== undefined) {
    throw new FlagError(
      `${flag} sets an annotation of the output SealedSecret; ${mode} writes none`,
    );
  }
  try {
    if (expiresIn !== "") return new Date(now.getTime() + parseExpiresIn(expiresIn, flag));
    const at = parseRfc3339(expiresAt, flag);
    if (at.getTime() <= now.getTime()) {
      throw new FlagError(`${flag} "${expiresAt}": not in the future`);
    }
    return at;
  } catch (err) {
    if (err instanceof SignetError && !(err instanceof FlagError)) {
      throw new FlagError(err.message);
    }
    throw err;
  }
}

function sealingMode(
  options: Pick<CliOptions, "raw" | "reEncrypt" | "validate" | "fetchCert" | "recoveryUnseal">,
): string | undefined {
  if (options.recoveryUnseal) return "--recovery-unseal";
  if (options.validate) return "--validate";
  if (options.reEncrypt) return "--re-encrypt";
  if (options.fetchCert) return "--fetch-cert";
  if (options.raw) return "--raw";
  return undefined;
}
