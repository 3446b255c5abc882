import {
  decodeSecrets,
  encodeObject,
  orderSealedSecret,
  parseSealingCertificate,
  sealSecret,
  SignetError,
  withExpiresAt,
  withKeyHint,
} from "@signet/core";
import type { OutputFormat, ResolvedNamespace, SealedSecret, Secret } from "@signet/core";

import type { Io } from "../io.js";
import { emptyValueWarnings } from "./empty-values.js";
import type { Input } from "../input.js";
import { expiryOption, secretExpiryWarning } from "../expiry.js";
import type { CliOptions } from "../options.js";

export interface SealContext {
  options: CliOptions;
  io: Io;
  certificatePem: string;
  namespace: ResolvedNamespace;
}

/**
 * Seals every Secret of the input, in order (kubeseal's normal mode). Beyond kubeseal, each
 * SealedSecret records the sealing certificate's fingerprint in `signet.dev/sealed-with` (a hint
 * only: scope comes from the two scope annotations alone, and no key choice trusts the hint),
 * and, with `--expires-in`/`--expires-at`, its `signet.dev/expires-at` (docs/expiry.md).
 */
export function sealSecrets(secrets: readonly Secret[], ctx: SealContext): SealedSecret[] {
  return secrets.map(sealerFor(secrets, ctx));
}

/**
 * {@link sealSecrets}, each SealedSecret written as text (`format`) as soon as it is sealed, so
 * that only the texts are held until the output is written (12,000 one-value Secrets: the
 * objects, their joined text and its bytes took a run to 130 MiB).
 */
export function sealedTexts(
  secrets: readonly Secret[],
  ctx: SealContext,
  format: OutputFormat,
): string[] {
  const seal = sealerFor(secrets, ctx);
  return secrets.map((secret) => encodeObject(seal(secret), format));
}

/** Warns about Secrets that expire, then gives the sealer of one Secret under `ctx`. */
function sealerFor(secrets: readonly Secret[], ctx: SealContext): (s: Secret) => SealedSecret {
  const now = ctx.io.now();
  const certificate = parseSealingCertificate(ctx.certificatePem, now);
  const expiresAt = expiryOption(ctx.options, now);
  const expiring = (ss: SealedSecret): SealedSecret =>
    expiresAt === undefined ? ss : withExpiresAt(ss, expiresAt);
  for (const secret of secrets) {
    const warning = secretExpiryWarning(secret);
    if (warning !== undefined) ctx.io.writeStderr(warning);
  }
  return (secret) =>
    orderSealedSecret(
      expiring(
        withKeyHint(
          sealSecret(secret, {
            certificate,
            random: ctx.io.random,
            scope: ctx.options.scope,
            name: ctx.options.name || undefined,
            namespace: ctx.namespace,
            allowEmptyData: ctx.options.allowEmptyData,
          }),
          certificate.fingerprint,
        ),
      ),
    );
}

/**
 * Reads the input stream as Secrets, as kubeseal's `readSecrets` decodes them (YAML 1.1 and the
 * typed conversion into v1.Secret, errors in Go's words); an empty stream is kubeseal's "no
 * secrets found".
 */
export function readSecrets(input: Input, warn: (text: string) => void): Secret[] {
  // kubeseal decodes any kind into a v1.Secret (a ConfigMap's data would seal as base64);
  // Signet refuses other kinds.
  const secrets = decodeSecrets(input.bytes, input.source, { kind: "Secret" });
  if (secrets.length === 0) {
    throw new SignetError(
      "ERR_NO_SECRETS",
      "no secrets found. Ensure the input is valid and UTF-8 encoded",
    );
  }
  for (const warning of emptyValueWarnings(input.bytes, secrets)) warn(warning);
  return secrets;
}
