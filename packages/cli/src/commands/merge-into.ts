import {
  keyHint,
  mergeIntoBytes,
  mergeSecret,
  parseMergeTarget,
  parseSealingCertificate,
  quote,
  SEALED_WITH_ANNOTATION,
  SignetError,
} from "@signet/core";
import type { MergeTarget, Secret } from "@signet/core";

import { readFileOrFail } from "../files.js";
import { resolvedFormat } from "../options.js";
import { RECIPIENT_ANNOTATION, recipientOf } from "../recipients.js";
import { sealSecrets } from "./seal.js";
import type { SealContext } from "./seal.js";

/**
 * The recipient checks of `--merge-into` (nothing when the file and the certificate carry no
 * recipient information, as for kubeseal's files and `--cert`): a file annotated
 * `signet.dev/recipient` takes only that named recipient's certificate; and when recipient
 * information is present, a file whose `signet.dev/sealed-with` hint is another certificate is
 * refused, since merging would leave values for two clusters in one SealedSecret (an unnamed
 * certificate merging into an unannotated file keeps kubeseal's behaviour, key rotation
 * included).
 */
function checkRecipient(
  target: MergeTarget,
  ctx: SealContext & { path: string; recipient?: string },
): void {
  const annotated = recipientOf(target.object);
  const where = `--merge-into ${ctx.path}`;
  if (annotated !== undefined && ctx.recipient === undefined) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `${where}: the file is sealed for recipient ${quote(annotated)} (${RECIPIENT_ANNOTATION}); name its certificate: --cert NAME=SOURCE`,
    );
  }
  if (ctx.recipient !== undefined && annotated !== undefined && annotated !== ctx.recipient) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `${where}: the file is sealed for recipient ${quote(annotated)}, not ${quote(ctx.recipient)}`,
    );
  }
  const hint = keyHint(target.object);
  if (hint === undefined || (annotated === undefined && ctx.recipient === undefined)) return;
  const { fingerprint } = parseSealingCertificate(ctx.certificatePem, ctx.io.now());
  if (hint === fingerprint) return;
  throw new SignetError(
    "ERR_INVALID_INPUT",
    `${where}: the file's values are sealed with certificate ${quote(hint)} (${SEALED_WITH_ANNOTATION}), not recipient ${quote(ctx.recipient ?? annotated!)}'s ${fingerprint}; merging would mix two certificates in one SealedSecret (after a key rotation, reseal the file first: signet reseal)`,
  );
}

/**
 * Several input Secrets merge into one file only when each names the SealedSecret it merges
 * into: otherwise every one of them would land in the file's only object, the last one's values
 * winning (kubeseal refuses an input of several documents altogether).
 */
function checkNamed(target: MergeTarget, secret: Secret, count: number, path: string): void {
  if (count < 2) return;
  const wanted = secret.metadata ?? {};
  const found = target.object.metadata ?? {};
  if (wanted.name === found.name && (!wanted.namespace || wanted.namespace === found.namespace))
    return;
  const label = (m: { name?: string; namespace?: string }): string =>
    quote(`${m.namespace ? `${m.namespace}/` : ""}${m.name ?? ""}`);
  throw new SignetError(
    "ERR_INVALID_INPUT",
    `--merge-into ${path}: the input holds ${count} Secrets, and Secret ${label(wanted)} is not the file's SealedSecret ${label(found)}; with several Secrets each must be named as the SealedSecret it merges into (nothing was changed)`,
  );
}

/**
 * `--merge-into FILE` (kubeseal's `SealMergingInto`, pkg/kubeseal/kubeseal.go): seal the input with
 * the existing object's name and namespace, then set its items, template labels/annotations and
 * template data in the file (new wins). Beyond kubeseal: the values are sealed in the file's
 * scope (another requested scope is refused), a file of several documents is merged into the
 * document named as the input Secret and keeps the others (and any trailing `---` or
 * comment-only document) byte for byte, the file keeps its own format unless `-o` is given, YAML
 * keeps its comments and layout, the write is atomic and goes through a symbolic link, and the
 * `signet.dev/sealed-with` hint is updated. The rules are core's (`mergeSecret`,
 * `mergeIntoBytes`), shared with the web page. Nothing goes to stdout. For a named recipient
 * (`recipient`), a file annotated `signet.dev/recipient` for another one is refused (checkRecipient).
 *
 * Several input Secrets are merged one after the other in memory (see {@link checkNamed}) and
 * the file is written once, only when every one of them merged: a failure leaves it as it was.
 * Returns the file's new bytes, writing nothing.
 */
export async function mergedFile(
  secrets: readonly Secret[],
  ctx: SealContext & { path: string; recipient?: string },
): Promise<Uint8Array> {
  let bytes: Uint8Array = await readFileOrFail(ctx.io, ctx.path);
  for (const secret of secrets) {
    // A Secret without a namespace takes `-n`'s, as when it is sealed.
    const { name, namespace } = secret.metadata ?? {};
    const explicit = ctx.namespace.explicit ? ctx.namespace.namespace : undefined;
    const target = parseMergeTarget(bytes, ctx.path, { name, namespace: namespace || explicit });
    checkNamed(target, secret, secrets.length, ctx.path);
    checkRecipient(target, ctx);
    const input = mergeSecret(secret, target, ctx.options.scope);
    const [sealed] = sealSecrets([input], {
      ...ctx,
      options: { ...ctx.options, name: "", scope: target.scope },
    });
    const format = ctx.options.formatExplicit ? resolvedFormat(ctx.options) : target.format;
    bytes = mergeIntoBytes(target, sealed!, format);
  }
  return bytes;
}

/** {@link mergedFile}, then the file written (atomically, through a symbolic link). */
export async function runMergeInto(
  secrets: readonly Secret[],
  ctx: SealContext & { path: string; recipient?: string },
): Promise<void> {
  const bytes = await mergedFile(secrets, ctx);
  await ctx.io.writeFileAtomic(ctx.path, bytes);
}
