import { mergeIntoText, parseMergeTarget, SignetError } from "@signet/core";
import type { MergeTarget, Secret } from "@signet/core";

import { describeFsError } from "../cert-source.js";
import type { Io } from "../io.js";
import { resolvedFormat } from "../options.js";
import { sealSecrets } from "./seal.js";
import type { SealContext } from "./seal.js";

async function readExisting(path: string, io: Io): Promise<MergeTarget> {
  let text: string;
  try {
    text = (await io.readFile(path)).toString("utf8");
  } catch (cause) {
    throw new SignetError("ERR_IO", `open ${path}: ${describeFsError(cause)}`, { cause });
  }
  return parseMergeTarget(text, path);
}

/**
 * `--merge-into FILE` (kubeseal's `SealMergingInto`, pkg/kubeseal/kubeseal.go): seal the input with
 * the existing object's name and namespace, then set its items, template labels/annotations and
 * template data in the file (new wins). Beyond kubeseal: the file keeps its own format unless `-o`
 * is given, YAML keeps its comments and layout, the write is atomic, and the
 * `signet.dev/sealed-with` hint is updated (core's `mergeIntoText`). Nothing goes to stdout.
 */
export async function runMergeInto(
  secret: Secret,
  ctx: SealContext & { path: string },
): Promise<void> {
  const existing = await readExisting(ctx.path, ctx.io);
  const input: Secret = {
    ...secret,
    metadata: {
      ...secret.metadata,
      name: existing.object.metadata?.name,
      namespace: existing.object.metadata?.namespace,
    },
  };
  const [sealed] = sealSecrets([input], { ...ctx, options: { ...ctx.options, name: "" } });
  const format = ctx.options.formatExplicit ? resolvedFormat(ctx.options) : existing.format;
  await ctx.io.writeFileAtomic(ctx.path, mergeIntoText(existing, sealed!, format));
}
