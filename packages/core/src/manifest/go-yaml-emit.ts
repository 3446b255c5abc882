import { formatGoFloat } from "./go-strconv.js";
import { resolveScalar } from "./go-yaml-resolve.js";
import { TAG } from "./yaml-node.js";
import { compareGoYamlKeys } from "../yaml-order.js";
import { base64Of, utf8Length } from "./utf8.js";

/**
 * YAML as sigs.k8s.io/yaml writes it (`JSONToYAML`: go-yaml v2's `Marshal` of the JSON value,
 * which is what kubeseal and kubectl print), byte for byte. What matters, learned from go-yaml's
 * `encode.go` and libyaml's emitter (`emitterc.go`) and checked against Go by test/yaml-diff:
 * - map keys sorted as go-yaml sorts them (numbers inside keys compare as numbers);
 * - a string that YAML 1.1 would read as something else (`yes`, `1_000`, `0x1F`, `~`,
 *   `2024-01-02`, `1:20`, "") is double-quoted; one with a line break is a literal block (`|`,
 *   `|-`, `|+`); one that plain YAML cannot hold (leading `#`, `: `, surrounding spaces) is
 *   single-quoted; tabs, control characters, characters outside the BMP and non-characters force
 *   double quotes with escapes;
 * - scalars are folded at spaces past column 80, keys never; keys longer than 128 bytes or on
 *   several lines are written as `? key`;
 * - block sequences inside maps are not indented, empty maps and lists are `{}` and `[]`.
 */

type Style = "plain" | "single" | "double" | "literal";

interface Analysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

function isBreak(c: string | undefined): boolean {
  return c === "\n" || c === "\r" || c === "\u0085" || c === "\u2028" || c === "\u2029";
}

function isSurrogate(unit: string): boolean {
  const code = unit.charCodeAt(0);
  return code >= 0xd800 && code <= 0xdfff;
}

/** The character (one or two UTF-16 units) at `i`. */
function charAt(text: string, i: number): string {
  const code = text.charCodeAt(i);
  return code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? text.slice(i, i + 2) : text[i]!;
}

const HIGH_SURROGATE = /[\ud800-\udbff]/;

/** The first offset from `i` whose UTF-16 unit `stop` accepts (or the end). */
function runEnd(text: string, i: number, stop: (unit: string) => boolean): number {
  let end = i;
  while (end < text.length && !stop(text[end]!)) end++;
  return end;
}

/** Characters in `run` as libyaml counts columns (a surrogate pair is one). */
function codePointCount(run: string): number {
  // One native scan for the common case (a base64 value is 700 characters, thousands of them).
  if (!HIGH_SURROGATE.test(run)) return run.length;
  let n = run.length;
  for (let i = 0; i < run.length; i++) {
    const code = run.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < run.length) {
      const low = run.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function isBlankz(c: string | undefined): boolean {
  return c === undefined || c === " " || c === "\t" || c === "\0" || isBreak(c);
}

/** libyaml emitter's `is_printable` (tab, CR and characters beyond the BMP are not). */
function isPrintable(c: string): boolean {
  const code = c.codePointAt(0)!;
  return (
    code === 0x0a ||
    (code >= 0x20 && code <= 0x7e) ||
    (code >= 0xa0 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff)
  );
}

const START_INDICATORS = new Set([
  "#",
  ",",
  "[",
  "]",
  "{",
  "}",
  "&",
  "*",
  "!",
  "|",
  ">",
  "'",
  '"',
  "%",
  "@",
  "`",
]);

interface Indicators {
  flow: boolean;
  block: boolean;
}

/** Indicators in the first character (`#`, `&`, `- `, `: `...) that plain style cannot start with. */
function startIndicators(c: string, followedByWhitespace: boolean, found: Indicators): void {
  if (START_INDICATORS.has(c)) {
    found.flow = found.block = true;
  } else if (c === "?" || c === ":") {
    found.flow = true;
    if (followedByWhitespace) found.block = true;
  } else if (c === "-" && followedByWhitespace) {
    found.flow = found.block = true;
  }
}

/** Indicators later in the text: flow punctuation, `: `, ` #`. */
function innerIndicators(
  c: string,
  around: { before: boolean; after: boolean },
  found: Indicators,
): void {
  if (",?[]{}".includes(c)) {
    found.flow = true;
  } else if (c === ":") {
    found.flow = true;
    if (around.after) found.block = true;
  } else if (c === "#" && around.before) {
    found.flow = found.block = true;
  }
}

/**
 * Where plain style would be misread, in flow and in block context (`analyze_scalar`). It walks
 * UTF-16 units, not characters: every character it looks for is in the BMP, and a surrogate
 * counts as "other" either way. (No array of characters: values can be megabytes long.)
 */
function indicators(text: string): Indicators {
  const found: Indicators = { flow: false, block: false };
  const head = text.slice(0, 3);
  if (head === "---" || head === "...") found.flow = found.block = true;
  let precededByWhitespace = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const next = text[i + 1];
    const followedByWhitespace =
      next === undefined || next === " " || next === "\t" || isBreak(next);
    if (i === 0) startIndicators(c, followedByWhitespace, found);
    else innerIndicators(c, { before: precededByWhitespace, after: followedByWhitespace }, found);
    precededByWhitespace = isBlankz(c);
  }
  return found;
}

/** `yaml_emitter_analyze_scalar`: which styles can hold the text. */
interface Whitespace {
  lineBreaks: boolean;
  special: boolean;
  leading: boolean;
  trailingSpace: boolean;
  trailingBreak: boolean;
  breakSpace: boolean;
  spaceBreak: boolean;
}

/** Spaces and breaks at the ends and next to each other, and characters plain YAML cannot hold. */
function whitespace(text: string): Whitespace {
  const w: Whitespace = {
    lineBreaks: false,
    special: false,
    leading: text[0] === " " || isBreak(text[0]),
    trailingSpace: text.at(-1) === " ",
    trailingBreak: isBreak(text.at(-1)),
    breakSpace: false,
    spaceBreak: false,
  };
  let previous: "space" | "break" | "other" = "other";
  // UTF-16 units: a surrogate is not printable, as the character outside the BMP it is part of.
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (!isPrintable(c)) w.special = true;
    if (c === " ") {
      if (previous === "break") w.breakSpace = true;
      previous = "space";
    } else if (isBreak(c)) {
      w.lineBreaks = true;
      if (previous === "space") w.spaceBreak = true;
      previous = "break";
    } else {
      previous = "other";
    }
  }
  return w;
}

const PLAIN_WORD = /^[A-Za-z0-9][A-Za-z0-9+/=]*$/;

/** `yaml_emitter_analyze_scalar`: which styles can hold the text. */
function analyze(value: string): Analysis {
  // A word of letters, digits and base64 punctuation that starts with a letter or digit (every
  // sealed value): no indicator, space, break or unprintable character, so every style holds it.
  return PLAIN_WORD.test(value)
    ? { multiline: false, flowPlain: true, blockPlain: true, singleQuoted: true, block: true }
    : analyzeScalar(value);
}

/** {@link analyze} character by character. */
function analyzeScalar(value: string): Analysis {
  if (value === "") {
    return {
      multiline: false,
      flowPlain: false,
      blockPlain: true,
      singleQuoted: true,
      block: false,
    };
  }
  const { flow, block } = indicators(value);
  const w = whitespace(value);
  const a: Analysis = {
    multiline: w.lineBreaks,
    flowPlain: true,
    blockPlain: true,
    singleQuoted: true,
    block: true,
  };
  if (w.leading || w.trailingSpace || w.trailingBreak || w.lineBreaks)
    a.flowPlain = a.blockPlain = false;
  if (w.trailingSpace) a.block = false;
  if (w.breakSpace) a.flowPlain = a.blockPlain = a.singleQuoted = false;
  if (w.spaceBreak || w.special) a.flowPlain = a.blockPlain = a.singleQuoted = a.block = false;
  if (flow) a.flowPlain = false;
  if (block) a.blockPlain = false;
  return a;
}

/** go-yaml's `isBase60Float`: `1:20` and friends are quoted for older YAML readers. */
function isBase60Float(s: string): boolean {
  if (s === "" || !/^[-+0-9]/.test(s) || !s.includes(":")) return false;
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s);
}

/** `encoder.stringv`: plain unless YAML 1.1 would read the text as another type. */
function stringStyle(s: string): Style {
  // go-yaml writes a U+2028/U+2029 raw in a literal block, as a line break followed by the
  // block's indentation: Go reads it back, but a YAML 1.2 reader keeps that indentation as text
  // (and Signet's reader refuses such a block). Double quotes write it as `\L`/`\P`, which
  // every reader reads back as the same string.
  if (s.includes("\n")) return /[\u2028\u2029]/.test(s) ? "double" : "literal";
  // go-yaml writes `<<` plain, then reads it back as a merge key (its resolver does not know the
  // text, its decoder does): Signet quotes it so that Go reads back the string.
  if (s === "<<") return "double";
  const canUsePlain = resolveScalar("", s).tag === TAG.str && !isBase60Float(s);
  return canUsePlain ? "plain" : "double";
}

/** Where a flow scalar's writer is: after spaces, after breaks, and whether it may fold. */
interface WriteState {
  allowBreaks: boolean;
  spaces: boolean;
  breaks: boolean;
}

/** Characters a double-quoted scalar escapes: non-printable, the BOM, breaks, `"` and `\\`. */
function needsEscape(c: string): boolean {
  return !isPrintable(c) || c === "\ufeff" || isBreak(c) || c === '"' || c === "\\";
}

interface NodeContext {
  mapping: boolean;
  simpleKey: boolean;
}

/** libyaml's emitter state, for the events of one JSON value. */
class Emitter {
  /** Output pieces, joined once at the end (appending characters one by one to a string builds
   * a rope of a node per character: tens of MiB for a 1 MiB value). */
  private readonly parts: string[] = [];
  /** A space or a line break ({@link isBreak}'s five); global, so one emitter's own. */
  private readonly spaceOrBreak = /[ \n\r\u0085\u2028\u2029]/g;
  private column = 0;
  private indent = -1;
  private readonly indents: number[] = [];
  private whitespace = true;
  private indention = true;
  private flowLevel = 0;

  get out(): string {
    return this.parts.join("");
  }

  private put(s: string): void {
    this.parts.push(s);
    this.column++;
  }

  private putBreak(): void {
    this.parts.push("\n");
    this.column = 0;
  }

  /** The first offset from `i` holding a space or a break (or the end): a native scan. */
  private spaceOrBreakFrom(text: string, i: number): number {
    this.spaceOrBreak.lastIndex = i;
    const found = this.spaceOrBreak.exec(text);
    return found === null ? text.length : found.index;
  }

  private writeChar(c: string): void {
    this.parts.push(c);
    this.column++;
  }

  /** A run of characters with no space or break: one piece, the column moved by its length. */
  private writeRun(run: string): void {
    this.parts.push(run);
    this.column += codePointCount(run);
  }

  private writeBreak(c: string): void {
    if (c === "\n") this.putBreak();
    else {
      this.parts.push(c);
      this.column = 0;
    }
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.putBreak();
    while (this.column < indent) this.put(" ");
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(
    indicator: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ): void {
    if (needWhitespace && !this.whitespace) this.put(" ");
    for (const c of indicator) this.writeChar(c);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  node(value: unknown, ctx: NodeContext): void {
    if (Array.isArray(value)) return this.sequence(value, ctx);
    if (value !== null && typeof value === "object")
      return this.mapping(value as Record<string, unknown>);
    this.scalar(scalarText(value), ctx);
  }

  private scalar(scalar: { text: string; style: Style }, ctx: NodeContext): void {
    const style = this.selectStyle(scalar, ctx);
    this.increaseIndent(true, false);
    const allowBreaks = !ctx.simpleKey;
    const text = scalar.text;
    if (style === "plain") this.writePlain(text, allowBreaks);
    else if (style === "single") this.writeSingle(text, allowBreaks);
    else if (style === "double") this.writeDouble(text, allowBreaks);
    else this.writeLiteral(text);
    this.popIndent();
  }

  /** `yaml_emitter_select_scalar_style`. */
  private selectStyle(scalar: { text: string; style: Style }, ctx: NodeContext): Style {
    const a = analyze(scalar.text);
    let style = ctx.simpleKey && a.multiline ? "double" : scalar.style;
    if (style === "plain" && !this.plainAllowed(a, scalar.text, ctx)) style = "single";
    if (style === "single" && !a.singleQuoted) style = "double";
    if (style === "literal" && (!a.block || this.flowLevel > 0 || ctx.simpleKey)) style = "double";
    return style;
  }

  private plainAllowed(a: Analysis, text: string, ctx: NodeContext): boolean {
    if (this.flowLevel > 0 ? !a.flowPlain : !a.blockPlain) return false;
    return !(text === "" && (this.flowLevel > 0 || ctx.simpleKey));
  }

  /**
   * A space inside a flow scalar: past the line width (and not before another space) the
   * emitter breaks the line there instead; returns whether it did.
   */
  private foldAt(w: WriteState, inside: boolean): boolean {
    const fold = w.allowBreaks && !w.spaces && this.column > BEST_WIDTH && inside;
    if (fold) this.writeIndent();
    return fold;
  }

  /** A line break inside a plain or single-quoted scalar (a first LF is doubled to survive folding). */
  private writeScalarBreak(c: string, w: WriteState): void {
    if (!w.breaks && c === "\n") this.putBreak();
    this.writeBreak(c);
    this.indention = true;
    w.breaks = true;
  }

  /**
   * A run of characters without spaces or breaks (`quote` doubled in it): what the emitter's
   * per-character writes produce, in one piece.
   */
  private writeScalarRun(run: string, w: WriteState, quote = ""): void {
    if (w.breaks) this.writeIndent();
    if (quote !== "" && run.includes(quote)) {
      const doubled = run.split(quote).join(quote + quote);
      this.parts.push(doubled);
      this.column += codePointCount(doubled);
    } else {
      this.writeRun(run);
    }
    this.indention = false;
    w.spaces = w.breaks = false;
  }

  private writePlain(text: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(" ");
    const w: WriteState = { allowBreaks, spaces: false, breaks: false };
    for (let i = 0; i < text.length;) {
      const c = text[i]!;
      if (c === " ") {
        if (!this.foldAt(w, text[i + 1] !== " ")) this.writeChar(c);
        w.spaces = true;
        i++;
      } else if (isBreak(c)) {
        this.writeScalarBreak(c, w);
        i++;
      } else {
        const end = this.spaceOrBreakFrom(text, i);
        this.writeScalarRun(text.slice(i, end), w);
        i = end;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingle(text: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    const w: WriteState = { allowBreaks, spaces: false, breaks: false };
    for (let i = 0; i < text.length;) {
      const c = text[i]!;
      if (c === " ") {
        const inside = i > 0 && i < text.length - 1 && text[i + 1] !== " ";
        if (!this.foldAt(w, inside)) this.writeChar(c);
        w.spaces = true;
        i++;
      } else if (isBreak(c)) {
        this.writeScalarBreak(c, w);
        i++;
      } else {
        const end = this.spaceOrBreakFrom(text, i);
        this.writeScalarRun(text.slice(i, end), w, "'");
        i = end;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  /** A space in a double-quoted scalar: a fold before another space escapes that space. */
  private writeDoubleSpace(w: WriteState, inside: boolean, beforeSpace: boolean): void {
    if (this.foldAt(w, inside)) {
      if (beforeSpace) this.put("\\");
    } else {
      this.writeChar(" ");
    }
    w.spaces = true;
  }

  private writeDouble(text: string, allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const w: WriteState = { allowBreaks, spaces: false, breaks: false };
    for (let i = 0; i < text.length;) {
      const c = charAt(text, i);
      if (needsEscape(c)) {
        for (const e of escape(c)) this.put(e);
        w.spaces = false;
        i += c.length;
      } else if (c === " ") {
        this.writeDoubleSpace(w, i > 0 && i < text.length - 1, text[i + 1] === " ");
        i++;
      } else {
        const end = runEnd(text, i, (u) => u === " " || needsEscape(u) || isSurrogate(u));
        this.writeRun(text.slice(i, end));
        w.spaces = false;
        i = end;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(text: string): void {
    this.writeIndicator("|", true, false, false);
    if (text[0] === " " || isBreak(text[0]))
      this.writeIndicator(String(BEST_INDENT), false, false, false);
    const hint = chompHint(text);
    if (hint) this.writeIndicator(hint, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (let i = 0; i < text.length;) {
      const c = text[i]!;
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
        i++;
      } else {
        if (breaks) this.writeIndent();
        const end = runEnd(text, i, isBreak);
        this.writeRun(text.slice(i, end));
        this.indention = false;
        breaks = false;
        i = end;
      }
    }
  }

  private sequence(items: unknown[], ctx: NodeContext): void {
    if (this.flowLevel > 0 || items.length === 0) {
      this.writeIndicator("[", true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
      this.flowLevel--;
      this.popIndent();
      this.writeIndicator("]", false, false, false);
      return;
    }
    this.increaseIndent(false, ctx.mapping && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator("-", true, false, true);
      this.node(item, { mapping: false, simpleKey: false });
    }
    this.popIndent();
  }

  private mapping(map: Record<string, unknown>): void {
    const keys = Object.keys(map)
      .filter((k) => map[k] !== undefined)
      .sort(compareGoYamlKeys);
    if (this.flowLevel > 0 || keys.length === 0) {
      this.writeIndicator("{", true, true, false);
      this.increaseIndent(true, false);
      this.popIndent();
      this.writeIndicator("}", false, false, false);
      return;
    }
    this.increaseIndent(false, false);
    for (const key of keys) {
      this.writeIndent();
      if (isSimpleKey(key)) {
        this.scalar({ text: key, style: stringStyle(key) }, { mapping: true, simpleKey: true });
        this.writeIndicator(":", false, false, false);
      } else {
        this.writeIndicator("?", true, false, true);
        this.scalar({ text: key, style: stringStyle(key) }, { mapping: true, simpleKey: false });
        this.writeIndent();
        this.writeIndicator(":", true, false, true);
      }
      this.node(map[key], { mapping: true, simpleKey: false });
    }
    this.popIndent();
  }

  /** The end of the document: a final line break. */
  finish(): void {
    this.writeIndent();
  }
}

/** `yaml_emitter_check_simple_key` for a string key: one line, at most 128 bytes. */
function isSimpleKey(key: string): boolean {
  return !analyze(key).multiline && utf8Length(key) <= 128;
}

/** `yaml_emitter_write_block_scalar_hints`: `-` without a final break, `+` with several. */
function chompHint(text: string): string {
  if (!isBreak(text.at(-1))) return "-";
  if (text.length === 1 || isBreak(text.at(-2))) return "+";
  return "";
}

const NAMED_ESCAPES: Record<number, string> = {
  0x00: "0",
  0x07: "a",
  0x08: "b",
  0x09: "t",
  0x0a: "n",
  0x0b: "v",
  0x0c: "f",
  0x0d: "r",
  0x1b: "e",
  0x22: '"',
  0x5c: "\\",
  0x85: "N",
  0xa0: "_",
  0x2028: "L",
  0x2029: "P",
};

function escape(c: string): string {
  const code = c.codePointAt(0)!;
  const named = NAMED_ESCAPES[code];
  if (named !== undefined) return `\\${named}`;
  const hex = code.toString(16).toUpperCase();
  if (code <= 0xff) return `\\x${hex.padStart(2, "0")}`;
  if (code <= 0xffff) return `\\u${hex.padStart(4, "0")}`;
  return `\\U${hex.padStart(8, "0")}`;
}

/** The text and style go-yaml gives a JSON scalar. */
function scalarText(value: unknown): { text: string; style: Style } {
  if (value === null || value === undefined) return { text: "null", style: "plain" };
  if (typeof value === "boolean") return { text: String(value), style: "plain" };
  if (typeof value === "bigint") return { text: String(value), style: "plain" };
  if (typeof value === "number") {
    const text =
      Number.isInteger(value) && Math.abs(value) < 2 ** 63
        ? BigInt(value).toString()
        : floatText(value);
    return { text, style: "plain" };
  }
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return { text, style: stringStyle(text) };
}

function floatText(value: number): string {
  const text = formatGoFloat(value, 64);
  return text === "+Inf" ? ".inf" : text === "-Inf" ? "-.inf" : text === "NaN" ? ".nan" : text;
}

/** Normalises model values to JSON values: bytes to base64, `toJSON` honoured, undefined dropped. */
function jsonValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return base64Of(value);
  if (
    value !== null &&
    typeof value === "object" &&
    typeof (value as { toJSON?: unknown }).toJSON === "function"
  ) {
    return jsonValue((value as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value !== null && typeof value === "object") {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonValue(v);
    return out;
  }
  return value;
}

/** One value as go-yaml v2 marshals its JSON form (no `---`), ending with a line break. */
export function marshalGoYaml(value: unknown): string {
  const emitter = new Emitter();
  emitter.node(jsonValue(value), { mapping: false, simpleKey: false });
  emitter.finish();
  return emitter.out;
}

/**
 * Whether go-yaml v2 would write this string in a block mapping with quotes (or as a block
 * scalar) rather than plain: what an editor adding a value to a YAML file should follow so
 * Go tools read the same string back.
 */
export function goYamlNeedsQuotes(s: string): boolean {
  return stringStyle(s) !== "plain" || !analyze(s).blockPlain;
}
