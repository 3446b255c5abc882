import { isScalar, parseAllDocuments, parseDocument } from "yaml";
import type { Document } from "yaml";

import { SignetError } from "../errors.js";
import type { SealedSecret, Secret } from "../model.js";
import { LIST_TYPE, SEALED_SECRET_TYPE, SECRET_TYPE } from "./go-types.js";
import type { GoType } from "./go-types.js";
import type { TypedObject } from "./go-unmarshal.js";
import { marshalJson } from "./json-tree.js";
import { readObjects } from "./stream.js";
import type { DecodeEvent, ReadOutcome } from "./stream.js";
import { sealedSecretFromGo, secretFromGo } from "./to-model.js";
import { decodeUniversal } from "./universal.js";
import { yamlChunkToJson } from "./yaml-chunk.js";
import { RawJson } from "./go-unmarshal.js";
import { utf8Bytes, utf8Text } from "./utf8.js";

/**
 * Signet's one manifest decoder: every reader of manifests and kubeconfigs goes through here,
 * and each gives Go's meaning to the text (YAML 1.1 as go-yaml v2 reads it, then the typed
 * conversion of sigs.k8s.io/yaml and encoding/json into the k8s.io/api types), as kubeseal,
 * kubectl and the API server would. Proven against the Go code by test/yaml-diff.
 *
 * - {@link decodeSecrets} / {@link decodeSealedSecrets}: a stream as kubeseal reads its input.
 * - {@link decodeSealedSecretObject}: one SealedSecret as kubeseal reads `--merge-into` and
 *   `--recovery-unseal` files (the API machinery's universal decoder).
 * - {@link decodeKeyBackup}: the Secrets of a `--recovery-private-key` backup.
 * - {@link readManifest}: documents for readers and editors: each document's span, its meaning
 *   as plain JSON values, its typed meaning on demand, and a `yaml` Document for edits that keep
 *   comments.
 *
 * Where kubeseal silently skips a document it cannot decode, hangs, or accepts text that Go and
 * YAML 1.2 tools read differently, Signet stops with an error naming the input and document.
 */
export type ManifestInput = string | Uint8Array;

function bytesOf(input: ManifestInput): Uint8Array {
  return typeof input === "string" ? utf8Bytes(input) : input;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function where(bytes: Uint8Array, source: string, index: number, event: DecodeEvent): string {
  const line = event.span ? `, line ${lineAt(bytes, event.span.start)}` : "";
  return `${source}: document ${index + 1}${line}`;
}

/**
 * A document that cannot be read. `message` is what kubeseal-compatible commands print;
 * `document` (0-based), `line` (1-based line of the document's start, when known) and `detail`
 * (the reason alone, Go's words or Signet's refusal) let other readers word their own message.
 */
export class ManifestReadError extends SignetError {
  readonly document: number;
  readonly line: number | undefined;
  readonly detail: string;

  constructor(message: string, at: { document: number; line?: number; detail: string }) {
    super("ERR_INVALID_INPUT", message);
    this.name = "ManifestReadError";
    this.document = at.document;
    this.line = at.line;
    this.detail = at.detail;
  }
}

/**
 * Signet's policy over kubeseal's read loop: the first document kubeseal would fail on fails
 * with Go's own words (as kubeseal prints them); a document kubeseal would skip silently, a
 * stuck decoder (kubeseal hangs) or a refusal fails naming the input and document.
 */
function checkOutcome(outcome: ReadOutcome, bytes: Uint8Array, source: string): void {
  outcome.events.forEach((event, index) => {
    if (event.refusal === undefined && event.error === undefined) return;
    // Counted only for the document that fails: per document it would be quadratic.
    const at = {
      document: index,
      ...(event.span ? { line: lineAt(bytes, event.span.start) } : {}),
    };
    if (event.refusal !== undefined) {
      throw new ManifestReadError(`${where(bytes, source, index, event)}: ${event.refusal}`, {
        ...at,
        detail: event.refusal,
      });
    }
    if (event.error === undefined) return;
    if (!event.empty) throw new ManifestReadError(event.error, { ...at, detail: event.error });
    const hang =
      outcome.loops && index === outcome.events.length - 1
        ? " (kubeseal stops responding on this input)"
        : "";
    throw new ManifestReadError(`${where(bytes, source, index, event)}: ${event.error}${hang}`, {
      ...at,
      detail: `${event.error}${hang}`,
    });
  });
}

/** Options of the stream readers. */
export interface StreamOptions {
  /**
   * Refuse a document whose `kind` is set to another kind (kubeseal decodes any kind into the
   * target type, so a ConfigMap's `data` would seal as if it were base64 Secret data).
   */
  kind?: string;
  /**
   * The caller seals what it reads, and a SealedSecret never carries `metadata.managedFields`
   * (seal-plan.ts drops them): they are decoded and checked as Go does, then not turned into
   * model objects (a 1 MiB FieldsV1 would be a JavaScript object of 76,000 keys, for nothing).
   */
  forSealing?: boolean;
}

function objectsOf<T>(
  input: { bytes: Uint8Array; source: string },
  type: GoType,
  options: StreamOptions,
  convert: (value: TypedObject) => T,
): T[] {
  const { bytes, source } = input;
  // checkOutcome fails at the first error: reading past it would only cost time and memory.
  const outcome = readObjects(bytes, type, { stopAtSkippedError: true });
  checkOutcome(outcome, bytes, source);
  const objects: T[] = [];
  outcome.events.forEach((event, index) => {
    if (event.empty) return;
    const kind = event.value["kind"];
    if (options.kind !== undefined && typeof kind === "string" && kind !== options.kind) {
      throw new SignetError(
        "ERR_INVALID_INPUT",
        `${source}: document ${index + 1} is a ${JSON.stringify(kind)}, not a ${options.kind}`,
      );
    }
    objects.push(convert(event.value));
  });
  return objects;
}

/**
 * The Secrets of a stream as kubeseal reads its input (`readSecrets`): YAML documents or
 * concatenated JSON, each decoded into a v1.Secret; empty documents skipped. `source` names
 * the input in errors ("stdin", a file name).
 */
export function decodeSecrets(
  input: ManifestInput,
  source: string,
  options: StreamOptions = {},
): Secret[] {
  return objectsOf({ bytes: bytesOf(input), source }, SECRET_TYPE, options, (value) =>
    secretFromGo(options.forSealing ? withoutManagedFields(value) : value),
  );
}

/** A decoded v1.Secret without `metadata.managedFields` (see {@link StreamOptions.forSealing}). */
function withoutManagedFields(value: TypedObject): TypedObject {
  const meta = value["metadata"];
  if (meta !== null && typeof meta === "object") delete (meta as TypedObject)["managedFields"];
  return value;
}

/** The SealedSecrets of a stream as kubeseal reads `--validate` and `--re-encrypt` input. */
export function decodeSealedSecrets(
  input: ManifestInput,
  source: string,
  options: StreamOptions = {},
): SealedSecret[] {
  return objectsOf(
    { bytes: bytesOf(input), source },
    SEALED_SECRET_TYPE,
    options,
    sealedSecretFromGo,
  );
}

const SEALED_SECRET_GVK = { group: "bitnami.com", version: "v1alpha1", kind: "SealedSecret" };
const LIST_GVK = { group: "", version: "v1", kind: "List" };

/**
 * One SealedSecret as kubeseal decodes `--merge-into` and `--recovery-unseal` files (the API
 * machinery's universal decoder: the first YAML document or one JSON value; apiVersion and kind
 * default to bitnami.com/v1alpha1 SealedSecret; another kind is an error; field names are
 * case-sensitive and a number in a string field is an error).
 */
export function decodeSealedSecretObject(input: ManifestInput, source: string): SealedSecret {
  const result = decodeUniversal(bytesOf(input), SEALED_SECRET_TYPE, SEALED_SECRET_GVK);
  if (!result.ok) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      result.refusal ? `${source}: ${result.refusal}` : result.error,
    );
  }
  return sealedSecretFromGo(result.value);
}

/**
 * The key Secrets of a `--recovery-private-key` backup as kubeseal reads them: a v1 `List`
 * (also a kind-less object with `items`) whose items are decoded as Secrets, else a stream of
 * Secrets. Errors never quote the document (it holds private keys).
 */
export function decodeKeyBackup(input: ManifestInput, source: string): Secret[] {
  const bytes = bytesOf(input);
  const list = decodeUniversal(bytes, LIST_TYPE, LIST_GVK);
  if (!list.ok) return decodeSecrets(bytes, source);
  const items = (list.value["items"] as RawJson[] | undefined) ?? [];
  return items.flatMap((item, i) =>
    decodeSecrets(utf8Bytes(item.text), `${source}: item ${i + 1}`),
  );
}

/** One document of a manifest, for readers and editors. */
export interface ManifestDocument {
  /** 0-based position among the stream's documents (empty ones included). */
  index: number;
  format: "yaml" | "json";
  /**
   * Byte offsets of the document in the input: a YAML document's lines (with a `---` line that
   * opens the stream or follows another, but not the separator that ends it), a JSON value's
   * text. Replacing `[start, end)` edits this document and leaves the others byte for byte.
   */
  start: number;
  end: number;
  /** 1-based line of `start` in the input. */
  line: number;
  /** The document's source text. */
  text: string;
  /**
   * Its meaning: the JSON Go's sigs.k8s.io/yaml.YAMLToJSON makes of it (YAML 1.1: `yes` is
   * true, `0x1F` is 31, `<<` merges, big integers become floats beyond int64), as JavaScript
   * values (JSON.parse of that JSON). Null for an empty document.
   */
  value: unknown;
  /** The document as a SealedSecret, decoded as kubeseal decodes one (universal decoder). */
  sealedSecret(): SealedSecret;
  /** The document as a v1.Secret, decoded as kubeseal decodes its input. */
  secret(): Secret;
  /**
   * The document as a `yaml` Document for edits that keep everything else as it was: comments,
   * styles and source ranges (relative to `text`) kept, and every scalar read as its source
   * text (the failsafe schema), so untouched values print back exactly as written (`0x1F` stays
   * `0x1F`). Their meaning is {@link ManifestDocument.value}; a new scalar that YAML 1.1 readers
   * would take for a non-string must be quoted (see `goYamlNeedsQuotes`).
   */
  yaml(): Document.Parsed;
}

function manifestDocument(
  bytes: Uint8Array,
  event: DecodeEvent,
  at: { index: number; line: number },
  source: string,
): ManifestDocument {
  const { index, line } = at;
  const span = event.span ?? { format: "yaml" as const, start: 0, end: 0 };
  const slice = bytes.subarray(span.start, span.end);
  const text = utf8Text(slice);
  const label = `${source}: document ${index + 1}`;
  let parsed: Document.Parsed | undefined;
  return {
    index,
    format: span.format,
    start: span.start,
    end: span.end,
    line,
    text,
    value:
      event.json === undefined || event.json === null
        ? null
        : (JSON.parse(marshalJson(event.json)) as unknown),
    sealedSecret: () => decodeSealedSecretObject(slice, label),
    secret: () => {
      const secrets = decodeSecrets(slice, label);
      if (secrets.length !== 1) throw new SignetError("ERR_INVALID_INPUT", `${label}: is empty`);
      return secrets[0]!;
    },
    yaml: () =>
      (parsed ??= parseDocument(text, {
        schema: "failsafe",
        keepSourceTokens: true,
        uniqueKeys: false,
      })),
  };
}

/**
 * Why `yaml`, a document Signet reads as Go does, cannot be edited in place, if it cannot: Signet
 * reads some YAML that the `yaml` package (YAML 1.2) refuses, as Go does (a flow collection's
 * lines indented less than its key), and the comment-keeping editor is that package.
 */
export function notEditableReason(yaml: Document.Parsed): string | undefined {
  const [error] = yaml.errors;
  if (!error) return undefined;
  return `Signet reads this document as Go does but cannot edit it in place keeping its comments (${error.message.split("\n")[0]}); indent the lines of its flow collections past their key, or write it in block style`;
}

/**
 * The `yaml` Document of `doc` for an edit (`--merge-into`); a document that cannot be edited
 * in place (see {@link notEditableReason}) fails naming it (`where`), the file untouched.
 */
export function yamlForEdit(doc: ManifestDocument, where: string): Document.Parsed {
  const yaml = doc.yaml();
  const reason = notEditableReason(yaml);
  if (reason) {
    throw new SignetError("ERR_INVALID_INPUT", `${where}: document ${doc.index + 1}: ${reason}`);
  }
  return yaml;
}

/**
 * Every document of a manifest stream (split as kubeseal splits its input), with its meaning
 * and its source. Throws on the first document that cannot be read.
 */
export function readManifest(input: ManifestInput, source: string): ManifestDocument[] {
  const bytes = bytesOf(input);
  const outcome = readObjects(bytes, undefined);
  checkOutcome(outcome, bytes, source);
  let line = 1;
  let counted = 0;
  return outcome.events.map((event, index) => {
    const start = event.span?.start ?? 0;
    for (; counted < start; counted++) if (bytes[counted] === 0x0a) line++;
    return manifestDocument(bytes, event, { index, line }, source);
  });
}

/**
 * The documents of a `--merge-into` file. kubeseal reads that file with the universal decoder,
 * which takes the first YAML document as go-yaml reads it, so a `---` line holding the document
 * itself (`--- {apiVersion: ...}`) is valid there, although the stream reader (kubectl's, which
 * reads inputs) refuses such a line. A file that is one such document is read as that document,
 * to be rewritten whole as kubeseal rewrites every merge target: JSON, or YAML with `-o yaml`
 * (edited in place, its flow mapping would stay a JSON-looking line that readers of streams
 * take for JSON). Anything else reads as a stream, and a stream's errors stand.
 */
export function readMergeTarget(input: ManifestInput, source: string): ManifestDocument[] {
  const bytes = bytesOf(input);
  try {
    return readManifest(bytes, source);
  } catch (err) {
    const whole = wholeDocument(bytes, source);
    if (whole === undefined) throw err;
    return [whole];
  }
}

/** A `---` line with content after it: the start of one document written on the marker's line. */
const CONTENT_AFTER_MARKER = /^\ufeff?(?:[ \t]*(?:#[^\n]*)?\r?\n)*---[ \t]+[^#\s]/;

/**
 * `bytes` as the one YAML document it is when it opens with content on its `---` line (empty
 * documents may follow), or undefined: another shape, more than one document (Go would read the
 * first alone and the rest would be lost on writing), or text the `yaml` package cannot read.
 */
function wholeDocument(bytes: Uint8Array, source: string): ManifestDocument | undefined {
  const text = utf8Text(bytes);
  if (!CONTENT_AFTER_MARKER.test(text)) return undefined;
  const parsed = parseAllDocuments(text, { schema: "failsafe", uniqueKeys: false });
  // Empty documents after it (`--- {...}` then `---`) hold nothing to lose in the rewrite.
  const [first, ...rest] = Array.isArray(parsed) ? parsed : [];
  if (!first || [first, ...rest].some((doc) => doc.errors.length > 0)) return undefined;
  if (rest.some((doc) => !emptyDocument(doc.contents))) return undefined;
  const read = yamlChunkToJson(bytes);
  if (!read.ok) return undefined;
  // The span ends before the trailing line break, which the rewrite keeps.
  const end = utf8Bytes(text.trimEnd()).length;
  const event: DecodeEvent = {
    value: {},
    json: read.json,
    empty: false,
    span: { format: "json", start: 0, end },
  };
  return manifestDocument(bytes, event, { index: 0, line: 1 }, source);
}

/** A document the `yaml` package read as nothing: no node, or an empty plain scalar. */
function emptyDocument(contents: unknown): boolean {
  if (contents === null || contents === undefined) return true;
  return isScalar(contents) && contents.source === "" && !contents.tag && !contents.anchor;
}

/**
 * The non-empty documents of a stream as plain JSON values (Go's meaning, see
 * {@link ManifestDocument.value}). `source` names the input in errors.
 */
export function decodeDocuments(input: ManifestInput, source: string): unknown[] {
  return readManifest(input, source)
    .map((doc) => doc.value)
    .filter((value) => value !== null);
}

export { RawJson };
