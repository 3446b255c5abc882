import { flowPlainEnd, quotedScalar, UNCLOSED } from "./yaml-fast-scalar.js";
import type { ReadScalar } from "./yaml-fast-scalar.js";
import type { FastState } from "./yaml-fast-state.js";
import type { MappingNode, SequenceNode, YamlNode } from "./yaml-node.js";

/**
 * The flow collections the fast reader takes (`[a, b]`, `{k: v, "k2": 'v2'}`, nested, over
 * several lines): scalars plain or quoted on one line, anchored scalars and collections, aliases
 * of earlier anchors, trailing commas. It yields the nodes the full reader (yaml-parse.ts)
 * yields, and gives up (undefined) on anything else: comments, tags, `?` keys, keys without a
 * value, empty values, `key: value` pairs inside a sequence, collections as keys, multi-line
 * scalars, document markers, nesting past {@link MAX_DEPTH}. Lines may be indented any way, as
 * libyaml allows inside flow collections (the YAML 1.2 reader refuses some that Go reads).
 */

/** Deeper flow nesting is left to the full reader, which refuses it past its own limit. */
const MAX_DEPTH = 128;
/** libyaml's limit on a simple key (1,024 characters), with room for the full reader's count. */
const MAX_KEY = 1000;
/** The characters that may follow an anchor or alias name (both readers end it there alike). */
const NAME_END = new Set([" ", "\n", ",", "]", "}"]);

/** libyaml's anchor name characters: letters, digits, `_` and `-`. */
function isNameChar(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Za-z_-]$/.test(c);
}

export interface ReadFlow {
  node: MappingNode | SequenceNode;
  /** The offset just after the closing bracket. */
  end: number;
}

/** A reader over `text` positioned inside a flow collection. */
class FlowReader {
  i: number;
  private depth = 0;
  /** Anchored collections still being read: an alias of one (a cycle) is left to the full reader. */
  private readonly open = new Set<YamlNode>();

  private readonly text: string;
  private readonly state: FastState;

  constructor(text: string, at: number, state: FastState) {
    this.text = text;
    this.i = at;
    this.state = state;
  }

  /**
   * Skips spaces and line breaks; false when a line it enters is outside the subset (a comment,
   * a document marker, too little indentation).
   */
  private skip(): boolean {
    const { text } = this;
    for (;;) {
      const c = text[this.i];
      if (c === " ") this.i++;
      else if (c === "\n") {
        this.i++;
        if (!this.lineStartOk()) return false;
      } else return c !== "#";
    }
  }

  /**
   * The line starting at `i` is no document marker. Its indentation does not matter: libyaml has
   * no indentation rule inside flow collections (the YAML 1.2 reader refuses lines not indented
   * past the block around them; Go reads them, and so does Signet here).
   */
  private lineStartOk(): boolean {
    const { text, i } = this;
    return !text.startsWith("---", i) && !text.startsWith("...", i);
  }

  /** A node at `i` (spaces skipped), or undefined outside the subset. */
  node(): YamlNode | undefined {
    const c = this.text[this.i];
    if (c === undefined) return undefined;
    if (c === "[" || c === "{") return this.collection(undefined);
    if (c === "*") return this.alias();
    if (c === "&") {
      const name = this.name(this.i + 1);
      if (name === undefined || this.text[this.i] !== " ") return undefined;
      if (!this.skip()) return undefined;
      const next = this.text[this.i];
      if (next === "[" || next === "{") return this.collection(name);
      const scalar = this.scalar();
      if (scalar) this.state.setAnchor(name, scalar);
      return scalar;
    }
    return this.scalar();
  }

  /** An anchor or alias name starting at `at`; `i` moves past it. */
  private name(at: number): string | undefined {
    const { text } = this;
    let end = at;
    while (isNameChar(text[end])) end++;
    if (end === at || (end < text.length && !NAME_END.has(text[end]!))) return undefined;
    this.i = end;
    return text.slice(at, end);
  }

  private alias(): YamlNode | undefined {
    const name = this.name(this.i + 1);
    const alias = name === undefined ? undefined : this.state.alias(name);
    return alias === undefined || this.open.has(alias.target) ? undefined : alias;
  }

  /** A quoted or plain scalar at `i`; plain ones in their compact form (a string). */
  private scalar(): YamlNode | undefined {
    const { text } = this;
    const c = text[this.i];
    if (c === '"' || c === "'") {
      const read: ReadScalar | typeof UNCLOSED | undefined = quotedScalar(text, this.i);
      if (read === undefined || read === UNCLOSED) return undefined;
      this.i = read.end;
      return read.node;
    }
    const end = flowPlainEnd(text, this.i);
    if (end === undefined) return undefined;
    const value = text.slice(this.i, end);
    this.i = end;
    return value;
  }

  /** A sequence or mapping opening at `i`, registered under `anchor` before its content. */
  collection(anchor: string | undefined): MappingNode | SequenceNode | undefined {
    if (++this.depth > MAX_DEPTH || !this.state.addCollection()) return undefined;
    const node: MappingNode | SequenceNode =
      this.text[this.i] === "{"
        ? { kind: "mapping", children: [] }
        : { kind: "sequence", children: [] };
    if (anchor !== undefined) {
      this.state.setAnchor(anchor, node);
      this.open.add(node);
    }
    this.i++;
    if (!this.members(node)) return undefined;
    this.i++;
    this.depth--;
    this.open.delete(node);
    return node;
  }

  /** The entries or items of `node` up to its closing bracket (left at `i`), commas between. */
  private members(node: MappingNode | SequenceNode): boolean {
    const mapping = node.kind === "mapping";
    const close = mapping ? "}" : "]";
    for (;;) {
      if (!this.skip()) return false;
      if (this.text[this.i] === close) return true;
      const read = mapping ? this.entry(node.children) : this.item(node.children);
      if (!read || !this.skip()) return false;
      const c = this.text[this.i];
      if (c === close) return true;
      if (c !== ",") return false;
      this.i++;
    }
  }

  /** A sequence item; a `:` after it (a one-pair mapping) is then refused by the caller. */
  private item(children: YamlNode[]): boolean {
    const item = this.node();
    if (item === undefined) return false;
    children.push(item);
    return true;
  }

  /** A `key: value` entry: a scalar key, `:` on its line, then a value. */
  private entry(children: YamlNode[]): boolean {
    const key = this.key();
    if (key === undefined || !this.skip()) return false;
    const next = this.text[this.i];
    if (next === "," || next === "}" || next === undefined) return false;
    const value = this.node();
    if (value === undefined) return false;
    children.push(key, value);
    return true;
  }

  /**
   * A scalar key and the `:` after it on its line. A plain key's `:` is followed by a blank
   * (flowPlainEnd gives up on `a:b`, which libyaml and YAML 1.2 split differently); a quoted
   * key's may be followed by its value (`"a":b`).
   */
  private key(): YamlNode | undefined {
    const { text } = this;
    const start = this.i;
    if ("[{*&".includes(text[start]!)) return undefined;
    const key = this.scalar();
    if (key === undefined) return undefined;
    while (text[this.i] === " ") this.i++;
    if (text[this.i] !== ":" || this.i - start > MAX_KEY) return undefined;
    this.i++;
    return key;
  }
}

/**
 * The flow collection opening at `text[at]` (`[` or `{`, with `anchor` when one precedes it),
 * aliases resolved, anchors registered and collections counted in `state`; undefined outside
 * the subset or over the collection limit.
 */
export function readFlow(
  text: string,
  at: number,
  state: FastState,
  anchor: string | undefined,
): ReadFlow | undefined {
  const reader = new FlowReader(text, at, state);
  const node = reader.collection(anchor);
  return node && { node, end: reader.i };
}
