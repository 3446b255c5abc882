/**
 * Text as Go handles bytes that are not UTF-8: `utf8.DecodeRune` takes one byte at a time when a
 * sequence is invalid, so every bad byte becomes its own U+FFFD (encoding/json's replacement).
 * The WHATWG decoder of `TextDecoder` can fold several bad bytes into one, hence this decoder.
 */

/**
 * Well-formed UTF-8 (RFC 3629, Unicode table 3-7): per leading byte, the sequence length and the
 * range its second byte must fall in (later bytes are any continuation byte).
 */
function leadingByteRule(b0: number): [number, number, number] | undefined {
  if (b0 >= 0xc2 && b0 <= 0xdf) return [2, 0x80, 0xbf];
  if (b0 === 0xe0) return [3, 0xa0, 0xbf];
  if (b0 === 0xed) return [3, 0x80, 0x9f];
  if (b0 >= 0xe1 && b0 <= 0xef) return [3, 0x80, 0xbf];
  if (b0 === 0xf0) return [4, 0x90, 0xbf];
  if (b0 === 0xf4) return [4, 0x80, 0x8f];
  if (b0 >= 0xf1 && b0 <= 0xf3) return [4, 0x80, 0xbf];
  return undefined;
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there starts no valid sequence. */
export function validSequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const rule = leadingByteRule(b0);
  if (!rule) return 0;
  const [length, lo, hi] = rule;
  const b1 = bytes[i + 1];
  if (b1 === undefined || b1 < lo || b1 > hi) return 0;
  for (let k = 2; k < length; k++) {
    const b = bytes[i + k];
    if (b === undefined || b < 0x80 || b > 0xbf) return 0;
  }
  return length;
}

/** Byte offset of the first byte that is not valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    if (bytes[i]! < 0x80) {
      i++;
      continue;
    }
    const n = validSequenceLength(bytes, i);
    if (n === 0) return i;
    i += n;
  }
  return -1;
}

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** Bytes to text with one U+FFFD per invalid byte, as Go's JSON writer replaces them. */
export function goBytesToString(bytes: Uint8Array): string {
  return decodeEachInvalidByte(bytes, () => "\ufffd");
}

/** UTF-8 to text, each byte that starts no valid sequence given by `invalid`. */
function decodeEachInvalidByte(bytes: Uint8Array, invalid: (byte: number) => string): string {
  if (firstInvalidUtf8(bytes) < 0) return decoder.decode(bytes);
  let out = "";
  let start = 0;
  for (let i = 0; i < bytes.length;) {
    const n = bytes[i]! < 0x80 ? 1 : validSequenceLength(bytes, i);
    if (n === 0) {
      out += decoder.decode(bytes.subarray(start, i)) + invalid(bytes[i]!);
      i++;
      start = i;
    } else {
      i += n;
    }
  }
  return out + decoder.decode(bytes.subarray(start));
}

/**
 * Go's string holding the bytes of a YAML `!!binary` scalar, which need not be UTF-8. go-yaml
 * keeps the bytes; `json.Marshal` (sigs.k8s.io/yaml's next step) then writes `\ufffd` for each
 * invalid byte, unlike a U+FFFD that was in the text (written as itself), and compares map keys
 * by their bytes. So the invalid bytes are kept distinct here: each as the lone surrogate
 * U+DC80 + (byte - 0x80) (no other text Signet reads can hold a lone surrogate: UTF-8 cannot
 * encode one and every escape of one decodes to U+FFFD). {@link goJsonString} writes such a
 * marker as `\ufffd`, {@link withoutByteMarkers} turns it into U+FFFD where Go's JSON round trip
 * would, and {@link goStringBytes} gives back the bytes.
 */
export function goBinaryToString(bytes: Uint8Array): string {
  return decodeEachInvalidByte(bytes, (byte) => String.fromCharCode(0xdc00 + byte));
}

/** A lone surrogate standing for an invalid byte (see {@link goBinaryToString}). */
export const BYTE_MARKER = /[\udc80-\udcff]/u;
const BYTE_MARKERS = /[\udc80-\udcff]/gu;

/** Whether `s` holds bytes that are not UTF-8 (see {@link goBinaryToString}). */
export function hasByteMarkers(s: string): boolean {
  return BYTE_MARKER.test(s);
}

/** The string after Go's JSON round trip: each invalid byte is a U+FFFD. */
export function withoutByteMarkers(s: string): string {
  return hasByteMarkers(s) ? s.replace(BYTE_MARKERS, "\ufffd") : s;
}

/** The bytes of a Go string read by {@link goBinaryToString} (UTF-8, markers as their byte). */
export function goStringBytes(s: string): Uint8Array {
  const out: number[] = [];
  const encoder = new TextEncoder();
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xdc80 && c <= 0xdcff) out.push(c - 0xdc00);
    else out.push(...encoder.encode(ch));
  }
  return Uint8Array.from(out);
}
