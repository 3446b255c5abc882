/**
 * Control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides:
 * printed raw, they would start a new line (a GitHub Actions `::command::`), move the cursor or
 * recolour a terminal, or reorder what a reviewer reads.
 */
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNPRINTABLE_ALL = new RegExp(UNPRINTABLE.source, "g");

/**
 * A file name, object label or value as lint prints it (pure): unchanged when it holds nothing
 * unprintable, else double-quoted with `"` and `\` escaped and every unprintable character as
 * `\n`, `\r`, `\t` or `\uXXXX`, so one printed finding is always one line.
 */
export function printable(s: string): string {
  if (!UNPRINTABLE.test(s)) return s;
  const body = s
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(UNPRINTABLE_ALL, (c) => {
      if (c === "\n") return "\\n";
      if (c === "\r") return "\\r";
      if (c === "\t") return "\\t";
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
    });
  return `"${body}"`;
}
