import { isGoSpace } from "./go-unicode.js";
import { goBytesToString } from "./go-utf8.js";

/**
 * Go's message without the text after `---`: `--- {kind: Secret, stringData: {password: x}}`
 * would put the value on stderr and into CI logs (kubeseal itself prints only "no secrets found").
 */
export const SEPARATOR_ERROR =
  "invalid Yaml document separator: a line starting with --- holds text that is not a comment (not repeated here: it may hold a secret value)";

export type ReadResult =
  | { kind: "document"; bytes: Uint8Array; start: number; end: number }
  | { kind: "eof" }
  | { kind: "error"; message: string };

/**
 * The document splitter of k8s.io/apimachinery's `YAMLReader` (util/yaml/decoder.go), which cuts
 * a YAML stream into documents before any YAML parser sees it: line by line (a CRLF line end
 * becomes LF, every line gets a LF), a line starting with `---` ends the document when the rest
 * of the line is blank or a comment, and is an error otherwise (Go's `invalid Yaml document
 * separator: x` repeats the text, which can be a whole flow-style Secret: Signet says
 * {@link SEPARATOR_ERROR} instead; the document read so far is lost). A separator met before any
 * line of a document is kept as its first line, so `---\n---\n` is one (empty) document. Works
 * on bytes; offsets are byte offsets.
 */
export class YamlDocumentReader {
  private readonly input: Uint8Array;
  private pos: number;

  constructor(input: Uint8Array, start: number) {
    // A plain view: slicing a Node.js Buffer builds a Buffer each time, several times slower.
    this.input = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    this.pos = start;
  }

  /** One line: its start, where its text stops (before LF or CRLF), and whether a LF ends it. */
  private line(): { start: number; stop: number; lf: boolean } | undefined {
    if (this.pos >= this.input.length) return undefined;
    const start = this.pos;
    let end = this.input.indexOf(0x0a, start);
    if (end < 0) end = this.input.length;
    this.pos = Math.min(end + 1, this.input.length);
    let stop = end;
    if (end < this.input.length && stop > start && this.input[stop - 1] === 0x0d) stop--;
    return { start, stop, lf: stop < this.input.length && this.input[stop] === 0x0a };
  }

  /** The next document (its lines re-joined with LF), the end, or a separator error. */
  read(): ReadResult {
    const pieces = new Pieces();
    let start = -1;
    let end = -1;
    for (;;) {
      const line = this.line();
      if (!line) break;
      if (isSeparator(this.input, line.start, line.stop)) {
        const trimmed = trimGoSpace(this.input.subarray(line.start + 3, line.stop));
        if (trimmed.length > 0 && trimmed[0] !== 0x23) {
          return { kind: "error", message: SEPARATOR_ERROR };
        }
        if (pieces.length > 0) return document(this.input, pieces, start, end);
        // A separator before any content stays in the document (`---` then opens it in YAML).
      }
      if (start < 0) start = line.start;
      end = this.pos;
      pieces.addLine(line);
    }
    return pieces.length > 0 ? document(this.input, pieces, start, end) : { kind: "eof" };
  }
}

/**
 * A document's bytes as ranges of the input, each line followed by a LF: a line that ends with
 * a LF in the input extends the range before it, so a document of LF-ended lines is one range
 * however many lines (comments) it has; a CRLF or a missing final LF adds a LF of its own.
 */
class Pieces {
  /** Pairs [from, to) of input offsets; [-1, -1] is a LF not in the input. */
  private readonly ranges: number[] = [];
  length = 0;

  addLine(line: { start: number; stop: number; lf: boolean }): void {
    const { ranges } = this;
    const to = line.lf ? line.stop + 1 : line.stop;
    const last = ranges.length - 1;
    if (last > 0 && ranges[last] === line.start && ranges[last - 1] !== -1) ranges[last] = to;
    else if (to > line.start) ranges.push(line.start, to);
    if (!line.lf) ranges.push(-1, -1);
    this.length += line.stop - line.start + 1;
  }

  /** The bytes: a copy of the ranges of `input`, with the added LFs. */
  bytes(input: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (let i = 0; i < this.ranges.length; i += 2) {
      const from = this.ranges[i]!;
      if (from < 0) out[at++] = 0x0a;
      else {
        out.set(input.subarray(from, this.ranges[i + 1]), at);
        at += this.ranges[i + 1]! - from;
      }
    }
    return out;
  }
}

function isSeparator(input: Uint8Array, start: number, stop: number): boolean {
  return (
    stop - start >= 3 &&
    input[start] === 0x2d &&
    input[start + 1] === 0x2d &&
    input[start + 2] === 0x2d
  );
}

function document(input: Uint8Array, pieces: Pieces, start: number, end: number): ReadResult {
  return { kind: "document", bytes: pieces.bytes(input), start, end };
}

/** `bytes.TrimSpace`. */
function trimGoSpace(bytes: Uint8Array): Uint8Array {
  if (bytes.every((b) => b < 0x80)) return trimAsciiSpace(bytes);
  const text = goBytesToString(bytes);
  let a = 0;
  let b = text.length;
  while (a < b && isGoSpace(text.codePointAt(a)!)) a++;
  while (b > a && isGoSpace(text.codePointAt(b - 1)!)) b--;
  return new TextEncoder().encode(text.slice(a, b));
}

/** `bytes.TrimSpace` of ASCII bytes (every separator line a stream of `---` lines has). */
function trimAsciiSpace(bytes: Uint8Array): Uint8Array {
  let a = 0;
  let b = bytes.length;
  while (a < b && isGoSpace(bytes[a]!)) a++;
  while (b > a && isGoSpace(bytes[b - 1]!)) b--;
  return bytes.subarray(a, b);
}
