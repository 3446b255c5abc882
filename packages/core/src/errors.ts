/**
 * Typed errors with stable codes (jose style). User-facing messages stay close to kubeseal's;
 * anything touching secret material is generic, so an error never becomes a decryption oracle
 * and never quotes a decrypted value.
 */
export type SignetErrorCode =
  | "ERR_INVALID_INPUT"
  | "ERR_INVALID_FLAG"
  | "ERR_EMPTY_DATA"
  | "ERR_NO_SECRETS"
  | "ERR_MISSING_NAME"
  | "ERR_MISSING_NAMESPACE"
  | "ERR_NAMESPACE_MISMATCH"
  | "ERR_INVALID_SCOPE"
  | "ERR_CERT_PARSE"
  | "ERR_CERT_EXPIRED"
  | "ERR_CERT_NOT_RSA"
  | "ERR_CERT_FETCH"
  | "ERR_PRIVATE_KEY"
  | "ERR_DECRYPT"
  | "ERR_UNSEAL"
  | "ERR_UNSEAL_BUDGET"
  | "ERR_BASE64"
  | "ERR_DEPRECATED_V1"
  | "ERR_OUTPUT_FORMAT"
  | "ERR_TEMPLATE_PARSE"
  | "ERR_TEMPLATE_EXEC"
  | "ERR_TEMPLATE_BUDGET"
  | "ERR_TEMPLATE_REFUSED"
  | "ERR_NEEDS_CLUSTER"
  | "ERR_IO";

/** Base error of every Signet failure; `code` is stable and safe to branch on. */
export class SignetError extends Error {
  readonly code: SignetErrorCode;

  constructor(code: SignetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SignetError";
    this.code = code;
  }
}

/** True when `err` is a SignetError, optionally with the given code. */
export function isSignetError(err: unknown, code?: SignetErrorCode): err is SignetError {
  return err instanceof SignetError && (code === undefined || err.code === code);
}
