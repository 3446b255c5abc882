import { decodeRune } from "./go-unicode.js";
import { goBytesToString, validSequenceLength } from "./go-utf8.js";
import { GoYamlDecoder, GoYamlError } from "./go-yaml-decode.js";
import type { GoType } from "./go-types.js";
import type { TypedObject } from "./go-unmarshal.js";
import type { GoValue } from "./go-value.js";
import type { JsonValue } from "./json-tree.js";
import { ConversionError, KeyCollision, marshalCheck, toJson } from "./sigs-yaml.js";
import { parseFastYaml } from "./yaml-fast.js";
import { flowNestingExceeded, MAX_FLOW_NESTING, parseYaml, YamlSyntaxError } from "./yaml-parse.js";
import type { YamlNode } from "./yaml-node.js";
import { utf8Length } from "./utf8.js";
import { exceedsYamlTokens } from "./token-budget.js";

/**
 * One YAML document through sigs.k8s.io/yaml's `yamlToJSONTarget`: go-yaml v2 reads it (first
 * checking the bytes as its reader does: UTF-8 only, no control characters), then the values go
 * to JSON, coerced for `target`. Failures carry Go's wording; a few inputs that YAML 1.1 and
 * the YAML 1.2 parser underneath read differently are refused by Signet instead (`refusal`).
 */
export type ChunkJson =
  | { ok: true; json: JsonValue }
  | { ok: false; error: string; refusal?: string; yaml12?: boolean; mapKey?: boolean };

/** libyaml's printable characters (its reader refuses anything else). */
function isYamlPrintable(code: number): boolean {
  return (
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0d ||
    (code >= 0x20 && code <= 0x7e) ||
    code === 0x85 ||
    (code >= 0xa0 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    code >= 0x10000
  );
}

/** The length a UTF-8 sequence's leading byte announces (0: not a leading byte). */
function announcedWidth(b0: number): number {
  if ((b0 & 0xe0) === 0xc0) return 2;
  if ((b0 & 0xf0) === 0xe0) return 3;
  if ((b0 & 0xf8) === 0xf0) return 4;
  return 0;
}

function isOverlong(bytes: Uint8Array, i: number, width: number): boolean {
  const b0 = bytes[i]!;
  const b1 = bytes[i + 1]!;
  if (width === 2) return b0 < 0xc2;
  if (width === 3) return b0 === 0xe0 && b1 < 0xa0;
  return b0 === 0xf0 && b1 < 0x90;
}

/** The reader error libyaml reports for the bad UTF-8 sequence at `i`. */
function utf8Problem(bytes: Uint8Array, i: number): string {
  const width = announcedWidth(bytes[i]!);
  if (width === 0) return "invalid leading UTF-8 octet";
  if (i + width > bytes.length) return "incomplete UTF-8 octet sequence";
  for (let k = 1; k < width; k++)
    if ((bytes[i + k]! & 0xc0) !== 0x80) return "invalid trailing UTF-8 octet";
  return isOverlong(bytes, i, width)
    ? "invalid length of a UTF-8 sequence"
    : "invalid Unicode character";
}

/**
 * libyaml decodes its input in 512-byte blocks as its scanner needs characters: a bad byte is
 * reported once the block holding it is read, so one far behind the first document (in a
 * following document go-yaml never parses) goes unnoticed. A UTF-8 sequence a block cuts off
 * is left for the next block, which then starts at that sequence (not at a multiple of 512): a
 * bad sequence announced in a block's last bytes is only met when the next block is read.
 */
const READ_BLOCK = 512;

/** A byte go-yaml's reader refuses, its error, and where the block libyaml meets it starts. */
interface ReaderProblem {
  at: number;
  error: string;
  blockStart: number;
}

/** The first byte go-yaml's reader refuses (bad UTF-8, a control character) and its error. */
function readerProblem(bytes: Uint8Array): ReaderProblem | undefined {
  let blockStart = 0;
  const found = (at: number, error: string, width: number): ReaderProblem => {
    const end = at + width;
    // Cut off by the block or by the end of the input: met by the next read.
    const start = end > blockStart + READ_BLOCK || end > bytes.length ? at : blockStart;
    return { at, error, blockStart: start };
  };
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    if (b < 0x80) {
      if (!isYamlPrintable(b)) return found(i, "control characters are not allowed", 1);
      if (i + 1 > blockStart + READ_BLOCK) blockStart = i;
      i++;
      continue;
    }
    const n = validSequenceLength(bytes, i);
    if (n === 0) return found(i, utf8Problem(bytes, i), Math.max(1, announcedWidth(b)));
    if (!isYamlPrintable(decodeRune(bytes, i)[0]))
      return found(i, "control characters are not allowed", n);
    if (i + n > blockStart + READ_BLOCK) blockStart = i;
    i += n;
  }
  return undefined;
}

function seenBy(problem: ReaderProblem | undefined, reachBytes: number): boolean {
  return problem !== undefined && problem.blockStart <= reachBytes;
}

/** Bytes libyaml reads when its scanner has got to `offset` of the text. */
function reachOf(text: string, offset: number): number {
  return utf8Length(text.slice(0, Math.min(text.length, offset)));
}

/**
 * Text go-yaml (YAML 1.1) and the YAML 1.2 reader take differently: refused, documented. A
 * U+2028 or U+2029 before a YAML 1.2 syntax error (`lineSeparators`) may be why the reader failed;
 * in a document it read, the full reader has checked them (yaml-parse.ts `checkLineSeparators`).
 */
function ambiguity(text: string, lineSeparators = false): string | undefined {
  if (lineSeparators && /[\u2028\u2029]/.test(text)) {
    return "the document contains a Unicode line separator (U+2028 or U+2029), which YAML 1.1 tools read as a line break and YAML 1.2 tools do not";
  }
  if (text.indexOf("\ufeff", 1) >= 0)
    return "the document contains a byte-order mark after its start";
  return undefined;
}

const UTF16_REFUSAL = "the document is UTF-16; Signet reads UTF-8 only";

type ValueResult =
  { value: GoValue | undefined } | { error: string; refusal?: string; yaml12?: boolean };

function syntaxFailure(
  err: unknown,
  text: string,
  problem: ReaderProblem | undefined,
): ValueResult {
  if (err instanceof YamlSyntaxError) {
    const reach = err.offset === undefined ? Infinity : reachOf(text, err.offset + 4);
    if (seenBy(problem, reach)) return { error: `yaml: ${problem!.error}` };
    if (err.deliberate) return { error: err.message, refusal: err.message };
    // The YAML 1.2 reader may have failed only because it reads the text differently (a U+2028
    // that libyaml takes as a line break): refused as ambiguous, not reported as Go's error.
    const ambiguous = ambiguity(text.slice(0, (err.offset ?? text.length) + 1), err.yaml12);
    if (ambiguous) return { error: ambiguous, refusal: ambiguous };
    const hint = onlyDirectives(text) ? DIRECTIVE_HINT : "";
    return { error: `yaml: ${err.message}${hint}`, ...(err.yaml12 ? { yaml12: true } : {}) };
  }
  if (err instanceof GoYamlError) return { error: `yaml: ${err.message}` };
  throw err;
}

/**
 * Go's document splitter cuts `%YAML 1.1` / `%TAG` lines off from the `---` that follows them:
 * the directives alone make a document go-yaml fails on (kubeseal then skips it silently).
 */
const DIRECTIVE_HINT =
  " (this document holds only YAML directives: Kubernetes' document splitter cuts them off from the --- line that follows; remove them)";

function onlyDirectives(text: string): boolean {
  const lines = text.split("\n").filter((line) => !/^\s*(#.*)?$/.test(line));
  return lines.length > 0 && lines.every((line) => line.startsWith("%"));
}

/**
 * Most YAML tokens (scalars, indicators, line breaks, comments) a document outside the fast
 * readers' subset (yaml-fast.ts: block and flow collections of one-line scalars, anchors and
 * aliases) may hold. The full reader costs about 0.5 KiB of memory per token (the `yaml`
 * package's syntax tree and document), so a megabyte of block scalars, tags or empty items
 * would take hundreds of megabytes; this bound keeps any input under 1 MiB within 100 MiB.
 * Go reads such documents; no Secret comes near (a thousand keys with block scalars is under
 * 10,000 tokens), and the refusal says how to write it instead (README: deliberate differences).
 */
export const MAX_FULL_READER_TOKENS = 25_000;

/**
 * Most lines such a document may have: a block scalar is one token however many lines it has,
 * and the `yaml` package spends about 0.15 KiB on each (a megabyte of empty lines in one block
 * scalar took 220 MB). A 1 MiB configuration file in a block scalar is about 30,000 lines.
 */
export const MAX_FULL_READER_LINES = 50_000;

function exceedsLines(text: string, limit: number): boolean {
  let lines = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1))
    if (++lines > limit) return true;
  return false;
}

function overBudget(): YamlSyntaxError {
  return new YamlSyntaxError(
    `the document has more than ${MAX_FULL_READER_TOKENS.toLocaleString("en-US")} YAML tokens or ${MAX_FULL_READER_LINES.toLocaleString("en-US")} lines and uses YAML that Signet reads only in documents below that size (block scalars, tags, explicit keys, multi-line or empty values...); write its large parts as plain block or flow collections of one-line values, or split it`,
    { deliberate: true },
  );
}

interface Parsed {
  node: YamlNode | undefined;
  end: number;
  scanned: number;
}

/**
 * The first document's nodes: the fast path for plain block mappings, else the full parser. A
 * document the fast path reads up to a double-quoted value that never closes fails as the full
 * parser fails on it (Signet's YAML 1.2 refusal, see yaml-parse.ts), without building the value.
 */
function parseChunk(text: string, checked: boolean): Parsed {
  const fast = checked ? parseFastYaml(text) : undefined;
  if (fast === undefined) {
    // Nesting too deep is refused as such (before any parsing) rather than as too many tokens.
    const tooDeep = flowNestingExceeded(text, MAX_FLOW_NESTING) >= 0;
    const tooLarge =
      exceedsLines(text, MAX_FULL_READER_LINES) || exceedsYamlTokens(text, MAX_FULL_READER_TOKENS);
    if (!tooDeep && tooLarge) throw overBudget();
    return parseYaml(text);
  }
  if (fast !== "empty" && "refusal" in fast)
    throw new YamlSyntaxError(fast.refusal, { deliberate: true });
  if (fast !== "empty" && "unclosedQuote" in fast) {
    const { message, offset } = fast.unclosedQuote;
    throw new YamlSyntaxError(message, { yaml12: true, offset });
  }
  return { node: fast === "empty" ? undefined : fast, end: text.length, scanned: text.length };
}

function isUtf16(bytes: Uint8Array): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

/** The go-yaml value of the first document of `bytes` (undefined: no document, only comments). */
export function goYamlValue(bytes: Uint8Array): ValueResult {
  if (isUtf16(bytes)) return { error: UTF16_REFUSAL, refusal: UTF16_REFUSAL };
  const problem = readerProblem(bytes);
  const text = goBytesToString(bytes);
  // libyaml reads a document of the fast path's subset to its end without a syntax error, so it
  // meets the bad byte; the full parser would say the same after building a token per line.
  if (problem !== undefined && parseFastYaml(text) !== undefined)
    return { error: `yaml: ${problem.error}` };
  let parsed: Parsed;
  try {
    parsed = parseChunk(text, problem === undefined);
  } catch (err) {
    return syntaxFailure(err, text, problem);
  }
  if (seenBy(problem, reachOf(text, parsed.scanned))) return { error: `yaml: ${problem!.error}` };
  const refusal = ambiguity(text.slice(0, parsed.end));
  if (refusal) return { error: refusal, refusal };
  if (parsed.node === undefined) return { value: undefined };
  try {
    return { value: new GoYamlDecoder().decodeDocument(parsed.node) };
  } catch (err) {
    return syntaxFailure(err, text, undefined);
  }
}

/**
 * sigs.k8s.io/yaml's YAML-to-JSON step for one document, coercing for `target` (`Unmarshal`) or
 * not (`YAMLToJSON`). Errors are worded as Go's, with the `error converting YAML to JSON:` prefix.
 */
export function yamlChunkToJson(
  bytes: Uint8Array,
  target?: GoType,
  holder?: TypedObject,
): ChunkJson {
  const read = goYamlValue(bytes);
  if ("error" in read) {
    const { error, ...rest } = read;
    return { ok: false, error: `error converting YAML to JSON: ${error}`, ...rest };
  }
  try {
    const json = toJson(read.value ?? null, target, holder);
    marshalCheck(json);
    return { ok: true, json };
  } catch (err) {
    if (err instanceof KeyCollision) return { ok: false, error: err.message, refusal: err.message };
    if (err instanceof ConversionError) {
      return {
        ok: false,
        error: `error converting YAML to JSON: ${err.message}`,
        ...(err.mapKey ? { mapKey: true } : {}),
      };
    }
    throw err;
  }
}
