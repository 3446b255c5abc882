import type {
  ArgNode,
  At,
  BranchNode,
  CommandNode,
  ItemNode,
  ListNode,
  PipeNode,
  TreeSet,
} from "./ast.js";
import { TemplateFault } from "./failure.js";
import { FUNCTION_OPACITY, printfPicks, selects } from "./opacity.js";

/**
 * The static half of "sealed values are opaque to template control flow" (docs/templates.md):
 * before anything runs, a taint analysis over the parsed templates follows every value that may
 * come from decrypted data and refuses the template when such a value decides anything: the
 * condition of `if`, `with` or `range`, a field access, an argument of a partial or control
 * function, or a non-data parameter of a total function (see opacity.ts). The verdict depends
 * only on the template source, so it cannot answer a question about a value.
 *
 * Taints: `PUBLIC` (no sealed data), `SHAPE` (a list or dict of public length and keys holding
 * sealed elements: the data map itself, `list .a .b`, `dict "k" .a`) and `SEALED`. A `SHAPE` can
 * be ranged over, tested for emptiness and indexed with public keys; its elements are `SEALED`.
 * Variables keep the join of everything assigned to them; a range body is analyzed until the
 * taints of the variables it assigns stop growing; a `template` call is analyzed once per taint
 * of its dot.
 */

const PUBLIC = 0;
const SHAPE = 1;
const SEALED = 2;
type Taint = typeof PUBLIC | typeof SHAPE | typeof SEALED;

interface Var {
  readonly name: string;
  taint: Taint;
}

const join = (a: Taint, b: Taint): Taint => (a > b ? a : b);

/** A function call: where, which function, its arguments and the value piped into it. */
interface CallSite {
  at: At;
  name: string;
  args: ArgNode[];
  final: Taint | undefined;
}

/** Refusal of a data-dependent template (stable code ERR_TEMPLATE_DATA_DEPENDENT). */
export function opacityFault(name: string, at: At, what: string): TemplateFault {
  return new TemplateFault(
    "ERR_TEMPLATE_DATA_DEPENDENT",
    `template: ${name}:${at.line}: refused at <${at.src}>: ${what} (sealed values are opaque to template control flow)`,
  );
}

class Checker {
  private readonly trees: TreeSet;
  /** What messages call the root template. */
  private readonly name: string;
  private readonly analyzed = new Set<string>();
  private vars: Var[] = [];
  /** Bumped whenever a variable's taint grows (drives the range fixpoint). */
  private version = 0;

  constructor(trees: TreeSet, name: string) {
    this.trees = trees;
    this.name = name;
  }

  private refuse(at: At, what: string): never {
    throw opacityFault(this.name, at, what);
  }

  template(name: string, dot: Taint): void {
    const key = `${dot}:${name}`;
    if (this.analyzed.has(key)) return;
    this.analyzed.add(key);
    const tree = this.trees.get(name);
    if (tree === undefined) return; // execution reports the missing template
    const saved = this.vars;
    this.vars = [{ name: "$", taint: dot }];
    try {
      this.list(tree, dot);
    } finally {
      this.vars = saved;
    }
  }

  private list(list: ListNode, dot: Taint): void {
    for (const node of list.nodes) this.item(node, dot);
  }

  private item(node: ItemNode, dot: Taint): void {
    switch (node.kind) {
      case "action":
        this.pipe(node.pipe, dot);
        return;
      case "if":
      case "with":
        this.branch(node, dot);
        return;
      case "range":
        this.range(node, dot);
        return;
      case "template":
        this.template(node.name, node.pipe === null ? PUBLIC : this.pipe(node.pipe, dot));
        return;
      case "text":
      case "break":
      case "continue":
        return;
    }
  }

  private branch(node: BranchNode, dot: Taint): void {
    const mark = this.vars.length;
    const t = this.pipe(node.pipe, dot);
    if (t === SEALED) this.refuse(node.pipe.at, `{{ ${node.kind} }} decides on sealed data`);
    const inner = this.vars.length;
    this.list(node.list, node.kind === "with" ? t : dot);
    this.vars.length = inner;
    if (node.elseList !== null) this.list(node.elseList, dot);
    this.vars.length = mark;
  }

  private range(node: BranchNode, dot: Taint): void {
    const mark = this.vars.length;
    const pipe = node.pipe;
    const t = this.commands(pipe, dot);
    if (t === SEALED) this.refuse(pipe.at, "{{ range }} over sealed data");
    const elem: Taint = t === PUBLIC ? PUBLIC : SEALED;
    const bound: Taint[] = pipe.decl.length > 1 ? [PUBLIC, elem] : [elem];
    pipe.decl.forEach((name, i) => this.bind(name, bound[i] ?? elem, pipe.isAssign));
    const inner = this.vars.length;
    let before: number;
    do {
      before = this.version;
      this.list(node.list, elem);
      this.vars.length = inner;
    } while (this.version !== before);
    if (node.elseList !== null) this.list(node.elseList, dot);
    this.vars.length = mark;
  }

  private bind(name: string, taint: Taint, isAssign: boolean): void {
    if (!isAssign) {
      this.vars.push({ name, taint });
      return;
    }
    const v = this.lookup(name);
    if (v !== undefined && taint > v.taint) {
      v.taint = taint;
      this.version++;
    }
  }

  private lookup(name: string): Var | undefined {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v?.name === name) return v;
    }
    return undefined;
  }

  private commands(pipe: PipeNode, dot: Taint): Taint {
    let final: Taint | undefined;
    for (const cmd of pipe.cmds) final = this.command(cmd, dot, final);
    return final ?? PUBLIC;
  }

  private pipe(pipe: PipeNode, dot: Taint): Taint {
    const t = this.commands(pipe, dot);
    for (const name of pipe.decl) this.bind(name, t, pipe.isAssign);
    return t;
  }

  private command(cmd: CommandNode, dot: Taint, final: Taint | undefined): Taint {
    const [first, ...rest] = cmd.args;
    if (first === undefined) return PUBLIC;
    if (first.kind === "identifier") {
      return this.call({ at: cmd.at, name: first.name, args: rest, final }, dot);
    }
    const receiver = this.operand(first, dot);
    if (rest.length > 0 || final !== undefined) {
      const args = rest.map((a) => this.arg(a, dot));
      if (final !== undefined) args.push(final);
      if (args.some((t) => t !== PUBLIC))
        this.refuse(cmd.at, "a method call with sealed arguments");
    }
    return receiver;
  }

  /** The first word of a command that is not a function: fields, variables, chains, constants. */
  private operand(node: ArgNode, dot: Taint): Taint {
    if (node.kind === "field") return this.fields(dot, node.ident.length, node.at);
    if (node.kind === "chain") {
      return this.fields(this.arg(node.node, dot), node.field.length, node.at);
    }
    if (node.kind === "variable") {
      const t = this.lookup(node.ident[0] ?? "$")?.taint ?? PUBLIC;
      return this.fields(t, node.ident.length - 1, node.at);
    }
    return this.arg(node, dot);
  }

  private fields(receiver: Taint, count: number, at: At): Taint {
    let t = receiver;
    for (let i = 0; i < count; i++) {
      if (t === SEALED) this.refuse(at, "a field of a sealed value");
      t = t === SHAPE ? SEALED : PUBLIC;
    }
    return t;
  }

  private arg(node: ArgNode, dot: Taint): Taint {
    switch (node.kind) {
      case "dot":
        return dot;
      case "field":
      case "variable":
      case "chain":
        return this.operand(node, dot);
      case "pipe":
        return this.pipe(node, dot);
      case "identifier":
        return this.call({ at: node.at, name: node.name, args: [], final: undefined }, dot);
      case "bool":
      case "nil":
      case "number":
      case "string":
        return PUBLIC;
    }
  }

  private call(c: CallSite, dot: Taint): Taint {
    const { at, name, args, final } = c;
    const taints = args.map((a) => this.arg(a, dot));
    if (final !== undefined) taints.push(final);
    if (taints.every((t) => t === PUBLIC)) return PUBLIC;
    const row = FUNCTION_OPACITY.get(name);
    if (row === undefined) return this.refuse(at, `${name} is not classified for sealed data`);
    if (row.class !== "total") {
      return this.refuse(at, `${name} with sealed data: ${row.class} (${row.reason})`);
    }
    taints.forEach((t, i) => {
      if (t === PUBLIC) return;
      if (!selects(row.sealedParams, i, true)) {
        this.refuse(at, `${name} with sealed data in argument ${i + 1} (${row.reason})`);
      }
      if (t === SEALED && selects(row.shapeParams, i, false)) {
        this.refuse(at, `${name} of a sealed value (${row.reason})`);
      }
    });
    const format = args[0];
    const picks = format?.kind === "string" ? printfPicks(format.text) : undefined;
    if (name === "printf" && picks !== undefined) {
      this.refuse(at, `printf with ${picks} and sealed operands`);
    }
    return resultTaint(row.result, taints);
  }
}

function resultTaint(result: string | undefined, taints: readonly Taint[]): Taint {
  if (result === "public") return PUBLIC;
  if (result === "publicOnContainer") return taints.includes(SEALED) ? SEALED : PUBLIC;
  if (result === "shape") return SHAPE;
  return taints.reduce(join, SEALED);
}

/**
 * Refuses (throws a TemplateFault `ERR_TEMPLATE_DATA_DEPENDENT`) a template set whose template
 * `name`, executed over the data map, would let sealed data decide anything.
 */
export function checkOpacity(trees: TreeSet, name: string, displayName = name): void {
  new Checker(trees, displayName).template(name, SHAPE);
}
