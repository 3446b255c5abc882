import type { UnsealingKey } from "@signet/core";

import type { KeyEntry } from "./key-secrets.js";

/** `--key-order-priority`: what ranks the keys (reference `getKeyOrderPriority`). */
export type KeyOrderPriority = "CertNotBefore" | "SecretCreationTimestamp";

/** A registered key with the time that ranks it under the configured priority. */
export interface RegisteredKey {
  entry: KeyEntry;
  orderingTime: Date;
  /** Key Secrets currently holding this key (the same key may be stored twice). */
  secretNames: ReadonlySet<string>;
}

interface Slot {
  entry: KeyEntry;
  orderingTime: Date;
  sequence: number;
  secretNames: Set<string>;
}

/**
 * In-memory sealing keys (reference `KeyRegistry`), keyed by public-key fingerprint.
 * The latest key (largest ordering time, ties keep the earlier registered) seals and is served;
 * every key unseals, newest first by ordering time at second granularity. `version` increases on
 * every change so callers can re-queue objects that failed for want of a key. No Kubernetes calls;
 * JavaScript's single thread makes the reference's data race (#1904) impossible here.
 *
 * Ordering time (reference `getKeyOrderPriority`, with one change): under `CertNotBefore` a key
 * ranks by the EARLIER of its certificate's NotBefore and its Secret's creationTimestamp. The
 * NotBefore is whatever the key's author wrote, so alone it lets a certificate dated in the
 * future stay "newest" forever (renewal never displaces it, and `--key-cutoff-time` never fires);
 * the creationTimestamp is set by the API server and cannot lie about the future. A key made by
 * the reference or by Signet has NotBefore = its creation, so its rank does not change; a
 * bring-your-own certificate issued earlier keeps ranking by its NotBefore, as in the reference.
 * Under `SecretCreationTimestamp` the creationTimestamp alone counts, as in the reference.
 */
export class KeyRegistry {
  readonly #priority: KeyOrderPriority;
  readonly #now: () => Date;
  readonly #slots = new Map<string, Slot>();
  #sequence = 0;
  #version = 0;

  /** `now` stands in for a Secret's creationTimestamp when it has none (never from the API). */
  constructor(priority: KeyOrderPriority, now: () => Date = () => new Date()) {
    this.#priority = priority;
    this.#now = now;
  }

  /**
   * Registers the key of a Secret; returns true when the key was not known before. A key this
   * controller just generated passes `generatedAt` (the reference ranks a new key by the time it
   * was made): its certificate's NotBefore has whole seconds only, so a key renewed within the
   * same second as the previous one would otherwise not become the latest.
   */
  add(entry: KeyEntry, generatedAt?: Date): boolean {
    const slot = this.#slots.get(entry.fingerprint);
    if (slot) {
      slot.secretNames.add(entry.secretName);
      // The key watch may register a generated key before the generator does: the generation
      // time still ranks it (otherwise it can tie, in whole seconds, with a key it replaces).
      if (generatedAt && generatedAt.getTime() > slot.orderingTime.getTime()) {
        slot.orderingTime = generatedAt;
        this.#version++;
      }
      return false;
    }
    this.#slots.set(entry.fingerprint, {
      entry,
      orderingTime: generatedAt ?? this.#orderingTime(entry),
      sequence: this.#sequence++,
      secretNames: new Set([entry.secretName]),
    });
    this.#version++;
    return true;
  }

  /**
   * Forgets a key Secret (deleted or relabelled away from `active`). Returns the fingerprints
   * that are no longer registered because no other Secret holds them.
   */
  removeSecret(secretName: string): string[] {
    const removed: string[] = [];
    for (const [fingerprint, slot] of this.#slots) {
      if (!slot.secretNames.delete(secretName) || slot.secretNames.size > 0) continue;
      this.#slots.delete(fingerprint);
      removed.push(fingerprint);
    }
    if (removed.length > 0) this.#version++;
    return removed;
  }

  /** The sealing key: served on `/v1/cert.pem` and used by `/v1/rotate`. */
  latest(): RegisteredKey | undefined {
    let best: Slot | undefined;
    for (const slot of this.#slots.values()) {
      if (!best || slot.orderingTime.getTime() > best.orderingTime.getTime()) best = slot;
    }
    return best && view(best);
  }

  /** Every key, most recent first (ordering time in whole seconds, then registration order). */
  unsealingKeys(): UnsealingKey[] {
    const seconds = (s: Slot): number => Math.floor(s.orderingTime.getTime() / 1000);
    return [...this.#slots.values()]
      .sort((a, b) => seconds(b) - seconds(a) || a.sequence - b.sequence)
      .map((s) => s.entry.key);
  }

  /** Fingerprints of the keys the Secret `secretName` holds (at most one in practice). */
  fingerprintsOf(secretName: string): string[] {
    return [...this.#slots].filter(([, s]) => s.secretNames.has(secretName)).map(([f]) => f);
  }

  fingerprints(): string[] {
    return [...this.#slots.keys()];
  }

  get size(): number {
    return this.#slots.size;
  }

  /** Increases whenever a key is added or removed. */
  get version(): number {
    return this.#version;
  }

  #orderingTime(entry: KeyEntry): Date {
    const stored = entry.secretCreationTime ?? this.#now();
    if (this.#priority === "SecretCreationTimestamp") return stored;
    return entry.certNotBefore.getTime() <= stored.getTime() ? entry.certNotBefore : stored;
  }
}

function view(slot: Slot): RegisteredKey {
  return {
    entry: slot.entry,
    orderingTime: slot.orderingTime,
    secretNames: new Set(slot.secretNames),
  };
}
