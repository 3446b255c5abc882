/**
 * Whole objects kept between the informer seeing them and a reconcile using them, within a byte
 * budget. A cold start lists thousands of SealedSecrets and reconciles each once: those that
 * fit are reconciled from the listed copy, the rest are read from the API server when their
 * turn comes, so the controller's memory does not grow with the bytes tenants store. An entry
 * is for one resourceVersion: a newer version replaces it (or removes it when it does not fit),
 * and a reconcile takes it only if the version still matches.
 */
interface Entry<T> {
  version: string;
  body: T;
  bytes: number;
}

export class BodyCache<T> {
  readonly #maxBytes: number;
  readonly #entries = new Map<string, Entry<T>>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Bytes that may still be offered. */
  get room(): number {
    return this.#maxBytes - this.#bytes;
  }

  /** Takes that found (hits) and did not find (misses) their version, so far. */
  get stats(): { hits: number; misses: number } {
    return { hits: this.#hits, misses: this.#misses };
  }

  /** Keeps `body` for `key` at `version` if it fits; an older version of `key` goes either way. */
  offer(key: string, version: string, body: T, bytes: number): void {
    this.drop(key);
    if (this.#bytes + bytes > this.#maxBytes) return;
    this.#entries.set(key, { version, body, bytes });
    this.#bytes += bytes;
  }

  /** The body of `key` at `version`, removed from the cache; undefined if not held. */
  take(key: string, version: string | undefined): T | undefined {
    const entry = this.#entries.get(key);
    this.drop(key);
    if (entry && entry.version === version) {
      this.#hits++;
      return entry.body;
    }
    this.#misses++;
    return undefined;
  }

  drop(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
