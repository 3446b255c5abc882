export * from "./errors.js";
export * from "./constants.js";
export * from "./model.js";
export * from "./scope.js";
export * from "./codec.js";
export {
  decodeKeyBackup,
  decodeSealedSecretObject,
  decodeSealedSecrets,
  decodeSecrets,
  ManifestReadError,
  RawJson,
  notEditableReason,
  readManifest,
} from "./manifest/index.js";
export { findDuplicateKey } from "./manifest/duplicate-keys.js";
export { exceedsYamlTokens } from "./manifest/token-budget.js";
export type { DuplicateKey } from "./manifest/duplicate-keys.js";
export type { ManifestDocument, ManifestInput } from "./manifest/index.js";
export {
  decodeKubeconfig,
  kubeconfigPaths,
  loadKubeconfig,
  mergeKubeconfigs,
} from "./manifest/kubeconfig.js";
export type {
  KubeconfigCluster,
  KubeconfigContext,
  KubeconfigFile,
  KubeconfigSources,
  KubeconfigUser,
  MergedKubeconfig,
} from "./manifest/kubeconfig.js";
export { goYamlNeedsQuotes } from "./manifest/go-yaml-emit.js";
export * from "./yaml-order.js";
export { setOwn } from "./own-keys.js";
export { appendAll, maxOf, minOf } from "./append.js";
export * from "./base64.js";
export * from "./wire-order.js";
export * from "./crypto/hybrid.js";
export * from "./crypto/keys.js";
export * from "./crypto/go-rsa.js";
export * from "./crypto/generate.js";
export * from "./seal-plan.js";
export * from "./seal.js";
export * from "./unseal.js";
export * from "./merge.js";
export * from "./merge-text.js";
export * from "./hint.js";
export * from "./expiry.js";
export * from "./recovery-keys.js";
export * from "./template/index.js";
export * from "./gocompat/index.js";
