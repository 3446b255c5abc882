import { isMap, isScalar, parseDocument, Scalar, stringify } from "yaml";
import type { Document, YAMLMap } from "yaml";

import {
  applyEdits,
  compareGoYamlKeys,
  GO_YAML_STRINGIFY,
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
 * the ciphertext of untouched items stay exactly as they were. A new key goes where Go's YAML
 * order puts it when the map is already in that order (as kubeseal writes it), else at the end;
 * new scalars that YAML 1.1 readers (kubectl, kubeseal) would misread are quoted.
 */
function editYaml(text: string, edits: readonly MergeEdit[]): string {
  const doc = parseDocument(text);
  for (const { path, value } of edits) {
    const parent = doc.getIn(path.slice(0, -1), true);
    const key = path[path.length - 1]!;
    if (isMap(parent) && !parent.has(key)) insertSorted(doc, parent, key, value);
    else doc.setIn(path, goSafeScalar(value));
  }
  return doc.toString(GO_YAML_STRINGIFY);
}

/** A scalar quoted when YAML 1.1 would read the plain form as something other than a string. */
function goSafeScalar(value: string): Scalar {
  const scalar = new Scalar(value);
  if (/^["']/.test(stringify(value, GO_YAML_STRINGIFY))) scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

function keyText(node: unknown): string {
  return isScalar(node) ? String(node.value) : String(node);
}

function insertSorted(doc: Document, map: YAMLMap, key: string, value: string): void {
  const pair = doc.createPair(goSafeScalar(key), goSafeScalar(value));
  const keys = map.items.map((item) => keyText(item.key));
  const sorted = keys.every((k, i) => i === 0 || compareGoYamlKeys(keys[i - 1]!, k) <= 0);
  const at = sorted ? keys.findIndex((k) => compareGoYamlKeys(key, k) < 0) : -1;
  if (at === -1) return void map.items.push(pair);
  const first = map.items[0]?.key;
  if (at === 0 && map.commentBefore && isScalar(first)) {
    // The parser hangs a comment above the first item on the map; keep it above that item.
    first.commentBefore = map.commentBefore;
    map.commentBefore = undefined;
  }
  map.items.splice(at, 0, pair);
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
