import {
  createCipheriv,
  createDecipheriv,
  constants,
  privateDecrypt,
  publicEncrypt,
} from "node:crypto";
import type { KeyObject } from "node:crypto";

import type { UnsealingKey } from "./keys.js";
import { wrappedKeyLength } from "./wire-format.js";

/** A source of cryptographically secure random bytes; production passes `crypto.randomBytes`. */
export type RandomSource = (size: number) => Uint8Array;

const SESSION_KEY_BYTES = 32;
const GCM_TAG_BYTES = 16;
/**
 * The GCM nonce is twelve zero bytes, as in the reference: safe only because every session key is
 * freshly random and used for exactly one message. Never reuse a session key.
 */
const ZERO_NONCE = Buffer.alloc(12);

/** The one message for every decryption failure: it must not tell which key or step failed. */
export const DECRYPT_ERROR_MESSAGE = "no key could decrypt secret";

/**
 * Seals `plaintext` for `publicKey` (reference `HybridEncrypt`). Output layout:
 *
 *     uint16 big-endian len(W) ‖ W = RSA-OAEP-SHA256(label)(sessionKey) ‖ AES-256-GCM(plaintext) ‖ tag
 *
 * The 32-byte session key comes from `random`; OAEP's own seed comes from OpenSSL.
 */
export function hybridEncrypt(
  publicKey: KeyObject,
  plaintext: Uint8Array,
  label: Uint8Array,
  random: RandomSource,
): Buffer {
  const sessionKey = freshSessionKey(random);
  return sealedBlob(sessionKey, rsaWrap(publicKey, sessionKey, label), plaintext);
}

/**
 * RSA-OAEP-SHA256 of `sessionKey` under `label` on the calling thread. Fails with OpenSSL's own
 * message when the key cannot take it (`data too large for key size` for a key under 784 bits).
 */
export function rsaWrap(publicKey: KeyObject, sessionKey: Uint8Array, label: Uint8Array): Buffer {
  return publicEncrypt(
    {
      key: publicKey,
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: "sha256",
      oaepLabel: label,
    },
    sessionKey,
  );
}

/**
 * RSA-OAEP-SHA256 of a session key under `label` for the sealing key, done off the main thread:
 * the CLI passes WebCrypto's `encrypt`, which runs on Node.js's thread pool, so the RSA
 * operations of many values use every core (each is ~0.1 ms, one per value).
 */
export type SessionKeyWrap = (sessionKey: Uint8Array, label: Uint8Array) => Promise<Uint8Array>;

/** {@link hybridEncrypt} with the RSA step done by `wrap`: the same layout, byte for byte. */
export async function hybridEncryptWrapped(
  wrap: SessionKeyWrap,
  plaintext: Uint8Array,
  label: Uint8Array,
  random: RandomSource,
): Promise<Buffer> {
  const sessionKey = freshSessionKey(random);
  return sealedBlob(sessionKey, await wrap(sessionKey, label), plaintext);
}

function freshSessionKey(random: RandomSource): Buffer {
  const sessionKey = Buffer.from(random(SESSION_KEY_BYTES));
  if (sessionKey.length !== SESSION_KEY_BYTES) {
    throw new TypeError(`random source returned ${sessionKey.length} bytes, want 32`);
  }
  return sessionKey;
}

/** The wire layout around a wrapped session key: length, wrapped key, AES-GCM body and tag. */
function sealedBlob(sessionKey: Buffer, wrapped: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv("aes-256-gcm", sessionKey, ZERO_NONCE);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(wrapped.length);
  return Buffer.concat([prefix, wrapped, body]);
}

export { wrappedKeyLength };

/**
 * Whether `key` can have wrapped `ciphertext`'s session key: the wrapped key has the modulus's
 * size and is numerically below the modulus (RSA output always is; OpenSSL would reject a larger
 * block as "data too large for modulus"). A false answer costs no RSA operation, and rules out
 * a share of the wrong keys a cold start would otherwise try.
 */
export function keyMayOpen(key: UnsealingKey, ciphertext: Uint8Array): boolean {
  const n = wrappedKeyLength(ciphertext);
  if (n === undefined || n !== key.modulusBytes || key.modulus.length !== n) return false;
  return Buffer.compare(ciphertext.subarray(2, n + 2), key.modulus) < 0;
}

/**
 * Opens `ciphertext` with one private key (reference `HybridDecrypt`, one key of the loop).
 * Returns undefined on any failure; callers report the generic {@link DECRYPT_ERROR_MESSAGE}.
 * AES-128/192 session keys are accepted on decryption, as Go's `aes.NewCipher` does.
 */
export function hybridDecryptWith(
  privateKey: KeyObject,
  ciphertext: Uint8Array,
  label: Uint8Array,
): Buffer | undefined {
  const n = wrappedKeyLength(ciphertext);
  if (n === undefined) return undefined;
  const sessionKey = rsaUnwrap(privateKey, ciphertext.subarray(2, n + 2), label);
  return sessionKey && openSealedBody(sessionKey, ciphertext.subarray(n + 2));
}

/**
 * The RSA half of {@link hybridDecryptWith}: RSA-OAEP-SHA256 with `label` over the wrapped
 * session key (the bytes after the 2-byte length). Undefined on any failure.
 */
export function rsaUnwrap(
  privateKey: KeyObject,
  wrapped: Uint8Array,
  label: Uint8Array,
): Buffer | undefined {
  try {
    return privateDecrypt(
      {
        key: privateKey,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: "sha256",
        oaepLabel: label,
      },
      wrapped,
    );
  } catch {
    return undefined;
  }
}

/**
 * The symmetric half of {@link hybridDecryptWith}: AES-GCM (zero nonce, key size from the
 * session key) over `body` = ciphertext ‖ 16-byte tag. Undefined when the tag does not verify.
 */
export function openSealedBody(sessionKey: Uint8Array, body: Uint8Array): Buffer | undefined {
  const algorithm = aesAlgorithm(sessionKey.length);
  if (algorithm === undefined || body.length < GCM_TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv(algorithm, sessionKey, ZERO_NONCE);
    decipher.setAuthTag(body.subarray(body.length - GCM_TAG_BYTES));
    return Buffer.concat([
      decipher.update(body.subarray(0, body.length - GCM_TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    return undefined;
  }
}

function aesAlgorithm(keyBytes: number): "aes-128-gcm" | "aes-192-gcm" | "aes-256-gcm" | undefined {
  if (keyBytes === 16) return "aes-128-gcm";
  if (keyBytes === 24) return "aes-192-gcm";
  if (keyBytes === 32) return "aes-256-gcm";
  return undefined;
}
