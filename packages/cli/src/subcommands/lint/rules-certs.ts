import { keyHint, SEALED_SECRET_KIND } from "@signet/core";
import type { SealedSecret } from "@signet/core";

import { staleByHint } from "../reseal-plan.js";
import type { AllowedCertificate, Hit, LintContext, LintObject, Rule } from "./model.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const HINT_FIELD = ["metadata", "annotations", "signet.dev/sealed-with"] as const;

/**
 * The SealedSecret's `signet.dev/sealed-with` hint, when the certificate rules apply: an allowed
 * set was given and the object is a SealedSecret with metadata.
 */
function hintOf(o: LintObject, context: LintContext): { hint?: string } | undefined {
  if (o.kind !== SEALED_SECRET_KIND || context.certificates.length === 0) return undefined;
  if (o.value.metadata === null || typeof o.value.metadata !== "object") return undefined;
  return { hint: keyHint(o.value as unknown as SealedSecret) };
}

/** The allowed certificate the object's hint names, if any. */
function hintedCertificate(o: LintObject, context: LintContext): AllowedCertificate | undefined {
  const hint = hintOf(o, context)?.hint;
  return hint === undefined ? undefined : context.certificates.find((c) => c.fingerprint === hint);
}

const short = (fingerprint: string): string => fingerprint.slice(0, 16);

/**
 * The hint is only a hint (anyone can edit it): these rules judge what the repository claims,
 * offline. Proof needs the keys (`signet reseal --check --recovery-private-key`).
 */
export const CERTIFICATE_RULES: readonly Rule[] = [
  {
    id: "unknown-certificate",
    severity: "error",
    description:
      "A SealedSecret's signet.dev/sealed-with hint names a certificate outside the allowed set (--cert, config certificates): no controller you trust may open it.",
    check: (o, context) => {
      const hint = hintOf(o, context)?.hint;
      if (hint === undefined || context.certificates.some((c) => c.fingerprint === hint)) return [];
      return [
        {
          field: HINT_FIELD,
          message: `sealed for certificate ${short(hint)}, not in the allowed set (${context.certificates.map((c) => c.source).join(", ")})`,
        },
      ];
    },
  },
  {
    id: "missing-hint",
    severity: "warning",
    description:
      "A SealedSecret has no signet.dev/sealed-with hint (kubeseal writes none), so the certificate it was sealed for cannot be checked offline.",
    check: (o, context) =>
      hintOf(o, context)?.hint === undefined && hintOf(o, context) !== undefined
        ? [
            {
              field: ["metadata"],
              message:
                "no signet.dev/sealed-with hint: the sealing certificate cannot be checked (signet reseal adds it)",
            },
          ]
        : [],
  },
  {
    id: "certificate-expiring",
    severity: "warning",
    description:
      "A SealedSecret is sealed (by its hint) for an allowed certificate that has expired (error) or expires within --cert-expiry-days.",
    check: (o, context) => {
      const cert = hintedCertificate(o, context);
      if (!cert) return [];
      const left = cert.notAfter.getTime() - context.now.getTime();
      if (left <= 0) {
        return [expiry(`certificate ${cert.source} expired on ${day(cert.notAfter)}`, "error")];
      }
      if (left > context.expiryDays * DAY_MS) return [];
      return [expiry(`certificate ${cert.source} expires on ${day(cert.notAfter)}`)];
    },
  },
  {
    id: "stale-value",
    severity: "warning",
    description:
      "A SealedSecret is sealed for an allowed certificate that is not the newest one: `signet reseal --check --cert NEWEST` reports it stale.",
    check: (o, context) => {
      const cert = hintedCertificate(o, context);
      // The newest of the recipient's own certificates: the recipient of the file's path when
      // it has any, else the hinted certificate's (the unnamed ones form one group).
      const byPath = context.recipientOfPath(o.file);
      const recipient = context.certificates.some((c) => c.recipient === byPath && byPath)
        ? byPath
        : cert?.recipient;
      const current = newestCertificate(
        context.certificates.filter((c) => c.recipient === recipient),
      );
      if (!cert || !current || !staleQuietly(o, current.fingerprint)) return [];
      return [
        {
          field: HINT_FIELD,
          message: `sealed for ${short(cert.fingerprint)}, not the newest certificate ${current.source} (signet reseal)`,
        },
      ];
    },
  },
];

/** reseal's hint-only staleness; an object it refuses (deprecated spec.data) is not judged. */
function staleQuietly(o: LintObject, fingerprint: string): boolean {
  try {
    return staleByHint(o.value as unknown as SealedSecret, fingerprint);
  } catch {
    return false;
  }
}

function expiry(message: string, severity?: Hit["severity"]): Hit {
  return { field: HINT_FIELD, message, ...(severity && { severity }) };
}

const day = (d: Date): string => d.toISOString().slice(0, 10);

/** The certificate `reseal` would seal with among `certificates`: the one issued last. */
export function newestCertificate(
  certificates: readonly AllowedCertificate[],
): AllowedCertificate | undefined {
  return certificates.reduce<AllowedCertificate | undefined>(
    (best, c) => (best === undefined || c.notBefore > best.notBefore ? c : best),
    undefined,
  );
}
