/**
 * A YAML document as go-yaml v2's parser hands it to its decoder: scalars keep their text, tag
 * and whether they were plain (libyaml's "plain implicit"); aliases point at the node their
 * anchor named when the alias was read. Both YAML readers (the fast one for plain block
 * manifests and the one built on the `yaml` package) produce these nodes.
 */
export type YamlNode = ScalarNode | MappingNode | SequenceNode | AliasNode | PlainText;

/**
 * A plain scalar without tag held as its text alone: the same as a {@link ScalarNode} with
 * `tag: ""` and `implicit: true`, in the compact form the fast reader uses (a mapping of a
 * hundred thousand keys then costs no object per key).
 */
export type PlainText = string;

/** The scalar a node is, with a {@link PlainText} spelled out; undefined for other nodes. */
export function asScalar(node: YamlNode): ScalarNode | undefined {
  if (typeof node === "string") return plainScalar(node);
  return node.kind === "scalar" ? node : undefined;
}

/** Full tag URIs go-yaml compares against (`!!str` is `tag:yaml.org,2002:str`). */
export const TAG = {
  str: "tag:yaml.org,2002:str",
  bool: "tag:yaml.org,2002:bool",
  int: "tag:yaml.org,2002:int",
  float: "tag:yaml.org,2002:float",
  null: "tag:yaml.org,2002:null",
  timestamp: "tag:yaml.org,2002:timestamp",
  binary: "tag:yaml.org,2002:binary",
  merge: "tag:yaml.org,2002:merge",
} as const;

export interface ScalarNode {
  kind: "scalar";
  value: string;
  /** The resolved tag, "" when the scalar has none, "!" for the non-specific tag. */
  tag: string;
  /** Plain style without a tag (or with `!`): its type is resolved from its text. */
  implicit: boolean;
}

export interface MappingNode {
  kind: "mapping";
  /** Keys and values alternate, in document order. */
  children: YamlNode[];
}

export interface SequenceNode {
  kind: "sequence";
  children: YamlNode[];
}

export interface AliasNode {
  kind: "alias";
  name: string;
  target: YamlNode;
}

/** A plain scalar without tag, as both readers create for ordinary text. */
export function plainScalar(value: string): ScalarNode {
  return { kind: "scalar", value, tag: "", implicit: true };
}
