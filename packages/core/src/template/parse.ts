import type {
  ArgNode,
  At,
  BranchNode,
  CommandNode,
  ItemNode,
  ListNode,
  NumberNode,
  PipeNode,
  TemplateNode,
  TreeSet,
} from "./ast.js";
import { fromUtf8 } from "./bytes.js";
import { lex, LexError } from "./lex.js";
import type { Token, TokenType } from "./lex.js";
import { parseGoFloat, parseGoInt, unquoteChar, unquoteString } from "./literal.js";

/**
 * Parser for Go text/template (after `text/template/parse/parse.go`): the same grammar, the
 * same parse-time checks (undefined functions and variables, break/continue outside range,
 * non-executable pipeline stages), producing a {@link TreeSet}.
 */

/** A parse failure: Go's message and the 1-based line. Messages quote only template source. */
export class ParseError extends Error {
  readonly line: number;

  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

const MAX_PAREN_DEPTH = 1000;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

type EndKind = "end" | "else" | "elseIf" | "elseWith";
interface EndMarker {
  kind: EndKind;
  line: number;
}

/** Parses `source` as the template `name`; `hasFunction` answers the parse-time function check. */
export function parseTemplate(
  name: string,
  source: string,
  hasFunction: (name: string) => boolean,
): TreeSet {
  let tokens: Token[];
  try {
    tokens = lex(source);
  } catch (err) {
    if (err instanceof LexError) throw new ParseError(err.message, err.line);
    throw err;
  }
  const set: TreeSet = new Map();
  new Parser(tokens, hasFunction, set).parseRoot(name);
  return set;
}

function isEmptyTree(list: ListNode): boolean {
  return list.nodes.every((n) => n.kind === "text" && n.text.trim() === "");
}

class Parser {
  private readonly tokens: Token[];
  private readonly hasFunction: (name: string) => boolean;
  private readonly set: TreeSet;
  private i = 0;
  private vars: string[] = ["$"];
  private rangeDepth = 0;
  private parenDepth = 0;

  constructor(tokens: Token[], hasFunction: (name: string) => boolean, set: TreeSet) {
    this.tokens = tokens;
    this.hasFunction = hasFunction;
    this.set = set;
  }

  private fail(message: string, line = this.peek().line): never {
    throw new ParseError(message, line);
  }

  private peek(): Token {
    return this.tokens[this.i] ?? { type: "eof", val: "", pos: 0, line: 0 };
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length) this.i++;
    return t;
  }

  private nextNonSpace(): Token {
    let t = this.next();
    while (t.type === "space") t = this.next();
    return t;
  }

  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.i--;
    return t;
  }

  private expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  private unexpected(t: Token, context: string): never {
    if (t.type === "eof") this.fail(`unexpected EOF in ${context}`, t.line);
    return this.fail(`unexpected ${describe(t)} in ${context}`, t.line);
  }

  private at(t: Token): At {
    return { line: t.line, src: t.val };
  }

  private add(name: string, list: ListNode): void {
    const existing = this.set.get(name);
    if (existing !== undefined && !isEmptyTree(existing) && !isEmptyTree(list)) {
      this.fail(`template: multiple definition of template "${name}"`);
    }
    if (existing === undefined || !isEmptyTree(list) || isEmptyTree(existing)) {
      this.set.set(name, list);
    }
  }

  parseRoot(name: string): void {
    const root: ListNode = { kind: "list", nodes: [] };
    while (this.peek().type !== "eof") {
      if (this.peek().type === "leftDelim") {
        const save = this.i;
        this.next();
        const t = this.nextNonSpace();
        if (t.type === "keyword" && t.val === "define") {
          this.parseDefinition();
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if ("end" in n) this.fail(`unexpected {{${n.end.kind === "end" ? "end" : "else"}}}`);
      root.nodes.push(n);
    }
    this.add(name, root);
  }

  private parseDefinition(): void {
    const context = "define clause";
    const t = this.nextNonSpace();
    if (t.type !== "string" && t.type !== "rawString") this.unexpected(t, context);
    const name = this.templateName(t);
    this.expect("rightDelim", context);
    const outer = this.vars;
    this.vars = ["$"];
    const [list, end] = this.itemList();
    this.vars = outer;
    if (end.kind !== "end") this.fail(`unexpected {{else}} in ${context}`, end.line);
    this.add(name, list);
  }

  private itemList(): [ListNode, EndMarker] {
    const list: ListNode = { kind: "list", nodes: [] };
    while (this.peekNonSpace().type !== "eof") {
      const n = this.textOrAction();
      if ("end" in n) return [list, n.end];
      list.nodes.push(n);
    }
    return this.fail("unexpected EOF");
  }

  private textOrAction(): ItemNode | { end: EndMarker } {
    const t = this.nextNonSpace();
    if (t.type === "text") return { kind: "text", text: fromUtf8(t.val) };
    if (t.type === "leftDelim") return this.action();
    return this.unexpected(t, "input");
  }

  private action(): ItemNode | { end: EndMarker } {
    const t = this.nextNonSpace();
    if (t.type === "keyword") {
      const handled = this.keywordAction(t);
      if (handled !== null) return handled;
    }
    this.i--;
    const start = this.peek();
    return { kind: "action", at: this.at(start), pipe: this.pipeline("command", "rightDelim") };
  }

  private keywordAction(t: Token): ItemNode | { end: EndMarker } | null {
    switch (t.val) {
      case "block":
        return this.blockControl();
      case "break":
      case "continue":
        return this.loopControl(t);
      case "else":
        return { end: this.elseControl() };
      case "end":
        this.expect("rightDelim", "end");
        return { end: { kind: "end", line: t.line } };
      case "if":
      case "range":
      case "with":
        return this.branch(t.val, t);
      case "template":
        return this.templateControl();
      default:
        return null;
    }
  }

  private loopControl(t: Token): ItemNode {
    const next = this.nextNonSpace();
    if (next.type !== "rightDelim") this.unexpected(next, `{{${t.val}}}`);
    if (this.rangeDepth === 0) this.fail(`{{${t.val}}} outside {{range}}`, t.line);
    return { kind: t.val === "break" ? "break" : "continue", at: this.at(t) };
  }

  private elseControl(): EndMarker {
    const peek = this.peekNonSpace();
    if (peek.type === "keyword" && (peek.val === "if" || peek.val === "with")) {
      return { kind: peek.val === "if" ? "elseIf" : "elseWith", line: peek.line };
    }
    const t = this.expect("rightDelim", "else");
    return { kind: "else", line: t.line };
  }

  private branch(context: "if" | "range" | "with", t: Token): BranchNode {
    const mark = this.vars.length;
    const pipe = this.pipeline(context, "rightDelim");
    if (context === "range") this.rangeDepth++;
    const [list, end] = this.itemList();
    if (context === "range") this.rangeDepth--;
    const elseList = this.elseBranch(context, end);
    this.vars = this.vars.slice(0, mark);
    return { kind: context, at: this.at(t), pipe, list, elseList };
  }

  private elseBranch(context: "if" | "range" | "with", end: EndMarker): ListNode | null {
    if (end.kind === "end") return null;
    const chained =
      (context === "if" && end.kind === "elseIf") ||
      (context === "with" && end.kind === "elseWith");
    if (chained) {
      const kw = this.nextNonSpace();
      return { kind: "list", nodes: [this.branch(context, kw)] };
    }
    if (end.kind !== "else") this.fail(`unexpected {{else}}`);
    const [list, last] = this.itemList();
    if (last.kind !== "end") this.fail("expected end; found {{else}}", last.line);
    return list;
  }

  private templateName(t: Token): string {
    const name = unquoteString(t.val);
    if (name === null) this.fail("invalid syntax", t.line);
    return name;
  }

  private blockControl(): TemplateNode {
    const context = "block clause";
    const t = this.nextNonSpace();
    if (t.type !== "string" && t.type !== "rawString") this.unexpected(t, context);
    const name = this.templateName(t);
    const pipe = this.pipeline(context, "rightDelim");
    const outer = this.vars;
    const outerRange = this.rangeDepth;
    this.vars = ["$"];
    this.rangeDepth = 0;
    const [list, end] = this.itemList();
    this.vars = outer;
    this.rangeDepth = outerRange;
    if (end.kind !== "end") this.fail(`unexpected {{else}} in ${context}`, end.line);
    this.add(name, list);
    return { kind: "template", at: this.at(t), name, pipe };
  }

  private templateControl(): TemplateNode {
    const context = "template clause";
    const t = this.nextNonSpace();
    if (t.type !== "string" && t.type !== "rawString") this.unexpected(t, context);
    const name = this.templateName(t);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().type !== "rightDelim") {
      this.i--;
      pipe = this.pipeline(context, "rightDelim");
    }
    return { kind: "template", at: this.at(t), name, pipe };
  }

  private declarations(context: string, pipe: PipeNode): void {
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== "variable") return;
      const save = this.i;
      this.nextNonSpace();
      const afterVar = this.peek();
      const next = this.peekNonSpace();
      if (next.type === "assign" || next.type === "declare") {
        pipe.isAssign = next.type === "assign";
        this.nextNonSpace();
        this.declare(pipe, v);
        return;
      }
      if (next.type === "char" && next.val === ",") {
        this.nextNonSpace();
        this.declare(pipe, v);
        this.moreDeclarations(context, pipe);
        continue;
      }
      this.i = afterVar.type === "space" ? save : save;
      return;
    }
  }

  private moreDeclarations(context: string, pipe: PipeNode): void {
    if (context === "range" && pipe.decl.length < 2) {
      const t = this.peekNonSpace().type;
      if (t === "variable" || t === "rightDelim" || t === "rightParen") return;
      this.fail("range can only initialize variables");
    }
    this.fail(`too many declarations in ${context}`);
  }

  private declare(pipe: PipeNode, v: Token): void {
    pipe.decl.push(v.val);
    this.vars.push(v.val);
  }

  private pipeline(context: string, end: TokenType): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = {
      kind: "pipe",
      at: this.at(start),
      isAssign: false,
      decl: [],
      cmds: [],
    };
    this.declarations(context, pipe);
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      if (!OPERAND_START.has(t.type)) this.unexpected(t, context);
      this.i--;
      pipe.cmds.push(this.command());
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const k = c.args[0]?.kind;
      if (k === "bool" || k === "dot" || k === "nil" || k === "number" || k === "string") {
        this.fail(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private command(): CommandNode {
    const start = this.peekNonSpace();
    const cmd: CommandNode = { kind: "command", at: this.at(start), args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const t = this.next();
      if (t.type === "space") continue;
      if (t.type === "rightDelim" || t.type === "rightParen") this.i--;
      else if (t.type !== "pipe") this.unexpected(t, "operand");
      break;
    }
    if (cmd.args.length === 0) this.fail("empty command");
    return cmd;
  }

  private operand(): ArgNode | null {
    const node = this.term();
    if (node === null || this.peek().type !== "field") return node;
    const fields: string[] = [];
    while (this.peek().type === "field") fields.push(this.next().val.slice(1));
    if (node.kind === "field" || node.kind === "variable") {
      return { ...node, ident: [...node.ident, ...fields] };
    }
    if (node.kind === "chain" || node.kind === "identifier" || node.kind === "pipe") {
      return { kind: "chain", at: node.at, node, field: fields };
    }
    return this.fail(`unexpected . after term "${node.at.src}"`);
  }

  private term(): ArgNode | null {
    const t = this.nextNonSpace();
    const at = this.at(t);
    if (t.type === "identifier") {
      if (!this.hasFunction(t.val)) this.fail(`function "${t.val}" not defined`, t.line);
      return { kind: "identifier", at, name: t.val };
    }
    if (t.type === "variable") return this.useVar(t);
    if (t.type === "charConstant" || t.type === "number") return this.number(t);
    if (t.type === "dot") return { kind: "dot", at };
    if (t.type === "nil") return { kind: "nil", at };
    if (t.type === "field") return { kind: "field", at, ident: [t.val.slice(1)] };
    if (t.type === "bool") return { kind: "bool", at, value: t.val === "true" };
    return this.otherTerm(t);
  }

  private otherTerm(t: Token): ArgNode | null {
    if (t.type === "leftParen") {
      if (this.parenDepth >= MAX_PAREN_DEPTH) this.fail("max expression depth exceeded");
      this.parenDepth++;
      const pipe = this.pipeline("parenthesized pipeline", "rightParen");
      this.parenDepth--;
      return pipe;
    }
    if (t.type === "string" || t.type === "rawString") {
      return { kind: "string", at: this.at(t), text: this.templateName(t) };
    }
    this.i--;
    return null;
  }

  private useVar(t: Token): ArgNode {
    const ident = t.val.split(".");
    const name = ident[0] ?? "$";
    if (!this.vars.includes(name)) this.fail(`undefined variable "${name}"`, t.line);
    return { kind: "variable", at: this.at(t), ident: [name, ...ident.slice(1)] };
  }

  private number(t: Token): NumberNode {
    const node = t.type === "charConstant" ? charNumber(t) : parseNumber(t);
    if (node === null) this.fail(`illegal number syntax: ${t.val}`, t.line);
    return node;
  }
}

const OPERAND_START: ReadonlySet<TokenType> = new Set<TokenType>([
  "bool",
  "charConstant",
  "dot",
  "field",
  "identifier",
  "number",
  "nil",
  "rawString",
  "string",
  "variable",
  "leftParen",
]);

function describe(t: Token): string {
  if (t.type === "rightDelim") return '"}}"';
  if (t.type === "leftDelim") return '"{{"';
  return `<${t.val}>`;
}

function charNumber(t: Token): NumberNode | null {
  const r = unquoteChar(t.val);
  if (r === null) return null;
  const at = { line: t.line, src: t.val };
  const v = BigInt(r);
  return {
    kind: "number",
    at,
    text: t.val,
    isInt: true,
    isUint: true,
    isFloat: true,
    int: v,
    float: r,
  };
}

function parseNumber(t: Token): NumberNode | null {
  const text = t.val;
  const node: NumberNode = {
    kind: "number",
    at: { line: t.line, src: text },
    text,
    isInt: false,
    isUint: false,
    isFloat: false,
    int: 0n,
    float: 0,
  };
  const i = parseGoInt(text);
  if (i !== null) return integerNode(node, i);
  const f = parseGoFloat(text);
  if (f === null || !Number.isFinite(f)) return null;
  if (!/[.eEpP]/.test(text)) return null;
  node.isFloat = true;
  node.float = f;
  if (Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63) {
    node.isInt = true;
    node.int = BigInt(f);
  }
  node.isUint = Number.isInteger(f) && f >= 0 && f < 2 ** 64;
  return node;
}

function integerNode(node: NumberNode, i: bigint): NumberNode | null {
  node.isInt = i >= INT64_MIN && i <= INT64_MAX;
  node.isUint = i >= 0n && i <= UINT64_MAX;
  if (!node.isInt && !node.isUint) return null;
  node.int = i;
  node.isFloat = true;
  node.float = Number(i);
  return node;
}
