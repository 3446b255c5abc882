import type { TemplateRenderer } from "@signet/core";

import type { ApiErrorDescription } from "../ports/writes.js";

export type { ApiErrorDescription } from "../ports/writes.js";

/** Values shorter than this are not searched for (they would match ordinary words). */
export const MIN_REDACTED_VALUE_LENGTH = 3;

export const WITHHELD_TEMPLATE_MESSAGE =
  "template failed (details withheld: they quoted secret data)";

/** The forms a value could appear in: as text, standard and URL-safe base64, hex. */
export function valueForms(value: Uint8Array): string[] {
  const bytes = Buffer.from(value);
  return [
    bytes.toString("utf8"),
    bytes.toString("base64"),
    bytes.toString("base64").replace(/=+$/, ""),
    bytes.toString("base64url"),
    bytes.toString("hex"),
    bytes.toString("hex").toUpperCase(),
  ].filter((form) => form.length >= MIN_REDACTED_VALUE_LENGTH);
}

/** True when `message` contains any form of any value. */
export function quotesAnyValue(
  message: string,
  values: Readonly<Record<string, Uint8Array>>,
): boolean {
  return Object.values(values).some((v) => valueForms(v).some((form) => message.includes(form)));
}

/**
 * Wraps the template engine so that a failure message quoting a decrypted value (sprig `fail` with
 * a value, a parse error echoing its input…) is replaced by a fixed text before it can reach a
 * status, event, log or metric (SECURITY.md, "What Signet guarantees"). Defence in depth: the
 * engine's contract already forbids such messages.
 */
export function redactingRenderer(render: TemplateRenderer): TemplateRenderer {
  return (templates, values) => {
    const result = render(templates, values);
    return {
      data: result.data,
      failures: result.failures.map((f) =>
        quotesAnyValue(f.message, values) ? { ...f, message: WITHHELD_TEMPLATE_MESSAGE } : f,
      ),
    };
  };
}

/** The Secret a write was for, and which of its item names are public (in the SealedSecret). */
export interface WriteTarget {
  namespace: string;
  name: string;
  /** Item names visible in the SealedSecret itself (not those of a sealed v1 Secret). */
  visibleKeys: readonly string[];
}

export const WITHHELD_API_DETAILS =
  "the API server's explanation is withheld: it may quote the Secret's data";

/** Data keys Kubernetes validates by Secret type (their names are fixed by the type). */
const TYPE_KEYS = [
  ".dockercfg",
  ".dockerconfigjson",
  "username",
  "password",
  "ssh-privatekey",
  "tls.crt",
  "tls.key",
  "kubernetes.io/service-account.name",
];

/** `field.ErrorType` strings of apimachinery, by the `reason` of a Status cause. */
const CAUSE_TEXT: Readonly<Record<string, string>> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  InternalError: "Internal error",
  FieldValueTypeInvalid: "Invalid value",
};

/** Shapes of API messages that are built from names only and may be shown as they are. */
function quotedKnown(target: WriteTarget, message: string): string | undefined {
  const q = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const name = q(target.name);
  const ns = q(target.namespace);
  const exact = [
    new RegExp(`^secrets "${name}" already exists$`),
    new RegExp(`^secrets "${name}" not found$`),
    new RegExp(`^namespaces "${ns}" not found$`),
    new RegExp(
      `^Operation cannot be fulfilled on secrets "${name}": the object has been modified; please apply your changes to the latest version and try again$`,
    ),
    new RegExp(
      `^(secrets "${name}" is forbidden: )?unable to create new content in namespace ${ns} because it is being terminated$`,
    ),
    /^Request entity too large: limit is \d+$/,
    /^etcdserver: request is too large$/,
  ];
  if (exact.some((re) => re.test(message))) return message;
  // RBAC: the part up to the namespace (an authorizer's trailing reason is dropped).
  const rbac = new RegExp(
    `^secrets "${name}" is forbidden: User "[^"\\n]*" cannot [a-z]+ resource "secrets" in API group "" in the namespace "${ns}"`,
  ).exec(message);
  return rbac?.[0];
}

/** Admission denials: who denied, never what they said (their message may quote the data). */
function admissionDenial(target: WriteTarget, message: string): string | undefined {
  const policy =
    /ValidatingAdmissionPolicy '([a-z0-9.-]+)'(?: with binding '([a-z0-9.-]+)')? denied request/.exec(
      message,
    );
  if (policy) {
    const binding = policy[2] ? ` (binding "${policy[2]}")` : "";
    return `ValidatingAdmissionPolicy "${policy[1]}"${binding} denied the write of Secret "${target.name}" (the policy's message is withheld: it may quote the Secret's data)`;
  }
  const webhook = /admission webhook "([a-z0-9.-]+)" denied the request/.exec(message);
  if (webhook) {
    return `admission webhook "${webhook[1]}" denied the write of Secret "${target.name}" (the webhook's message is withheld: it may quote the Secret's data)`;
  }
  const failing = /failed calling webhook "([a-z0-9.-]+)"/.exec(message);
  if (failing) {
    return `admission webhook "${failing[1]}" could not be called for Secret "${target.name}" (details withheld)`;
  }
  return undefined;
}

/** A cause's field path, with item names shown only when the SealedSecret shows them too. */
function fieldPath(target: WriteTarget, field: string): string {
  const visible = new Set([...target.visibleKeys, ...TYPE_KEYS]);
  return field.replace(/\[([^\]]*)\]/g, (_, key: string) =>
    visible.has(key) ? `[${key}]` : "[…]",
  );
}

/**
 * A validation failure (422 Invalid) rebuilt from its causes' field paths and error kinds: Go's
 * validators quote the offending value or a parser's complaint about it (`invalid character
 * 'Z' looking for beginning of value` for a `kubernetes.io/dockerconfigjson` item), which is
 * exactly the data.
 */
function invalidFields(target: WriteTarget, err: ApiErrorDescription): string | undefined {
  const causes = (err.causes ?? []).filter((c) => c.field !== "");
  if (err.status !== 422 || causes.length === 0) return undefined;
  const parts = [
    ...new Set(
      causes.map((c) => `${fieldPath(target, c.field)}: ${CAUSE_TEXT[c.reason] ?? "Invalid"}`),
    ),
  ];
  const shown = parts.slice(0, 8).join(", ") + (parts.length > 8 ? ", …" : "");
  return `Secret "${target.name}" is invalid: ${shown} (${WITHHELD_API_DETAILS})`;
}

/** Messages of our own HTTP client when no answer came: they name the request, not the body. */
function transportFailure(message: string): string | undefined {
  const known = [
    /^(GET|POST|PUT|PATCH|DELETE) \/[^\s]*: timed out$/,
    /^(connect|read|write) E[A-Z]+( [0-9a-fA-F.:[\]]+)?$/,
    /^getaddrinfo E[A-Z]+ [\w.-]+$/,
    /^socket hang up$/,
  ];
  return known.some((re) => re.test(message)) ? message : undefined;
}

/**
 * The text a status, event or log may carry for a failed Secret write (issue 11 item 2): only
 * messages built from names (RBAC, conflicts, missing namespace, size limits) pass as they are;
 * validation failures keep their field paths and error kinds; admission denials keep who
 * denied; everything else keeps only the HTTP status and reason. The API server's own text can
 * quote the Secret's data (Go's JSON errors, an admission policy's message), so it is never
 * passed on otherwise. The reference copies it verbatim.
 */
export function apiErrorMessage(target: WriteTarget, err: ApiErrorDescription): string {
  const message = err.message.trim();
  if (err.status === undefined) {
    return transportFailure(message) ?? "the API server could not be reached (details withheld)";
  }
  return (
    quotedKnown(target, message) ??
    admissionDenial(target, message) ??
    invalidFields(target, err) ??
    `the API server refused the write of Secret "${target.name}": HTTP ${err.status}${err.reason ? ` ${err.reason}` : ""} (${WITHHELD_API_DETAILS})`
  );
}
