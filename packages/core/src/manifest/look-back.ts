// Checks that look back from a position in a document's text. Each runs once per key, so each
// must cost what it looks at, not the length of the text before it.

/**
 * `/[?]\s*$/.test(text.slice(0, end))` without scanning the text from its start: whether the
 * last non-space character before `end` is `?` (an explicit key). Checked per key, the regex made
 * a flow mapping of 100,000 keys take minutes.
 */
export function explicitKeyBefore(text: string, end: number): boolean {
  let i = end - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  return i >= 0 && text[i] === "?";
}

/**
 * `text.slice(0, end)` without its trailing spaces and comment lines, as the regex
 * `/(\s|#[^\n]*\n)*$/` strips them, looking back only as far as it needs: a window first, the
 * whole text only when the window is all spaces and comments.
 */
export function withoutTrailingComments(text: string, end: number): string {
  for (let window = 4096; ; window *= 4) {
    const from = Math.max(0, end - window);
    const kept = text.slice(from, end).replace(/(\s|#[^\n]*\n)*$/, "");
    // A window cut inside a comment could strip less than the whole text would; a kept part
    // that starts after the window's first line is the same as from the text's start.
    if (from === 0) return kept;
    const firstBreak = text.indexOf("\n", from);
    if (kept.length > 0 && firstBreak >= 0 && from + kept.length > firstBreak + 1) {
      return text.slice(0, from) + kept;
    }
  }
}
