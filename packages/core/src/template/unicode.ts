import { CATEGORIES, FOLD_ORBITS, SCRIPTS, TO_LOWER, TO_TITLE, TO_UPPER } from "./unicode-data.js";

/**
 * Go's unicode package over the tables of unicode-data.ts (the Unicode version of the Go that
 * builds the reference, not Node's ICU): categories, scripts, simple case mappings and folding
 * orbits, for strings, fmt, the template lexer and the regular expression translator.
 */

/** Sorted code point runs: [lo0, hi0, lo1, hi1, ...]. */
export type Runs = Int32Array;

function decodeRuns(text: string): Runs {
  if (text === "") return new Int32Array(0);
  const parts = text.split(",");
  const out = new Int32Array(parts.length * 2);
  let prev = -1;
  parts.forEach((p, i) => {
    const [gap = "0", len = "0"] = p.split(".");
    const lo = prev + 1 + parseInt(gap, 36);
    const hi = lo + parseInt(len, 36);
    out[2 * i] = lo;
    out[2 * i + 1] = hi;
    prev = hi;
  });
  return out;
}

/** Mapping runs: start, count, delta, stride per run. */
type MapRuns = Int32Array;

function decodeMapping(text: string): MapRuns {
  const parts = text.split(",");
  const out = new Int32Array(parts.length * 4);
  let prev = -1;
  parts.forEach((p, i) => {
    const [gap = "0", count = "1", delta = "0", stride = "1"] = p.split(".");
    const start = prev + 1 + parseInt(gap, 36);
    const n = parseInt(count, 36);
    const step = parseInt(stride, 36);
    out.set([start, n, parseInt(delta, 36), step], 4 * i);
    prev = start + (n - 1) * step;
  });
  return out;
}

/** A value computed on first use and then kept (the tables are constants). */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

function union(parts: Runs[]): Runs {
  const all: [number, number][] = [];
  for (const p of parts) for (let i = 0; i < p.length; i += 2) all.push([p[i] ?? 0, p[i + 1] ?? 0]);
  all.sort((a, b) => a[0] - b[0]);
  const merged: number[] = [];
  for (const [lo, hi] of all) {
    const last = merged.length - 1;
    if (last > 0 && lo <= (merged[last] ?? 0) + 1) {
      merged[last] = Math.max(merged[last] ?? 0, hi);
    } else merged.push(lo, hi);
  }
  return Int32Array.from(merged);
}

/**
 * Decoded tables by name, each decoded on first use. A cache of constant data, not state: every
 * caller sees the same answer whenever it asks.
 */
const decoded = new Map<string, Runs | undefined>();

function decodeTable(name: string): Runs | undefined {
  if (Object.hasOwn(CATEGORIES, name)) return decodeRuns(CATEGORIES[name] ?? "");
  if (name.length === 1 && "CLMNPSZ".includes(name)) {
    const subs = Object.keys(CATEGORIES).filter((n) => n.length === 2 && n[0] === name);
    return union(subs.map((n) => decodeRuns(CATEGORIES[n] ?? "")));
  }
  if (Object.hasOwn(SCRIPTS, name)) return decodeRuns(SCRIPTS[name] ?? "");
  return undefined;
}

/** The runs of a category (`L`, `Lu`...) or script (`Greek`) Go's regexp knows, by name. */
export function unicodeClass(name: string): Runs | undefined {
  if (!decoded.has(name)) decoded.set(name, decodeTable(name));
  return decoded.get(name);
}

/** True when `r` lies in `runs`. */
export function inRuns(runs: Runs, r: number): boolean {
  let lo = 0;
  let hi = runs.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (r < (runs[2 * mid] ?? 0)) hi = mid - 1;
    else if (r > (runs[2 * mid + 1] ?? 0)) lo = mid + 1;
    else return true;
  }
  return false;
}

const category =
  (name: string) =>
  (r: number): boolean =>
    inRuns(unicodeClass(name) ?? new Int32Array(0), r);

/** unicode.IsLetter. */
export const isLetter = category("L");
/** unicode.IsDigit (Nd). */
export const isDigit = category("Nd");
/** unicode.IsUpper (Lu). */
export const isUpper = category("Lu");
/** unicode.IsLower (Ll). */
export const isLower = category("Ll");
/** unicode.IsTitle (Lt). */
export const isTitle = category("Lt");
/** unicode.IsNumber (N). */
export const isNumber = category("N");
/** unicode.IsMark (M). */
export const isMark = category("M");
/** unicode.IsPunct (P). */
export const isPunct = category("P");
/** unicode.IsSymbol (S). */
export const isSymbol = category("S");

/** unicode.IsPrint / strconv.IsPrint: letters, marks, numbers, punctuation, symbols, ASCII space. */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  return isLetter(r) || isMark(r) || isNumber(r) || isPunct(r) || isSymbol(r);
}

/** unicode.IsGraphic: IsPrint plus the space separators (Zs). */
export function isGraphic(r: number): boolean {
  return isPrint(r) || category("Zs")(r);
}

const mappings = lazy(() => ({
  upper: decodeMapping(TO_UPPER),
  lower: decodeMapping(TO_LOWER),
  title: decodeMapping(TO_TITLE),
}));

function mapRune(runs: MapRuns, r: number): number {
  let lo = 0;
  let hi = runs.length / 4 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const start = runs[4 * mid] ?? 0;
    const count = runs[4 * mid + 1] ?? 0;
    const stride = runs[4 * mid + 3] ?? 1;
    const end = start + (count - 1) * stride;
    if (r < start) hi = mid - 1;
    else if (r > end) lo = mid + 1;
    else return (r - start) % stride === 0 ? r + (runs[4 * mid + 2] ?? 0) : r;
  }
  return r;
}

/** unicode.ToUpper. */
export function toUpper(r: number): number {
  if (r < 0x80) return r >= 0x61 && r <= 0x7a ? r - 32 : r;
  return mapRune(mappings().upper, r);
}

/** unicode.ToLower. */
export function toLower(r: number): number {
  if (r < 0x80) return r >= 0x41 && r <= 0x5a ? r + 32 : r;
  return mapRune(mappings().lower, r);
}

/** unicode.ToTitle. */
export function toTitle(r: number): number {
  if (r < 0x80) return r >= 0x61 && r <= 0x7a ? r - 32 : r;
  return mapRune(mappings().title, r);
}

const orbits = lazy(() => {
  const map = new Map<number, readonly number[]>();
  for (const text of FOLD_ORBITS.split(",")) {
    const orbit = text.split(".").map((x) => parseInt(x, 36));
    for (const r of orbit) map.set(r, orbit);
  }
  return map;
});

/** The runes that fold to `r` under unicode.SimpleFold (r included). */
export function foldOrbit(r: number): readonly number[] {
  return orbits().get(r) ?? [r];
}

/** Every rune that has a folding orbit, sorted (for folding class ranges). */
export const foldable = lazy(() => [...orbits().keys()].sort((a, b) => a - b));
