/**
 * Incremental readers of the two streamed JSON shapes the API server sends, so that no response
 * is ever held whole: a list answer (`{"metadata":…,"items":[…]}`), whose items are handed out
 * one at a time as they complete, and a watch stream (one JSON value per line). Both scan bytes:
 * in UTF-8 the bytes of `"`, `\`, brackets and newline never occur inside a multi-byte
 * character, so scanning bytes is exact.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const NEWLINE = 0x0a;
/** Bytes allowed between list items: whitespace, commas, an item's start and the array's end. */
const BETWEEN_ITEMS = new Set([0x20, 0x09, 0x0a, 0x0d, 0x2c, OPEN_BRACE, CLOSE_BRACKET]);

/**
 * Splits a Kubernetes list answer as it streams in: each element of the top-level `items` array
 * goes to `onItem` as its bytes, as soon as its closing bracket arrives; `end()` returns the
 * rest of the object (kind, metadata…) parsed, with `items` empty. Holds at most one item's
 * bytes (plus the small envelope) at a time.
 */
export class ListSplitter {
  readonly #onItem: (item: Buffer) => void;
  /** Bytes of the envelope (everything but the items). */
  readonly #envelope: Buffer[] = [];
  /** Bytes of the item being read. */
  #item: Buffer[] = [];
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** The key string most recently completed at depth 1 (to find `"items"`). */
  #lastKey = "";
  #keyStart = -1;
  #keyBytes: Buffer[] = [];
  /** 0: envelope; 1: inside the items array, between items; 2: inside an item. */
  #state: 0 | 1 | 2 = 0;
  #itemsDone = false;

  constructor(onItem: (item: Buffer) => void) {
    this.#onItem = onItem;
  }

  push(chunk: Buffer): void {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (this.#inString) this.#stringByte(chunk, i);
      else from = this.#structureByte(chunk, from, i);
    }
    this.#keep(chunk.subarray(from));
    if (this.#keyStart >= 0) {
      this.#keyBytes.push(chunk.subarray(this.#keyStart));
      this.#keyStart = 0;
    }
  }

  #stringByte(chunk: Buffer, at: number): void {
    const b = chunk[at]!;
    if (this.#escaped) this.#escaped = false;
    else if (b === BACKSLASH) this.#escaped = true;
    else if (b === QUOTE) this.#endString(chunk, at);
  }

  /** A byte outside strings; returns where the current segment now starts. */
  #structureByte(chunk: Buffer, from: number, at: number): number {
    const b = chunk[at]!;
    if (this.#state === 1 && !BETWEEN_ITEMS.has(b)) {
      throw new Error("malformed list answer: items must be objects");
    }
    if (b === QUOTE) this.#startString(at);
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) return this.#open(chunk, from, at, b);
    else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) return this.#close(chunk, from, at);
    return from;
  }

  /** The envelope parsed, with `items: []`. Throws if the answer was not a complete object. */
  end(): Record<string, unknown> {
    if (this.#depth !== 0 || this.#inString) throw new Error("truncated list answer");
    return JSON.parse(Buffer.concat(this.#envelope).toString("utf8")) as Record<string, unknown>;
  }

  #startString(at: number): void {
    this.#inString = true;
    if (this.#state === 0 && this.#depth === 1) {
      this.#keyStart = at + 1;
      this.#keyBytes = [];
    }
  }

  #endString(chunk: Buffer, at: number): void {
    this.#inString = false;
    if (this.#keyStart < 0) return;
    this.#keyBytes.push(chunk.subarray(this.#keyStart, at));
    this.#lastKey = Buffer.concat(this.#keyBytes).toString("utf8");
    this.#keyStart = -1;
    this.#keyBytes = [];
  }

  /** An opening bracket at `at`; returns where the current segment now starts. */
  #open(chunk: Buffer, from: number, at: number, b: number): number {
    this.#depth++;
    const entersItems =
      this.#state === 0 &&
      !this.#itemsDone &&
      this.#depth === 2 &&
      b === OPEN_BRACKET &&
      this.#lastKey === "items";
    if (entersItems) {
      // The envelope keeps `[`; the items themselves go to `onItem`.
      this.#keep(chunk.subarray(from, at + 1));
      this.#state = 1;
      return at + 1;
    }
    if (this.#state === 1 && this.#depth === 3) {
      this.#state = 2;
      this.#item = [];
      return at;
    }
    return from;
  }

  /** A closing bracket at `at`; returns where the current segment now starts. */
  #close(chunk: Buffer, from: number, at: number): number {
    this.#depth--;
    if (this.#state === 2 && this.#depth === 2) {
      this.#item.push(chunk.subarray(from, at + 1));
      const item = Buffer.concat(this.#item);
      this.#item = [];
      this.#state = 1;
      this.#onItem(item);
      return at + 1;
    }
    if (this.#state === 1 && this.#depth === 1) {
      this.#state = 0;
      this.#itemsDone = true;
      return at;
    }
    return from;
  }

  /** Keeps `part` in the item or the envelope, by state (commas between items are dropped). */
  #keep(part: Buffer): void {
    if (part.length === 0) return;
    if (this.#state === 2) this.#item.push(Buffer.from(part));
    else if (this.#state === 0) this.#envelope.push(Buffer.from(part));
  }
}

/**
 * Splits a byte stream into lines as chunks arrive, without re-scanning earlier bytes: a line
 * that spans many chunks (a watch event of a large object) costs its own length once.
 */
export class LineSplitter {
  readonly #onLine: (line: Buffer) => void;
  #pending: Buffer[] = [];

  constructor(onLine: (line: Buffer) => void) {
    this.#onLine = onLine;
  }

  push(chunk: Buffer): void {
    let from = 0;
    let nl = chunk.indexOf(NEWLINE, from);
    while (nl !== -1) {
      this.#pending.push(chunk.subarray(from, nl));
      const line = Buffer.concat(this.#pending);
      this.#pending = [];
      this.#onLine(line);
      from = nl + 1;
      nl = chunk.indexOf(NEWLINE, from);
    }
    if (from < chunk.length) this.#pending.push(Buffer.from(chunk.subarray(from)));
  }
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const COLON = 0x3a;
const COMMA = 0x2c;

function skipSpace(bytes: Buffer, at: number): number {
  let i = at;
  while (i < bytes.length && WHITESPACE.has(bytes[i]!)) i++;
  return i;
}

/** Index just past the JSON string starting (at its quote) at `at`. */
function stringEnd(bytes: Buffer, at: number): number {
  for (let i = at + 1; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === BACKSLASH) i++;
    else if (b === QUOTE) return i + 1;
  }
  throw new Error("malformed JSON: unterminated string");
}

/** Index just past the JSON value starting at `at` (not validated: JSON.parse does that). */
function valueEnd(bytes: Buffer, at: number): number {
  const first = bytes[at];
  if (first === QUOTE) return stringEnd(bytes, at);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) return literalEnd(bytes, at);
  let depth = 0;
  for (let i = at; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === QUOTE) i = stringEnd(bytes, i) - 1;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
    else if ((b === CLOSE_BRACE || b === CLOSE_BRACKET) && --depth === 0) return i + 1;
  }
  throw new Error("malformed JSON: unterminated value");
}

/** Index just past the number or literal (`true`, `null`...) starting at `at`. */
function literalEnd(bytes: Buffer, at: number): number {
  let i = at;
  while (i < bytes.length && !STOPS.has(bytes[i]!)) i++;
  return i;
}

/** Bytes that end a number or literal. */
const STOPS = new Set([COMMA, CLOSE_BRACE, CLOSE_BRACKET, 0x20, 0x09, 0x0a, 0x0d]);

/**
 * The bytes of the named top-level fields of the JSON object `bytes`, without parsing the rest:
 * reading a Secret's metadata does not materialise its data. Throws on input that is not an
 * object (the values themselves are checked when parsed).
 */
export function topLevelFields(bytes: Buffer, names: ReadonlySet<string>): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let i = skipSpace(bytes, 0);
  if (bytes[i] !== OPEN_BRACE) throw new Error("malformed JSON: not an object");
  i = skipSpace(bytes, i + 1);
  while (i < bytes.length && bytes[i] !== CLOSE_BRACE) {
    if (bytes[i] !== QUOTE) throw new Error("malformed JSON: expected a key");
    const keyEnd = stringEnd(bytes, i);
    const key = JSON.parse(bytes.toString("utf8", i, keyEnd)) as string;
    i = skipSpace(bytes, keyEnd);
    if (bytes[i] !== COLON) throw new Error("malformed JSON: expected ':'");
    const start = skipSpace(bytes, i + 1);
    const end = valueEnd(bytes, start);
    if (names.has(key)) out.set(key, bytes.subarray(start, end));
    i = skipSpace(bytes, end);
    if (bytes[i] === COMMA) i = skipSpace(bytes, i + 1);
  }
  if (bytes[i] !== CLOSE_BRACE) throw new Error("malformed JSON: unterminated object");
  return out;
}

/**
 * One object as it arrived from the API server, parsed on demand: whole, or only some top-level
 * fields (an informer that keeps a summary never materialises the rest).
 */
export class RawJson {
  readonly #bytes: Buffer;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  /** Bytes of the object's JSON. */
  get size(): number {
    return this.#bytes.length;
  }

  whole<T>(): T {
    return JSON.parse(this.#bytes.toString("utf8")) as T;
  }

  fields<T>(names: readonly string[]): T {
    const found = topLevelFields(this.#bytes, new Set(names));
    const out: Record<string, unknown> = {};
    for (const [name, value] of found) out[name] = JSON.parse(value.toString("utf8")) as unknown;
    return out as T;
  }
}
