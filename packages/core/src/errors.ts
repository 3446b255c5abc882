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
  | "ERR_CERT_KEY"
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
  | "ERR_TEMPLATE_DATA_DEPENDENT"
  | "ERR_NEEDS_CLUSTER"
  | "ERR_KUBECONFIG"
  | "ERR_INVALID_EXPIRY"
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

/** The codes of template failures (`ERR_TEMPLATE_PARSE`, `ERR_TEMPLATE_EXEC`, …). */
export type TemplateErrorCode = Extract<SignetErrorCode, `ERR_TEMPLATE_${string}`>;

/** True for the code of a template failure, whichever it is. */
export function isTemplateErrorCode(code: SignetErrorCode): code is TemplateErrorCode {
  return code.startsWith("ERR_TEMPLATE_");
}

/**
 * Why one item of a SealedSecret did not unseal. `key` is the item's name (the public key of
 * `encryptedData` or `spec.template.data`, never a sealing key), `code` one of:
 * - `ERR_DECRYPT`: no registered key opens the value. Deliberately one code for every way that
 *   happens (no key of that modulus size, wrong key, tampered ciphertext, wrong scope label):
 *   which step failed is never told, so the error is no decryption oracle;
 * - `ERR_BASE64`: the value is not standard base64;
 * - a {@link TemplateErrorCode}: the item's template failed.
 * `message` is the text users see for that item (grouped by {@link UnsealError}).
 */
export interface UnsealItemError {
  key: string;
  code: SignetErrorCode;
  message: string;
}

/**
 * A SealedSecret that did not unseal because of some of its items (code `ERR_UNSEAL`): the
 * message is theirs, grouped as `<message> (<key>, ...)` (see {@link groupItemErrors}), and
 * `items` says which item failed how, for callers to branch on instead of the message.
 */
export class UnsealError extends SignetError {
  readonly items: readonly UnsealItemError[];

  constructor(items: readonly UnsealItemError[], message: string = groupItemErrors(items)) {
    super("ERR_UNSEAL", message);
    this.name = "UnsealError";
    this.items = Object.freeze(items.map((item) => Object.freeze({ ...item })));
  }
}

/**
 * Groups identical item messages as `<message> (<k1>, <k2>)`, in first-seen order; distinct
 * messages on separate lines (reference `Unseal`'s per-item errors, joined).
 */
export function groupItemErrors(
  errors: readonly Pick<UnsealItemError, "key" | "message">[],
): string {
  const groups = new Map<string, string[]>();
  for (const { key, message } of errors) groups.set(message, [...(groups.get(message) ?? []), key]);
  return [...groups].map(([message, keys]) => `${message} (${keys.join(", ")})`).join("\n");
}
