import { webcrypto } from "node:crypto";

import {
  assertSealable,
  decodeSecrets,
  encodeObject,
  orderSealedSecret,
  parseSealingCertificate,
  planSeal,
  rsaWrap,
  sealPlanned,
  sealSecret,
  SignetError,
  withExpiresAt,
  withKeyHint,
} from "@signet/core";
import type {
  OutputFormat,
  ResolvedNamespace,
  SealedSecret,
  SealingCertificate,
  SealPlan,
  Secret,
  SessionKeyWrap,
} from "@signet/core";

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
  const steps = sealingSteps(secrets, ctx);
  return secrets.map((secret) =>
    steps.finish(sealSecret(secret, { ...steps.prepare, certificate: steps.certificate })),
  );
}

/**
 * Values whose RSA step is in flight at once on the thread pool: enough to keep every core busy
 * (Node.js's pool has 4 threads), few enough that the pending work stays small.
 */
const IN_FLIGHT = 64;

/**
 * {@link sealSecrets}, each SealedSecret written as text (`format`) as soon as it is sealed, so
 * that only the texts are held until the output is written (12,000 one-value Secrets: the
 * objects, their joined text and its bytes took a run to 130 MiB). The RSA step of each value
 * runs on the thread pool, {@link IN_FLIGHT} values at a time across Secrets: one RSA-4096
 * operation per value is most of the work, and a Secret of 7,000 values then takes half the
 * time on two cores. Every Secret is checked, in order, before its group is encrypted: the
 * first bad one fails the run as it does one Secret at a time.
 */
export async function sealedTexts(
  secrets: readonly Secret[],
  ctx: SealContext,
  format: OutputFormat,
): Promise<string[]> {
  const steps = sealingSteps(secrets, ctx);
  const wrap = await threadPoolWrap(steps.certificate);
  const texts: string[] = [];
  for (let at = 0; at < secrets.length;) {
    const group: SealPlan[] = [];
    for (let values = 0; at < secrets.length && values < IN_FLIGHT; at++) {
      const plan = planSeal(secrets[at]!, steps.prepare);
      // As sealSecret: a key Go will not encrypt to fails at the first value, as in kubeseal.
      if (plan.items.length > 0) assertSealable(steps.certificate);
      values += plan.items.length;
      group.push(plan);
    }
    const options = { wrap, random: ctx.io.random, inFlight: IN_FLIGHT };
    const sealed = await Promise.all(group.map((plan) => sealPlanned(plan, options)));
    for (const ss of sealed) texts.push(encodeObject(steps.finish(ss), format));
  }
  return texts;
}

/**
 * RSA-OAEP-SHA256 for the certificate's key through WebCrypto, whose `encrypt` runs on the
 * thread pool. A key WebCrypto does not import is wrapped on the main thread instead, as
 * `sealSecret` does (every key that gets here is one Go encrypts to, see assertSealable).
 */
async function threadPoolWrap(certificate: SealingCertificate): Promise<SessionKeyWrap> {
  const { subtle } = webcrypto;
  let key: webcrypto.CryptoKey;
  try {
    const spki = certificate.publicKey.export({ type: "spki", format: "der" });
    key = await subtle.importKey("spki", spki, { name: "RSA-OAEP", hash: "SHA-256" }, false, [
      "encrypt",
    ]);
  } catch {
    return (sessionKey, label) =>
      Promise.resolve(rsaWrap(certificate.publicKey, sessionKey, label));
  }
  return async (sessionKey, label) =>
    new Uint8Array(
      await subtle.encrypt(
        { name: "RSA-OAEP", label: label as Uint8Array<ArrayBuffer> },
        key,
        sessionKey,
      ),
    );
}

/** What sealing under `ctx` needs for every Secret: warns about Secrets that expire first. */
function sealingSteps(secrets: readonly Secret[], ctx: SealContext) {
  const now = ctx.io.now();
  const certificate = parseSealingCertificate(ctx.certificatePem, now);
  const expiresAt = expiryOption(ctx.options, now);
  for (const secret of secrets) {
    const warning = secretExpiryWarning(secret);
    if (warning !== undefined) ctx.io.writeStderr(warning);
  }
  const prepare = {
    random: ctx.io.random,
    scope: ctx.options.scope,
    name: ctx.options.name || undefined,
    namespace: ctx.namespace,
    allowEmptyData: ctx.options.allowEmptyData,
  };
  /** The key hint, the expiry and the reference's field order, on a sealed Secret. */
  const finish = (ss: SealedSecret): SealedSecret => {
    const hinted = withKeyHint(ss, certificate.fingerprint);
    return orderSealedSecret(expiresAt === undefined ? hinted : withExpiresAt(hinted, expiresAt));
  };
  return { certificate, prepare, finish };
}

/**
 * Reads the input stream as Secrets, as kubeseal's `readSecrets` decodes them (YAML 1.1 and the
 * typed conversion into v1.Secret, errors in Go's words); an empty stream is kubeseal's "no
 * secrets found".
 */
export function readSecrets(input: Input, warn: (text: string) => void): Secret[] {
  // kubeseal decodes any kind into a v1.Secret (a ConfigMap's data would seal as base64);
  // Signet refuses other kinds.
  const secrets = decodeSecrets(input.bytes, input.source, { kind: "Secret", forSealing: true });
  if (secrets.length === 0) {
    throw new SignetError(
      "ERR_NO_SECRETS",
      "no secrets found. Ensure the input is valid and UTF-8 encoded",
    );
  }
  for (const warning of emptyValueWarnings(input.bytes, secrets)) warn(warning);
  return secrets;
}
