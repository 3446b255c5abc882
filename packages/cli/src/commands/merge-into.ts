import { mergeIntoBytes, mergeSecret, parseMergeTarget, SignetError } from "@signet/core";
import type { MergeTarget, Secret } from "@signet/core";

import { readFileOrFail } from "../files.js";
import type { Io } from "../io.js";
import { resolvedFormat } from "../options.js";
import { recipientOf } from "../recipients.js";
import { sealSecrets } from "./seal.js";
import type { SealContext } from "./seal.js";

/** kubeseal decodes the file's SealedSecret with the API machinery's universal decoder. */
async function readTarget(path: string, secret: Secret, io: Io): Promise<MergeTarget> {
  const bytes = await readFileOrFail(io, path);
  return parseMergeTarget(bytes, path, secret.metadata ?? {});
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
 * (`recipient`), a file annotated `signet.dev/recipient` for another one is refused.
 */
export async function runMergeInto(
  secret: Secret,
  ctx: SealContext & { path: string; recipient?: string },
): Promise<void> {
  const target = await readTarget(ctx.path, secret, ctx.io);
  const annotated = recipientOf(target.object);
  if (ctx.recipient !== undefined && annotated !== undefined && annotated !== ctx.recipient) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `--merge-into ${ctx.path}: the file is sealed for recipient "${annotated}", not "${ctx.recipient}"`,
    );
  }
  const input = mergeSecret(secret, target, ctx.options.scope);
  const [sealed] = sealSecrets([input], {
    ...ctx,
    options: { ...ctx.options, name: "", scope: target.scope },
  });
  const format = ctx.options.formatExplicit ? resolvedFormat(ctx.options) : target.format;
  await ctx.io.writeFileAtomic(ctx.path, mergeIntoBytes(target, sealed!, format));
}
