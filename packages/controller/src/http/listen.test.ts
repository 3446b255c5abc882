import { connect } from "node:net";
import type { Socket } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { connectionCap, DESCRIPTOR_RESERVE, openFileLimit, startHttpServer } from "./listen.js";
import type { ConnectionLimits, RunningServer } from "./listen.js";

let running: RunningServer | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await running?.close();
  running = undefined;
});

async function start(
  options: { headerMs?: number; bodyMs?: number; limits?: ConnectionLimits } = {},
): Promise<number> {
  running = await startHttpServer(
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => res.end(`got ${Buffer.concat(chunks).length}\n`));
    },
    {
      host: "127.0.0.1",
      port: 0,
      readTimeoutMs: 60_000,
      writeTimeoutMs: 60_000,
      readHeaderTimeoutMs: options.headerMs,
      readBodyTimeoutMs: options.bodyMs,
      limits: options.limits,
    },
  );
  return running.address.port;
}

/** Opens a connection from `from` (any 127.x address), resolving once connected. */
function open(port: number, from = "127.0.0.1"): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port, localAddress: from }, () => resolve(s));
    s.on("error", reject);
    sockets.push(s);
  });
}

/** Resolves with everything the server sent once it closed the connection. */
function closed(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    s.on("data", (c: Buffer) => (text += c.toString()));
    s.on("close", () => resolve(text));
  });
}

const get = async (port: number, from = "127.0.0.1"): Promise<number | "refused"> => {
  const s = await open(port, from);
  const done = closed(s);
  s.write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const text = await done;
  return text.startsWith("HTTP/1.1 ") ? Number(text.slice(9, 12)) : "refused";
};

describe("HTTP listener bounds", () => {
  it("closes a connection whose headers do not arrive within the header timeout", async () => {
    const port = await start({ headerMs: 300 });
    const s = await open(port);
    const done = closed(s);
    s.write("POST / HTTP/1.1\r\nHost: x\r\n");
    const started = performance.now();
    await done;
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("answers 408 and closes when a body stops arriving", async () => {
    const port = await start({ bodyMs: 300 });
    const s = await open(port);
    const done = closed(s);
    s.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly a part");
    expect(await done).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("serves a complete body under the timeout", async () => {
    const port = await start({ bodyMs: 2000 });
    const s = await open(port);
    const done = closed(s);
    s.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
    expect(await done).toMatch(/^HTTP\/1\.1 200 [\s\S]*got 5/);
  });

  it("caps connections per peer, counting closes", async () => {
    const refused: string[] = [];
    const port = await start({
      limits: { max: 100, perPeer: 2, onRefused: (_p, r) => refused.push(r) },
    });
    const held = [await open(port), await open(port)];
    expect(await get(port)).toBe("refused");
    expect(await get(port, "127.0.0.2")).toBe(200);
    held[0]!.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(await get(port)).toBe(200);
    expect(refused).toEqual(["peer"]);
    expect(running!.connections()).toBe(1);
  });

  it("at the total cap, lets a newcomer take the busiest peer's oldest connection", async () => {
    const refused: string[] = [];
    const port = await start({
      limits: { max: 4, perPeer: 10, onRefused: (p, r) => refused.push(`${r} ${p}`) },
    });
    const flood = [await open(port, "127.0.0.2"), await open(port, "127.0.0.2")];
    await open(port, "127.0.0.3");
    await open(port, "127.0.0.4");
    const evicted = closed(flood[0]!);
    // A fifth peer (a health probe) gets in; the flood's oldest connection goes.
    expect(await get(port, "127.0.0.5")).toBe(200);
    await evicted;
    expect(refused).toEqual(["evicted 127.0.0.2"]);
    // A peer as busy as the busiest one is refused instead.
    await open(port, "127.0.0.6");
    expect(await get(port, "127.0.0.3")).toBe("refused");
  });

  it("does not cap a trusted proxy per peer, only in total", async () => {
    const { BlockList } = await import("node:net");
    const trusted = new BlockList();
    trusted.addAddress("127.0.0.5");
    const port = await start({ limits: { max: 4, perPeer: 1, trusted } });
    await open(port, "127.0.0.5");
    await open(port, "127.0.0.5");
    expect(await get(port, "127.0.0.5")).toBe(200);
  });
});

describe("the descriptor budget", () => {
  it.each<[string, number | undefined]>([
    ["Max open files            1024                 4096                 files\n", 1024],
    ["Max open files            unlimited            unlimited            files\n", undefined],
    ["nothing here", undefined],
  ])("reads the soft open-file limit from %j", (text, limit) => {
    expect(openFileLimit(() => text)).toBe(limit);
  });

  it.each<[number, number | undefined, number]>([
    [1024, undefined, 1024],
    [1024, 1_048_576, 1024],
    [1024, 1024, (1024 - DESCRIPTOR_RESERVE) / 2],
    [1024, 100, 1],
  ])("caps %i connections with an open-file limit of %s at %i", (configured, limit, cap) => {
    expect(connectionCap(configured, limit)).toBe(cap);
  });
});
