/** A parsed regular expression. */
export type Node =
  | { op: "lit"; r: number; fold: boolean }
  | { op: "class"; runs: number[] }
  | { op: "bot" | "eot" | "bol" | "eol" | "wb" | "nwb" | "empty" }
  | { op: "cap"; sub: Node }
  | { op: "group"; sub: Node }
  | { op: "concat" | "alt"; subs: Node[] }
  | {
      op: "rep";
      kind: "*" | "+" | "?" | "{}";
      min: number;
      max: number;
      greedy: boolean;
      sub: Node;
    };
