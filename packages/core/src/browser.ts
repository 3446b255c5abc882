/**
 * The browser-safe part of `@signet/core` (`@signet/core/browser`): every module here is pure
 * and touches neither node:crypto nor Buffer on the paths it exports, so the web page bundles
 * it and seals with WebCrypto instead of `crypto/hybrid.ts`. The page's tests in a real
 * Chromium exercise it; add a module here only when it stays free of Node built-ins.
 */
export * from "./errors.js";
export * from "./constants.js";
export type * from "./model.js";
export type { SealingScope } from "./scope.js";
export {
  encryptionLabelText,
  parseSealingScope,
  scopeFromAnnotations,
  SEALING_SCOPES,
  withScopeAnnotations,
} from "./scope.js";
export * from "./codec.js";
export { appendAll, maxOf, minOf } from "./append.js";
export * from "./yaml-order.js";
export * from "./wire-order.js";
export * from "./seal-plan.js";
export * from "./merge.js";
export * from "./merge-text.js";
export * from "./hint.js";
export { setOwn } from "./own-keys.js";
export { pemBlocks } from "./crypto/pem.js";
export type { PemBlock } from "./crypto/pem.js";
export { wrappedKeyLength } from "./crypto/wire-format.js";
export { bitLength, goEncryptError } from "./crypto/go-rsa.js";
