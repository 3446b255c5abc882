import { HEX_WIDTH, libyamlDoubleQuoted, SIMPLE_ESCAPES as ESCAPED } from "./double-quoted.js";
import type { ScalarNode } from "./yaml-node.js";

/**
 * The scalars the fast readers (yaml-fast.ts, yaml-fast-flow.ts) take: quoted scalars that close
 * on the line they open, and plain scalars. Each yields what the full reader (yaml-parse.ts)
 * yields for the same text, and gives up (undefined) where YAML 1.1 and 1.2 readers could differ
 * or where the full reader would report an error.
 */

/**
 * A double-quoted scalar that is never closed on its line and has no escape: in block context
 * it runs to the end of the text when its line is the last (the caller checks).
 */
export const UNCLOSED: unique symbol = Symbol("unclosed");

/** A scalar and the offset just after its last character. */
export interface ReadScalar {
  node: ScalarNode;
  end: number;
}

/**
 * The one-character escapes both readers read alike: double-quoted.ts's set without `\/` (YAML
 * 1.2 only) and `\<TAB>` (tabs are not read here).
 */
const SIMPLE_ESCAPES = new Set(Object.keys(ESCAPED).filter((e) => e !== "/" && e !== "\t"));

/**
 * The length of the escape at `text[at]` (a backslash) when both readers read it alike: a simple
 * escape, or a hexadecimal one naming a Unicode scalar value; 0 otherwise.
 */
function escapeLength(text: string, at: number): number {
  const e = text[at + 1];
  if (e === undefined) return 0;
  if (SIMPLE_ESCAPES.has(e)) return 2;
  const width = HEX_WIDTH[e];
  if (width === undefined) return 0;
  const digits = text.slice(at + 2, at + 2 + width);
  if (!new RegExp(`^[0-9A-Fa-f]{${width}}$`).test(digits)) return 0;
  const code = parseInt(digits, 16);
  return (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff ? 0 : 2 + width;
}

/**
 * The quoted scalar opening at `text[at]` (a quote) and closing on the same line; UNCLOSED for a
 * double-quoted one without escapes that its line does not close; undefined otherwise.
 */
export function quotedScalar(text: string, at: number): ReadScalar | typeof UNCLOSED | undefined {
  return text[at] === "'" ? singleQuoted(text, at) : doubleQuoted(text, at);
}

function singleQuoted(text: string, at: number): ReadScalar | undefined {
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") return undefined;
    if (c !== "'") continue;
    if (text[i + 1] === "'") {
      i++;
      continue;
    }
    const value = text.slice(at + 1, i).replace(/''/g, "'");
    return { node: { kind: "scalar", value, tag: "", implicit: false }, end: i + 1 };
  }
  return undefined;
}

function doubleQuoted(text: string, at: number): ReadScalar | typeof UNCLOSED | undefined {
  let escaped = false;
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") return escaped ? undefined : UNCLOSED;
    if (c === "\\") {
      const length = escapeLength(text, i);
      if (length === 0) return undefined;
      escaped = true;
      i += length - 1;
    } else if (c === '"') {
      const body = text.slice(at + 1, i);
      const value = escaped ? libyamlDoubleQuoted(body) : body;
      return { node: { kind: "scalar", value, tag: "", implicit: false }, end: i + 1 };
    }
  }
  return escaped ? undefined : UNCLOSED;
}

/** A plain scalar's first character in block context (flow indicators and the rest excluded). */
export const PLAIN_START = /^[^-?:,[\]{}#&*!|>'"%@`\s]/;

/** The text of a block plain scalar value (comment and trailing spaces cut); undefined outside the subset. */
export function plainText(rest: string): string | undefined {
  if (!PLAIN_START.test(rest)) return undefined;
  const comment = rest.search(/ +#/);
  const value = (comment < 0 ? rest : rest.slice(0, comment)).replace(/ +$/, "");
  if (value.endsWith(":") || value.includes(": ")) return undefined;
  return value;
}

/** Characters that end a plain scalar in a flow collection here, or make this reader give up. */
const FLOW_PLAIN_STOPS = new Set([",", "]", "}", "\n", ":", "?", "#", "[", "{"]);

/**
 * Where a plain scalar starting at `at` inside a flow collection ends (before its trailing
 * spaces), on its line. It must start as a plain scalar does (a `-` only before a letter, digit or
 * dot) and stop at `,`, `]`, `}`, a `: `, or the end of the line; any `:`, `?`, `#`, `[` or `{`
 * inside gives up, as these end or break a plain scalar differently in YAML 1.1 and 1.2.
 */
export function flowPlainEnd(text: string, at: number): number | undefined {
  const first = text[at];
  if (first === undefined) return undefined;
  if (first === "-" ? !/[A-Za-z0-9.]/.test(text[at + 1] ?? "") : !PLAIN_START.test(first))
    return undefined;
  let i = at;
  while (i < text.length && !FLOW_PLAIN_STOPS.has(text[i]!)) i++;
  if (!endsFlowPlain(text, i)) return undefined;
  while (text[i - 1] === " ") i--;
  return i;
}

/** The character at `i` ends a flow plain scalar: `,`, `]`, `}`, a line break, `: `, the end. */
function endsFlowPlain(text: string, i: number): boolean {
  const c = text[i];
  if (c === ":") return text[i + 1] === " " || text[i + 1] === "\n";
  return c === undefined || c === "," || c === "]" || c === "}" || c === "\n";
}
