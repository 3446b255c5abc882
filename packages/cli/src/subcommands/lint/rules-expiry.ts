import {
  describeExpiry,
  EXPIRES_AT_ANNOTATION,
  expiryState,
  formatExpiresAt,
  readExpiresAt,
  SEALED_SECRET_KIND,
} from "@signet/core";
import type { SealedSecret } from "@signet/core";

import type { Hit, LintContext, LintObject, Rule } from "./model.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const EXPIRY_FIELD = ["metadata", "annotations", EXPIRES_AT_ANNOTATION] as const;
const TEMPLATE_FIELD = ["spec", "template", "metadata", "annotations", EXPIRES_AT_ANNOTATION];

/**
 * Value expiry (docs/expiry.md), judged offline at lint's clock: the same parser and stages as
 * the controller's `Expiry` condition, with the window of `--expiry-warning-days`. An expiry is
 * a reminder, not a lock (an expired value still unseals), so only a value the controller cannot
 * read is an error by default.
 */
function expiryOf(o: LintObject): ReturnType<typeof readExpiresAt> | undefined {
  if (o.kind !== SEALED_SECRET_KIND) return undefined;
  const metadata = o.value.metadata;
  if (metadata === null || typeof metadata !== "object") return undefined;
  return readExpiresAt(o.value as unknown as SealedSecret);
}

function stageHit(o: LintObject, context: LintContext, wanted: "expired" | "expiring-soon"): Hit[] {
  const expiry = expiryOf(o);
  if (expiry?.kind !== "set") return [];
  const { stage } = expiryState(expiry.at, context.now, context.expiryWarningDays * DAY_MS);
  if (stage !== wanted) return [];
  const at = formatExpiresAt(expiry.at);
  const message =
    stage === "expired"
      ? `values past their expiry ${at} (${describeExpiry(expiry.at, context.now)}): rotate them and set a new date (--merge-into with --expires-in); they still unseal`
      : `values expire at ${at} (${describeExpiry(expiry.at, context.now)}): rotate them soon (--merge-into with --expires-in)`;
  return [{ field: EXPIRY_FIELD, message }];
}

/** The template's own `signet.dev/expires-at`: it reaches only the Secret, where nothing reads it. */
function templateAnnotation(o: LintObject): unknown {
  const spec = o.value.spec as { template?: { metadata?: { annotations?: unknown } } } | undefined;
  const annotations = spec?.template?.metadata?.annotations;
  if (annotations === null || typeof annotations !== "object") return undefined;
  return (annotations as Record<string, unknown>)[EXPIRES_AT_ANNOTATION];
}

export const EXPIRY_RULES: readonly Rule[] = [
  {
    id: "invalid-expires-at",
    severity: "error",
    description:
      "A SealedSecret's signet.dev/expires-at is not an RFC 3339 time the controller reads (so no expiry is reported), or sits in spec.template, where it only reaches the Secret and has no effect.",
    check: (o) => {
      if (o.kind !== SEALED_SECRET_KIND) return [];
      const hits: Hit[] = [];
      const expiry = expiryOf(o);
      if (expiry?.kind === "invalid") {
        hits.push({ field: EXPIRY_FIELD, message: expiry.error.message });
      }
      if (templateAnnotation(o) !== undefined) {
        hits.push({
          field: TEMPLATE_FIELD,
          message: `${EXPIRES_AT_ANNOTATION} in spec.template only reaches the Secret, where nothing reads it: set it on the SealedSecret's metadata (--expires-in, --expires-at)`,
        });
      }
      return hits;
    },
  },
  {
    id: "expired",
    severity: "warning",
    description:
      "A SealedSecret's signet.dev/expires-at has passed: its values are due for rotation (they still unseal; make it an error in the config to block merges).",
    check: (o, context) => stageHit(o, context, "expired"),
  },
  {
    id: "expiring-soon",
    severity: "warning",
    description:
      "A SealedSecret's signet.dev/expires-at is within --expiry-warning-days (default 14): rotate its values soon.",
    check: (o, context) => stageHit(o, context, "expiring-soon"),
  },
];
