import { YamlSyntaxError } from "./yaml-parse-error.js";

/**
 * How far libyaml's scanner reads past a document's root, and the errors it finds there.
 *
 * go-yaml reads one document, but its scanner looks ahead while a token might still turn out to
 * be a simple key (`key:`): from such a token it keeps scanning tokens until the key goes stale,
 * that is once it has moved to a later line (or 1,024 characters on), having read the first
 * token of that line too. A root that starts the document is such a token, and so is the first
 * token of a line. Whatever is scanned there must be lexically valid for libyaml (quoted scalars
 * closed, valid escapes, no `@` or `` ` `` starting a token, no tab starting a line in block
 * context); what it means is never looked at. Learned from go-yaml v2's `scannerc.go`
 * (`yaml_parser_fetch_more_tokens`, `yaml_simple_key_is_valid`).
 */

/** libyaml's line breaks here (CR and NEL were read as LF before): LF, U+2028, U+2029. */
function isBreak(c: string | undefined): boolean {
  return c === "\n" || c === "\u2028" || c === "\u2029";
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (isBreak(text[i])) line++;
  return line;
}

/** The offset of the last line break before `before`, or -1. */
function lastBreak(text: string, before: number): number {
  let i = before - 1;
  while (i >= 0 && !isBreak(text[i])) i--;
  return i;
}

function fail(text: string, at: number, message: string): never {
  throw new YamlSyntaxError(`line ${lineOf(text, at)}: ${message}`, { offset: at });
}

/** libyaml's double-quoted escapes (YAML 1.1): checks them, returns the offset after the quote. */
const ESCAPES = "0abt\tnvfre \"'\\N_LPxuU";

/** Checks the escape at `i` (the backslash); returns the offset of its last character. */
function checkEscape(text: string, i: number): number {
  const e = text[i + 1]!;
  if (e === "\n") return i + 1;
  if (!ESCAPES.includes(e)) fail(text, i, "found unknown escape character");
  const width = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
  if (width === 0) return i + 1;
  const hex = text.slice(i + 2, i + 2 + width);
  if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) {
    fail(text, i, "did not find expected hexdecimal number");
  }
  const code = parseInt(hex, 16);
  if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) {
    fail(text, i, "found invalid Unicode character escape code");
  }
  return i + 1 + width;
}

/** libyaml's double-quoted escapes (YAML 1.1): checks them, returns the offset after the quote. */
function scanDoubleQuoted(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return i + 1;
    if (c === "\\" && i + 1 < text.length) i = checkEscape(text, i);
  }
  return fail(text, open, "found unexpected end of stream");
}

function scanSingleQuoted(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] !== "'") continue;
    if (text[i + 1] === "'") i++;
    else return i + 1;
  }
  return fail(text, open, "found unexpected end of stream");
}

interface Scanner {
  text: string;
  pos: number;
  flow: number;
  /** After a line break in block context no token yet: a tab there cannot be skipped. */
  lineStart: boolean;
}

/** Skips white space, line breaks and comments (libyaml's `scan_to_next_token`). */
function toNextToken(s: Scanner): void {
  const { text } = s;
  for (;;) {
    const c = text[s.pos];
    if (c === " " || (c === "\t" && (s.flow > 0 || !s.lineStart))) s.pos++;
    else if (c === "\t") fail(text, s.pos, "found character that cannot start any token");
    else if (isBreak(c)) {
      s.pos++;
      if (s.flow === 0) s.lineStart = true;
    } else if (c === "#") {
      const eol = text.indexOf("\n", s.pos);
      s.pos = eol < 0 ? text.length : eol;
    } else return;
  }
}

/** Flow brackets change the flow level; returns whether `c` was one. */
function scanBracket(s: Scanner, c: string): boolean {
  if (c === "{" || c === "[") s.flow++;
  else if (c === "}" || c === "]") s.flow = Math.max(0, s.flow - 1);
  else return false;
  s.pos++;
  return true;
}

/** Scans one token at `s.pos` (the whole token), returns false at the end of the text. */
function scanToken(s: Scanner): boolean {
  const { text } = s;
  const c = text[s.pos];
  if (c === undefined) return false;
  s.lineStart = false;
  if (c === "@" || c === "`") fail(text, s.pos, "found character that cannot start any token");
  if (c === '"') s.pos = scanDoubleQuoted(text, s.pos);
  else if (c === "'") s.pos = scanSingleQuoted(text, s.pos);
  else if (scanBracket(s, c)) return true;
  else if (",:?-".includes(c)) s.pos++;
  else {
    // Anchors, aliases, tags and plain scalars: up to a blank or a flow indicator.
    const end = /^[^\s,[\]{}]+/.exec(text.slice(s.pos));
    s.pos += end ? end[0].length : 1;
  }
  return true;
}

/**
 * Scans tokens from the one at `start` while a simple key there is still possible; returns the
 * offset after the last token read.
 */
function scanWhileKeyPossible(text: string, start: number, flow: number): number {
  const s: Scanner = { text, pos: start, flow, lineStart: false };
  const line = lineOf(text, start);
  let end = start;
  while (s.pos < text.length && lineOf(text, s.pos) === line && s.pos <= start + 1024) {
    if (!scanToken(s)) break;
    end = s.pos;
    toNextToken(s);
  }
  if (s.pos < text.length && scanToken(s)) end = s.pos;
  return end;
}

/**
 * For a document whose root (a flow collection or quoted scalar starting at `rootStart`) ends
 * at `rootEnd`: checks what libyaml scans after it and returns where that scan ends.
 */
export function scanAfterRoot(text: string, rootStart: number, rootEnd: number): number {
  let reach = rootEnd;
  const sameLine = lastBreak(text, rootEnd) < rootStart;
  if (sameLine) reach = Math.max(reach, scanWhileKeyPossible(text, rootStart, 0));
  const s: Scanner = { text, pos: rootEnd, flow: 0, lineStart: false };
  toNextToken(s);
  const next = s.pos;
  if (next >= text.length) return Math.max(reach, next);
  const firstOnLine = lastBreak(text, next) >= rootEnd;
  if (!firstOnLine || !startsSimpleKey(text, next)) {
    scanToken(s);
    return Math.max(reach, s.pos + (isDocumentMarker(text, next) ? 3 : 0));
  }
  return Math.max(reach, scanWhileKeyPossible(text, next, 0));
}

/** `---` or `...` at the start of a line, followed by a blank: a document marker. */
function isDocumentMarker(text: string, at: number): boolean {
  return (
    (at === 0 || isBreak(text[at - 1])) &&
    /^(?:---|\.\.\.)(?:[ \t\n]|$)/.test(text.slice(at, at + 4))
  );
}

/** Tokens libyaml may take as the start of a simple key (scalars, flow collections, properties). */
function startsSimpleKey(text: string, at: number): boolean {
  if (isDocumentMarker(text, at)) return false;
  const c = text[at] ?? "";
  if ("-?:".includes(c)) return /[^\s]/.test(text[at + 1] ?? " ");
  return !",]}|>%#".includes(c);
}
