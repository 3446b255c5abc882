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
import type { Io } from "../io.js";
import { resolvedFormat } from "../options.js";
import { RECIPIENT_ANNOTATION, recipientOf } from "../recipients.js";
import { sealSecrets } from "./seal.js";
import type { SealContext } from "./seal.js";

/** kubeseal decodes the file's SealedSecret with the API machinery's universal decoder. */
async function readTarget(path: string, secret: Secret, io: Io): Promise<MergeTarget> {
  const bytes = await readFileOrFail(io, path);
  return parseMergeTarget(bytes, path, secret.metadata ?? {});
}

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
 */
/** Reads the file and makes the recipient checks, writing nothing (a preflight for several). */
export async function checkMergeTarget(
  secret: Secret,
  ctx: SealContext & { path: string; recipient?: string },
): Promise<void> {
  checkRecipient(await readTarget(ctx.path, secret, ctx.io), ctx);
}

export async function runMergeInto(
  secret: Secret,
  ctx: SealContext & { path: string; recipient?: string },
): Promise<void> {
  const target = await readTarget(ctx.path, secret, ctx.io);
  checkRecipient(target, ctx);
  const input = mergeSecret(secret, target, ctx.options.scope);
  const [sealed] = sealSecrets([input], {
    ...ctx,
    options: { ...ctx.options, name: "", scope: target.scope },
  });
  const format = ctx.options.formatExplicit ? resolvedFormat(ctx.options) : target.format;
  await ctx.io.writeFileAtomic(ctx.path, mergeIntoBytes(target, sealed!, format));
}
