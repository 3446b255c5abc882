import { isIP } from "node:net";
import type { BlockList } from "node:net";

/**
 * Per-client token buckets equivalent to the reference's GCRA limiter (throttled v2,
 * reference `rateLimiter` in pkg/controller/server.go):
 * `perSecond` sustained with `burst` extra, so `burst + 1` requests pass at once, in an LRU of
 * at most `maxKeys` clients. The caller chooses the key; the server uses {@link clientOf}.
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

/** The parts of a request {@link clientOf} reads. */
export interface ClientRequest {
  socket: { remoteAddress?: string | undefined };
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Who a request comes from, for rate limits and fair scheduling: the socket's peer address,
 * unless that peer is a trusted proxy (`--trusted-proxies`). Then `X-Forwarded-For` is read
 * from the right, skipping trusted proxies, and the first other address is the client: the
 * API server's service proxy appends the address its own client connected from, so entries to
 * the left of it are whatever that client sent and are never believed (GHSA-qj4p). A peer
 * that is not trusted is always the client, whatever it sends.
 */
export function clientOf(req: ClientRequest, trusted: BlockList | undefined): string {
  const peer = normalizeAddress(req.socket.remoteAddress ?? "");
  if (!isTrustedAddress(peer, trusted)) return peer || "unknown";
  const header = req.headers["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((h) => normalizeAddress(h.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) break;
    if (!isTrustedAddress(hop, trusted)) return hop;
  }
  return peer;
}

/** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6) is in `trusted`. */
export function isTrustedAddress(address: string, trusted: BlockList | undefined): boolean {
  if (!trusted) return false;
  const plain = normalizeAddress(address);
  const family = isIP(plain);
  return family !== 0 && trusted.check(plain, family === 4 ? "ipv4" : "ipv6");
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is `10.0.0.1`. */
function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}
