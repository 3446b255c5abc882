/**
 * Standard padded base64 (Go's `base64.StdEncoding`, what Kubernetes and kubeseal write) without
 * Node's Buffer. Decoding is strict like core's `decodeStdBase64`: CR/LF ignored, anything else
 * outside the alphabet, or a bad length, is refused.
 */
const STD_PADDED = /^[A-Za-z0-9+/]*={0,2}$/;

/** Bytes to standard padded base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  const CHUNK = 0x8000;
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/** Standard padded base64 to bytes, or undefined when the text is not strict base64. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  const clean = text.replace(/[\r\n]/g, "");
  if (!STD_PADDED.test(clean) || clean.length % 4 !== 0) return undefined;
  let binary: string;
  try {
    binary = atob(clean);
  } catch {
    return undefined;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
