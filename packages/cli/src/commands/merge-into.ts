import { parseDocument } from "yaml";

import {
  applyEdits,
  decodeDocuments,
  encodeObject,
  mergeEdits,
  orderSealedSecret,
  SignetError,
} from "@signet/core";
import type { MergeEdit, OutputFormat, SealedSecret, Secret } from "@signet/core";

import { describeFsError } from "../cert-source.js";
import type { Io } from "../io.js";
import type { CliOptions } from "../options.js";
import { sealSecrets } from "./seal.js";
import type { SealContext } from "./seal.js";

interface ExistingFile {
  text: string;
  object: SealedSecret;
  format: OutputFormat;
}

async function readExisting(path: string, io: Io): Promise<ExistingFile> {
  let text: string;
  try {
    text = (await io.readFile(path)).toString("utf8");
  } catch (cause) {
    throw new SignetError("ERR_IO", `open ${path}: ${describeFsError(cause)}`, { cause });
  }
  const first = decodeDocuments(text, path)[0] as SealedSecret | undefined;
  if (!first || typeof first !== "object" || !first.apiVersion || !first.kind) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `${path}: expected a SealedSecret with apiVersion and kind`,
    );
  }
  if (first.kind !== "SealedSecret") {
    throw new SignetError("ERR_INVALID_INPUT", `${path}: is a ${first.kind}, not a SealedSecret`);
  }
  return { text, object: first, format: /^\s*\{/.test(text) ? "json" : "yaml" };
}

/**
 * Applies edits to a YAML file through the yaml Document API, so comments, key order, quoting and
 * the ciphertext of untouched items stay exactly as they were.
 */
function editYaml(text: string, edits: readonly MergeEdit[]): string {
  const doc = parseDocument(text);
  for (const { path, value } of edits) doc.setIn(path, value);
  return doc.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: false });
}

/**
 * `--merge-into FILE` (spec §7.9): seal the input with the existing object's name and namespace,
 * then set its items, template labels/annotations and template data in the file (new wins).
 * Beyond kubeseal: the file keeps its own format unless `-o` is given, YAML keeps its comments
 * and layout, and the write is atomic. Nothing goes to stdout.
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
  const edits = mergeEdits(sealed!);
  const format = ctx.options.formatExplicit ? resolvedFormat(ctx.options) : existing.format;
  const output =
    format === "yaml" && existing.format === "yaml"
      ? editYaml(existing.text, edits)
      : encodeObject(orderSealedSecret(applyEdits(existing.object, edits)), format);
  await ctx.io.writeFileAtomic(ctx.path, output);
}

/** The `-o` format, or kubeseal's error for an unsupported one. */
export function resolvedFormat(options: CliOptions): OutputFormat {
  if (typeof options.format === "object") {
    throw new SignetError(
      "ERR_OUTPUT_FORMAT",
      `unsupported output format: ${options.format.invalid}`,
    );
  }
  return options.format;
}
