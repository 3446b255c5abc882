/**
 * Parse tree of a template, after Go's `text/template/parse/node.go`. Strings in the tree
 * (text and literals) are byte strings; names and identifiers are source strings.
 */

/** Position of a node in its source, for error messages. */
export interface At {
  line: number;
  /** Source text of the node, as Go quotes it in `executing "x" at <...>`. */
  src: string;
}

/** Literal text between actions (a byte string). */
export interface TextNode {
  kind: "text";
  text: string;
}
/** An action `{{ pipeline }}` whose value is printed unless it declares variables. */
export interface ActionNode {
  kind: "action";
  at: At;
  pipe: PipeNode;
}
/** `if`, `with` or `range` with its body and optional else branch. */
export interface BranchNode {
  kind: "if" | "with" | "range";
  at: At;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
/** `{{ template "name" pipeline }}` (also produced by `block`). */
export interface TemplateNode {
  kind: "template";
  at: At;
  name: string;
  pipe: PipeNode | null;
}
/** `{{ break }}` or `{{ continue }}` inside a range. */
export interface LoopControlNode {
  kind: "break" | "continue";
  at: At;
}
/** Anything that can appear in a list. */
export type ItemNode = TextNode | ActionNode | BranchNode | TemplateNode | LoopControlNode;
/** A sequence of items (a template body). */
export interface ListNode {
  kind: "list";
  nodes: ItemNode[];
}

/** A pipeline with its variable declarations or assignments. */
export interface PipeNode {
  kind: "pipe";
  at: At;
  isAssign: boolean;
  decl: string[];
  cmds: CommandNode[];
}
/** One stage of a pipeline: an operand followed by arguments. */
export interface CommandNode {
  kind: "command";
  at: At;
  args: ArgNode[];
}
/** `.a.b`: fields of dot. */
export interface FieldNode {
  kind: "field";
  at: At;
  ident: string[];
}
/** `$x.a`: a variable and optional fields. */
export interface VariableNode {
  kind: "variable";
  at: At;
  ident: string[];
}
/** `(pipeline).a.b`: fields of a parenthesized or function result. */
export interface ChainNode {
  kind: "chain";
  at: At;
  node: ArgNode;
  field: string[];
}
/** A function name. */
export interface IdentifierNode {
  kind: "identifier";
  at: At;
  name: string;
}
/** `.` itself. */
export interface DotNode {
  kind: "dot";
  at: At;
}
/** The untyped `nil` constant. */
export interface NilNode {
  kind: "nil";
  at: At;
}
/** `true` or `false`. */
export interface BoolNode {
  kind: "bool";
  at: At;
  value: boolean;
}
/** A quoted or raw string literal, unquoted to a byte string. */
export interface StringNode {
  kind: "string";
  at: At;
  text: string;
}
/** A number or character constant with every interpretation Go allows. */
export interface NumberNode {
  kind: "number";
  at: At;
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  int: bigint;
  float: number;
}
/** Any operand of a command. */
export type ArgNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | DotNode
  | NilNode
  | BoolNode
  | StringNode
  | NumberNode
  | PipeNode;

/** A parsed template set: the named trees of one source (main tree plus `define`s). */
export type TreeSet = Map<string, ListNode>;
