import express from "express";
import type { Express, NextFunction, Request, RequestHandler, Response } from "express";
import type { BlockList } from "node:net";

import { isSignetError } from "@signet/core";
import type { SealedSecret } from "@signet/core";

import { clientOf, RateLimiter } from "./rate-limit.js";
import { decodeSealedSecret } from "./sealed-input.js";
import { webUiRoutes } from "./web-ui.js";

/**
 * The controller's HTTP API (reference `httpserver`, pkg/controller/server.go) as an express app
 * factory over function ports. Beyond the reference: methods are enforced (405), the rate limit
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

/** Builds the API app; `listen` it with the timeouts of {@link startHttpServer}. */
export function createApiApp(ports: ApiPorts, options: ApiOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  if (options.observe) app.use(instrument(options.observe));
  const limiter = new RateLimiter({
    ...options.rateLimit,
    ...(options.now && { now: options.now }),
  });
  const body = express.raw({ type: () => true, limit: options.maxBodyBytes });
  const maxExpanded = EXPANSION_FACTOR * options.maxBodyBytes;
  const client = (req: Request): string => clientOf(req, options.trustedProxies);
  const guard = [
    rateLimit(limiter, client),
    inFlight(options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT),
    body,
  ];

  app.all("/healthz", methods("GET", "HEAD"), (_req, res) => {
    const { ready, reasons } = ports.readiness();
    res
      .status(ready ? 200 : 503)
      .type("text/plain")
      .send(ready ? "ok\n" : `not ready: ${reasons.join(", ")}\n`);
  });
  app.all("/v1/cert.pem", methods("GET", "HEAD"), (_req, res) => {
    const pem = ports.certificatePem();
    if (pem === undefined)
      return void res.status(500).type("text/plain").send("cannot get certificate\n");
    res.status(200).type("application/x-pem-file").send(pem);
  });
  app.all("/v1/verify", methods("POST"), ...guard, async (req, res) => {
    const ss = decodeSealedSecret(bodyText(req), maxExpanded);
    res.status((await ports.verify(ss, client(req))) ? 200 : 409).end();
  });
  app.all("/v1/rotate", methods("POST"), ...guard, async (req, res) => {
    const rotated = await ports.rotate(decodeSealedSecret(bodyText(req), maxExpanded), client(req));
    const answer = JSON.stringify(rotated, null, 2);
    if (answer.length > maxExpanded) throw new AnswerTooLarge();
    res.status(200).type("application/json").send(answer);
  });
  if (options.webUi) app.use(webUiRoutes());
  app.use((_req, res) => void res.status(404).type("text/plain").send("404 page not found\n"));
  app.use(errorHandler);
  return app;
}

function bodyText(req: Request): string {
  return Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
}

function methods(...allowed: string[]): RequestHandler {
  return (req, res, next) => {
    if (allowed.includes(req.method)) return next();
    res
      .status(405)
      .set("Allow", allowed.join(", "))
      .type("text/plain")
      .send("method not allowed\n");
  };
}

/** An answer over the size limit: never sent (the object does not fit a request either). */
class AnswerTooLarge extends Error {
  readonly status = 422;
}

/** At most `max` requests past this point at once; the rest are answered 503 at once. */
function inFlight(max: number): RequestHandler {
  let current = 0;
  return (_req, res, next) => {
    if (current >= max) {
      res.set("Retry-After", "1").status(503).type("text/plain").send("busy\n");
      return;
    }
    current++;
    res.once("close", () => current--);
    next();
  };
}

function rateLimit(limiter: RateLimiter, client: (req: Request) => string): RequestHandler {
  return (req, res, next) => {
    const d = limiter.take(`${client(req)}\n${req.path}`);
    res.set({
      "X-RateLimit-Limit": String(d.limit),
      "X-RateLimit-Remaining": String(d.remaining),
      "X-RateLimit-Reset": String(d.resetSeconds),
    });
    if (d.allowed) return next();
    res
      .set("Retry-After", String(d.retryAfterSeconds))
      .status(429)
      .type("text/plain")
      .send("limit exceeded\n");
  };
}

function instrument(observe: RequestObserver): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on("finish", () => {
      if (!INSTRUMENTED.has(req.path)) return;
      observe(req.path, req.method, res.statusCode, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
}

/** Maps failures to fixed answers: body errors keep their 4xx, input 400, no-unseal 409, else 500. */
function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const status = httpStatusOf(err);
  const text: Record<number, string> = {
    400: "invalid SealedSecret\n",
    409: "cannot unseal\n",
    413: "request body too large\n",
    422: "answer too large\n",
  };
  res
    .status(status)
    .type("text/plain")
    .send(text[status] ?? "internal error\n");
}

function httpStatusOf(err: unknown): number {
  if (isSignetError(err, "ERR_INVALID_INPUT")) return 400;
  if (isSignetError(err)) return 409;
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status < 500 ? status : 500;
}
