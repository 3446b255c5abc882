import { isGoSpace } from "./go-unicode.js";
import { goBytesToString } from "./go-utf8.js";

/**
 * The document splitter of k8s.io/apimachinery's `YAMLReader` (util/yaml/decoder.go), which cuts
 * a YAML stream into documents before any YAML parser sees it: line by line (a CRLF line end
 * becomes LF, every line gets a LF), a line starting with `---` ends the document when the rest
 * of the line is blank or a comment, and is an error otherwise (`invalid Yaml document separator:
 * x`, and the document read so far is lost). A separator met before any line of a document is
 * kept as its first line, so `---\n---\n` is one (empty) document. Works on bytes; offsets are
 * byte offsets.
 */
export type ReadResult =
  | { kind: "document"; bytes: Uint8Array; start: number; end: number }
  | { kind: "eof" }
  | { kind: "error"; message: string };

export class YamlDocumentReader {
  private readonly input: Uint8Array;
  private pos: number;

  constructor(input: Uint8Array, start: number) {
    this.input = input;
    this.pos = start;
  }

  /** One line without its LF or CRLF, or undefined at the end of input. */
  private line(): { text: Uint8Array; start: number } | undefined {
    if (this.pos >= this.input.length) return undefined;
    const start = this.pos;
    let end = this.input.indexOf(0x0a, start);
    if (end < 0) end = this.input.length;
    this.pos = Math.min(end + 1, this.input.length);
    let stop = end;
    if (end < this.input.length && stop > start && this.input[stop - 1] === 0x0d) stop--;
    return { text: this.input.subarray(start, stop), start };
  }

  /** The next document (its lines re-joined with LF), the end, or a separator error. */
  read(): ReadResult {
    const parts: Uint8Array[] = [];
    let length = 0;
    let start = -1;
    let end = -1;
    for (;;) {
      const line = this.line();
      if (!line) break;
      if (isSeparator(line.text)) {
        const trimmed = trimGoSpace(line.text.subarray(3));
        if (trimmed.length > 0 && trimmed[0] !== 0x23) {
          return {
            kind: "error",
            message: `invalid Yaml document separator: ${goBytesToString(trimmed)}`,
          };
        }
        if (length > 0) return document(parts, length, start, end);
        // A separator before any content stays in the document (`---` then opens it in YAML).
      }
      if (start < 0) start = line.start;
      end = this.pos;
      parts.push(line.text, NEWLINE);
      length += line.text.length + 1;
    }
    return length > 0 ? document(parts, length, start, end) : { kind: "eof" };
  }
}

const NEWLINE = new Uint8Array([0x0a]);

function isSeparator(line: Uint8Array): boolean {
  return line[0] === 0x2d && line[1] === 0x2d && line[2] === 0x2d;
}

function document(parts: Uint8Array[], length: number, start: number, end: number): ReadResult {
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return { kind: "document", bytes, start, end };
}

/** `bytes.TrimSpace`. */
function trimGoSpace(bytes: Uint8Array): Uint8Array {
  const text = goBytesToString(bytes);
  let a = 0;
  let b = text.length;
  while (a < b && isGoSpace(text.codePointAt(a)!)) a++;
  while (b > a && isGoSpace(text.codePointAt(b - 1)!)) b--;
  return new TextEncoder().encode(text.slice(a, b));
}
