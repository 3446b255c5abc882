/** 1-based line and column of offsets in one text (a line ends after `\n`; CR is part of it). */
export interface LineIndex {
  line(offset: number): number;
  column(offset: number): number;
}

/** Indexes the line starts of `text` once, so many lookups cost a binary search each. */
export function lineIndex(text: string): LineIndex {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    line: (offset) => lineOf(offset) + 1,
    column: (offset) => offset - starts[lineOf(offset)]! + 1,
  };
}

/** Offset of the start of the line holding `at`. */
export const lineStart = (text: string, at: number): number => text.lastIndexOf("\n", at - 1) + 1;

/** Offset just past the line break ending the line holding `at` (or the text's end). */
export function lineEnd(text: string, at: number): number {
  const nl = text.indexOf("\n", at);
  return nl === -1 ? text.length : nl + 1;
}

/** The file's line ending: CRLF when it uses one anywhere, else LF. */
export const eolOf = (text: string): string => (text.includes("\r\n") ? "\r\n" : "\n");
