import { SEALED_WITH_ANNOTATION } from "./constants.js";
import type { SealedSecret } from "./model.js";

/**
 * The seal-time key hint (`signet.dev/sealed-with`): the fingerprint of the certificate a
 * SealedSecret was sealed with. It is only a hint — anyone can edit it — so it may order the keys
 * tried first or tell which files look stale, but never decides what opens or with which label.
 */
export type KeyHintMatch = "match" | "mismatch" | "none";

/** The recorded hint, or undefined when the annotation is absent, empty or not a string. */
export function keyHint(ss: Pick<SealedSecret, "metadata">): string | undefined {
  const value = ss.metadata?.annotations?.[SEALED_WITH_ANNOTATION];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Compares the hint with a certificate fingerprint (`SHA256:...`): match, mismatch or none. */
export function keyHintMatches(
  ss: Pick<SealedSecret, "metadata">,
  fingerprint: string,
): KeyHintMatch {
  const hint = keyHint(ss);
  if (hint === undefined) return "none";
  return hint === fingerprint ? "match" : "mismatch";
}

/** A copy of `ss` whose metadata carries the hint for `fingerprint` (annotations kept). */
export function withKeyHint<T extends Pick<SealedSecret, "metadata">>(
  ss: T,
  fingerprint: string,
): T {
  return withAnnotation(ss, SEALED_WITH_ANNOTATION, fingerprint);
}

/** A copy of `object` whose metadata carries annotation `key: value` (other annotations kept). */
export function withAnnotation<T extends Pick<SealedSecret, "metadata">>(
  object: T,
  key: string,
  value: string,
): T {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { ...object.metadata?.annotations, [key]: value },
    },
  };
}
