import type { GenNode, Random } from "./generator.js";

/**
 * Writes generated trees as YAML or JSON text, choosing indentation, scalar styles and layout
 * at random. The text need not be valid: Go decides what it means, Signet must agree.
 */
type Node = GenNode & { anchor?: string };

function props(node: Node): string {
  const parts: string[] = [];
  if (node.anchor) parts.push(`&${node.anchor}`);
  if ("tag" in node && node.tag) parts.push(node.tag);
  return parts.length > 0 ? `${parts.join(" ")} ` : "";
}

function escapeDouble(text: string, rng: Random, indent = ""): string {
  let out = "";
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (c === "\\" || c === '"') out += `\\${c}`;
    else if (c === "\u2028" || c === "\u2029") out += lineSeparator(c, indent, rng, true);
    else if (c === "\n") out += "\\n";
    else if (c === "\t") out += rng.chance(0.5) ? "\\t" : "\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code > 0xffff) out += rng.chance(0.5) ? `\\U${code.toString(16).padStart(8, "0")}` : c;
    else if (rng.chance(0.03))
      out += rng.pick([`\\u${code.toString(16).padStart(4, "0")}`, c === "/" ? "\\/" : c]);
    else out += c;
  }
  if (rng.chance(0.03))
    out += rng.pick([
      "\\e",
      "\\N",
      "\\_",
      "\\L",
      "\\P",
      "\\0",
      "\\a",
      "\\ud800",
      "\\'",
      "\\z",
      "\\x4",
    ]);
  return `"${out}"`;
}

/**
 * A U+2028 or U+2029 written raw in a quoted scalar, as go-yaml writes it (followed by the
 * indentation) or in other ways libyaml folds (blanks around it, line feeds and empty lines
 * after it, another separator), or as an escape in a double-quoted one.
 */
function lineSeparator(c: string, indent: string, rng: Random, double: boolean): string {
  const forms = [c, c, `${c}${indent}  `, ` ${c}\t `, `${c}\n${indent}`, `${c}\n\n${indent} `];
  forms.push(`${c}${c === "\u2028" ? "\u2029" : "\u2028"}`, `\u0085${c}`, `${c}\u0085`);
  if (double) forms.push(c === "\u2028" ? "\\L" : "\\P", `\\${c}  `);
  return rng.pick(forms);
}

function blockScalar(text: string, indent: string, kind: "|" | ">", rng: Random): string {
  const chomp = rng.pick(["", "-", "+"]);
  const indicator = rng.chance(0.1) ? String(indent.length || 2) : "";
  const lines = text.split("\n").map((l) => (l === "" ? "" : `${indent}${l}`));
  return `${kind}${indicator}${chomp}\n${lines.join("\n")}${text.endsWith("\n") ? "" : "\n"}`;
}

export class Renderer {
  private readonly rng: Random;
  private readonly step: number;

  constructor(rng: Random) {
    this.rng = rng;
    this.step = rng.pick([2, 2, 2, 4, 1, 3]);
  }

  private scalarText(node: Node & { t: "scalar" }, indent: string, flow: boolean): string {
    let style = node.style ?? "plain";
    if (flow && (style === "literal" || style === "folded")) style = "double";
    const text = node.text;
    switch (style) {
      case "single":
        return `'${text
          .replace(/'/g, "''")
          .replace(/\n/g, `\n\n${indent}`)
          .replace(/[\u2028\u2029]/g, (c) => lineSeparator(c, indent, this.rng, false))}'`;
      case "double":
        return escapeDouble(text, this.rng, indent);
      case "json":
        return escapeDouble(text, this.rng);
      case "literal":
        return blockScalar(text, indent, "|", this.rng);
      case "folded":
        return blockScalar(text, indent, ">", this.rng);
      case "plain":
        return text.replace(/\n/g, `\n${indent}`);
    }
  }

  flow(node: Node, indent: string): string {
    switch (node.t) {
      case "raw":
        return node.text;
      case "alias":
        return `*${node.name}`;
      case "scalar":
        return props(node) + this.scalarText(node, indent, true);
      case "seq":
        return `${props(node)}[${this.flowBreak(indent)}${node.items.map((i) => this.flow(i as Node, indent)).join(this.flowComma(indent))}${this.rng.chance(0.05) ? "," : ""}${this.flowBreak(indent)}]`;
      case "map": {
        const entries = node.entries.map(
          ([k, v]) => `${this.flow(k as Node, indent)}: ${this.flow(v as Node, indent)}`,
        );
        return `${props(node)}{${this.flowBreak(indent)}${entries.join(this.flowComma(indent))}${this.rng.chance(0.05) ? "," : ""}${this.flowBreak(indent)}}`;
      }
    }
  }

  /**
   * Between flow items: a comma, or (one time in ten) a comma and a line break, the next line
   * indented deeper than `indent`, as deep, or not at all (libyaml has no indentation rule inside
   * flow collections; the YAML 1.2 reader wants the lines deeper than the block around them).
   */
  private flowComma(indent: string): string {
    if (!this.rng.chance(0.1)) return this.rng.pick([", ", ",", " , "]);
    return `,${this.flowBreak(indent, true)}`;
  }

  /** Nothing, or (one time in twenty, or when `always`) a line break and an indentation. */
  private flowBreak(indent: string, always = false): string {
    if (!always && !this.rng.chance(0.05)) return "";
    return `\n${this.rng.pick([`${indent}${" ".repeat(this.step)}`, indent, "", `${indent} `])}`;
  }

  private isBlockCollection(node: Node): boolean {
    return (
      (node.t === "map" || node.t === "seq") &&
      !node.flow &&
      (node.t === "map" ? node.entries.length : node.items.length) > 0
    );
  }

  /** A value after `key:` or `- `: inline, or on the following lines. */
  private after(node: Node, indent: string, inSeq: boolean): string {
    const inner = indent + " ".repeat(this.step);
    if (!this.isBlockCollection(node)) {
      if (node.t === "scalar" && (node.style === "literal" || node.style === "folded")) {
        return ` ${props(node)}${this.scalarText(node, inner, false)}`.replace(/\n$/, "");
      }
      return ` ${this.flow(node, inner)}`;
    }
    const p = props(node).trimEnd();
    const head = p ? ` ${p}` : "";
    if (node.t === "seq" && !inSeq && this.rng.chance(0.5))
      return `${head}\n${this.block(node, indent)}`;
    return `${head}\n${this.block(node, inner)}`;
  }

  private key(node: Node, indent: string): string {
    if (node.t === "scalar" && node.style !== "literal" && node.style !== "folded")
      return props(node) + this.scalarText(node, indent, true);
    if (node.t === "scalar" || node.t === "alias") return this.flow(node, indent);
    return `? ${this.flow(node, indent)}\n${indent}`;
  }

  block(node: Node, indent: string): string {
    if (!this.isBlockCollection(node)) return `${indent}${this.flow(node, indent)}`;
    if (node.t === "seq")
      return node.items
        .map((item) => `${indent}-${this.after(item as Node, indent, true)}`)
        .join("\n");
    const map = node as Node & { t: "map" };
    return map.entries
      .map(([k, v]) => {
        const comment = this.rng.chance(0.05) ? `${indent}# comment\n` : "";
        const trailing = this.rng.chance(0.05) ? "  # note" : "";
        const value = this.after(v, indent, false);
        const inlineComment = value.includes("\n") ? "" : trailing;
        return `${comment}${indent}${this.key(k, indent)}:${value}${inlineComment}`;
      })
      .join("\n");
  }

  /** A whole document as YAML. */
  document(node: Node): string {
    return `${this.block(node, "")}\n`;
  }

  /** The tree as JSON text (aliases and tags dropped, scalars typed as JSON would read them). */
  json(node: Node, pretty: boolean): string {
    const indent = pretty ? "  " : "";
    const walk = (n: Node, depth: string): string => {
      const inner = pretty ? `\n${depth}${indent}` : "";
      const close = pretty ? `\n${depth}` : "";
      switch (n.t) {
        case "map":
          if (n.entries.length === 0) return "{}";
          return `{${n.entries.map(([k, v]) => `${inner}${JSON.stringify(k.t === "scalar" ? k.text : "k")}: ${walk(v as Node, depth + indent)}`).join(",")}${close}}`;
        case "seq":
          return `[${n.items.map((i) => walk(i as Node, depth + indent)).join(", ")}]`;
        case "scalar":
          return n.style === "plain" &&
            /^(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?|true|false|null)$/.test(n.text)
            ? n.text
            : JSON.stringify(n.text);
        case "alias":
          return JSON.stringify(n.name);
        case "raw":
          return JSON.stringify(n.text);
      }
    };
    return walk(node, "");
  }
}
