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
  if (!NON_ASCII.test(a) && !NON_ASCII.test(b)) return asciiLess(a, b);
  return goYamlLessByRunes(a, b);
}

const NON_ASCII = /[^\0-\x7f]/;

/** Letters and digits of ASCII as Go's `unicode.IsLetter` and `unicode.IsDigit` read them. */
function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isAsciiDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * {@link goYamlLessByRunes} for two ASCII strings, on character codes: no array of runes and no
 * bigint per comparison (sorting 7,000 item keys compares them 90,000 times). A digit run too
 * long for a JavaScript number to hold exactly goes to the general comparison.
 */
function asciiLess(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const al = isAsciiLetter(x);
    const bl = isAsciiLetter(y);
    if (al && bl) return x < y;
    if (al || bl) return bl;
    return asciiDigitRunLess(a, b, i) ?? digitRunLess([...a], [...b], i);
  }
  return a.length < b.length;
}

/** {@link digitRunLess} on ASCII text; undefined when a run is longer than 14 digits. */
function asciiDigitRunLess(a: string, b: string, i: number): boolean | undefined {
  let start = 0;
  if (a[i] === "0" || b[i] === "0") {
    for (let j = i - 1; j >= 0 && isAsciiDigit(a.charCodeAt(j)); j--) {
      if (a[j] !== "0") {
        start = 1;
        break;
      }
    }
  }
  const ai = digitRunEnd(a, i);
  const bi = digitRunEnd(b, i);
  // 1 followed by 14 digits is below 2^53 and far below int64's wrap.
  if (ai - i > 14 || bi - i > 14) return undefined;
  const aValue = digitRunValue(a, i, ai, start);
  const bValue = digitRunValue(b, i, bi, start);
  if (aValue !== bValue) return aValue < bValue;
  if (ai !== bi) return ai < bi;
  return a.charCodeAt(i) < b.charCodeAt(i);
}

function digitRunEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && isAsciiDigit(text.charCodeAt(end))) end++;
  return end;
}

/** The digits of `text` from `from` to `end` read after `start`, as goyaml accumulates them. */
function digitRunValue(text: string, from: number, end: number, start: number): number {
  let value = start;
  for (let i = from; i < end; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
}

/** goyaml's `keyList.Less`, rune by rune. */
export function goYamlLessByRunes(a: string, b: string): boolean {
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
