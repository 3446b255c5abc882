/**
 * Per-client token buckets equivalent to the reference's GCRA limiter (throttled v2, spec §5):
 * `perSecond` sustained with `burst` extra, so `burst + 1` requests pass at once, in an LRU of
 * at most `maxKeys` clients. The caller chooses the key; the server uses the socket's peer
 * address, never `X-Forwarded-For`, which any client can set (GHSA-qj4p).
 */
export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  maxKeys?: number;
  now?: () => number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds until the next request may pass (0 when allowed). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimitOptions) {
    this.#capacity = options.burst + 1;
    this.#perMs = options.perSecond / 1000;
    this.#maxKeys = options.maxKeys ?? 65_536;
    this.#now = options.now ?? Date.now;
  }

  /** Takes one token for `key` if available. */
  take(key: string): RateLimitDecision {
    const now = this.#now();
    const old = this.#buckets.get(key);
    const tokens = old
      ? Math.min(this.#capacity, old.tokens + (now - old.at) * this.#perMs)
      : this.#capacity;
    const allowed = tokens >= 1;
    const left = allowed ? tokens - 1 : tokens;
    this.#buckets.delete(key);
    this.#buckets.set(key, { tokens: left, at: now });
    this.#evict();
    const seconds = (missing: number): number => Math.ceil(missing / this.#perMs / 1000);
    return {
      allowed,
      limit: this.#capacity,
      remaining: Math.floor(left),
      resetSeconds: seconds(this.#capacity - left),
      retryAfterSeconds: allowed ? 0 : Math.max(1, seconds(1 - left)),
    };
  }

  #evict(): void {
    while (this.#buckets.size > this.#maxKeys) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest === undefined) return;
      this.#buckets.delete(oldest);
    }
  }
}
