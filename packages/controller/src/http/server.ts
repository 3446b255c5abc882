import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { BlockList } from "node:net";

import { isSignetError } from "@signet/core";
import type { SealedSecret } from "@signet/core";

import { readBody } from "./read-body.js";
import { clientOf, RateLimiter } from "./rate-limit.js";
import { decodeSealedSecret } from "./sealed-input.js";

/**
 * The controller's HTTP API (reference `httpserver`, pkg/controller/server.go) as a `node:http`
 * request listener over function ports (express's router and body parser, which it replaced, were
 * a quarter of the controller's bundle and ~15 MiB of its memory). Beyond the reference: methods are enforced (405), the rate limit
 * (429) applies to both `/v1/verify` and `/v1/rotate` per client (the socket's peer, or behind a
 * trusted proxy the address it forwards) and is checked before the body is read, bodies are capped
 * (413), malformed input is a 400, and `/healthz` reports real readiness. Every request's work is
 * bounded: the body's size and its size with YAML aliases expanded, the requests doing RSA work at
 * once (503 when full), the RSA operations one request may cause (the ports' budget) and the
 * answer's size. Error bodies are fixed texts: nothing derived from a request's ciphertext or
 * templates.
 */
export interface Readiness {
  ready: boolean;
  /** Short reasons when not ready (e.g. "no sealing key"); never secret material. */
  reasons: readonly string[];
}

export interface ApiPorts {
  /** PEM of the latest certificate, or undefined when no key is loaded. */
  certificatePem: () => string | undefined;
  /**
   * True when the object decrypts with a registered key. Must not run templates. `client` is
   * who asked (its RSA work is scheduled fairly against other clients').
   */
  verify: (ss: SealedSecret, client: string) => Promise<boolean>;
  /** Re-encrypts with the latest key; rejects with a SignetError when the object does not open. */
  rotate: (ss: SealedSecret, client: string) => Promise<SealedSecret>;
  readiness: () => Readiness;
}

/** Receives one observation per answered API request (for the reference's HTTP metrics). */
export type RequestObserver = (path: string, method: string, code: number, seconds: number) => void;

export interface ApiOptions {
  maxBodyBytes: number;
  rateLimit: { perSecond: number; burst: number };
  /** `/v1/verify` and `/v1/rotate` requests served at once; more are answered 503. */
  maxInFlight?: number;
  /** Peers whose `X-Forwarded-For` names the client (the API server's service proxy). */
  trustedProxies?: BlockList;
  observe?: RequestObserver;
  now?: () => number;
  /** `--web-ui`: also serve the seal page under `/ui/` (see web-ui.ts). */
  webUi?: boolean;
}

const INSTRUMENTED = new Set(["/v1/verify", "/v1/rotate", "/v1/cert.pem"]);

/** Default of {@link ApiOptions.maxInFlight}. */
export const DEFAULT_MAX_IN_FLIGHT = 8;

/**
 * A body may expand (YAML aliases) and an answer may grow (values re-encrypted for a larger key)
 * to this many times the body limit.
 */
export const EXPANSION_FACTOR = 4;

/**
 * Builds the API's request listener; `listen` it with the timeouts of {@link startHttpServer}.
 * Paths match as express matched them: case-insensitively, with or without one trailing slash.
 */
export function createApiApp(ports: ApiPorts, options: ApiOptions): RequestListener {
  const limiter = new RateLimiter({
    ...options.rateLimit,
    ...(options.now && { now: options.now }),
  });
  const maxExpanded = EXPANSION_FACTOR * options.maxBodyBytes;
  const client = (req: IncomingMessage): string => clientOf(req, options.trustedProxies);
  const admit = inFlight(options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  const reading = perClient(MAX_READS_PER_CLIENT, MAX_READS);
  const answering = perClient(MAX_ANSWERS_PER_CLIENT, MAX_ANSWERS);
  /**
   * The rate limit, the body (as text), then the in-flight limit, held while the request is
   * worked on. A request holds an in-flight slot only once its body is in and only until its
   * answer is handed to the socket: one sending its body a byte every few seconds, or never
   * reading a large answer, would otherwise hold a slot for minutes, and eight of them (one
   * address, well under the rate limit) kept `/v1/verify` answering 503 to everyone. Body reads
   * and answers still being sent have their own bounds, a few per client and a number in all,
   * which also bound the memory they hold.
   */
  const guarded =
    (handle: (req: IncomingMessage, res: ServerResponse, body: string) => Promise<void>): Handler =>
    async (req, res, path) => {
      const who = client(req);
      if (!rateLimit(limiter, `${who}\n${path}`, res) || !reading.start(who, res)) return;
      let body: Buffer;
      try {
        body = await readBody(req, options.maxBodyBytes);
      } finally {
        reading.end(who);
      }
      if (!answering.start(who, res)) return;
      res.once("close", () => answering.end(who));
      const release = admit(res);
      if (!release) return;
      try {
        await handle(req, res, body.toString("utf8"));
      } finally {
        release();
      }
    };
  const routes: readonly Route[] = [
    {
      path: "/healthz",
      methods: ["GET", "HEAD"],
      handle: (_req, res) => {
        const { ready, reasons } = ports.readiness();
        send(
          res,
          ready ? 200 : 503,
          "text/plain",
          ready ? "ok\n" : `not ready: ${reasons.join(", ")}\n`,
        );
      },
    },
    {
      path: "/v1/cert.pem",
      methods: ["GET", "HEAD"],
      handle: (_req, res) => {
        const pem = ports.certificatePem();
        if (pem === undefined) return send(res, 500, "text/plain", "cannot get certificate\n");
        send(res, 200, "application/x-pem-file", pem);
      },
    },
    {
      path: "/v1/verify",
      methods: ["POST"],
      handle: guarded(async (req, res, body) => {
        const ss = decodeSealedSecret(body, maxExpanded);
        res.statusCode = (await ports.verify(ss, client(req))) ? 200 : 409;
        res.end();
      }),
    },
    {
      path: "/v1/rotate",
      methods: ["POST"],
      handle: guarded(async (req, res, body) => {
        const rotated = await ports.rotate(decodeSealedSecret(body, maxExpanded), client(req));
        const answer = JSON.stringify(rotated, null, 2);
        if (answer.length > maxExpanded) throw new AnswerTooLarge();
        send(res, 200, "application/json", answer);
      }),
    },
  ];
  // The page (its text is most of @signet/web) is loaded only when it is served.
  const page = options.webUi ? import("./web-ui.js") : undefined;
  const serve = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const route = routes.find((r) => matches(r.path, path));
    if (route === undefined) {
      if (page && (await page).serveWebUi(req, res)) return;
      return send(res, 404, "text/plain", "404 page not found\n");
    }
    if (!route.methods.includes(req.method ?? "")) {
      res.setHeader("Allow", route.methods.join(", "));
      return send(res, 405, "text/plain", "method not allowed\n");
    }
    // The route's own path, not the request's spelling: `/V1/Verify/` shares `/v1/verify`'s
    // rate-limit bucket (each spelling would otherwise be a fresh quota).
    await route.handle(req, res, route.path);
  };
  return (req, res) => {
    const path = pathOf(req.url ?? "/");
    if (options.observe) instrument(options.observe, req, res, path);
    serve(req, res, path).catch((err: unknown) => answerError(res, err));
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse, path: string) => void | Promise<void>;

interface Route {
  path: string;
  methods: readonly string[];
  handle: Handler;
}

/** The path of a request target, without its query (origin form, or the path of an absolute URL). */
function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  const target = end === -1 ? url : url.slice(0, end);
  if (target.startsWith("/")) return target;
  try {
    return new URL(url).pathname;
  } catch {
    return target;
  }
}

function matches(route: string, path: string): boolean {
  const p = path.toLowerCase();
  return p === route || p === `${route}/`;
}

/** A text answer, `charset=utf-8`, with its length; no body for HEAD. */
function send(res: ServerResponse, status: number, type: string, text: string): void {
  const body = Buffer.from(text, "utf8");
  res.statusCode = status;
  res.setHeader("Content-Type", `${type}; charset=utf-8`);
  res.setHeader("Content-Length", String(body.length));
  res.end(res.req.method === "HEAD" ? undefined : body);
}

/** An answer over the size limit: never sent (the object does not fit a request either). */
class AnswerTooLarge extends Error {
  readonly status = 422;
}

/** Bodies read at once from one client, and from all (each up to the body limit). */
export const MAX_READS_PER_CLIENT = 4;
export const MAX_READS = 32;
/** Answers still being sent to one client, and to all (each up to four times the body limit). */
export const MAX_ANSWERS_PER_CLIENT = 4;
export const MAX_ANSWERS = 16;

/** Counts what is under way per client and in all; over either bound, 503 at once. */
function perClient(
  most: number,
  total: number,
): { start: (client: string, res: ServerResponse) => boolean; end: (client: string) => void } {
  const byClient = new Map<string, number>();
  let all = 0;
  return {
    start: (client, res) => {
      const mine = byClient.get(client) ?? 0;
      if (mine >= most || all >= total) {
        busy(res);
        return false;
      }
      byClient.set(client, mine + 1);
      all++;
      return true;
    },
    end: (client) => {
      const mine = (byClient.get(client) ?? 1) - 1;
      if (mine > 0) byClient.set(client, mine);
      else byClient.delete(client);
      all--;
    },
  };
}

function busy(res: ServerResponse): void {
  res.setHeader("Retry-After", "1");
  send(res, 503, "text/plain", "busy\n");
}

/**
 * At most `max` requests past this point at once; the rest are answered 503 at once. Returns
 * the slot's release, or undefined when there was none.
 */
function inFlight(max: number): (res: ServerResponse) => (() => void) | undefined {
  let current = 0;
  return (res) => {
    if (current >= max) {
      busy(res);
      return undefined;
    }
    current++;
    let held = true;
    return () => {
      if (held) current--;
      held = false;
    };
  };
}

function rateLimit(limiter: RateLimiter, key: string, res: ServerResponse): boolean {
  const d = limiter.take(key);
  res.setHeader("X-RateLimit-Limit", String(d.limit));
  res.setHeader("X-RateLimit-Remaining", String(d.remaining));
  res.setHeader("X-RateLimit-Reset", String(d.resetSeconds));
  if (d.allowed) return true;
  res.setHeader("Retry-After", String(d.retryAfterSeconds));
  send(res, 429, "text/plain", "limit exceeded\n");
  return false;
}

function instrument(
  observe: RequestObserver,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): void {
  if (!INSTRUMENTED.has(path)) return;
  const start = process.hrtime.bigint();
  res.on("finish", () => {
    observe(path, req.method ?? "", res.statusCode, Number(process.hrtime.bigint() - start) / 1e9);
  });
}

/** Maps failures to fixed answers: body errors keep their 4xx, input 400, no-unseal 409, else 500. */
function answerError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = httpStatusOf(err);
  const text: Record<number, string> = {
    400: "invalid SealedSecret\n",
    409: "cannot unseal\n",
    413: "request body too large\n",
    422: "answer too large\n",
  };
  send(res, status, "text/plain", text[status] ?? "internal error\n");
}

function httpStatusOf(err: unknown): number {
  if (isSignetError(err, "ERR_INVALID_INPUT")) return 400;
  if (isSignetError(err)) return 409;
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status < 500 ? status : 500;
}
