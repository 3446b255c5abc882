import { maxOf } from "../../append.js";
import type { Node } from "./re2-node.js";
import { disjoint, firstRunes, isDeterministic, runesOf } from "./re2-runes.js";

/**
 * What running a pattern can cost on V8, whose regular expressions backtrack (RE2 runs in linear
 * time): an upper bound of the paths, charged against the template's step budget by regex.ts.
 */

/** Above this, a cost is as good as infinite (the step budget is far lower). */
const COST_CAP = 1e15;

/**
 * An upper bound of the paths V8's backtracking can take through `node` from one start
 * position over a subject of `n` characters: a product over a sequence, a sum over alternatives
 * (their largest when they start with distinct literal runes, as only one can match), and for
 * a repeat the body's paths to the power of every iteration count it may take (at most n + 1
 * counts: each iteration but an empty one consumes a character). So `\d+\d+\d+x` is about
 * (n+1)^3, `(\d+){12}x` (n+1)^12 and `(a|aa){40}` 2^40, where counting variable repeats alone
 * would see one.
 *
 * In a sequence, a repeat of one character set followed by an element that cannot start with
 * any of its characters has one way to go on (all the characters it can take): giving one back
 * fails at once. It adds its counts instead of multiplying, so `a+b+c+d+` is about 4(n+1), not
 * (n+1)^4, while `\d*\d*x` stays (n+1)^2.
 */
export function backtrackingPaths(node: Node, n: number): number {
  if (node.op === "concat" || node.op === "cap" || node.op === "group") {
    return sequencePaths(flatSequence(node), n);
  }
  if (node.op === "alt") {
    const paths = node.subs.map((s) => backtrackingPaths(s, n));
    const total = isDeterministic(node.subs) ? maxOf(paths) : paths.reduce((a, b) => a + b, 0);
    return Math.min(COST_CAP, total);
  }
  if (node.op === "rep") {
    const p = backtrackingPaths(node.sub, n);
    const counts = repeatCounts(node, n);
    // Σ p^j for j in [min, last]: counts when p is 1, else a geometric series.
    const total = p === 1 ? counts : (p ** node.min * (p ** counts - 1)) / (p - 1);
    return Math.min(COST_CAP, total);
  }
  // Literals, classes and assertions match one way.
  return 1;
}

/** The iteration counts a repeat may take over `n` characters. */
function repeatCounts(node: Extract<Node, { op: "rep" }>, n: number): number {
  const last = node.max < 0 ? node.min + n : Math.min(node.max, node.min + n);
  return last - node.min + 1;
}

/** The elements of a sequence, through groups and captures (they do not change the paths). */
function flatSequence(node: Node): Node[] {
  if (node.op === "concat") return node.subs.flatMap(flatSequence);
  if (node.op === "cap" || node.op === "group") return flatSequence(node.sub);
  return [node];
}

function sequencePaths(items: readonly Node[], n: number): number {
  let rest = 1;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    const next = items[i + 1];
    const own = item.op === "rep" ? runesOf(item.sub) : undefined;
    const after = next === undefined ? undefined : firstRunes(next);
    const alone =
      item.op === "rep" && own !== undefined && after !== undefined && disjoint(own, after);
    rest = alone
      ? Math.min(COST_CAP, repeatCounts(item, n) + rest)
      : Math.min(COST_CAP, backtrackingPaths(item, n) * rest);
  }
  return rest;
}

/**
 * Steps charged before parsing a pattern: its length, and for each Unicode or POSIX class
 * (`\p{...}`, `\P{...}`, `[[:alpha:]]`, which expand to hundreds of ranges) what building it
 * costs (about 0.14 ms each, measured: 2,000 `\pL` took 0.28 s to parse).
 */
export function parseCost(pattern: string): number {
  const classes = pattern.match(/\\[pP]|\[:/g)?.length ?? 0;
  return pattern.length + classes * 600;
}

/**
 * Steps charged before writing a parsed pattern out as a V8 RegExp: every range of every class
 * and every literal is spelled out in its source (2,000 `\pL` made 20 MB of source and took 2.3 s,
 * about 2 µs a range).
 */
export function emitCost(node: Node): number {
  let ranges = 0;
  const walk = (n: Node): void => {
    if (n.op === "class") ranges += n.runs.length / 2;
    else if (n.op === "lit") ranges += 1;
    else if (n.op === "cap" || n.op === "group" || n.op === "rep") walk(n.sub);
    else if (n.op === "concat" || n.op === "alt") n.subs.forEach(walk);
  };
  walk(node);
  return ranges * 8;
}

/**
 * The fewest characters a match of `node` takes. Each backtracking path compares up to that many
 * before failing, so the paths are charged at `1 + min / 8` each: `\d*\d*0{100}x` over 400 zeros
 * is 3e5 paths but ran 10 s in V8, a hundred comparisons each.
 */
export function minLength(node: Node): number {
  if (node.op === "lit" || node.op === "class") return 1;
  if (node.op === "cap" || node.op === "group") return minLength(node.sub);
  if (node.op === "concat") return node.subs.reduce((a, s) => a + minLength(s), 0);
  if (node.op === "alt") return Math.min(...node.subs.map(minLength));
  if (node.op === "rep") return node.min * minLength(node.sub);
  // Assertions and the empty pattern take no character.
  return 0;
}
