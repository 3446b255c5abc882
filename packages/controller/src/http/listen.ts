import { createServer } from "node:http";
import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import type { AddressInfo, BlockList, Socket } from "node:net";

import { isTrustedAddress } from "./rate-limit.js";

/** A started HTTP server and how to stop it. */
export interface RunningServer {
  server: Server;
  address: AddressInfo;
  /** Open connections now (for tests and metrics). */
  connections(): number;
  /** Stops accepting, lets in-flight requests finish, then closes idle connections. */
  close(): Promise<void>;
}

/** How many connections the server keeps open, and for whom. */
export interface ConnectionLimits {
  /** All peers together. */
  max: number;
  /** One peer address (trusted proxies: only `max`). */
  perPeer: number;
  /** Peers not held to `perPeer` nor evicted (the API server's proxy carries many clients). */
  trusted?: BlockList;
  /** Called with the peer address when a connection is refused or evicted. */
  onRefused?: (peer: string, reason: "total" | "peer" | "evicted") => void;
}

export interface ListenOptions {
  host: string | undefined;
  port: number;
  /** `--read-timeout`: whole request and headers (Go ReadTimeout). */
  readTimeoutMs: number;
  /** `--write-timeout`: socket inactivity while answering. */
  writeTimeoutMs: number;
  /** `--read-header-timeout`: the headers must arrive within it (default: `readTimeoutMs`). */
  readHeaderTimeoutMs?: number;
  /** `--read-body-timeout`: the body must arrive within it after the headers (default: none). */
  readBodyTimeoutMs?: number;
  /** Connection caps (default: none). */
  limits?: ConnectionLimits;
}

/**
 * Starts `handler` on host:port with the reference's read and write timeouts, plus Signet's
 * bounds: headers must arrive within `readHeaderTimeoutMs` and a body within
 * `readBodyTimeoutMs` after them (a half-sent request is answered 408 and its connection
 * closed), and the open connections are capped in total and per peer address. When the total
 * is reached, a peer with fewer connections than the busiest untrusted peer takes that peer's
 * oldest connection instead of being refused: a flood can neither exhaust the process's file
 * descriptors (which the controller's own API calls need) nor lock out a newcomer such as the
 * kubelet's health probe, however many addresses it comes from.
 */
export function startHttpServer(
  handler: RequestListener,
  options: ListenOptions,
): Promise<RunningServer> {
  const headersTimeout = Math.min(options.readHeaderTimeoutMs ?? Infinity, options.readTimeoutMs);
  const server = createServer(
    {
      requestTimeout: options.readTimeoutMs,
      headersTimeout,
      // Node checks both timeouts only this often (30 s by default).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, headersTimeout / 4)),
    },
    withBodyTimeout(handler, options.readBodyTimeoutMs),
  );
  server.setTimeout(options.writeTimeoutMs);
  const tracker = options.limits ? trackConnections(server, options.limits) : undefined;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve({
        server,
        address: server.address() as AddressInfo,
        connections: () => tracker?.total() ?? 0,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}

/**
 * Answers 408 and closes the connection when a request's body has not fully arrived
 * `timeoutMs` after its headers (Node's own `requestTimeout` is the outer bound).
 */
function withBodyTimeout(handler: RequestListener, timeoutMs: number | undefined): RequestListener {
  if (timeoutMs === undefined) return handler;
  return (req: IncomingMessage, res: ServerResponse) => {
    if (!req.complete) {
      const timer = setTimeout(() => {
        if (req.complete) return;
        if (!res.headersSent) {
          res.writeHead(408, { "content-type": "text/plain", connection: "close" });
          res.end("request body timeout\n");
        }
        req.socket.destroySoon();
      }, timeoutMs);
      timer.unref();
      const clear = (): void => clearTimeout(timer);
      req.once("end", clear);
      req.once("close", clear);
    }
    handler(req, res);
  };
}

/** Enforces the limits as connections are accepted (before any byte is read). */
function trackConnections(server: Server, limits: ConnectionLimits): { total(): number } {
  /** Open connections per peer address, oldest first. */
  const byPeer = new Map<string, Set<Socket>>();
  let total = 0;
  const refuse = (socket: Socket, peer: string, reason: "total" | "peer"): void => {
    limits.onRefused?.(peer, reason);
    socket.destroy();
  };
  const release = (peer: string, socket: Socket): void => {
    const open = byPeer.get(peer);
    if (!open?.delete(socket)) return;
    total--;
    if (open.size === 0) byPeer.delete(peer);
  };
  server.on("connection", (socket: Socket) => {
    const peer = socket.remoteAddress ?? "";
    const trusted = isTrustedAddress(peer, limits.trusted);
    const open = byPeer.get(peer)?.size ?? 0;
    if (!trusted && open >= limits.perPeer) return refuse(socket, peer, "peer");
    if (total >= limits.max) {
      const victim = busiestUntrusted(byPeer, limits.trusted, open + 1);
      if (!victim) return refuse(socket, peer, "total");
      const [oldest] = byPeer.get(victim)!;
      release(victim, oldest!);
      limits.onRefused?.(victim, "evicted");
      oldest!.destroy();
    }
    let set = byPeer.get(peer);
    if (!set) byPeer.set(peer, (set = new Set()));
    set.add(socket);
    total++;
    socket.once("close", () => release(peer, socket));
  });
  return { total: () => total };
}

/** The untrusted peer with the most connections, if it has more than `moreThan`. */
function busiestUntrusted(
  byPeer: ReadonlyMap<string, ReadonlySet<Socket>>,
  trusted: BlockList | undefined,
  moreThan: number,
): string | undefined {
  let busiest: string | undefined;
  let most = moreThan;
  for (const [peer, open] of byPeer) {
    if (open.size > most && !isTrustedAddress(peer, trusted)) {
      busiest = peer;
      most = open.size;
    }
  }
  return busiest;
}

/**
 * The soft limit on open files (`Max open files` in /proc/self/limits), or undefined where that
 * cannot be read. Connections are capped below it so the controller's own API calls (and its
 * health probes) always find a free descriptor.
 */
export function openFileLimit(read: (path: string) => string = readLimits): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(read("/proc/self/limits"));
    if (!m || m[1] === "unlimited") return undefined;
    return Number(m[1]);
  } catch {
    return undefined;
  }
}

const readLimits = (path: string): string => readFileSync(path, "utf8");

/** Descriptors kept free for the controller itself: API client sockets, watches, files, logs. */
export const DESCRIPTOR_RESERVE = 128;

/**
 * The effective connection cap: `configured`, lowered to leave {@link DESCRIPTOR_RESERVE}
 * descriptors (split between the API and the metrics server) below the open-file limit.
 */
export function connectionCap(configured: number, fileLimit: number | undefined): number {
  if (fileLimit === undefined) return configured;
  return Math.max(1, Math.min(configured, Math.floor((fileLimit - DESCRIPTOR_RESERVE) / 2)));
}
