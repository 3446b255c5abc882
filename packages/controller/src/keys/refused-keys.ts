import { KEY_REFUSAL_REASONS } from "./key-policy.js";
import type { KeyRefusalReason } from "./key-policy.js";

/**
 * The key Secrets currently refused, by name, so the refusal gauge counts Secrets (not watch
 * events): a refused Secret that is fixed, relabelled or deleted stops counting.
 */
export class RefusedKeySecrets {
  readonly #byName = new Map<string, KeyRefusalReason>();

  /** Records the latest outcome for `name` (undefined: loaded, or no longer a key Secret). */
  record(name: string, reason: KeyRefusalReason | undefined): boolean {
    const before = this.#byName.get(name);
    if (reason === undefined) this.#byName.delete(name);
    else this.#byName.set(name, reason);
    return before !== reason;
  }

  /** How many Secrets are refused for each reason (every reason present, zero included). */
  counts(): Record<KeyRefusalReason, number> {
    const counts = Object.fromEntries(KEY_REFUSAL_REASONS.map((r) => [r, 0])) as Record<
      KeyRefusalReason,
      number
    >;
    for (const reason of this.#byName.values()) counts[reason]++;
    return counts;
  }
}
