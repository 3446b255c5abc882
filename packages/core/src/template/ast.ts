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

export interface TextNode {
  kind: "text";
  text: string;
}
export interface ActionNode {
  kind: "action";
  at: At;
  pipe: PipeNode;
}
export interface BranchNode {
  kind: "if" | "with" | "range";
  at: At;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface TemplateNode {
  kind: "template";
  at: At;
  name: string;
  pipe: PipeNode | null;
}
export interface LoopControlNode {
  kind: "break" | "continue";
  at: At;
}
export type ItemNode = TextNode | ActionNode | BranchNode | TemplateNode | LoopControlNode;
export interface ListNode {
  kind: "list";
  nodes: ItemNode[];
}

export interface PipeNode {
  kind: "pipe";
  at: At;
  isAssign: boolean;
  decl: string[];
  cmds: CommandNode[];
}
export interface CommandNode {
  kind: "command";
  at: At;
  args: ArgNode[];
}
export interface FieldNode {
  kind: "field";
  at: At;
  ident: string[];
}
export interface VariableNode {
  kind: "variable";
  at: At;
  ident: string[];
}
export interface ChainNode {
  kind: "chain";
  at: At;
  node: ArgNode;
  field: string[];
}
export interface IdentifierNode {
  kind: "identifier";
  at: At;
  name: string;
}
export interface DotNode {
  kind: "dot";
  at: At;
}
export interface NilNode {
  kind: "nil";
  at: At;
}
export interface BoolNode {
  kind: "bool";
  at: At;
  value: boolean;
}
export interface StringNode {
  kind: "string";
  at: At;
  text: string;
}
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
