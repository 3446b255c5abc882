import { fromUtf8, toUtf8 } from "../bytes.js";
import { isLetterRune, isSpaceRune, isUpperRune, toLowerRune, toUpperRune } from "./text.js";

/**
 * huandu/xstrings v1.5.0 case conversions behind sprig's snakecase, kebabcase and camelcase
 * (ToSnakeCase, ToKebabCase, ToPascalCase), ported over code points.
 */

type WordType = "invalid" | "number" | "upper" | "alphabet" | "connector" | "punct" | "other";

interface Word {
  wt: WordType;
  word: number[];
  rest: number[];
}

const CJK = /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/u;

function isConnector(r: number): boolean {
  return r === 0x2d || r === 0x5f || isSpaceRune(r);
}

function isAlphabet(r: number): boolean {
  return isLetterRune(r) && !CJK.test(String.fromCodePoint(r));
}

function isPunct(r: number): boolean {
  return /\p{P}/u.test(String.fromCodePoint(r));
}

function isNumber(r: number): boolean {
  return /\p{N}/u.test(String.fromCodePoint(r));
}

function runWhile(s: number[], from: number, pred: (r: number) => boolean): number {
  let i = from;
  while (i < s.length && pred(s[i] as number)) i++;
  return i;
}

function upperWordEnd(s: number[]): number {
  if (s.length === 1) return 1;
  const r = s[1] as number;
  if (isUpperRune(r)) {
    const end = runWhile(s, 1, isUpperRune);
    if (end < s.length && isAlphabet(s[end] as number)) return end - 1;
    return end;
  }
  if (isAlphabet(r)) return runWhile(s, 1, (x) => isAlphabet(x) && !isUpperRune(x));
  return 1;
}

function classify(r: number): WordType {
  if (isConnector(r)) return "connector";
  if (isPunct(r)) return "punct";
  if (isUpperRune(r)) return "upper";
  if (isAlphabet(r)) return "alphabet";
  if (isNumber(r)) return "number";
  return "other";
}

const OTHER_STOP = (x: number): boolean =>
  isConnector(x) || isAlphabet(x) || isNumber(x) || isPunct(x);

function nextWord(s: number[]): Word {
  if (s.length === 0) return { wt: "invalid", word: [], rest: [] };
  const wt = classify(s[0] as number);
  let end: number;
  if (wt === "connector") end = runWhile(s, 1, isConnector);
  else if (wt === "punct") end = runWhile(s, 1, isPunct);
  else if (wt === "upper") end = upperWordEnd(s);
  else if (wt === "alphabet") end = runWhile(s, 1, (x) => isAlphabet(x) && !isUpperRune(x));
  else if (wt === "number") end = runWhile(s, 1, isNumber);
  else end = runWhile(s, 1, (x) => !OTHER_STOP(x));
  return { wt, word: s.slice(0, end), rest: s.slice(end) };
}

function lower(out: number[], wt: WordType, word: number[], connector: number): void {
  if (wt !== "upper" && wt !== "connector") {
    out.push(...word);
    return;
  }
  for (const r of word) out.push(isConnector(r) ? connector : isUpperRune(r) ? toLowerRune(r) : r);
}

function afterNumber(st: Word, out: number[], connector: number): Word {
  let w = st;
  while (w.wt === "alphabet" || w.wt === "number") {
    lower(out, w.wt, w.word, connector);
    w = nextWord(w.rest);
  }
  if (w.wt !== "invalid" && w.wt !== "punct" && w.wt !== "connector") out.push(connector);
  return w;
}

function afterWord(st: Word, out: number[], connector: number): Word {
  let w = st;
  if (w.wt !== "number") {
    if (w.wt !== "connector" && w.wt !== "punct") out.push(connector);
    return w;
  }
  if (w.rest.length === 0) return w;
  const last = w.word;
  w = nextWord(w.rest);
  if (w.wt !== "alphabet") {
    lower(out, "number", last, connector);
    if (w.wt !== "connector" && w.wt !== "punct") out.push(connector);
    return w;
  }
  out.push(connector);
  lower(out, "number", last, connector);
  return afterNumber(w, out, connector);
}

/** xstrings camelCaseToLowerCase (snake and kebab case). */
export function toLowerCaseWords(bs: string, connector: number): string {
  if (bs === "") return "";
  const out: number[] = [];
  let w = nextWord([...toUtf8(bs)].map((c) => c.codePointAt(0) ?? 0));
  while (w.rest.length > 0) {
    if (w.wt !== "connector") lower(out, w.wt, w.word, connector);
    const prev = w;
    w = nextWord(w.rest);
    if (prev.wt === "number") w = afterNumber(w, out, connector);
    else if (prev.wt === "connector") lower(out, prev.wt, prev.word, connector);
    else if (prev.wt !== "punct") w = afterWord(w, out, connector);
  }
  lower(out, w.wt, w.word, connector);
  return fromUtf8(String.fromCodePoint(...out));
}

/** xstrings ToPascalCase (sprig's camelcase). */
export function toPascalCase(bs: string): string {
  const s = [...toUtf8(bs)].map((c) => c.codePointAt(0) ?? 0);
  if (s.length === 0) return "";
  const out: number[] = [];
  let i = 0;
  let r0 = 0;
  let firstUpper = false;
  while (i < s.length) {
    r0 = s[i++] as number;
    if (!isConnector(r0)) {
      firstUpper = isUpperRune(r0);
      r0 = toUpperRune(r0);
      break;
    }
    out.push(r0);
  }
  if (i >= s.length) {
    out.push(r0);
    return fromUtf8(String.fromCodePoint(...out));
  }
  while (i < s.length) {
    const r1 = r0;
    r0 = s[i++] as number;
    if (isConnector(r0) && isConnector(r1)) {
      out.push(r1);
      continue;
    }
    if (isConnector(r1)) {
      firstUpper = isUpperRune(r0);
      r0 = toUpperRune(r0);
    } else {
      if (firstUpper && isUpperRune(r0)) r0 = toLowerRune(r0);
      else firstUpper = false;
      out.push(r1);
    }
  }
  out.push(r0);
  return fromUtf8(String.fromCodePoint(...out));
}
