import { goBytesToString } from "./go-utf8.js";
import { JsonNumber, JsonObject } from "./json-tree.js";
import type { JsonValue } from "./json-tree.js";

/**
 * A reader of concatenated JSON values with the behaviour of Go's `json.Decoder` over a stream
 * (`encoding/json/stream.go`, `scanner.go`): whitespace between values, Go's syntax error texts
 * (`invalid character 'x' looking for beginning of value`) with the offset of the bad byte
 * counted from the start of the stream, `unexpected EOF` for a truncated value, strings decoded
 * as Go does (every invalid UTF-8 byte and every unpaired surrogate escape becomes U+FFFD), and
 * a nesting limit of 10,000. A syntax error is final: the decoder returns it again forever.
 */

/** A syntax error as Go's scanner words it; `offset` is Go's `SyntaxError.Offset`. */
export class JsonSyntaxFailure {
  readonly message: string;
  readonly offset: number;

  constructor(message: string, offset: number) {
    this.message = message;
    this.offset = offset;
  }
}

/** Truncated input: Go's `io.ErrUnexpectedEOF`. */
export const UNEXPECTED_EOF = "unexpected EOF";

export type ScanResult =
  | { kind: "eof" }
  | { kind: "value"; value: JsonValue; start: number; end: number }
  | { kind: "error"; error: JsonSyntaxFailure | typeof UNEXPECTED_EOF };

const MAX_DEPTH = 10_000;

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/** Go's `quoteChar`: the bad byte as a quoted rune (a byte above 0x7f is that Latin-1 rune). */
export function quoteChar(b: number): string {
  if (b === 0x27) return "'\\''";
  if (b === 0x22) return "'\"'";
  return `'${goQuoteRune(b)}'`;
}

function goQuoteRune(code: number): string {
  const named: Record<number, string> = {
    7: "\\a",
    8: "\\b",
    9: "\\t",
    10: "\\n",
    11: "\\v",
    12: "\\f",
    13: "\\r",
    92: "\\\\",
  };
  if (named[code] !== undefined) return named[code];
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, "0")}`;
  if ((code >= 0x80 && code <= 0xa0) || code === 0xad)
    return `\\u${code.toString(16).padStart(4, "0")}`;
  return String.fromCharCode(code);
}

class Failure extends Error {
  readonly error: JsonSyntaxFailure | typeof UNEXPECTED_EOF;

  constructor(error: JsonSyntaxFailure | typeof UNEXPECTED_EOF) {
    super(typeof error === "string" ? error : error.message);
    this.error = error;
  }
}

interface Frame {
  kind: "object" | "array";
  start: number;
  items: JsonValue[];
  entries: [string, JsonValue][];
  key?: string;
  /** A value no field takes: read for its syntax only, nothing of it kept (it becomes null). */
  skip: boolean;
}

/** The Go `json.Decoder` state for one stream. */
export class GoJsonStream {
  private readonly bytes: Uint8Array;
  private pos: number;
  private sticky?: JsonSyntaxFailure | typeof UNEXPECTED_EOF;
  private readonly keep: ((key: string) => boolean) | undefined;

  /**
   * `keep`, when given, says which members of a top-level object are wanted (the fields of the
   * type being decoded into): the others are only checked for syntax, as encoding/json skips a
   * field the type does not have, and read as null.
   */
  constructor(bytes: Uint8Array, start = 0, keep?: (key: string) => boolean) {
    this.bytes = bytes;
    this.pos = start;
    this.keep = keep;
  }

  /** Go's `InputOffset`: the byte just after the last value read. */
  get offset(): number {
    return this.pos;
  }

  /** Reads the next value (Go's `Decode` up to the point where it unmarshals). */
  next(): ScanResult {
    if (this.sticky) return { kind: "error", error: this.sticky };
    let i = this.pos;
    while (isSpace(this.bytes[i])) i++;
    if (i >= this.bytes.length) {
      this.pos = i;
      return { kind: "eof" };
    }
    try {
      const [value, end] = this.value(i);
      this.pos = end;
      return { kind: "value", value, start: i, end };
    } catch (err) {
      if (!(err instanceof Failure)) throw err;
      this.sticky = err.error;
      return { kind: "error", error: err.error };
    }
  }

  private fail(at: number, context: string): never {
    if (at >= this.bytes.length) throw new Failure(UNEXPECTED_EOF);
    throw new Failure(
      new JsonSyntaxFailure(`invalid character ${quoteChar(this.bytes[at]!)} ${context}`, at + 1),
    );
  }

  private skipSpace(i: number): number {
    let j = i;
    while (isSpace(this.bytes[j])) j++;
    return j;
  }

  /**
   * One value from `start` (after whitespace): the value and the offset just after it. Nesting
   * is kept on an explicit stack, so deep input cannot exhaust the call stack.
   */
  private value(start: number): [JsonValue, number] {
    const stack: Frame[] = [];
    let i = start;
    for (;;) {
      const opened = this.open(i, stack);
      if (typeof opened === "number") {
        i = opened;
        continue;
      }
      const closed = this.close(opened, stack);
      if (typeof closed === "number") i = closed;
      else return closed;
    }
  }

  /**
   * Reads at `i`: a scalar or an empty container (returned finished), or the start of a
   * container (pushed; returns where its first member starts).
   */
  private open(i: number, stack: Frame[]): [JsonValue, number] | number {
    const c = this.bytes[i];
    if (c !== 0x7b && c !== 0x5b) return this.scalar(i);
    if (stack.length >= MAX_DEPTH) this.fail(i, "exceeded max depth");
    const frame: Frame = {
      kind: c === 0x7b ? "object" : "array",
      start: i,
      items: [],
      entries: [],
      skip: this.skipping(stack),
    };
    const first = this.skipSpace(i + 1);
    if (this.bytes[first] === (c === 0x7b ? 0x7d : 0x5d))
      return [this.finish(frame, first + 1), first + 1];
    stack.push(frame);
    if (frame.kind === "array") return first;
    const [key, valueAt] = this.key(first);
    frame.key = key;
    return valueAt;
  }

  /** A value opened now is one nobody keeps: inside a skipped one, or a member not kept. */
  private skipping(stack: Frame[]): boolean {
    const top = stack.at(-1);
    if (!top) return false;
    if (top.skip) return true;
    return (
      stack.length === 1 && top.kind === "object" && this.keep !== undefined && !this.keep(top.key!)
    );
  }

  /**
   * Adds a finished value to the containers it completes: returns where the next member starts,
   * or the whole value once the outermost container is done.
   */
  private close(done: [JsonValue, number], stack: Frame[]): [JsonValue, number] | number {
    let [value, end] = done;
    for (let frame = stack.at(-1); frame; frame = stack.at(-1)) {
      const after = this.skipSpace(end);
      const next = this.member(frame, value, after);
      if (next !== undefined) return next;
      stack.pop();
      end = after + 1;
      value = this.finish(frame, end);
    }
    return [value, end];
  }

  /** Stores `value` in `frame`; returns where the next member starts, or undefined at the end. */
  private member(frame: Frame, value: JsonValue, after: number): number | undefined {
    const next = this.bytes[after];
    if (frame.kind === "object") {
      if (!frame.skip) frame.entries.push([frame.key!, value]);
      if (next === 0x2c) {
        const [key, valueAt] = this.key(this.skipSpace(after + 1));
        frame.key = key;
        return valueAt;
      }
      if (next !== 0x7d) this.fail(after, "after object key:value pair");
      return undefined;
    }
    if (!frame.skip) frame.items.push(value);
    if (next === 0x2c) {
      const i = this.skipSpace(after + 1);
      if (this.bytes[i] === 0x5d) this.fail(i, "looking for beginning of value");
      return i;
    }
    if (next !== 0x5d) this.fail(after, "after array element");
    return undefined;
  }

  private finish(frame: Frame, end: number): JsonValue {
    if (frame.skip) return null;
    if (frame.kind === "array") return frame.items;
    return new JsonObject(frame.entries, goBytesToString(this.bytes.subarray(frame.start, end)));
  }

  /** An object key and its colon: returns the key and the offset of the value. */
  private key(at: number): [string, number] {
    if (this.bytes[at] !== 0x22) this.fail(at, "looking for beginning of object key string");
    const [key, end] = this.string(at);
    const colon = this.skipSpace(end);
    if (this.bytes[colon] !== 0x3a) this.fail(colon, "after object key");
    return [key, this.skipSpace(colon + 1)];
  }

  private scalar(i: number): [JsonValue, number] {
    const c = this.bytes[i];
    if (c === 0x22) return this.string(i);
    if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return this.number(i);
    if (c === 0x74) return [true, this.literal(i, "true")];
    if (c === 0x66) return [false, this.literal(i, "false")];
    if (c === 0x6e) return [null, this.literal(i, "null")];
    return this.fail(i, "looking for beginning of value");
  }

  private literal(i: number, word: string): number {
    for (let k = 1; k < word.length; k++) {
      if (this.bytes[i + k] !== word.charCodeAt(k)) {
        this.fail(i + k, `in literal ${word} (expecting '${word[k]}')`);
      }
    }
    return i + word.length;
  }

  private digits(i: number): number {
    let j = i;
    while (this.bytes[j] !== undefined && this.bytes[j]! >= 0x30 && this.bytes[j]! <= 0x39) j++;
    return j;
  }

  private isDigit(i: number): boolean {
    const b = this.bytes[i];
    return b !== undefined && b >= 0x30 && b <= 0x39;
  }

  private number(start: number): [JsonValue, number] {
    let i = start;
    if (this.bytes[i] === 0x2d) {
      i++;
      if (!this.isDigit(i)) this.fail(i, "in numeric literal");
    }
    i = this.bytes[i] === 0x30 ? i + 1 : this.digits(i);
    if (this.bytes[i] === 0x2e) {
      if (!this.isDigit(i + 1)) this.fail(i + 1, "after decimal point in numeric literal");
      i = this.digits(i + 1);
    }
    if (this.bytes[i] === 0x65 || this.bytes[i] === 0x45) {
      i++;
      if (this.bytes[i] === 0x2b || this.bytes[i] === 0x2d) i++;
      if (!this.isDigit(i)) this.fail(i, "in exponent of numeric literal");
      i = this.digits(i);
    }
    // A top-level number needs a following byte (or the end) to be complete, as in Go.
    return [new JsonNumber(goBytesToString(this.bytes.subarray(start, i))), i];
  }

  private string(start: number): [string, number] {
    let i = start + 1;
    let plain = true;
    for (;;) {
      const b = this.bytes[i];
      if (b === undefined) throw new Failure(UNEXPECTED_EOF);
      if (b === 0x22) break;
      if (b < 0x20) this.fail(i, "in string literal");
      if (b === 0x5c) {
        plain = false;
        i = this.escape(i + 1);
        continue;
      }
      if (b >= 0x80) plain = false;
      i++;
    }
    const body = goBytesToString(this.bytes.subarray(start + 1, i));
    return [plain ? body : unquote(body), i + 1];
  }

  private escape(i: number): number {
    const b = this.bytes[i];
    if (b === undefined) throw new Failure(UNEXPECTED_EOF);
    if (b === 0x75) {
      for (let k = 1; k <= 4; k++) {
        const h = this.bytes[i + k];
        if (h === undefined) throw new Failure(UNEXPECTED_EOF);
        if (!/[0-9a-fA-F]/.test(String.fromCharCode(h)))
          this.fail(i + k, "in \\u hexadecimal character escape");
      }
      return i + 5;
    }
    if (!'"\\/bfnrt'.includes(String.fromCharCode(b))) this.fail(i, "in string escape code");
    return i + 1;
  }
}

const SIMPLE: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

function isSurrogate(code: number): boolean {
  return code >= 0xd800 && code < 0xe000;
}

/**
 * Go's `unquote` of a validated string body (bad bytes already U+FFFD): escapes decoded, a high
 * surrogate escape followed by a low one makes one character, any other surrogate escape is
 * U+FFFD and the escape after it is read on its own.
 */
function unquote(body: string): string {
  let out = "";
  let i = 0;
  while (i < body.length) {
    const slash = body.indexOf("\\", i);
    if (slash < 0) break;
    out += body.slice(i, slash);
    const c = body[slash + 1]!;
    if (c !== "u") {
      out += SIMPLE[c]!;
      i = slash + 2;
      continue;
    }
    const code = parseInt(body.slice(slash + 2, slash + 6), 16);
    i = slash + 6;
    if (!isSurrogate(code)) {
      out += String.fromCharCode(code);
      continue;
    }
    const next = /^\\u([0-9a-fA-F]{4})/.exec(body.slice(i, i + 6));
    const low = next ? parseInt(next[1]!, 16) : -1;
    if (code < 0xdc00 && low >= 0xdc00 && low < 0xe000) {
      out += String.fromCharCode(code, low);
      i += 6;
    } else {
      out += "\ufffd";
    }
  }
  return out + body.slice(i);
}
