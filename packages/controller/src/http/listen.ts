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
  /** The last this-many of `max` go only to peers with no connection open (kubelet's probes). */
  reserve: number;
  /** Peers not held to `perPeer` (the API server's service proxy carries many clients). */
  trusted?: BlockList;
  /** Called with the peer address when a connection is refused. */
  onRefused?: (peer: string, reason: "total" | "peer") => void;
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
 * closed), and the open connections are capped in total and per peer address, with a reserve
 * that only a peer without an open connection can take, so a flood from a few addresses can
 * neither exhaust the process's file descriptors (which the controller's own API calls need) nor
 * lock out the kubelet's health probes.
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

/** Refuses connections over the limits as they are accepted (before any byte is read). */
function trackConnections(server: Server, limits: ConnectionLimits): { total(): number } {
  const perPeer = new Map<string, number>();
  let total = 0;
  server.on("connection", (socket: Socket) => {
    const peer = socket.remoteAddress ?? "";
    const open = perPeer.get(peer) ?? 0;
    const reason = refusal(limits, peer, open, total);
    if (reason) {
      limits.onRefused?.(peer, reason);
      socket.destroy();
      return;
    }
    total++;
    perPeer.set(peer, open + 1);
    socket.once("close", () => {
      total--;
      const left = (perPeer.get(peer) ?? 1) - 1;
      if (left > 0) perPeer.set(peer, left);
      else perPeer.delete(peer);
    });
  });
  return { total: () => total };
}

function refusal(
  limits: ConnectionLimits,
  peer: string,
  open: number,
  total: number,
): "total" | "peer" | undefined {
  if (total >= limits.max) return "total";
  if (open > 0 && total >= limits.max - limits.reserve) return "total";
  if (open >= limits.perPeer && !isTrustedAddress(peer, limits.trusted)) return "peer";
  return undefined;
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
