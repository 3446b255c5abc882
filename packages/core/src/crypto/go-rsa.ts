/**
 * Go's own checks of an RSA public key before it encrypts (crypto/rsa), kept apart from
 * node:crypto so that the web page, which reads certificates itself, refuses the same keys.
 */

/**
 * Go's refusals of an RSA public key at encryption (`rsa.EncryptOAEP`: `checkPublicKeySize`,
 * then the FIPS module's `checkPublicKey`), in its order and words, for the big-endian modulus
 * `n` and exponent `e`; undefined when Go encrypts. OpenSSL takes all of these keys.
 */
export function goEncryptError(n: Uint8Array, e: Uint8Array): string | undefined {
  const bits = bitLength(n);
  if (bits < 1024) {
    return `crypto/rsa: ${bits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)`;
  }
  if ((n[n.length - 1]! & 1) === 0) return "crypto/rsa: public modulus is even";
  const exponent = e.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
  if (exponent < 2n) return "crypto/rsa: public exponent too small or negative";
  if ((exponent & 1n) === 0n) return "crypto/rsa: public exponent is even";
  if (exponent > 2n ** 31n - 1n) return "crypto/rsa: public exponent too large";
  return undefined;
}

/** Bits of a big-endian magnitude, leading zero bytes and bits not counted (Go's BitLen). */
export function bitLength(bytes: Uint8Array): number {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  if (start === bytes.length) return 0;
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(bytes[start]!));
}
