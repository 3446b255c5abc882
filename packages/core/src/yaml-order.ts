/**
 * Map-key order of Go's YAML encoder (sigs.k8s.io/yaml → goyaml.v2 `keyList.Less`), which kubeseal's
 * YAML output and kubectl use: compared rune by rune, letters sort by code point and after
 * non-letters, and runs of digits compare as numbers (`key2` < `key10`, `a_b` < `aB`).
 */
export function compareGoYamlKeys(a: string, b: string): number {
  if (a === b) return 0;
  return goYamlLess(a, b) ? -1 : 1;
}

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

function isLetter(c: string): boolean {
  return LETTER.test(c);
}

function isDigit(c: string): boolean {
  return DIGIT.test(c);
}

function goYamlLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    return digitRunLess(ar, br, i);
  }
  return ar.length < br.length;
}

/**
 * The numeric comparison of goyaml's sorter at the first differing rune `i` (neither a letter).
 * Go accumulates the digit runs in an int64 that silently wraps, so a run beyond 2^63 compares
 * as the wrapped value (`9223372036854775808` sorts before `0`); so does Signet.
 */
function digitRunLess(ar: string[], br: string[], i: number): boolean {
  let an = 0n;
  let bn = 0n;
  if (ar[i] === "0" || br[i] === "0") {
    // A zero inside a number that already had a non-zero digit is not a leading zero.
    for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
      if (ar[j] !== "0") {
        an = 1n;
        bn = 1n;
        break;
      }
    }
  }
  const run = (runes: string[], start: number, n: bigint): [number, bigint] => {
    let at = start;
    let value = n;
    for (; at < runes.length && isDigit(runes[at]!); at++) {
      value = BigInt.asIntN(64, value * 10n + BigInt(runes[at]!.codePointAt(0)! - 48));
    }
    return [at, value];
  };
  const [ai, aValue] = run(ar, i, an);
  const [bi, bValue] = run(br, i, bn);
  if (aValue !== bValue) return aValue < bValue;
  if (ai !== bi) return ai < bi;
  return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
}
