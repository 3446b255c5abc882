/**
 * Lexer for Go text/template sources (after Go's `text/template/parse/lex.go`): default
 * delimiters `{{ }}`, trim markers `{{- ` and ` -}}`, comments, and the action vocabulary.
 * It runs over the JS string of the source; text and literals become byte strings later.
 */

import { isDigit, isLetter } from "./unicode.js";

/** Token kinds, named like Go's `item*` constants. */
export type TokenType =
  | "text"
  | "leftDelim"
  | "rightDelim"
  | "space"
  | "identifier"
  | "field"
  | "variable"
  | "dot"
  | "string"
  | "rawString"
  | "charConstant"
  | "number"
  | "bool"
  | "nil"
  | "keyword"
  | "pipe"
  | "leftParen"
  | "rightParen"
  | "assign"
  | "declare"
  | "char"
  | "eof";

/** One token: its kind, source text, byte-independent position and line. */
export interface Token {
  type: TokenType;
  val: string;
  pos: number;
  line: number;
}

/** A lexing failure; the parser turns it into a parse error with the position. */
export class LexError extends Error {
  readonly line: number;

  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

const KEYWORDS = new Set([
  "block",
  "break",
  "continue",
  "define",
  "else",
  "end",
  "if",
  "range",
  "template",
  "with",
]);
const SPACE = /^[ \t\r\n]$/;
const TERMINATORS = new Set(["", ".", ",", "|", ":", ")", "("]);
const QUOTES = new Set(['"', "'", "`"]);
const DIGIT = /^[0-9]$/;
const NUMBER_START = /^[.+\-0-9]$/;

function isSpace(c: string | undefined): boolean {
  return c !== undefined && SPACE.test(c);
}

/** text/template's isAlphaNumeric: `_`, unicode.IsLetter or unicode.IsDigit (Go's tables). */
function isAlnum(c: string | undefined): boolean {
  if (c === undefined || c === "") return false;
  const r = c.codePointAt(0) ?? 0;
  return r === 0x5f || isLetter(r) || isDigit(r);
}

function hasLeftTrim(s: string, i: number): boolean {
  return s[i] === "-" && isSpace(s[i + 1]);
}

function hasRightTrim(s: string, i: number): boolean {
  return isSpace(s[i]) && s[i + 1] === "-";
}

function trimRightLength(s: string): number {
  let i = s.length;
  while (i > 0 && isSpace(s[i - 1])) i--;
  return s.length - i;
}

function trimLeftLength(s: string, i: number): number {
  let j = i;
  while (isSpace(s[j])) j++;
  return j - i;
}

/** Tokenizes a whole template source. Throws LexError on malformed input. */
export function lex(input: string): Token[] {
  return new Lexer(input).run();
}

class Lexer {
  private readonly input: string;
  private readonly tokens: Token[] = [];
  private pos = 0;
  private start = 0;
  private line = 1;
  private parenDepth = 0;

  constructor(input: string) {
    this.input = input;
  }

  run(): Token[] {
    while (this.lexText()) this.lexAction();
    return this.tokens;
  }

  private emit(type: TokenType, val = this.input.slice(this.start, this.pos)): void {
    this.tokens.push({ type, val, pos: this.start, line: this.line });
    this.line += countNewlines(val);
    this.start = this.pos;
  }

  private fail(message: string): never {
    throw new LexError(message, this.line);
  }

  private atRightDelim(): { delim: boolean; trim: boolean } {
    const s = this.input;
    if (hasRightTrim(s, this.pos) && s.startsWith("}}", this.pos + 2)) {
      return { delim: true, trim: true };
    }
    return { delim: s.startsWith("}}", this.pos), trim: false };
  }

  /** Emits text up to the next action; false at EOF. */
  private lexText(): boolean {
    const x = this.input.indexOf("{{", this.pos);
    if (x < 0) {
      this.pos = this.input.length;
      if (this.pos > this.start) this.emit("text");
      this.emit("eof", "");
      return false;
    }
    this.pos = x;
    const trim = hasLeftTrim(this.input, x + 2)
      ? trimRightLength(this.input.slice(this.start, x))
      : 0;
    const text = this.input.slice(this.start, x - trim);
    if (text.length > 0) this.emit("text", text);
    this.line += countNewlines(this.input.slice(x - trim, x));
    this.start = x;
    return true;
  }

  /** Lexes one action (or comment) starting at a left delimiter. */
  private lexAction(): void {
    this.pos += 2;
    const trim = hasLeftTrim(this.input, this.pos);
    const after = trim ? 2 : 0;
    if (this.input.startsWith("/*", this.pos + after)) {
      this.pos += after;
      this.lexComment();
      return;
    }
    this.emit("leftDelim", "{{");
    this.pos += after;
    this.start = this.pos;
    this.parenDepth = 0;
    while (this.lexInside());
  }

  private lexComment(): void {
    const end = this.input.indexOf("*/", this.pos + 2);
    if (end < 0) this.fail("unclosed comment");
    this.pos = end + 2;
    const { delim, trim } = this.atRightDelim();
    if (!delim) this.fail("comment ends before closing delimiter");
    this.line += countNewlines(this.input.slice(this.start, this.pos));
    this.pos += (trim ? 2 : 0) + 2;
    if (trim) this.pos += trimLeftLength(this.input, this.pos);
    this.start = this.pos;
  }

  private lexRightDelim(trim: boolean): void {
    if (trim) this.pos += 2;
    this.start = this.pos;
    this.pos += 2;
    this.emit("rightDelim", "}}");
    if (trim) this.pos += trimLeftLength(this.input, this.pos);
    this.start = this.pos;
  }

  /** Lexes one token inside an action; false after the right delimiter. */
  private lexInside(): boolean {
    const { delim, trim } = this.atRightDelim();
    if (delim) {
      if (this.parenDepth !== 0) this.fail("unclosed left paren");
      this.lexRightDelim(trim);
      return false;
    }
    const c = this.input[this.pos];
    if (c === undefined) this.fail("unclosed action");
    this.pos++;
    const simple = SIMPLE[c];
    if (simple !== undefined) {
      this.emit(simple);
      return true;
    }
    this.lexComplex(c);
    return true;
  }

  private lexComplex(c: string): void {
    if (isSpace(c)) return this.lexSpace();
    if (c === ":") {
      if (this.input[this.pos++] !== "=") this.fail("expected :=");
      return this.emit("declare");
    }
    if (QUOTES.has(c)) return this.lexQuoted(c);
    if (c === "$") return this.lexFieldOrVariable("variable");
    if (c === "." && !DIGIT.test(this.input[this.pos] ?? ""))
      return this.lexFieldOrVariable("field");
    if (NUMBER_START.test(c)) return this.lexNumber();
    if (isAlnum(c)) return this.lexIdentifier();
    return this.lexParenOrChar(c);
  }

  private lexQuoted(c: string): void {
    if (c === '"') return this.lexQuote('"', "string", "unterminated quoted string");
    if (c === "'") return this.lexQuote("'", "charConstant", "unterminated character constant");
    return this.lexRaw();
  }

  private lexParenOrChar(c: string): void {
    if (c === "(") {
      this.parenDepth++;
      return this.emit("leftParen");
    }
    if (c === ")") {
      this.parenDepth--;
      if (this.parenDepth < 0) this.fail("unexpected right paren");
      return this.emit("rightParen");
    }
    const code = c.charCodeAt(0);
    if (code >= 0x20 && code < 0x7f) return this.emit("char");
    return this.fail("unrecognized character in action");
  }

  private lexSpace(): void {
    let n = 1;
    while (isSpace(this.input[this.pos])) {
      this.pos++;
      n++;
    }
    const s = this.input;
    if (hasRightTrim(s, this.pos - 1) && s.startsWith("}}", this.pos + 1)) {
      this.pos--;
      if (n === 1) return;
    }
    this.emit("space");
  }

  private atTerminator(): boolean {
    const c = this.input[this.pos] ?? "";
    return isSpace(c) || TERMINATORS.has(c) || this.input.startsWith("}}", this.pos);
  }

  private lexIdentifier(): void {
    while (isAlnum(this.input[this.pos])) this.pos++;
    if (!this.atTerminator()) this.fail("bad character");
    const word = this.input.slice(this.start, this.pos);
    if (KEYWORDS.has(word)) return this.emit("keyword");
    if (word === "true" || word === "false") return this.emit("bool");
    if (word === "nil") return this.emit("nil");
    return this.emit("identifier");
  }

  private lexFieldOrVariable(type: "field" | "variable"): void {
    if (this.atTerminator()) return this.emit(type === "variable" ? "variable" : "dot");
    while (isAlnum(this.input[this.pos])) this.pos++;
    if (!this.atTerminator()) this.fail("bad character");
    return this.emit(type);
  }

  private lexQuote(q: string, type: TokenType, message: string): void {
    for (;;) {
      const c = this.input[this.pos++];
      if (c === "\\") {
        const n = this.input[this.pos++];
        if (n !== undefined && n !== "\n") continue;
        this.fail(message);
      }
      if (c === undefined || c === "\n") this.fail(message);
      if (c === q) break;
    }
    this.emit(type);
  }

  private lexRaw(): void {
    const end = this.input.indexOf("`", this.pos);
    if (end < 0) this.fail("unterminated raw quoted string");
    this.pos = end + 1;
    this.emit("rawString");
  }

  private lexNumber(): void {
    this.pos--;
    if (!this.scanNumber()) this.fail("bad number syntax");
    const sign = this.input[this.pos];
    if (sign === "+" || sign === "-") this.fail("complex numbers are not supported");
    this.emit("number");
  }

  private accept(valid: string): boolean {
    const c = this.input[this.pos];
    if (c !== undefined && valid.includes(c)) {
      this.pos++;
      return true;
    }
    return false;
  }

  private acceptRun(valid: string): void {
    while (this.accept(valid));
  }

  private scanNumber(): boolean {
    this.accept("+-");
    let digits = "0123456789_";
    if (this.accept("0")) {
      if (this.accept("xX")) digits = "0123456789abcdefABCDEF_";
      else if (this.accept("oO")) digits = "01234567_";
      else if (this.accept("bB")) digits = "01_";
    }
    this.acceptRun(digits);
    if (this.accept(".")) this.acceptRun(digits);
    if (digits.length === 11 && this.accept("eE")) {
      this.accept("+-");
      this.acceptRun("0123456789_");
    }
    if (digits.length === 23 && this.accept("pP")) {
      this.accept("+-");
      this.acceptRun("0123456789_");
    }
    return this.numberEnds();
  }

  /** After the digits: nothing alphanumeric may follow (`4i` is complex, not supported). */
  private numberEnds(): boolean {
    if (this.accept("i")) {
      // An imaginary literal (`4i`): Go's complex128, which Signet does not implement.
      if (!isAlnum(this.input[this.pos])) this.fail("complex numbers are not supported");
      return false;
    }
    if (isAlnum(this.input[this.pos])) {
      this.pos++;
      return false;
    }
    return true;
  }
}

const SIMPLE: Readonly<Record<string, TokenType>> = { "=": "assign", "|": "pipe" };

function countNewlines(s: string): number {
  let n = 0;
  for (const c of s) if (c === "\n") n++;
  return n;
}
