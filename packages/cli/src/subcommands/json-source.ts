/**
 * A JSON reader that keeps where every value stands in the source text, so reseal can replace a
 * ciphertext or add the key hint without re-serializing anything else: big integers, `0.50`,
 * escapes, key order and whitespace stay byte for byte. It reads a stream of concatenated values
 * (kubeseal's YAMLOrJSONDecoder reads a stream that starts with `{` as JSON values one after
 * another) and follows Go's encoding/json grammar: whitespace is space, tab, CR and LF only, no
 * comments, no trailing commas. A key repeated in one object is refused: Go keeps the last one
 * silently while the Signet edit would touch the first, so such a file would never settle.
 */

interface Span {
  /** Offset of the value's first character. */
  start: number;
  /** Offset just past its last character. */
  end: number;
}

export interface JsonMember {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}

export interface JsonObject extends Span {
  type: "object";
  members: JsonMember[];
}

export interface JsonArray extends Span {
  type: "array";
  items: JsonNode[];
}

export interface JsonScalar extends Span {
  type: "scalar";
  value: string | number | boolean | null;
}

export type JsonNode = JsonObject | JsonArray | JsonScalar;

/** A syntax error at `offset` of the text (the caller turns it into a line and column). */
export class JsonSyntaxError extends Error {
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.name = "JsonSyntaxError";
    this.offset = offset;
  }
}

/** Go's encoding/json nesting limit (decoder `maxNestingDepth`). */
const MAX_DEPTH = 10000;

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
/** A string token: no raw control characters (U+0000–U+001F), only JSON's escapes. */
const STRING = new RegExp(
  String.raw`"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"`,
  "y",
);
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const LITERALS: readonly [string, boolean | null][] = [
  ["true", true],
  ["false", false],
  ["null", null],
];

/** A container being read, and the key of the member whose value comes next (objects). */
interface Frame {
  node: JsonObject | JsonArray;
  key?: { key: string; keyStart: number; keyEnd: number };
  /** First occurrence of each key, for the duplicate check. */
  seen?: Map<string, number>;
}

/** Reads every top-level value of `text` from `from` (a BOM before it is skipped by the caller). */
export function parseJsonStream(text: string, from = 0): JsonNode[] {
  const reader = new Reader(text);
  const values: JsonNode[] = [];
  let at = reader.skip(from);
  while (at < text.length) {
    const node = reader.value(at);
    values.push(node);
    at = reader.skip(node.end);
  }
  return values;
}

/**
 * Reads the one value that starts at `from` (after whitespace), with positions in `text`; what
 * follows it is not read.
 */
export function parseJsonValue(text: string, from = 0): JsonNode {
  const reader = new Reader(text);
  return reader.value(reader.skip(from));
}

/**
 * The plain value of a node (objects as records, numbers as JS numbers), built without recursion
 * so that Go's 10000 levels of nesting cost no stack.
 */
export function jsonValue(root: JsonNode): unknown {
  const values = new Map<JsonNode, unknown>();
  const stack: { node: JsonNode; expanded: boolean }[] = [{ node: root, expanded: false }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    const { node } = top;
    if (node.type === "scalar") {
      values.set(node, node.value);
      continue;
    }
    const children = node.type === "array" ? node.items : node.members.map((m) => m.value);
    if (!top.expanded) {
      stack.push({ node, expanded: true }, ...children.map((c) => ({ node: c, expanded: false })));
      continue;
    }
    values.set(
      node,
      node.type === "array"
        ? node.items.map((c) => values.get(c))
        : Object.fromEntries(node.members.map((m) => [m.key, values.get(m.value)])),
    );
  }
  return values.get(root);
}

/** The member of an object node named `key`, if any. */
export function memberOf(node: JsonNode | undefined, key: string): JsonMember | undefined {
  return node?.type === "object" ? node.members.find((m) => m.key === key) : undefined;
}

/** The node at `path` (object keys and array indexes) under `node`, if any. */
export function jsonNodeAt(
  node: JsonNode | undefined,
  path: readonly (string | number)[],
): JsonNode | undefined {
  let current = node;
  for (const segment of path) {
    if (current?.type === "array" && typeof segment === "number") current = current.items[segment];
    else if (typeof segment === "string") current = memberOf(current, segment)?.value;
    else return undefined;
  }
  return current;
}

/** A lone UTF-16 surrogate (one not part of a high-low pair). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A string token's value. Like Go's `unquote`, a `\uXXXX` surrogate that does not form a pair
 * with the next escape becomes U+FFFD (JSON.parse would keep it as a lone surrogate).
 */
function decodeString(token: string): string {
  return (JSON.parse(token) as string).replace(LONE_SURROGATE, "\uFFFD");
}

class Reader {
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  skip(from: number): number {
    let i = from;
    while (i < this.text.length && WHITESPACE.has(this.text[i]!)) i++;
    return i;
  }

  /** One complete value starting at `at` (iterative: nesting costs no stack). */
  value(at: number): JsonNode {
    const stack: Frame[] = [];
    let i = at;
    for (;;) {
      i = this.skip(i);
      const opened = this.open(i, stack.length);
      let done: JsonNode | undefined;
      if (opened.type === "scalar") done = opened;
      else {
        const frame: Frame = { node: opened, ...(opened.type === "object" && { seen: new Map() }) };
        i = this.afterOpen(frame, opened.start + 1);
        if (!this.isClosed(frame)) {
          stack.push(frame);
          continue;
        }
        done = opened;
      }
      ({ i, done } = this.unwind(stack, done));
      if (done) return done;
    }
  }

  /** Attaches completed values to their parents and closes containers until one needs more. */
  private unwind(stack: Frame[], completed: JsonNode): { i: number; done?: JsonNode } {
    let node = completed;
    for (;;) {
      const frame = stack[stack.length - 1];
      if (!frame) return { i: node.end, done: node };
      this.attach(frame, node);
      const i = this.skip(node.end);
      const close = frame.node.type === "object" ? "}" : "]";
      if (this.text[i] === ",") return { i: this.afterComma(frame, i + 1) };
      if (this.text[i] !== close) {
        throw this.error(`expected ',' or '${close}' after a ${frame.node.type} element`, i);
      }
      frame.node.end = i + 1;
      stack.pop();
      node = frame.node;
    }
  }

  private attach(frame: Frame, node: JsonNode): void {
    if (frame.node.type === "array") frame.node.items.push(node);
    else frame.node.members.push({ ...frame.key!, value: node });
    frame.key = undefined;
  }

  /** After `{` or `[`: either the immediate close, or the first key / value position. */
  private afterOpen(frame: Frame, from: number): number {
    const i = this.skip(from);
    const close = frame.node.type === "object" ? "}" : "]";
    if (this.text[i] === close) {
      frame.node.end = i + 1;
      return i + 1;
    }
    return frame.node.type === "object" ? this.key(frame, i) : i;
  }

  private isClosed(frame: Frame): boolean {
    return frame.node.end > frame.node.start;
  }

  private afterComma(frame: Frame, from: number): number {
    const i = this.skip(from);
    return frame.node.type === "object" ? this.key(frame, i) : i;
  }

  /** Reads `"key" :` and returns the offset of the value. */
  private key(frame: Frame, at: number): number {
    if (this.text[at] !== '"') throw this.error("expected a string key", at);
    const token = this.string(at);
    const key = decodeString(token);
    const first = frame.seen!.get(key);
    if (first !== undefined) throw new DuplicateKeyError(key, at, first);
    frame.seen!.set(key, at);
    const colon = this.skip(at + token.length);
    if (this.text[colon] !== ":") throw this.error("expected ':' after an object key", colon);
    frame.key = { key, keyStart: at, keyEnd: at + token.length };
    return colon + 1;
  }

  /** A scalar, or an empty container whose `end` is set when it closes. */
  private open(at: number, depth: number): JsonNode {
    const c = this.text[at];
    if (c === "{" || c === "[") {
      if (depth >= MAX_DEPTH) throw this.error(`exceeded max depth of ${MAX_DEPTH}`, at);
      return c === "{"
        ? { type: "object", start: at, end: at, members: [] }
        : { type: "array", start: at, end: at, items: [] };
    }
    if (c === '"') {
      const token = this.string(at);
      return { type: "scalar", start: at, end: at + token.length, value: decodeString(token) };
    }
    NUMBER.lastIndex = at;
    const number = NUMBER.exec(this.text)?.[0];
    if (number) {
      return { type: "scalar", start: at, end: at + number.length, value: Number(number) };
    }
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, at)) {
        return { type: "scalar", start: at, end: at + word.length, value };
      }
    }
    throw this.error(this.describe(at, "looking for beginning of value"), at);
  }

  private string(at: number): string {
    STRING.lastIndex = at;
    const token = STRING.exec(this.text)?.[0];
    if (token === undefined)
      throw this.error("invalid string (bad escape or control character)", at);
    return token;
  }

  private describe(at: number, what: string): string {
    if (at >= this.text.length) return "unexpected end of JSON input";
    return `invalid character ${JSON.stringify(this.text[at])} ${what}`;
  }

  private error(message: string, at: number): JsonSyntaxError {
    const text = at >= this.text.length ? "unexpected end of JSON input" : message;
    return new JsonSyntaxError(text, Math.min(at, this.text.length));
  }
}

/** A key repeated in one object; `first` is the offset of its first occurrence. */
export class DuplicateKeyError extends JsonSyntaxError {
  readonly key: string;
  readonly first: number;

  constructor(key: string, offset: number, first: number) {
    super(`duplicate key ${JSON.stringify(key)}`, offset);
    this.name = "DuplicateKeyError";
    this.key = key;
    this.first = first;
  }
}
