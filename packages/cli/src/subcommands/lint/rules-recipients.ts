import { keyHint, SEALED_SECRET_KIND } from "@signet/core";
import type { SealedSecret } from "@signet/core";

import { RECIPIENT_ANNOTATION, recipientOf } from "../../recipients.js";
import type { Hit, LintContext, Rule } from "./model.js";

/**
 * Named recipients (`--cert NAME=SOURCE` with `--recipient-path clusters/{name}/`): a
 * SealedSecret in a recipient's directory must be sealed for that recipient, by its hint and
 * its `signet.dev/recipient` annotation; otherwise that cluster's controller cannot open it.
 */
export const WRONG_RECIPIENT: Rule = {
  id: "wrong-recipient",
  severity: "error",
  description:
    "A SealedSecret under a recipient's path (--recipient-path) is sealed, by its hint or signet.dev/recipient annotation, for another recipient: that cluster cannot open it.",
  check: (o, context) => {
    if (o.kind !== SEALED_SECRET_KIND) return [];
    const name = context.recipientOfPath(o.file);
    const cert = context.certificates.find((c) => c.recipient === name);
    if (name === undefined || !cert) return [];
    const ss = o.value as unknown as SealedSecret;
    return [...annotationMismatch(ss, name), ...hintMismatch(ss, name, context)];
  },
};

function annotationMismatch(ss: SealedSecret, name: string): Hit[] {
  const annotated = recipientOf(ss);
  if (annotated === undefined || annotated === name) return [];
  return [
    {
      field: ["metadata", "annotations", RECIPIENT_ANNOTATION],
      message: `annotated for recipient "${annotated}" in recipient "${name}"'s path`,
    },
  ];
}

function hintMismatch(ss: SealedSecret, name: string, context: LintContext): Hit[] {
  const hint = keyHint(ss);
  // A recipient may have several certificates (a rotation): any of them is its own.
  const own = context.certificates.filter((c) => c.recipient === name);
  const expected = own[0]!;
  if (hint === undefined || own.some((c) => c.fingerprint === hint)) return [];
  const other = context.certificates.find(
    (c) => c.fingerprint === hint && c.recipient !== name,
  )?.recipient;
  const whose = other === undefined ? "another certificate" : `recipient "${other}"`;
  return [
    {
      field: ["metadata", "annotations", "signet.dev/sealed-with"],
      message: `sealed for ${whose}, in recipient "${name}"'s path (${expected.source})`,
    },
  ];
}
