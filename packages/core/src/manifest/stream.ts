import { GoJsonStream, UNEXPECTED_EOF } from "./go-json-scan.js";
import { firstInvalidUtf8 } from "./go-utf8.js";
import { decodeRune, isGoSpace, skipGoSpace } from "./go-unicode.js";
import type { GoType } from "./go-types.js";
import { findField, prune, unmarshalInto } from "./go-unmarshal.js";
import type { TypedObject } from "./go-unmarshal.js";
import type { JsonValue } from "./json-tree.js";
import { yamlChunkToJson } from "./yaml-chunk.js";
import { YamlDocumentReader } from "./yaml-reader.js";

/**
 * k8s.io/apimachinery v0.35.3's `YAMLOrJSONDecoder` (util/yaml/decoder.go), which kubeseal reads
 * its input with, decode call by decode call: a stream whose first 4,096 bytes start (after
 * Unicode spaces) with `{` is read as concatenated JSON values with encoding/json (no coercion,
 * case-insensitive fields); on a failure while at most one value was read it rewinds to the end
 * of the last value, skips whitespace up to and including one line break (needing four bytes of
 * look-ahead) and reads the rest as YAML; anything else is YAML documents split by `---` lines,
 * each decoded by sigs.k8s.io/yaml into the target type. The error of a failed call is JSON's
 * when the JSON reader failed first (a syntax error with `json: offset N:`).
 */

/** The source of one decoded document: its format and byte span in the input. */
export interface DocumentSpan {
  format: "json" | "yaml";
  start: number;
  end: number;
}

/** What one `Decode` call did: the object after it, and Go's error. */
export interface DecodeEvent {
  /** The target after the call (empty object: Go's zero value). */
  value: TypedObject;
  /** Without a target type: the document's JSON (null for an empty document). */
  json?: JsonValue;
  empty: boolean;
  /** The error text Go's decoder returns. */
  error?: string;
  /** A reason Signet refuses this document although Go may accept it (documented in README). */
  refusal?: string;
  /** The error is the YAML 1.2 parser's; go-yaml may read the document (see yaml-parse.ts). */
  yaml12?: boolean;
  /**
   * The document has a key Go cannot convert: Go fails at a random point of its map iteration,
   * so what it left in the object varies; Signet leaves the object untouched.
   */
  mapKey?: boolean;
  span?: DocumentSpan;
}

/** kubeseal's read loop over a stream: every call, and whether Go would loop forever. */
export interface ReadOutcome {
  events: DecodeEvent[];
  /** Go's decoder is stuck returning one error (kubeseal hangs); Signet stops. */
  loops: boolean;
}

type CallResult =
  | { kind: "eof" }
  | {
      kind: "done";
      error?: string;
      refusal?: string;
      yaml12?: boolean;
      mapKey?: boolean;
      span?: DocumentSpan;
      stuck?: boolean;
      json?: JsonValue;
    };

const JSON_GUESS_BYTES = 4096;

class YamlOrJsonDecoder {
  private json?: GoJsonStream;
  private yaml?: YamlDocumentReader;
  private count = 0;
  /** Where the JSON reader's last value ended (the stream's consumed position). */
  private consumed = 0;

  private readonly input: Uint8Array;
  private readonly type: GoType | undefined;

  constructor(input: Uint8Array, type: GoType | undefined) {
    this.input = input;
    this.type = type;
    const probe = Math.min(input.length, JSON_GUESS_BYTES);
    const first = skipGoSpace(input, 0, probe);
    if (first < probe && input[first] === 0x7b) {
      const fields = type?.kind === "struct" ? type.fields : undefined;
      // A member the target type has no field for is skipped by encoding/json: not kept.
      const keep = fields && ((key: string) => findField(fields, key) !== undefined);
      this.json = new GoJsonStream(input, 0, keep);
    } else this.yaml = new YamlDocumentReader(input, 0);
  }

  decode(target: TypedObject): CallResult {
    let first: { error?: string; refusal?: string } = {};
    if (this.json) {
      const outcome = this.decodeJson(target);
      if (outcome.kind !== "failed") return outcome;
      if (this.count > 1) return { kind: "done", error: outcome.raw, stuck: outcome.sticky };
      first = { error: outcome.wrapped, refusal: outcome.refusal };
      this.json = undefined;
      const start = this.consumeWhitespace(this.consumed);
      if (start !== undefined) this.yaml = new YamlDocumentReader(this.input, start);
    }
    if (this.yaml) return this.decodeYamlAfter(target, first);
    if (first.error !== undefined) return { kind: "done", ...first };
    return { kind: "done", error: "decoding failed as both JSON and YAML", stuck: true };
  }

  /** The YAML reader's call; a failed JSON attempt before it keeps its error (Go reports the first). */
  private decodeYamlAfter(
    target: TypedObject,
    first: { error?: string; refusal?: string },
  ): CallResult {
    const outcome = this.decodeYaml(target);
    if (outcome.kind === "eof" || outcome.error === undefined) return outcome;
    return {
      kind: "done",
      error: first.error ?? outcome.error,
      refusal: first.refusal ?? outcome.refusal,
      span: outcome.span,
      ...(outcome.yaml12 ? { yaml12: true } : {}),
      ...(outcome.mapKey ? { mapKey: true } : {}),
    };
  }

  private decodeJson(
    target: TypedObject,
  ):
    | CallResult
    | { kind: "failed"; raw: string; wrapped: string; sticky: boolean; refusal?: string } {
    const next = this.json!.next();
    if (next.kind === "eof") return { kind: "eof" };
    if (next.kind === "error") {
      const e = next.error;
      if (e === UNEXPECTED_EOF) return { kind: "failed", raw: e, wrapped: e, sticky: true };
      return {
        kind: "failed",
        raw: e.message,
        wrapped: `json: offset ${e.offset}: ${e.message}`,
        sticky: true,
      };
    }
    const span: DocumentSpan = { format: "json", start: next.start, end: next.end };
    const refusal =
      firstInvalidUtf8(this.input.subarray(next.start, next.end)) >= 0 ? INVALID_UTF8 : undefined;
    if (!this.type) {
      this.count++;
      this.consumed = next.end;
      return { kind: "done", span, json: next.value, ...(refusal ? { refusal } : {}) };
    }
    const { error } = unmarshalInto(this.type, target, next.value);
    if (error !== undefined)
      return { kind: "failed", raw: error, wrapped: error, sticky: false, refusal };
    this.count++;
    this.consumed = next.end;
    return { kind: "done", span, ...(refusal ? { refusal } : {}) };
  }

  private decodeYaml(target: TypedObject): CallResult {
    const read = this.yaml!.read();
    if (read.kind === "eof") return read;
    if (read.kind === "error") return { kind: "done", error: read.message };
    const span: DocumentSpan = { format: "yaml", start: read.start, end: read.end };
    const converted = yamlChunkToJson(read.bytes, this.type, this.type ? target : undefined);
    if (!converted.ok) {
      if (this.type?.kind === "struct") prune(this.type, target);
      const { ok: _ok, ...failure } = converted;
      return { kind: "done", span, ...failure };
    }
    if (!this.type) {
      this.count++;
      return { kind: "done", span, json: converted.json };
    }
    const { error } = unmarshalInto(this.type, target, converted.json);
    if (error !== undefined)
      return {
        kind: "done",
        error: `error unmarshaling JSON: while decoding JSON: ${error}`,
        span,
      };
    this.count++;
    return { kind: "done", span };
  }

  /**
   * `consumeWhitespace`: from `at`, skip Unicode spaces up to and including one LF. It reads four
   * bytes at a time, so it fails (and the decoder is left with no reader) when fewer than four
   * bytes remain, or at a byte that is not UTF-8 (or a literal U+FFFD).
   */
  private consumeWhitespace(at: number): number | undefined {
    let i = at;
    for (;;) {
      if (this.input.length - i < 4) return undefined;
      const [code, size] = decodeRune(this.input, i);
      if (code === 0xfffd) return undefined;
      if (!isGoSpace(code)) return i;
      i += size;
      if (code === 0x0a) return i;
    }
  }
}

const INVALID_UTF8 =
  "the JSON input is not valid UTF-8 (Go would replace the bad bytes with U+FFFD)";

function isNullJson(json: JsonValue | undefined): boolean {
  return json === undefined || json === null;
}

function isEmpty(value: TypedObject): boolean {
  return Object.keys(value).length === 0;
}

/**
 * kubeseal's `readSecrets`/`readSealedSecrets` loop: decode until the end, skip objects that
 * stayed empty (even when their decode failed), stop at the first error on a non-empty object.
 * Signet records every call so its caller can refuse what kubeseal skipped silently; a decoder
 * stuck on one error (kubeseal loops forever) ends the read with `loops`, a refusal ends it too,
 * and so does a skipped error with `stopAtSkippedError` (for a caller that fails there).
 */
export function readObjects(
  input: Uint8Array,
  type: GoType | undefined,
  options: { stopAtSkippedError?: boolean } = {},
): ReadOutcome {
  const decoder = new YamlOrJsonDecoder(input, type);
  const events: DecodeEvent[] = [];
  for (;;) {
    const value: TypedObject = {};
    const result = decoder.decode(value);
    if (result.kind === "eof") {
      if (type && !isEmpty(value)) events.push({ value, empty: false });
      break;
    }
    const event = eventOf(value, type ? isEmpty(value) : isNullJson(result.json), result, type);
    events.push(event);
    if (result.stuck && event.empty && result.error !== undefined) return { events, loops: true };
    if (endsRead(event, options.stopAtSkippedError === true)) break;
  }
  return { events, loops: false };
}

/**
 * The read ends at a refusal, and at an error on an object kubeseal would not skip; with
 * `stopAtSkipped`, also at an error kubeseal skips (reading on after it, as kubeseal does, is for
 * comparing the two loops: a caller that fails there anyway saves reading a few hundred
 * thousand failing documents).
 */
function endsRead(event: DecodeEvent, stopAtSkipped: boolean): boolean {
  if (event.refusal !== undefined) return true;
  return event.error !== undefined && (!event.empty || stopAtSkipped);
}

/**
 * The value of every event whose target stayed empty: a stream of a few hundred thousand empty
 * documents (`---` lines) keeps one event each, and need not keep an object each too.
 */
const EMPTY_VALUE: TypedObject = Object.freeze({});

/**
 * The event of every empty document read into a type without an error: such an event is only
 * skipped (its span is wanted by the untyped reader alone), so a stream of a few hundred
 * thousand `---` lines keeps one shared event instead of an event and a span each.
 */
const EMPTY_TYPED_EVENT: DecodeEvent = Object.freeze({ value: EMPTY_VALUE, empty: true });

function isPlainEmpty(result: Extract<CallResult, { kind: "done" }>): boolean {
  return (
    result.error === undefined &&
    result.refusal === undefined &&
    result.json === undefined &&
    !result.yaml12 &&
    !result.mapKey
  );
}

function eventOf(
  value: TypedObject,
  empty: boolean,
  result: Extract<CallResult, { kind: "done" }>,
  type: GoType | undefined,
): DecodeEvent {
  if (type && empty && isEmpty(value) && isPlainEmpty(result)) return EMPTY_TYPED_EVENT;
  const event: DecodeEvent = { value: isEmpty(value) ? EMPTY_VALUE : value, empty };
  if (result.json !== undefined) event.json = result.json;
  if (result.error !== undefined) event.error = result.error;
  if (result.refusal !== undefined) event.refusal = result.refusal;
  if (result.yaml12) event.yaml12 = true;
  if (result.mapKey) event.mapKey = true;
  if (result.span) event.span = result.span;
  return event;
}
