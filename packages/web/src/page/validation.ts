/**
 * The Kubernetes API server's checks on what the page lets a user type (apimachinery
 * `validation.IsDNS1123Subdomain`, `IsDNS1123Label`, `IsConfigMapKey`, `IsQualifiedName`,
 * `IsValidLabelValue`; core/v1 `ValidateSecret`), so a mistake shows up next to the field
 * instead of as a controller event after the commit. Each returns a message, or undefined.
 */

const DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL}$`);
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** A Secret or SealedSecret name (DNS-1123 subdomain). */
export function nameProblem(name: string): string | undefined {
  if (name === "") return "Enter a name.";
  if (name.length > 253) return "Must be at most 253 characters.";
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return "Use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit.";
  }
  return undefined;
}

/** A namespace name (DNS-1123 label); empty is allowed only where the caller says so. */
export function namespaceProblem(namespace: string, required: boolean): string | undefined {
  if (namespace === "") return required ? "Enter a namespace." : undefined;
  if (namespace.length > 63) return "Must be at most 63 characters.";
  if (!DNS1123_LABEL_RE.test(namespace)) {
    return "Use lower-case letters, digits and '-', starting and ending with a letter or digit.";
  }
  return undefined;
}

/** A key of a Secret's data (`IsConfigMapKey`). */
export function secretKeyProblem(key: string): string | undefined {
  if (key === "") return "Enter a key.";
  if (key.length > 253) return "Must be at most 253 characters.";
  if (key === "." || key === "..") return `"${key}" is not allowed as a key.`;
  if (!SECRET_KEY.test(key)) return "Use letters, digits, '-', '_' and '.' only.";
  return undefined;
}

/** A label or annotation key: an optional DNS-subdomain prefix and '/', then a name. */
export function qualifiedNameProblem(key: string): string | undefined {
  if (key === "") return "Enter a key.";
  const parts = key.split("/");
  if (parts.length > 2) return "Use at most one '/' (prefix/name).";
  const name = parts[parts.length - 1]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === "" || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) {
      return "The prefix before '/' must be a lower-case DNS name such as example.com.";
    }
  }
  if (name.length > 63) return "The name part must be at most 63 characters.";
  if (!QUALIFIED_NAME_PART.test(name)) {
    return "Use letters, digits, '-', '_' and '.', starting and ending with a letter or digit.";
  }
  return undefined;
}

/** A label value. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return "A label value must be at most 63 characters.";
  if (!LABEL_VALUE.test(value)) {
    return "Use letters, digits, '-', '_' and '.', starting and ending with a letter or digit.";
  }
  return undefined;
}

/** The largest Secret the API server stores (`MaxSecretSize`). */
export const MAX_SECRET_BYTES = 1024 * 1024;

/** What a built-in Secret type needs in its data (core/v1 `ValidateSecret`). */
export interface TypeRequirement {
  /** Every one of these keys. */
  all: readonly string[];
  /** At least one of these keys (basic-auth). */
  anyOf: readonly string[];
  /** Keys whose value must be JSON. */
  json: readonly string[];
  /** Why the Signet controller may refuse the type, when it does by default. */
  privileged?: string;
}

const PRIVILEGED =
  "The Signet controller refuses this type unless it runs with --allow-privileged-secret-types.";

/** The common Secret types, in the order the page offers them, with what each needs. */
export const SECRET_TYPES: Readonly<Record<string, TypeRequirement>> = {
  Opaque: { all: [], anyOf: [], json: [] },
  "kubernetes.io/tls": { all: ["tls.crt", "tls.key"], anyOf: [], json: [] },
  "kubernetes.io/dockerconfigjson": {
    all: [".dockerconfigjson"],
    anyOf: [],
    json: [".dockerconfigjson"],
  },
  "kubernetes.io/basic-auth": { all: [], anyOf: ["username", "password"], json: [] },
  "kubernetes.io/ssh-auth": { all: ["ssh-privatekey"], anyOf: [], json: [] },
  "kubernetes.io/dockercfg": { all: [".dockercfg"], anyOf: [], json: [".dockercfg"] },
  "kubernetes.io/service-account-token": {
    all: [],
    anyOf: [],
    json: [],
    privileged: PRIVILEGED,
  },
  "bootstrap.kubernetes.io/token": { all: [], anyOf: [], json: [], privileged: PRIVILEGED },
};

/** The problems of `keys` (with `jsonText` giving each text value) for a Secret of `type`. */
export function typeProblems(
  type: string,
  keys: readonly string[],
  jsonText: (key: string) => string | undefined,
): string[] {
  const need = SECRET_TYPES[type];
  if (!need) return [];
  const problems: string[] = [];
  const missing = need.all.filter((k) => !keys.includes(k));
  if (missing.length > 0) {
    problems.push(`A ${type} Secret needs ${missing.map((k) => `"${k}"`).join(" and ")}.`);
  }
  if (need.anyOf.length > 0 && !need.anyOf.some((k) => keys.includes(k))) {
    problems.push(`A ${type} Secret needs "${need.anyOf.join('" or "')}".`);
  }
  for (const key of need.json.filter((k) => keys.includes(k))) {
    const text = jsonText(key);
    if (text !== undefined && !isJson(text)) problems.push(`"${key}" must be valid JSON.`);
  }
  return problems;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
