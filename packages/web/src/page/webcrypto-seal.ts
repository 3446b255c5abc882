/**
 * The hybrid wire format of core's `hybridEncrypt` (reference `HybridEncrypt`), with WebCrypto
 * instead of node:crypto, so the plaintext never leaves the browser:
 *
 *     uint16 big-endian len(W) ‖ W = RSA-OAEP-SHA256(label)(sessionKey) ‖ AES-256-GCM(plaintext) ‖ tag
 *
 * Proven byte-compatible by opening the page's output with core's unseal and with the real
 * `kubeseal --recovery-unseal` (test/web), and here against core for the AES part.
 */

/** A source of cryptographically secure random bytes; the page passes `crypto.getRandomValues`. */
export type RandomSource = (size: number) => Uint8Array<ArrayBuffer>;

const SESSION_KEY_BYTES = 32;
/**
 * Twelve zero bytes, as in the reference: safe only because every session key is freshly random
 * and encrypts exactly one message.
 */
const ZERO_NONCE = new Uint8Array(12);

/** The WebCrypto APIs sealing needs; `globalThis.crypto.subtle` in a secure context. */
export type Subtle = Pick<SubtleCrypto, "importKey" | "encrypt">;

/** Imports a certificate's SubjectPublicKeyInfo as an RSA-OAEP-SHA256 encryption key. */
export function importSealingKey(
  subtle: Subtle,
  spki: Uint8Array<ArrayBuffer>,
): Promise<CryptoKey> {
  return subtle.importKey("spki", spki, { name: "RSA-OAEP", hash: "SHA-256" }, false, ["encrypt"]);
}

/** Seals `plaintext` for `publicKey` with `label` (see the layout above). */
export async function hybridEncryptWeb(
  subtle: Subtle,
  publicKey: CryptoKey,
  plaintext: Uint8Array<ArrayBuffer>,
  options: { label: Uint8Array<ArrayBuffer>; random: RandomSource },
): Promise<Uint8Array<ArrayBuffer>> {
  const sessionKey = options.random(SESSION_KEY_BYTES);
  if (sessionKey.length !== SESSION_KEY_BYTES) {
    throw new TypeError(`random source returned ${sessionKey.length} bytes, want 32`);
  }
  const wrapped = new Uint8Array(
    await subtle.encrypt({ name: "RSA-OAEP", label: options.label }, publicKey, sessionKey),
  );
  const aesKey = await subtle.importKey("raw", sessionKey, { name: "AES-GCM" }, false, ["encrypt"]);
  const body = new Uint8Array(
    await subtle.encrypt({ name: "AES-GCM", iv: ZERO_NONCE, tagLength: 128 }, aesKey, plaintext),
  );
  sessionKey.fill(0);
  const out = new Uint8Array(2 + wrapped.length + body.length);
  new DataView(out.buffer).setUint16(0, wrapped.length);
  out.set(wrapped, 2);
  out.set(body, 2 + wrapped.length);
  return out;
}
