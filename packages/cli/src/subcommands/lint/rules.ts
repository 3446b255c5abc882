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
  unreadableEncoding: {
    id: "unreadable-encoding",
    severity: "error",
    description:
      "A file is not UTF-8 text (UTF-16 or UTF-32, or it holds NUL bytes): it cannot be checked, and some tools would still apply it.",
  },
  fileTooLarge: {
    id: "file-too-large",
    severity: "error",
    description:
      "A file is larger than --max-file-size: it is not read (manifests are small; the API server refuses objects over about 1.5 MiB).",
  },
  templateNotChecked: {
    id: "template-not-checked",
    severity: "warning",
    description:
      "A document of a Go template (Helm...) holds template actions and was not checked; the documents of the file that are plain YAML were.",
  },
} as const satisfies Record<string, { id: string; severity: Severity; description: string }>;

/** Id, default severity and description of every rule (SARIF `tool.driver.rules`, docs). */
export const ALL_RULES: readonly { id: string; severity: Severity; description: string }[] = [
  ...OBJECT_RULES.map(({ id, severity, description }) => ({ id, severity, description })),
  ...Object.values(FILE_RULES),
];

export const RULE_IDS: ReadonlySet<string> = new Set(ALL_RULES.map((r) => r.id));

/**
 * Rules the config can neither turn off, downgrade nor ignore by path: a plaintext Secret is
 * silenced only per object by annotation with a reason; the others mean nothing was checked.
 */
export const CONFIG_LOCKED_RULES: ReadonlySet<string> = new Set([
  PLAINTEXT_SECRET.id,
  FILE_RULES.parseError.id,
  FILE_RULES.badIgnore.id,
  FILE_RULES.unreadableEncoding.id,
  FILE_RULES.fileTooLarge.id,
]);
