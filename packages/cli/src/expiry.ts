import {
  EXPIRES_AT_ANNOTATION,
  MAX_EXPIRES_IN_MS,
  parseExpiresIn,
  parseRfc3339,
  SignetError,
} from "@signet/core";
import type { Secret } from "@signet/core";

import { FlagError } from "./flags.js";
import type { CliOptions } from "./options.js";

/**
 * `--expires-in DURATION` / `--expires-at RFC3339` (docs/expiry.md): the time written to the
 * output SealedSecret's `signet.dev/expires-at`, or undefined when neither is given. `now` is
 * the injected clock. Refused as usage errors (exit 2), naming the flag and quoting the value: an
 * empty or malformed value, both flags at once, an `--expires-at` not in the future (a reminder
 * already due is a typo) or more than 100 years ahead (the bound of `--expires-in`), and a mode
 * that writes no SealedSecret (`--raw`, `--re-encrypt`, `--validate`, `--fetch-cert`,
 * `--recovery-unseal`).
 */
export function expiryOption(
  options: Pick<
    CliOptions,
    "expiresIn" | "expiresAt" | "raw" | "reEncrypt" | "validate" | "fetchCert" | "recoveryUnseal"
  > &
    Partial<Pick<CliOptions, "emptyExpiryFlag">>,
  now: Date,
): Date | undefined {
  const { expiresIn, expiresAt } = options;
  if (options.emptyExpiryFlag !== undefined) {
    throw new FlagError(`${options.emptyExpiryFlag} "": empty; give a value or leave the flag out`);
  }
  if (expiresIn === "" && expiresAt === "") return undefined;
  if (expiresIn !== "" && expiresAt !== "") {
    throw new FlagError("--expires-in and --expires-at cannot be used together");
  }
  const flag = expiresIn !== "" ? "--expires-in" : "--expires-at";
  const value = JSON.stringify(expiresIn !== "" ? expiresIn : expiresAt);
  const mode = sealingMode(options);
  if (mode !== undefined) {
    throw new FlagError(
      `${flag} ${value} sets an annotation of the output SealedSecret; ${mode} writes none`,
    );
  }
  try {
    if (expiresIn !== "") return new Date(now.getTime() + parseExpiresIn(expiresIn, flag));
    const at = parseRfc3339(expiresAt, flag);
    if (at.getTime() <= now.getTime()) {
      throw new FlagError(`${flag} ${value}: not in the future`);
    }
    if (at.getTime() - now.getTime() > MAX_EXPIRES_IN_MS) {
      throw new FlagError(`${flag} ${value}: more than 100 years ahead`);
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

/**
 * The stderr warning for an input Secret that carries `signet.dev/expires-at` itself, or
 * undefined. On a Secret the annotation is only copied to `spec.template` and on to the unsealed
 * Secret, where nothing reads it: the expiry belongs on the SealedSecret (`--expires-in`,
 * `--expires-at`).
 */
export function secretExpiryWarning(secret: Secret): string | undefined {
  const value = secret.metadata?.annotations?.[EXPIRES_AT_ANNOTATION];
  if (value === undefined) return undefined;
  const { namespace, name } = secret.metadata ?? {};
  const label = `${namespace ? `${namespace}/` : ""}${name ?? ""}`;
  return `warning: the input Secret ${label} carries ${EXPIRES_AT_ANNOTATION}; on a Secret it only goes to spec.template and the unsealed Secret, where nothing reads it (no expiry is reported): set it on the SealedSecret with --expires-in or --expires-at\n`;
}
