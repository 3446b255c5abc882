import type {
  ArgNode,
  At,
  BranchNode,
  ChainNode,
  CommandNode,
  ItemNode,
  ListNode,
  NumberNode,
  PipeNode,
  TemplateNode,
  TreeSet,
} from "./ast.js";
import { budgetFault, TemplateFault } from "./failure.js";
import { formatValue } from "./fmt.js";
import { timeMethod } from "./methods.js";
import type { CallContext, FuncDef, FuncMap, ParamType } from "./funcs.js";
import {
  GoInt,
  GoMap,
  GoSlice,
  GoStruct,
  GoTime,
  goInt,
  isTrue,
  sortedKeys,
  typeName,
} from "./value.js";
import type { GoValue } from "./value.js";

/**
 * The evaluator (after Go's `text/template/exec.go`). It walks the parse tree over GoValues,
 * applies Go's argument rules, and meters every step, byte and template call against the
 * budget; the clock is read every few hundred steps so a hostile template fails on time too.
 */

/** Resolved budget for one render. */
export interface Budget {
  maxOutputBytes: number;
  maxSteps: number;
  maxDepth: number;
  maxMillis: number;
}

/** Work counters shared by every template of one object, so the budget is per object. */
export class Meter {
  steps = 0;
  outBytes = 0;
  readonly started: number;

  constructor(started: number) {
    this.started = started;
  }
}

/** Everything one execution needs. */
export interface ExecOptions {
  readonly meter: Meter;
  readonly name: string;
  readonly trees: TreeSet;
  readonly funcs: FuncMap;
  readonly budget: Budget;
  readonly clock: () => number;
  readonly context: Omit<CallContext, "charge" | "maxBytes">;
}

/** A failure located at a node: Go's `template: NAME:LINE: executing "NAME" at <SRC>: MSG`. */
export class LocatedFault extends TemplateFault {}

const MISSING: unique symbol = Symbol("missing");
type Final = GoValue | typeof MISSING;
type Flow = "break" | "continue" | null;

interface Variable {
  name: string;
  value: GoValue;
}

const CLOCK_EVERY = 256;

class State {
  private readonly opts: ExecOptions;
  private readonly out: string[] = [];
  private readonly meter: Meter;
  private depth = 0;
  private tmplName: string;
  private vars: Variable[] = [];
  private at: At = { line: 0, src: "" };
  readonly ctx: CallContext;

  constructor(opts: ExecOptions) {
    this.opts = opts;
    this.tmplName = opts.name;
    this.meter = opts.meter;
    this.ctx = {
      ...opts.context,
      maxBytes: opts.budget.maxOutputBytes,
      charge: (units: number) => this.charge(units),
    };
  }

  charge(units: number): void {
    const m = this.meter;
    const before = m.steps;
    m.steps += Math.max(1, Math.ceil(units));
    if (m.steps > this.opts.budget.maxSteps) throw budgetFault("step budget exceeded");
    if (Math.floor(m.steps / CLOCK_EVERY) !== Math.floor(before / CLOCK_EVERY)) {
      if (this.opts.clock() - m.started > this.opts.budget.maxMillis) {
        throw budgetFault("time budget exceeded");
      }
    }
  }

  fail(message: string): never {
    throw new LocatedFault(
      "ERR_TEMPLATE_EXEC",
      `template: ${this.opts.name}:${this.at.line}: executing "${this.tmplName}" at <${this.at.src}>: ${message}`,
    );
  }

  setAt(at: At): void {
    this.at = at;
  }

  write(s: string): void {
    this.meter.outBytes += s.length;
    if (this.meter.outBytes > this.opts.budget.maxOutputBytes) {
      throw budgetFault("output budget exceeded");
    }
    this.out.push(s);
  }

  output(): string {
    return this.out.join("");
  }

  run(dot: GoValue): void {
    const root = this.opts.trees.get(this.opts.name);
    if (root === undefined) this.fail(`no such template "${this.opts.name}"`);
    this.vars = [{ name: "$", value: dot }];
    this.walkList(dot, root);
  }

  // --- walking -------------------------------------------------------------------------------

  walkList(dot: GoValue, list: ListNode): Flow {
    for (const node of list.nodes) {
      const flow = this.walk(dot, node);
      if (flow !== null) return flow;
    }
    return null;
  }

  walk(dot: GoValue, node: ItemNode): Flow {
    this.charge(1);
    switch (node.kind) {
      case "text":
        this.write(node.text);
        return null;
      case "action":
        return this.walkAction(dot, node.pipe);
      case "if":
      case "with":
        return this.walkIfOrWith(dot, node);
      case "range":
        return this.walkRange(dot, node);
      case "template":
        return this.walkTemplate(dot, node);
      case "break":
      case "continue":
        return node.kind;
    }
  }

  walkAction(dot: GoValue, pipe: PipeNode): Flow {
    const v = this.evalPipeline(dot, pipe);
    if (pipe.decl.length === 0) this.write(printable(v));
    return null;
  }

  walkIfOrWith(dot: GoValue, node: BranchNode): Flow {
    const mark = this.vars.length;
    try {
      const v = this.evalPipeline(dot, node.pipe);
      if (isTrue(v)) return this.walkList(node.kind === "with" ? v : dot, node.list);
      if (node.elseList !== null) return this.walkList(dot, node.elseList);
      return null;
    } finally {
      this.vars.length = mark;
    }
  }

  walkRange(dot: GoValue, node: BranchNode): Flow {
    const mark = this.vars.length;
    try {
      const v = this.evalPipeline(dot, node.pipe);
      const ran = this.rangeOver(v, node);
      if (!ran && node.elseList !== null) return this.walkList(dot, node.elseList);
      return null;
    } finally {
      this.vars.length = mark;
    }
  }

  private rangeOver(v: GoValue, node: BranchNode): boolean {
    if (v === null) return false;
    if (v instanceof GoSlice) return this.iterate(sliceEntries(v), node);
    if (v instanceof GoMap) return this.iterate(mapEntries(v), node);
    if (v instanceof GoInt) {
      if (node.pipe.decl.length > 1) {
        this.fail("can't use an integer to iterate over more than one variable");
      }
      return this.iterate(intEntries(v), node);
    }
    return this.fail(`range can't iterate over a value of type ${typeName(v)}`);
  }

  private iterate(items: Iterable<[GoValue, GoValue]>, node: BranchNode): boolean {
    const mark = this.vars.length;
    const decl = node.pipe.decl;
    let ran = false;
    for (const [index, elem] of items) {
      ran = true;
      this.charge(1);
      this.bindRange(decl, node.pipe.isAssign, index, elem);
      const flow = this.walkList(elem, node.list);
      this.vars.length = mark;
      if (flow === "break") break;
    }
    return ran;
  }

  private bindRange(decl: string[], isAssign: boolean, index: GoValue, elem: GoValue): void {
    if (decl.length === 0) return;
    if (isAssign) {
      if (decl.length > 1) {
        this.setVar(decl[0] ?? "", index);
        this.setVar(decl[1] ?? "", elem);
      } else {
        this.setVar(decl[0] ?? "", elem);
      }
      return;
    }
    const top = this.vars.length;
    const last = this.vars[top - 1];
    if (last !== undefined) last.value = elem;
    const first = this.vars[top - 2];
    if (decl.length > 1 && first !== undefined) first.value = index;
  }

  walkTemplate(dot: GoValue, node: TemplateNode): Flow {
    this.setAt(node.at);
    const tree = this.opts.trees.get(node.name);
    if (tree === undefined) this.fail(`no such template "${node.name}"`);
    const newDot = node.pipe === null ? null : this.evalPipeline(dot, node.pipe);
    if (this.depth >= this.opts.budget.maxDepth)
      throw budgetFault("template depth budget exceeded");
    const saved = { vars: this.vars, name: this.tmplName };
    this.depth++;
    this.vars = [{ name: "$", value: newDot }];
    this.tmplName = node.name;
    try {
      this.walkList(newDot, tree);
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.tmplName = saved.name;
    }
    return null;
  }

  // --- variables -----------------------------------------------------------------------------

  setVar(name: string, value: GoValue): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v !== undefined && v.name === name) {
        v.value = value;
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }

  varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v !== undefined && v.name === name) return v.value;
    }
    return this.fail(`undefined variable: ${name}`);
  }

  // --- pipelines and commands ----------------------------------------------------------------

  evalPipeline(dot: GoValue, pipe: PipeNode): GoValue {
    this.setAt(pipe.at);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    const result = value === MISSING ? null : value;
    for (const name of pipe.decl) {
      if (pipe.isAssign) this.setVar(name, result);
      else this.vars.push({ name, value: result });
    }
    return result;
  }

  evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    this.charge(1);
    const first = cmd.args[0];
    if (first === undefined) return this.fail("empty command");
    this.setAt(first.at);
    if (first.kind === "field") {
      return this.evalFieldChain(dot, dot, first.ident, { args: cmd.args, final });
    }
    if (first.kind === "chain") return this.evalChain(dot, first, cmd.args, final);
    if (first.kind === "identifier") return this.evalFunction(dot, first.name, cmd.args, final);
    if (first.kind === "variable") return this.evalVariable(dot, first.ident, cmd.args, final);
    return this.evalConstantCommand(dot, first, cmd.args, final);
  }

  private notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) {
      this.fail(`can't give argument to non-function ${args[0]?.at.src ?? ""}`);
    }
  }

  private evalConstantCommand(dot: GoValue, node: ArgNode, args: ArgNode[], final: Final): GoValue {
    this.notAFunction(args, final);
    switch (node.kind) {
      case "pipe":
        return this.evalPipeline(dot, node);
      case "bool":
        return node.value;
      case "dot":
        return dot;
      case "nil":
        return this.fail("nil is not a command");
      case "number":
        return this.idealConstant(node);
      case "string":
        return node.text;
      case "field":
      case "variable":
      case "chain":
      case "identifier":
        return this.fail(`can't evaluate command ${node.at.src}`);
    }
  }

  private idealConstant(n: NumberNode): GoValue {
    const hex = /^[+-]?0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    if (n.isFloat && !hex && !n.text.startsWith("'") && /[.eEpP]/.test(n.text)) return n.float;
    if (n.isInt) return goInt(n.int);
    if (n.isUint) return this.fail(`${n.text} overflows int`);
    return null;
  }

  private evalVariable(dot: GoValue, ident: string[], args: ArgNode[], final: Final): GoValue {
    const value = this.varValue(ident[0] ?? "$");
    if (ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, ident.slice(1), { args, final });
  }

  private evalChain(dot: GoValue, chain: ChainNode, args: ArgNode[], final: Final): GoValue {
    if (chain.field.length === 0) this.fail("internal error: no fields in evalChainNode");
    if (chain.node.kind === "nil") this.fail(`indirection through explicit nil in ${chain.at.src}`);
    const pipe = this.evalArg(dot, "any", chain.node);
    return this.evalFieldChain(dot, pipe, chain.field, { args, final });
  }

  private evalFieldChain(
    dot: GoValue,
    receiver: GoValue,
    ident: string[],
    call: { args: ArgNode[]; final: Final },
  ): GoValue {
    let r = receiver;
    const n = ident.length;
    const none: { args: ArgNode[]; final: Final } = { args: [], final: MISSING };
    for (let i = 0; i < n - 1; i++) r = this.evalField(dot, ident[i] ?? "", r, none);
    return this.evalField(dot, ident[n - 1] ?? "", r, call);
  }

  private evalField(
    dot: GoValue,
    name: string,
    receiver: GoValue,
    call: { args: ArgNode[]; final: Final },
  ): GoValue {
    this.charge(1);
    if (receiver === null) return null;
    const hasArgs = call.args.length > 1 || call.final !== MISSING;
    if (receiver instanceof GoTime) {
      const def = timeMethod(receiver, name);
      if (def !== undefined)
        return this.evalCall(dot, { name, def }, call.args.slice(1), call.final);
    }
    if (receiver instanceof GoMap) {
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      return receiver.m.has(name) ? (receiver.m.get(name) ?? null) : null;
    }
    if (receiver instanceof GoStruct) {
      const field = receiver.fields.get(name);
      if (field !== undefined) {
        if (hasArgs) this.fail(`wrong number of args for ${name}: want 0 got 1`);
        return field();
      }
    }
    return this.fail(`can't evaluate field ${name} in type ${typeName(receiver)}`);
  }

  // --- functions -----------------------------------------------------------------------------

  private evalFunction(dot: GoValue, name: string, args: ArgNode[], final: Final): GoValue {
    const at = { line: args[0]?.at.line ?? this.at.line, src: args.map((a) => a.at.src).join(" ") };
    this.setAt(at);
    const def = this.opts.funcs.get(name);
    if (def === undefined) return this.fail(`"${name}" is not a defined function`);
    return this.evalCall(dot, { name, def, at }, args.slice(1), final);
  }

  private checkArity(name: string, def: FuncDef, numIn: number, given: number): void {
    const want = def.params.length;
    if (def.variadic !== undefined) {
      if (numIn < want)
        this.fail(`wrong number of args for ${name}: want at least ${want} got ${given}`);
    } else if (numIn !== want) {
      this.fail(`wrong number of args for ${name}: want ${want} got ${numIn}`);
    }
  }

  private evalCall(
    dot: GoValue,
    f: { name: string; def: FuncDef; at?: At },
    args: ArgNode[],
    final: Final,
  ): GoValue {
    const { name, def } = f;
    const at = f.at ?? this.at;
    const numIn = args.length + (final === MISSING ? 0 : 1);
    this.checkArity(name, def, numIn, args.length);
    if (name === "and" || name === "or") return this.andOr(dot, name, args, final);
    const argv: GoValue[] = [];
    args.forEach((arg, i) => argv.push(this.evalArg(dot, paramAt(def, i), arg)));
    if (final !== MISSING) argv.push(this.validateType(final, paramAt(def, numIn - 1)));
    this.setAt(at);
    return this.safeCall(name, def, argv);
  }

  private andOr(dot: GoValue, name: string, args: ArgNode[], final: Final): GoValue {
    let v: GoValue = null;
    for (const arg of args) {
      v = this.evalArg(dot, "any", arg);
      if (isTrue(v) === (name === "or")) return v;
    }
    if (final !== MISSING) v = final;
    return v;
  }

  private safeCall(name: string, def: FuncDef, argv: GoValue[]): GoValue {
    let result: GoValue;
    try {
      result = def.call(argv, this.ctx);
    } catch (err) {
      if (err instanceof TemplateFault && err.code !== "ERR_TEMPLATE_EXEC") throw err;
      if (err instanceof RangeError) throw budgetFault(`${name} exceeded a resource limit`);
      const message = err instanceof TemplateFault ? err.message : "function failed";
      return this.fail(`error calling ${name}: ${message}`);
    }
    this.meterValue(result);
    return result;
  }

  private meterValue(v: GoValue): void {
    const size = valueSize(v);
    if (size > this.opts.budget.maxOutputBytes) {
      throw budgetFault("value exceeds the output budget");
    }
    this.charge(size / 256);
  }

  evalArg(dot: GoValue, typ: ParamType, n: ArgNode): GoValue {
    this.setAt(n.at);
    switch (n.kind) {
      case "dot":
        return this.validateType(dot, typ);
      case "nil":
        if (canBeNil(typ)) return null;
        return this.fail(`cannot assign nil to ${typ}`);
      case "field":
        return this.validateType(
          this.evalFieldChain(dot, dot, n.ident, { args: [n], final: MISSING }),
          typ,
        );
      case "variable":
        return this.validateType(this.evalVariable(dot, n.ident, [], MISSING), typ);
      case "pipe":
        return this.validateType(this.evalPipeline(dot, n), typ);
      case "identifier":
        return this.validateType(this.evalFunction(dot, n.name, [n], MISSING), typ);
      case "chain":
        return this.validateType(this.evalChain(dot, n, [], MISSING), typ);
      case "bool":
      case "number":
      case "string":
        return this.literalArg(typ, n);
    }
  }

  private literalArg(typ: ParamType, n: ArgNode): GoValue {
    if (typ === "any") return this.evalConstantCommand(null, n, [n], MISSING);
    if (n.kind === "bool" && typ === "bool") return n.value;
    if (n.kind === "string" && typ === "string") return n.text;
    if (n.kind === "number") {
      if ((typ === "int" || typ === "int64") && n.isInt) return new GoInt(typ, n.int);
      if (typ === "float64" && n.isFloat) return n.float;
    }
    return this.fail(`expected ${expectedWord(typ)}; found ${n.at.src}`);
  }

  validateType(value: GoValue, typ: ParamType): GoValue {
    if (value === null) {
      if (canBeNil(typ)) return null;
      return this.fail(`invalid value; expected ${typ}`);
    }
    if (typ === "any" || typeName(value) === typ) return value;
    return this.fail(`wrong type for value; expected ${typ}; got ${typeName(value)}`);
  }
}

function paramAt(def: FuncDef, i: number): ParamType {
  const fixed = def.params[i];
  if (fixed !== undefined && (def.variadic === undefined || i < def.params.length)) return fixed;
  return def.variadic ?? "any";
}

function canBeNil(typ: ParamType): boolean {
  return typ === "any" || typ.startsWith("[]") || typ.startsWith("map[");
}

function expectedWord(typ: ParamType): string {
  if (typ === "int" || typ === "int64") return "integer";
  if (typ === "float64") return "float";
  return typ;
}

/** Shallow size a function result counts against the output budget. */
function valueSize(v: GoValue): number {
  if (typeof v === "string") return v.length;
  if (v instanceof GoSlice) return v.items.length * 8;
  if (v instanceof GoMap) return v.m.size * 16;
  return 0;
}

function* sliceEntries(v: GoSlice): Generator<[GoValue, GoValue]> {
  for (let i = 0; i < v.items.length; i++) yield [goInt(i), v.items[i] ?? null];
}

function* mapEntries(v: GoMap): Generator<[GoValue, GoValue]> {
  for (const k of sortedKeys(v)) yield [k, v.m.get(k) ?? null];
}

/** Go 1.22 range over an integer, lazily (a hostile `range 1e18` costs steps, not memory). */
function* intEntries(v: GoInt): Generator<[GoValue, GoValue]> {
  for (let i = 0n; i < v.v; i++) yield [null, new GoInt(v.type, i)];
}

/** Text an action prints for a value: `<no value>` for nil, else fmt's %v. */
function printable(v: GoValue): string {
  return v === null ? "<no value>" : formatValue(v);
}

/** Executes the template `opts.name` over `dot`; returns the output as a byte string. */
export function execute(opts: ExecOptions, dot: GoValue): string {
  const state = new State(opts);
  state.run(dot);
  return state.output();
}
