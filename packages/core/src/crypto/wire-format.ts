/**
 * Facts about the hybrid wire format that need no key and no crypto (see `hybrid.ts` for the
 * layout), shared with the web page, which reads them without Node built-ins.
 */

/** Size of the RSA part announced by a ciphertext, or undefined when the blob is too short. */
export function wrappedKeyLength(ciphertext: Uint8Array): number | undefined {
  if (ciphertext.length < 2) return undefined;
  const n = (ciphertext[0]! << 8) | ciphertext[1]!;
  return ciphertext.length < n + 2 ? undefined : n;
}
