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
  if (!given(options)) return undefined;
  const flag = expiresIn !== "" ? "--expires-in" : "--expires-at";
  const value = JSON.stringify(expiresIn !== "" ? expiresIn : expiresAt);
  const mode = sealingMode(options);
  if (mode !== undefined) {
    throw new FlagError(
      `${flag} ${value} sets an annotation of the output SealedSecret; ${mode} writes none`,
    );
  }
  try {
    return expiresIn !== ""
      ? new Date(now.getTime() + parseExpiresIn(expiresIn, flag))
      : futureTime(expiresAt, flag, now);
  } catch (err) {
    if (err instanceof SignetError && !(err instanceof FlagError)) {
      throw new FlagError(err.message);
    }
    throw err;
  }
}

/** Whether an expiry flag is given; an empty one, or both at once, are refused. */
function given(
  options: Pick<CliOptions, "expiresIn" | "expiresAt"> &
    Partial<Pick<CliOptions, "emptyExpiryFlag">>,
): boolean {
  if (options.emptyExpiryFlag !== undefined) {
    throw new FlagError(`${options.emptyExpiryFlag} "": empty; give a value or leave the flag out`);
  }
  if (options.expiresIn !== "" && options.expiresAt !== "") {
    throw new FlagError("--expires-in and --expires-at cannot be used together");
  }
  return options.expiresIn !== "" || options.expiresAt !== "";
}

/** `--expires-at`: an RFC 3339 time after `now` and at most 100 years after it. */
function futureTime(text: string, flag: string, now: Date): Date {
  const at = parseRfc3339(text, flag);
  const ahead = at.getTime() - now.getTime();
  if (ahead <= 0) throw new FlagError(`${flag} ${JSON.stringify(text)}: not in the future`);
  if (ahead > MAX_EXPIRES_IN_MS) {
    throw new FlagError(`${flag} ${JSON.stringify(text)}: more than 100 years ahead`);
  }
  return at;
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
