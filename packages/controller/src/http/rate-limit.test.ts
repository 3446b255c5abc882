import { BlockList } from "node:net";

import { describe, expect, it } from "vitest";

import { clientOf, isTrustedAddress, RateLimiter } from "./rate-limit.js";

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

describe("the client of a request", () => {
  const trusted = new BlockList();
  trusted.addSubnet("10.0.0.0", 8);
  trusted.addAddress("fd00::1", "ipv6");
  const req = (peer: string, xff?: string | string[]) => ({
    socket: { remoteAddress: peer },
    headers: xff === undefined ? {} : { "x-forwarded-for": xff },
  });

  it.each<[string, string, string | string[] | undefined, string]>([
    [
      "an untrusted peer is the client, whatever it forwards",
      "192.0.2.7",
      "203.0.113.1",
      "192.0.2.7",
    ],
    [
      "a trusted peer forwards for the last address it appended",
      "10.1.2.3",
      "198.51.100.9, 203.0.113.1",
      "203.0.113.1",
    ],
    ["trusted hops on the right are skipped", "10.1.2.3", "203.0.113.1, 10.9.9.9", "203.0.113.1"],
    [
      "repeated headers are read as one list",
      "10.1.2.3",
      ["198.51.100.9", "203.0.113.1"],
      "203.0.113.1",
    ],
    ["a trusted peer without the header is the client", "10.1.2.3", undefined, "10.1.2.3"],
    [
      "garbage in the proxy's place leaves the peer",
      "10.1.2.3",
      "203.0.113.1, nonsense",
      "10.1.2.3",
    ],
    ["only trusted hops leaves the peer", "10.1.2.3", "10.4.4.4", "10.1.2.3"],
    ["an IPv4-mapped peer is read as IPv4", "::ffff:10.1.2.3", "203.0.113.1", "203.0.113.1"],
    ["an IPv6 proxy", "fd00::1", "2001:db8::5", "2001:db8::5"],
  ])("%s", (_, peer, xff, client) => {
    expect(clientOf(req(peer, xff), trusted)).toBe(client);
  });

  it("ignores X-Forwarded-For without trusted proxies", () => {
    expect(clientOf(req("10.1.2.3", "203.0.113.1"), undefined)).toBe("10.1.2.3");
  });

  it.each<[string, boolean]>([
    ["10.2.3.4", true],
    ["::ffff:10.2.3.4", true],
    ["11.0.0.1", false],
    ["fd00::1", true],
    ["fd00::2", false],
    ["", false],
  ])("treats %j as trusted: %s", (address, expected) => {
    expect(isTrustedAddress(address, trusted)).toBe(expected);
  });
});
