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
import { fromUtf8 } from "./bytes.js";
import { budgetFault, TemplateFault } from "./failure.js";
import { formatValue } from "./fmt.js";
import { timeMethod } from "./methods.js";
import type { CallContext, FuncDef, FuncMap, ParamType } from "./funcs.js";
import { opacityFault } from "./opacity-check.js";
import { FUNCTION_OPACITY, printfPicks } from "./opacity.js";
import type { Opacity } from "./opacity.js";
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
 *
 * In opaque mode (the default of renderTemplates, docs/templates.md) the static check has
 * already refused every template where sealed data decides anything, and the evaluator keeps,
 * beside each value, the *bound* of a sealed value: an upper limit of its printed size computed
 * only from public facts (the lengths of the decrypted values, which their ciphertexts show, and
 * the template's own constants) by the size rules of opacity.ts. Sealed values are charged at
 * their bound against the output and step budgets, so whether a budget runs out cannot depend on
 * what a value holds either.
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
  readonly context: Omit<CallContext, "charge" | "maxBytes" | "memo">;
  /** Charge sealed values at public bounds (the template passed checkOpacity). */
  readonly opaque?: boolean;
  /** The name messages give the template `name` (default: `name`). */
  readonly displayName?: string;
}

/** A failure located at a node: Go's `template: NAME:LINE: executing "NAME" at <SRC>: MSG`. */
export class LocatedFault extends TemplateFault {}

const MISSING: unique symbol = Symbol("missing");
type Final = GoValue | typeof MISSING;
type Flow = "break" | "continue" | null;

interface Variable {
  name: string;
  value: GoValue;
  /** Bound of a sealed value, or PUBLIC. */
  sb: number;
  /** A nil element of a list or map: Go's nil interface (a field of it fails). */
  nilElem?: boolean;
}

const CLOCK_EVERY = 256;
/** Shadow of a value that holds no sealed data. */
const PUBLIC = -1;
/** Printed size bound of a nil reached through sealed data (`<no value>`, `<nil>`). */
const NIL_BOUND = 16;

class State {
  private readonly opts: ExecOptions;
  private readonly out: string[] = [];
  private readonly meter: Meter;
  private depth = 0;
  private tmplName: string;
  private vars: Variable[] = [];
  private at: At = { line: 0, src: "" };
  /** Bound of the value evaluated last (PUBLIC when it holds no sealed data). */
  private sb = PUBLIC;
  /** Bound of dot. */
  private dotSb = PUBLIC;
  /**
   * Dot is a nil element of a list or map being ranged over: a reflect.Value of interface kind
   * holding nil in Go, where a field of it fails ("nil pointer evaluating interface {}.x"),
   * whereas a nil that went through a pipeline is Go's invalid value, whose fields are nil.
   */
  private dotNil = false;
  private root: GoValue = null;
  readonly ctx: CallContext;
  /** The context of calls with sealed arguments: their work is charged from bounds instead. */
  private readonly sealedCtx: CallContext;

  constructor(opts: ExecOptions) {
    this.opts = opts;
    this.tmplName = opts.name;
    this.meter = opts.meter;
    const memos = new Map<string, unknown>();
    this.ctx = {
      ...opts.context,
      maxBytes: opts.budget.maxOutputBytes,
      charge: (units: number) => this.charge(units),
      memo: <T>(key: string, make: () => T): T => {
        if (!memos.has(key)) memos.set(key, make());
        return memos.get(key) as T;
      },
    };
    this.sealedCtx = { ...this.ctx, charge: () => undefined };
  }

  charge(units: number): void {
    const m = this.meter;
    const before = m.steps;
    m.steps += Math.max(1, Math.ceil(units));
    if (m.steps > this.opts.budget.maxSteps) throw budgetFault("step budget exceeded");
    if (Math.floor(m.steps / CLOCK_EVERY) !== Math.floor(before / CLOCK_EVERY)) this.checkClock();
  }

  /** The time budget, read now. */
  private checkClock(): void {
    if (this.opts.clock() - this.meter.started > this.opts.budget.maxMillis) {
      throw budgetFault("time budget exceeded");
    }
  }

  fail(message: string): never {
    throw new LocatedFault(
      "ERR_TEMPLATE_EXEC",
      `template: ${this.display()}:${this.at.line}: executing "${this.tmplName === this.opts.name ? this.display() : this.tmplName}" at <${this.at.src}>: ${message}`,
    );
  }

  private display(): string {
    return this.opts.displayName ?? this.opts.name;
  }

  setAt(at: At): void {
    this.at = at;
  }

  /** Appends output; a sealed value is charged at its bound `sb`, never at its real size. */
  write(s: string, sb = PUBLIC): void {
    this.meter.outBytes += sb === PUBLIC ? s.length : sb;
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
    if (root === undefined) this.fail(`no such template "${this.display()}"`);
    this.root = dot;
    this.dotSb = this.opts.opaque === true ? publicSize(dot) : PUBLIC;
    this.vars = [{ name: "$", value: dot, sb: this.dotSb }];
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
    if (pipe.decl.length === 0) this.write(printable(v), this.sb);
    return null;
  }

  walkIfOrWith(dot: GoValue, node: BranchNode): Flow {
    const mark = this.vars.length;
    try {
      const v = this.evalPipeline(dot, node.pipe);
      if (isTrue(v)) {
        return node.kind === "with"
          ? this.withDot(this.sb, () => this.walkList(v, node.list))
          : this.walkList(dot, node.list);
      }
      if (node.elseList !== null) return this.walkList(dot, node.elseList);
      return null;
    } finally {
      this.vars.length = mark;
    }
  }

  private withDot<T>(sb: number, f: () => T): T {
    const saved = this.dotSb;
    this.dotSb = sb;
    try {
      return f();
    } finally {
      this.dotSb = saved;
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
    const elemSb = this.sb === PUBLIC ? PUBLIC : Math.max(this.sb, NIL_BOUND);
    if (v instanceof GoSlice) return this.iterate(sliceEntries(v), node, elemSb);
    if (v instanceof GoMap) {
      const exact = v === this.root && elemSb !== PUBLIC; // the data map's values: public lengths
      return this.iterate(mapEntries(v), node, exact ? publicSize : elemSb);
    }
    if (v instanceof GoInt) {
      if (node.pipe.decl.length > 1) {
        this.fail("can't use an integer to iterate over more than one variable");
      }
      return this.iterate(intEntries(v), node, PUBLIC);
    }
    return this.fail(`range can't iterate over a value of type ${typeName(v)}`);
  }

  /** `elemSb`: the elements' bound, or a function giving it (the data map's values are exact). */
  private iterate(
    items: Iterable<[GoValue, GoValue]>,
    node: BranchNode,
    elemSb: number | ((v: GoValue) => number),
  ): boolean {
    const mark = this.vars.length;
    const decl = node.pipe.decl;
    let ran = false;
    for (const [index, elem] of items) {
      ran = true;
      this.charge(1);
      const sb = typeof elemSb === "number" ? elemSb : elemSb(elem);
      this.bindRange(decl, node.pipe.isAssign, index, { value: elem, sb });
      const savedNil = this.dotNil;
      this.dotNil = elem === null;
      let flow: Flow;
      try {
        flow = this.withDot(sb, () => this.walkList(elem, node.list));
      } finally {
        this.dotNil = savedNil;
      }
      this.vars.length = mark;
      if (flow === "break") break;
    }
    return ran;
  }

  private bindRange(
    decl: string[],
    isAssign: boolean,
    index: GoValue,
    elem: { value: GoValue; sb: number },
  ): void {
    if (decl.length === 0) return;
    const nilElem = elem.value === null;
    if (isAssign) {
      if (decl.length > 1) {
        this.setVar(decl[0] ?? "", index, PUBLIC);
        this.setVar(decl[1] ?? "", elem.value, elem.sb, nilElem);
      } else {
        this.setVar(decl[0] ?? "", elem.value, elem.sb, nilElem);
      }
      return;
    }
    const top = this.vars.length;
    const last = this.vars[top - 1];
    if (last !== undefined) {
      last.value = elem.value;
      last.sb = elem.sb;
      last.nilElem = nilElem;
    }
    const first = this.vars[top - 2];
    if (decl.length > 1 && first !== undefined) {
      first.value = index;
      first.sb = PUBLIC;
      first.nilElem = false;
    }
  }

  walkTemplate(dot: GoValue, node: TemplateNode): Flow {
    this.setAt(node.at);
    const tree = this.opts.trees.get(node.name);
    if (tree === undefined) this.fail(`no such template "${node.name}"`);
    const newDot = node.pipe === null ? null : this.evalPipeline(dot, node.pipe);
    const newDotSb = node.pipe === null ? PUBLIC : this.sb;
    if (this.depth >= this.opts.budget.maxDepth)
      throw budgetFault("template depth budget exceeded");
    const saved = { vars: this.vars, name: this.tmplName };
    this.depth++;
    this.vars = [{ name: "$", value: newDot, sb: newDotSb }];
    this.tmplName = node.name;
    const savedNil = this.dotNil;
    this.dotNil = false;
    try {
      this.withDot(newDotSb, () => this.walkList(newDot, tree));
    } finally {
      this.dotNil = savedNil;
      this.depth--;
      this.vars = saved.vars;
      this.tmplName = saved.name;
    }
    return null;
  }

  // --- variables -----------------------------------------------------------------------------

  setVar(name: string, value: GoValue, sb: number, nilElem = false): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v !== undefined && v.name === name) {
        v.value = value;
        v.sb = sb;
        v.nilElem = nilElem;
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }

  /** Whether a variable holds a nil element of a ranged list or map (see `dotNil`). */
  private isNilElem(name: string): boolean {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v !== undefined && v.name === name) return v.nilElem === true;
    }
    return false;
  }

  /** A variable's value; its bound goes to `sb`. */
  varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v !== undefined && v.name === name) {
        this.sb = v.sb;
        return v.value;
      }
    }
    return this.fail(`undefined variable: ${name}`);
  }

  // --- pipelines and commands ----------------------------------------------------------------

  evalPipeline(dot: GoValue, pipe: PipeNode): GoValue {
    this.setAt(pipe.at);
    let value: Final = MISSING;
    this.sb = PUBLIC;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value, this.sb);
    const result = value === MISSING ? null : value;
    const sb = this.sb;
    for (const name of pipe.decl) {
      if (pipe.isAssign) this.setVar(name, result, sb);
      else this.vars.push({ name, value: result, sb });
    }
    this.sb = sb;
    return result;
  }

  /** `finalSb` is the bound of `final`, the previous command's value. */
  evalCommand(dot: GoValue, cmd: CommandNode, final: Final, finalSb: number): GoValue {
    this.charge(1);
    const first = cmd.args[0];
    if (first === undefined) return this.fail("empty command");
    this.setAt(first.at);
    const call: Call = { args: cmd.args, final, finalSb };
    if (first.kind === "field") {
      this.sb = this.dotSb;
      return this.evalFieldChain(dot, { value: dot, nilIface: this.dotNil }, first.ident, call);
    }
    if (first.kind === "chain") return this.evalChain(dot, first, call);
    if (first.kind === "identifier") return this.evalFunction(dot, first.name, call);
    if (first.kind === "variable") return this.evalVariable(dot, first.ident, call);
    return this.evalConstantCommand(dot, first, cmd.args, final);
  }

  private notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) {
      this.fail(`can't give argument to non-function ${args[0]?.at.src ?? ""}`);
    }
  }

  private evalConstantCommand(dot: GoValue, node: ArgNode, args: ArgNode[], final: Final): GoValue {
    this.notAFunction(args, final);
    this.sb = PUBLIC;
    switch (node.kind) {
      case "pipe":
        return this.evalPipeline(dot, node);
      case "bool":
        return node.value;
      case "dot":
        this.sb = this.dotSb;
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

  private evalVariable(dot: GoValue, ident: string[], call: Call): GoValue {
    const name = ident[0] ?? "$";
    const value = this.varValue(name);
    if (ident.length === 1) {
      this.notAFunction(call.args, call.final);
      return value;
    }
    return this.evalFieldChain(
      dot,
      { value, nilIface: this.isNilElem(name) },
      ident.slice(1),
      call,
    );
  }

  private evalChain(dot: GoValue, chain: ChainNode, call: Call): GoValue {
    if (chain.field.length === 0) this.fail("internal error: no fields in evalChainNode");
    if (chain.node.kind === "nil") this.fail(`indirection through explicit nil in ${chain.at.src}`);
    const pipe = this.evalArg(dot, "any", chain.node);
    return this.evalFieldChain(dot, { value: pipe, nilIface: false }, chain.field, call);
  }

  /**
   * The receiver's bound is `sb` on entry; the result's is on return. `nilIface`: a null receiver
   * is Go's nil interface (see `dotNil`); so is a nil that a map of the chain holds under a key.
   */
  private evalFieldChain(dot: GoValue, receiver: Receiver, ident: string[], call: Call): GoValue {
    let r = receiver;
    const n = ident.length;
    const none: Call = { args: [], final: MISSING, finalSb: PUBLIC };
    for (let i = 0; i < n - 1; i++) {
      const name = ident[i] ?? "";
      const value = this.evalField(dot, name, r, none);
      const before = r.value;
      r = {
        value,
        nilIface: value === null && before instanceof GoMap && before.m.has(fromUtf8(name)),
      };
    }
    return this.evalField(dot, ident[n - 1] ?? "", r, call);
  }

  /** The receiver's bound is `sb` on entry; the result's is on return. */
  private evalField(dot: GoValue, name: string, receiver: Receiver, call: Call): GoValue {
    this.charge(1);
    const recvSb = this.sb;
    this.sb = recvSb === PUBLIC ? PUBLIC : Math.max(recvSb, NIL_BOUND);
    const r = receiver.value;
    // text/template's evalField: fields of an invalid value are nil; of a nil interface, an error.
    if (r === null && receiver.nilIface) this.fail(`nil pointer evaluating interface {}.${name}`);
    if (r === null) return null;
    const hasArgs = call.args.length > 1 || call.final !== MISSING;
    if (r instanceof GoTime) {
      const def = timeMethod(r, name);
      if (def !== undefined) return this.evalCall(dot, { name, def }, call.args.slice(1), call);
    }
    if (r instanceof GoMap) {
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      return this.mapField(r, name, recvSb);
    }
    return this.structField(r, name, hasArgs);
  }

  private structField(receiver: GoValue, name: string, hasArgs: boolean): GoValue {
    const field = receiver instanceof GoStruct ? receiver.fields.get(name) : undefined;
    if (field === undefined) {
      return this.fail(`can't evaluate field ${name} in type ${typeName(receiver)}`);
    }
    if (hasArgs) this.fail(`wrong number of args for ${name}: want 0 got 1`);
    return field();
  }

  private mapField(receiver: GoMap, name: string, recvSb: number): GoValue {
    // Field names are source text; map keys are Go strings (bytes): `.é` finds the key "é".
    const key = fromUtf8(name);
    const value = receiver.m.has(key) ? (receiver.m.get(key) ?? null) : null;
    // A value of the data map: its length is public (its ciphertext shows it).
    if (receiver === this.root && recvSb !== PUBLIC) this.sb = publicSize(value);
    return value;
  }

  // --- functions -----------------------------------------------------------------------------

  private evalFunction(dot: GoValue, name: string, call: Call): GoValue {
    const args = call.args;
    const at = { line: args[0]?.at.line ?? this.at.line, src: args.map((a) => a.at.src).join(" ") };
    this.setAt(at);
    const def = this.opts.funcs.get(name);
    if (def === undefined) return this.fail(`"${name}" is not a defined function`);
    return this.evalCall(dot, { name, def, at }, args.slice(1), call);
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
    call: { final: Final; finalSb: number },
  ): GoValue {
    const { name, def } = f;
    const { final, finalSb } = call;
    const at = f.at ?? this.at;
    const numIn = args.length + (final === MISSING ? 0 : 1);
    this.checkArity(name, def, numIn, args.length);
    if (name === "and" || name === "or") return this.andOr(dot, name, args, call);
    const argv: GoValue[] = [];
    const sbs: number[] = [];
    args.forEach((arg, i) => {
      argv.push(this.evalArg(dot, paramAt(def, i), arg));
      sbs.push(this.sb);
    });
    if (final !== MISSING) {
      argv.push(this.validateType(final, paramAt(def, numIn - 1)));
      sbs.push(finalSb);
    }
    this.setAt(at);
    if (this.opts.opaque === true && sbs.some((b) => b !== PUBLIC)) {
      return this.sealedCall(name, def, argv, sbs);
    }
    const result = this.safeCall(name, def, argv, this.ctx);
    this.meterValue(result);
    // A function's work on a large argument is not charged (a million-digit duration or number
    // costs one call ~0.1 s): after such a call the clock is read at once, not 256 steps later.
    if (argv.some((v) => valueSize(v) > LARGE_ARGUMENT)) this.checkClock();
    this.sb = PUBLIC;
    return result;
  }

  private andOr(
    dot: GoValue,
    name: string,
    args: ArgNode[],
    call: { final: Final; finalSb: number },
  ): GoValue {
    let v: GoValue = null;
    this.sb = PUBLIC;
    for (const arg of args) {
      v = this.evalArg(dot, "any", arg);
      if (isTrue(v) === (name === "or")) return v;
    }
    if (call.final !== MISSING) {
      v = call.final;
      this.sb = call.finalSb;
    }
    return v;
  }

  /**
   * A call with sealed arguments (opaque mode): only total functions get here (the static
   * check refused the rest); the result is charged at the bound of its size rule, computed
   * before the call from public facts, and the function's own work counters are ignored.
   */
  private sealedCall(name: string, def: FuncDef, argv: GoValue[], sbs: number[]): GoValue {
    const row = FUNCTION_OPACITY.get(name);
    if (row?.class !== "total" || row.size === undefined) {
      throw opacityFault(this.display(), this.at, `${name} with sealed data`);
    }
    const picks =
      name === "printf" && typeof argv[0] === "string" ? printfPicks(argv[0]) : undefined;
    if (picks !== undefined) {
      throw opacityFault(this.display(), this.at, `printf with ${picks} and sealed operands`);
    }
    const bounds = argv.map((v, i) => {
      const b = sbs[i] ?? PUBLIC;
      return b === PUBLIC ? publicSize(v) : b;
    });
    const bound = Math.ceil(row.size(bounds, argv));
    if (!(bound <= this.opts.budget.maxOutputBytes)) {
      throw budgetFault("a value built from sealed data could exceed the output budget");
    }
    this.charge(1 + (bounds.reduce((a, b) => a + b, 0) + bound) / 256);
    const result = this.safeCall(name, def, argv, this.sealedCtx);
    this.sb = isPublicResult(row, argv) ? PUBLIC : bound;
    if (name === "index" && argv.length === 2 && argv[0] === this.root) {
      this.sb = publicSize(result); // a value of the data map: public length
    }
    return result;
  }

  private safeCall(name: string, def: FuncDef, argv: GoValue[], ctx: CallContext): GoValue {
    try {
      return def.call(argv, ctx);
    } catch (err) {
      if (err instanceof TemplateFault && err.code !== "ERR_TEMPLATE_EXEC") throw err;
      if (err instanceof RangeError) throw budgetFault(`${name} exceeded a resource limit`);
      const message = err instanceof TemplateFault ? err.message : "function failed";
      return this.fail(`error calling ${name}: ${message}`);
    }
  }

  /**
   * Charges a function's result by its whole size, nested values included and counted at every
   * place they appear: `list $a $a` doubles what printing, copying or encoding it costs, so
   * twenty such doublings of a one-element list (a few hundred bytes of template) would make
   * `deepCopy`, `print` or `toJson` walk a million elements in one call. Such a value is refused
   * once it passes the output budget; the walk stops there too.
   */
  private meterValue(v: GoValue): void {
    const max = this.opts.budget.maxOutputBytes;
    const size = deepValueSize(v, max);
    if (size > max) throw budgetFault("value exceeds the output budget");
    this.charge(size / 256);
  }

  /** Evaluates an argument; its bound goes to `sb`. */
  evalArg(dot: GoValue, typ: ParamType, n: ArgNode): GoValue {
    this.setAt(n.at);
    const none: Call = { args: [], final: MISSING, finalSb: PUBLIC };
    switch (n.kind) {
      case "dot":
        this.sb = this.dotSb;
        return this.validateType(dot, typ);
      case "nil":
        this.sb = PUBLIC;
        if (canBeNil(typ)) return null;
        return this.fail(`cannot assign nil to ${typ}`);
      case "field":
        this.sb = this.dotSb;
        return this.validateType(
          this.evalFieldChain(dot, { value: dot, nilIface: this.dotNil }, n.ident, {
            ...none,
            args: [n],
          }),
          typ,
        );
      case "variable":
        return this.validateType(this.evalVariable(dot, n.ident, none), typ);
      case "pipe":
        return this.validateType(this.evalPipeline(dot, n), typ);
      case "identifier":
        return this.validateType(this.evalFunction(dot, n.name, { ...none, args: [n] }), typ);
      case "chain":
        return this.validateType(this.evalChain(dot, n, none), typ);
      case "bool":
      case "number":
      case "string":
        this.sb = PUBLIC;
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

/** Arguments of a command and the value piped into it, with its bound. */
interface Call {
  args: ArgNode[];
  final: Final;
  finalSb: number;
}

/** A field chain's receiver; `nilIface`: a null value is Go's nil interface, not an invalid one. */
interface Receiver {
  value: GoValue;
  nilIface: boolean;
}

/** Printed size of a public value (its own bound). */
function publicSize(v: GoValue): number {
  if (typeof v === "string") return v.length;
  if (v === null) return NIL_BOUND;
  return formatValue(v).length;
}

/** Results that are public even from sealed arguments: types, keys, lengths of containers. */
function isPublicResult(row: Opacity, argv: readonly GoValue[]): boolean {
  if (row.result === "public") return true;
  if (row.result !== "publicOnContainer") return false;
  const a = argv[0] ?? null;
  return a instanceof GoSlice || a instanceof GoMap;
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

/** Arguments above this size make the clock be read right after the call. */
const LARGE_ARGUMENT = 64 * 1024;

/**
 * {@link valueSize} of `v` and of everything nested in it, each place a shared value appears
 * counted again (as printing or copying it costs); stops past `limit` (and returns more).
 */
function deepValueSize(v: GoValue, limit: number): number {
  let total = 0;
  const stack: GoValue[] = [v];
  while (stack.length > 0 && total <= limit) {
    const x = stack.pop()!;
    total += valueSize(x);
    if (x instanceof GoSlice) pushItems(x, stack);
    else if (x instanceof GoMap) total += pushEntries(x, stack);
  }
  return total;
}

function pushItems(l: GoSlice, stack: GoValue[]): void {
  for (const item of l.items) if (sized(item)) stack.push(item);
}

const sized = (v: GoValue): boolean =>
  typeof v === "string" || v instanceof GoSlice || v instanceof GoMap;

/** Pushes a map's sized values; returns the length of its string keys. */
function pushEntries(m: GoMap, stack: GoValue[]): number {
  let keys = 0;
  for (const [k, item] of m.m) {
    if (typeof k === "string") keys += k.length;
    if (sized(item)) stack.push(item);
  }
  return keys;
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
