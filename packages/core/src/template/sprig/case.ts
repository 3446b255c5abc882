import { decodeRune, encodeRune, fromCodePoints, fromUtf8, toUtf8 } from "../bytes.js";
import { inRuns, isNumber, isPunct, unicodeClass } from "../unicode.js";
import { isLetterRune, isSpaceRune, isUpperRune, toLowerRune, toUpperRune } from "./text.js";

/**
 * huandu/xstrings v1.5.0 case conversions behind sprig's snakecase, kebabcase and camelcase
 * (ToSnakeCase, ToKebabCase, ToPascalCase), ported over code points.
 */

type WordType = "invalid" | "number" | "upper" | "alphabet" | "connector" | "punct" | "other";

/** A word and the rest of the input, both byte strings (xstrings slices bytes). */
interface Word {
  wt: WordType;
  word: string;
  rest: string;
}

const CJK_SCRIPTS = ["Han", "Hangul", "Hiragana", "Katakana"];
const RUNE_ERROR = 0xfffd;

function isConnector(r: number): boolean {
  return r === 0x2d || r === 0x5f || isSpaceRune(r);
}

function isAlphabet(r: number): boolean {
  return (
    isLetterRune(r) && !CJK_SCRIPTS.some((s) => inRuns(unicodeClass(s) ?? new Int32Array(0), r))
  );
}

/** xstrings nextValidRune: the first rune that is not RuneError, and the bytes consumed. */
function nextValidRune(s: string, prev: number): [number, number] {
  let size = 0;
  while (size < s.length) {
    const [r, n] = decodeRune(s, size);
    size += n;
    if (r !== RUNE_ERROR) return [r, size];
  }
  return [prev, size];
}

/** Extends a word while `pred` holds; returns the new offset and the last rune seen. */
function scan(
  str: string,
  offset: number,
  prev: number,
  pred: (r: number) => boolean,
): [number, number] {
  let off = offset;
  let r = prev;
  while (off < str.length) {
    const [next, size] = nextValidRune(str.slice(off), r);
    r = next;
    if (!pred(r)) break;
    off += size;
  }
  return [off, r];
}

function upperWordEnd(str: string, offset: number, first: number): number {
  if (offset >= str.length) return offset;
  const [r, size] = nextValidRune(str.slice(offset), first);
  if (isUpperRune(r)) {
    let prevSize = size;
    let off = offset + size;
    let last = r;
    while (off < str.length) {
      const [n, sz] = nextValidRune(str.slice(off), last);
      last = n;
      if (!isUpperRune(n)) break;
      prevSize = sz;
      off += sz;
    }
    return off < str.length && isAlphabet(last) ? off - prevSize : off;
  }
  if (isAlphabet(r)) return scan(str, offset + size, r, (x) => isAlphabet(x) && !isUpperRune(x))[0];
  return offset;
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

const CONTINUES: Readonly<Record<Exclude<WordType, "upper" | "invalid">, (r: number) => boolean>> =
  {
    connector: isConnector,
    punct: isPunct,
    alphabet: (x) => isAlphabet(x) && !isUpperRune(x),
    number: isNumber,
    other: (x) => !OTHER_STOP(x),
  };

function nextWord(str: string): Word {
  if (str === "") return { wt: "invalid", word: "", rest: "" };
  const [r, size] = nextValidRune(str, RUNE_ERROR);
  if (r === RUNE_ERROR) return { wt: "invalid", word: str.slice(0, size), rest: str.slice(size) };
  const wt = classify(r);
  const end =
    wt === "upper"
      ? upperWordEnd(str, size, r)
      : scan(str, size, r, CONTINUES[wt as Exclude<WordType, "upper" | "invalid">])[0];
  return { wt, word: str.slice(0, end), rest: str.slice(end) };
}

function lower(out: string[], wt: WordType, word: string, connector: number): void {
  if (wt !== "upper" && wt !== "connector") {
    out.push(word);
    return;
  }
  for (let i = 0; i < word.length;) {
    const [r, n] = decodeRune(word, i);
    i += n;
    out.push(encodeRune(isConnector(r) ? connector : isUpperRune(r) ? toLowerRune(r) : r));
  }
}

function afterNumber(st: Word, out: string[], connector: number): Word {
  let w = st;
  while (w.wt === "alphabet" || w.wt === "number") {
    lower(out, w.wt, w.word, connector);
    w = nextWord(w.rest);
  }
  if (w.wt !== "invalid" && w.wt !== "punct" && w.wt !== "connector")
    out.push(encodeRune(connector));
  return w;
}

function afterWord(st: Word, out: string[], connector: number): Word {
  let w = st;
  const sep = encodeRune(connector);
  if (w.wt !== "number") {
    if (w.wt !== "connector" && w.wt !== "punct") out.push(sep);
    return w;
  }
  if (w.rest.length === 0) return w;
  const last = w.word;
  w = nextWord(w.rest);
  if (w.wt !== "alphabet") {
    lower(out, "number", last, connector);
    if (w.wt !== "connector" && w.wt !== "punct") out.push(sep);
    return w;
  }
  out.push(sep);
  lower(out, "number", last, connector);
  return afterNumber(w, out, connector);
}

/** xstrings camelCaseToLowerCase (snake and kebab case) over a byte string. */
export function toLowerCaseWords(bs: string, connector: number): string {
  if (bs === "") return "";
  const out: string[] = [];
  let w = nextWord(bs);
  while (w.rest.length > 0) {
    if (w.wt !== "connector") lower(out, w.wt, w.word, connector);
    const prev = w;
    w = nextWord(w.rest);
    if (prev.wt === "number") w = afterNumber(w, out, connector);
    else if (prev.wt === "connector") lower(out, prev.wt, prev.word, connector);
    else if (prev.wt !== "punct") w = afterWord(w, out, connector);
  }
  lower(out, w.wt, w.word, connector);
  return out.join("");
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
    return fromUtf8(fromCodePoints(out));
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
  return fromUtf8(fromCodePoints(out));
}
