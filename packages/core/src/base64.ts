const STD_PADDED = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Strict standard base64 with padding, as Go's `base64.StdEncoding` (embedded CR/LF ignored).
 * Returns the decoded bytes, or the byte offset of the first illegal input like Go's
 * `illegal base64 data at input byte N`.
 */
export function decodeStdBase64(text: string): Buffer | { illegalAt: number } {
  const clean = text.replace(/[\r\n]/g, "");
  if (!STD_PADDED.test(clean)) {
    const bad = clean.search(/[^A-Za-z0-9+/=]|=[^=]/);
    return { illegalAt: Math.max(bad, 0) };
  }
  if (clean.length % 4 !== 0) return { illegalAt: clean.length - (clean.length % 4) };
  return Buffer.from(clean, "base64");
}

/** Message for a base64 failure, in Go's words. */
export function illegalBase64Message(at: number): string {
  return `illegal base64 data at input byte ${at}`;
}
