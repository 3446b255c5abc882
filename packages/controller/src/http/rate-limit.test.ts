import { describe, expect, it } from "vitest";

import { RateLimiter } from "./rate-limit.js";

describe("rate limiter", () => {
  it("keeps separate buckets per key", () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 0, now: () => 0 });
    expect(limiter.take("a").allowed).toBe(true);
    expect(limiter.take("a").allowed).toBe(false);
    expect(limiter.take("b").allowed).toBe(true);
  });

  it("forgets the least recently used keys beyond its capacity", () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 0, maxKeys: 2, now: () => 0 });
    limiter.take("a");
    limiter.take("b");
    limiter.take("c");
    expect(limiter.take("a").allowed).toBe(true);
    expect(limiter.take("c").allowed).toBe(false);
  });

  it("reports remaining, reset and retry-after seconds", () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 2, now: () => now });
    expect(limiter.take("a")).toMatchObject({
      allowed: true,
      limit: 3,
      remaining: 2,
      resetSeconds: 1,
    });
    limiter.take("a");
    limiter.take("a");
    expect(limiter.take("a")).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    now = 500;
    expect(limiter.take("a")).toMatchObject({ allowed: true, remaining: 0 });
    now = 5000;
    expect(limiter.take("a")).toMatchObject({ allowed: true, remaining: 2 });
  });
});
