import type { Rule, Severity } from "./model.js";
import { CERTIFICATE_RULES } from "./rules-certs.js";
import { EXPIRY_RULES } from "./rules-expiry.js";
import { WRONG_RECIPIENT } from "./rules-recipients.js";
import { SEALED_SECRET_RULES } from "./rules-sealed.js";
import { PLAINTEXT_SECRET } from "./rules-secret.js";

/** Every rule that judges one object, in the order findings about an object are listed. */
export const OBJECT_RULES: readonly Rule[] = [
  PLAINTEXT_SECRET,
  ...SEALED_SECRET_RULES,
  ...CERTIFICATE_RULES,
  WRONG_RECIPIENT,
  ...EXPIRY_RULES,
];

/** Rules about a file or the lint setup itself rather than one object. */
export const FILE_RULES = {
  parseError: {
    id: "parse-error",
    severity: "error",
    description:
      "A file cannot be read as Kubernetes manifests (YAML or JSON, as kubectl and kubeseal read them), so nothing in it was checked.",
  },
  badIgnore: {
    id: "invalid-lint-ignore",
    severity: "error",
    description:
      "A signet.dev/lint-ignore annotation names no reason or an unknown rule: an ignore must say why (`rule-id[,rule-id] reason`).",
  },
} as const satisfies Record<string, { id: string; severity: Severity; description: string }>;

/** Id, default severity and description of every rule (SARIF `tool.driver.rules`, docs). */
export const ALL_RULES: readonly { id: string; severity: Severity; description: string }[] = [
  ...OBJECT_RULES.map(({ id, severity, description }) => ({ id, severity, description })),
  ...Object.values(FILE_RULES),
];

export const RULE_IDS: ReadonlySet<string> = new Set(ALL_RULES.map((r) => r.id));
