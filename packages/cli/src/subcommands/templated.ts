/**
 * Detection of Go templates (Helm charts, helmfile, gomplate...) among manifests. A template is
 * not a manifest until it is rendered: Helm's `{{- if .Values.x }}` lines make YAML fail with a
 * character-position error, and even a template that parses (`name: "{{ .Release.Name }}"`)
 * names an object that does not exist yet. Such files and objects are skipped and reported. A
 * SealedSecret's own `spec.template.data` legitimately holds Go template text inside strings, so
 * only actions outside strings (and outside comments) make a file a template.
 */

const ACTION = "{{";

/** Half-open offset ranges of the string scalars (keys and values) of a parsed file. */
export type Ranges = readonly (readonly [number, number])[];

/**
 * Offset of the first `{{` that stands outside every string scalar and comment of a file that
 * parsed, or undefined when all of them are inside strings (or there are none).
 */
export function actionOutsideStrings(text: string, strings: Ranges): number | undefined {
  const sorted = [...strings].sort((a, b) => a[0] - b[0]);
  for (let at = text.indexOf(ACTION); at !== -1; at = text.indexOf(ACTION, at + 2)) {
    if (!inside(sorted, at) && !inComment(text, at, sorted)) return at;
  }
  return undefined;
}

/**
 * Offset of a `{{` that a file which does not parse holds where YAML would not read a string:
 * at the start of a line, after `key: ` or `- `, or as a flow value. Undefined when the file has
 * no such action (its syntax error is reported as one).
 */
export function actionInBrokenFile(text: string): number | undefined {
  const match = /(^[ \t]*|:[ \t]+|-[ \t]+|[[{,][ \t]*)\{\{/m.exec(text);
  return match ? match.index + match[1]!.length : undefined;
}

/** True when a string of an object's identity or ciphertexts holds a template action. */
export function holdsAction(values: readonly unknown[]): boolean {
  return values.some((v) => typeof v === "string" && v.includes(ACTION));
}

function inside(sorted: Ranges, at: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [start, end] = sorted[mid]!;
    if (at < start) hi = mid - 1;
    else if (at >= end) lo = mid + 1;
    else return true;
  }
  return false;
}

/** True when a `#` that starts a YAML comment precedes `at` on its line. */
function inComment(text: string, at: number, sorted: Ranges): boolean {
  const start = lineStart(text, at);
  for (let i = text.indexOf("#", start); i !== -1 && i < at; i = text.indexOf("#", i + 1)) {
    const before = i === start ? " " : text[i - 1]!;
    if ((before === " " || before === "\t") && !inside(sorted, i)) return true;
  }
  return false;
}

/** Every line break go-yaml recognises: LF, CR, NEL, LINE and PARAGRAPH SEPARATOR. */
const BREAKS = ["\n", "\r", "\u0085", "\u2028", "\u2029"];

/** Offset of the start of the line `at` is on (after the last break of any kind before it). */
function lineStart(text: string, at: number): number {
  return Math.max(...BREAKS.map((b) => text.lastIndexOf(b, at - 1))) + 1;
}
