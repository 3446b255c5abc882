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
 * goes to `onItem` parsed, as soon as its closing bracket arrives; `end()` returns the rest of
 * the object (kind, metadata…) with `items` empty. Holds at most one item's bytes (plus the
 * small envelope) at a time.
 */
export class ListSplitter {
  readonly #onItem: (item: unknown) => void;
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

  constructor(onItem: (item: unknown) => void) {
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
      const text = Buffer.concat(this.#item).toString("utf8");
      this.#item = [];
      this.#state = 1;
      this.#onItem(JSON.parse(text));
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
  readonly #onLine: (line: string) => void;
  #pending: Buffer[] = [];

  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine;
  }

  push(chunk: Buffer): void {
    let from = 0;
    let nl = chunk.indexOf(NEWLINE, from);
    while (nl !== -1) {
      this.#pending.push(chunk.subarray(from, nl));
      const line = Buffer.concat(this.#pending).toString("utf8");
      this.#pending = [];
      this.#onLine(line);
      from = nl + 1;
      nl = chunk.indexOf(NEWLINE, from);
    }
    if (from < chunk.length) this.#pending.push(Buffer.from(chunk.subarray(from)));
  }
}
