/**
 * UTF-8 and base64 without requiring Node's Buffer: the decoder and encoder also run in the
 * seal page (`@signet/core/browser`). Node uses its Buffer (fast, and what the decoder was
 * measured with); a browser the web platform's TextEncoder, TextDecoder and btoa, which give the
 * same results (invalid UTF-8 becomes U+FFFD, a byte order mark is kept).
 */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** The UTF-8 bytes of `text`. */
export function utf8Bytes(text: string): Uint8Array {
  return NodeBuffer ? NodeBuffer.from(text, "utf8") : encoder.encode(text);
}

/** The text of UTF-8 `bytes`. */
export function utf8Text(bytes: Uint8Array): string {
  return NodeBuffer
    ? NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8")
    : decoder.decode(bytes);
}

/** The length of `text` in UTF-8 bytes. */
export function utf8Length(text: string): number {
  return NodeBuffer ? NodeBuffer.byteLength(text, "utf8") : encoder.encode(text).length;
}

/** Standard padded base64 of `bytes`. */
export function base64Of(bytes: Uint8Array): string {
  if (NodeBuffer) {
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  }
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
