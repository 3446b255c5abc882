import { foldOrbit } from "../unicode.js";
import type { Node } from "./re2-node.js";

/**
 * The runes a pattern's nodes can match first, as sorted [lo, hi] runs with case folding
 * included: what the backtracking checks (re2.ts) and cost bounds (re2-cost.ts) compare to know
 * that two branches, or a repeat and what follows it, can never match the same character.
 */

/** The runes a one-character node matches, as sorted [lo, hi] runs; undefined for others. */
export function runesOf(node: Node): number[] | undefined {
  if (node.op === "class") return node.runs;
  if (node.op === "lit") {
    const runes = node.fold ? [node.r, ...foldOrbit(node.r)] : [node.r];
    return runes.sort((a, b) => a - b).flatMap((r) => [r, r]);
  }
  if (node.op === "cap" || node.op === "group") return runesOf(node.sub);
  return undefined;
}

/**
 * The runes a match of `node` must start with, when that is known: undefined when it may match
 * empty or starts with an assertion (then what follows it decides).
 */
export function firstRunes(node: Node): number[] | undefined {
  if (node.op === "class" || node.op === "lit") return runesOf(node);
  if (node.op === "cap" || node.op === "group") return firstRunes(node.sub);
  if (node.op === "concat")
    return node.subs[0] === undefined ? undefined : firstRunes(node.subs[0]);
  if (node.op === "rep") return node.min > 0 ? firstRunes(node.sub) : undefined;
  if (node.op === "alt") {
    const all = node.subs.map(firstRunes);
    if (all.some((r) => r === undefined)) return undefined;
    return (all as number[][]).flat();
  }
  return undefined;
}

/** Whether two lists of [lo, hi] runs share no rune (the second need not be sorted). */
export function disjoint(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i += 2) {
    for (let j = 0; j < b.length; j += 2) {
      if (a[i]! <= b[j + 1]! && b[j]! <= a[i + 1]!) return false;
    }
  }
  return true;
}

/**
 * Alternatives of which at most one can match at any position: each must consume a first rune,
 * and no two can start with the same one (`(foo|bar)`, `(a|[b-z])`; not `(x|(?i:x))`, whose
 * branches both match `x`).
 */
export function isDeterministic(alts: readonly Node[]): boolean {
  const firsts = alts.map(firstRunes);
  if (firsts.some((f) => f === undefined)) return false;
  for (let i = 0; i < firsts.length; i++) {
    for (let j = i + 1; j < firsts.length; j++) {
      if (!disjoint(firsts[i]!, firsts[j]!)) return false;
    }
  }
  return true;
}
