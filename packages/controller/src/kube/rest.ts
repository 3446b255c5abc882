import { request as httpRequest, Agent as HttpAgent } from "node:http";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest, Agent as HttpsAgent } from "node:https";
import type { RequestOptions } from "node:https";

import type { KubeConfig } from "@kubernetes/client-node";

import type { Throttle } from "./throttle.js";

/**
 * A minimal JSON REST client for the Kubernetes API. Objects travel as the API server's raw JSON
 * (timestamps stay strings, unknown fields are kept), which is what `@signet/core`'s model types
 * describe; client-node's generated clients would turn some fields into `Date`s and drop
 * unknown ones. Authentication (tokens, exec plugins, client certificates, CA) comes from the
 * `KubeConfig` on every request, so rotated service-account tokens are picked up; connections
 * are kept alive on one agent instead of a new agent per request.
 */
export interface RestRequest {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  /** Defaults to application/json; patches must name their strategy. */
  contentType?: string;
  query?: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
}

/** An API call answered with a non-2xx status; `message` is the Status object's message only. */
export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string;

  constructor(status: number, reason: string, message: string) {
    super(message);
    this.name = "KubeApiError";
    this.status = status;
    this.reason = reason;
  }
}

export const isNotFound = (err: unknown): boolean =>
  err instanceof KubeApiError && err.status === 404;
export const isConflict = (err: unknown): boolean =>
  err instanceof KubeApiError && err.status === 409;

/** The Kubernetes API as a narrow port: one JSON request. */
export interface KubeRest {
  request<T>(path: string, req?: RestRequest): Promise<T>;
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Builds a REST client for the current context of `kc`; every request first takes a token from
 * `throttle` (`--kubeclient-qps/--kubeclient-burst`). Watches are long-lived and not throttled.
 */
export function createRest(kc: KubeConfig, throttle?: Throttle): KubeRest {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("kubeconfig has no current cluster");
  const base = new URL(cluster.server);
  const isHttps = base.protocol === "https:";
  let agent: HttpsAgent | HttpAgent | undefined;

  const options = async (method: string): Promise<RequestOptions> => {
    const opts: RequestOptions = { method, headers: {} };
    await kc.applyToHTTPSOptions(opts);
    agent ??= isHttps
      ? new HttpsAgent({
          keepAlive: true,
          maxSockets: 32,
          ca: opts.ca,
          cert: opts.cert,
          key: opts.key,
          ...(opts.rejectUnauthorized !== undefined && {
            rejectUnauthorized: opts.rejectUnauthorized,
          }),
          ...(opts.servername !== undefined && { servername: opts.servername }),
        })
      : new HttpAgent({ keepAlive: true, maxSockets: 32 });
    return {
      method,
      headers: opts.headers,
      agent,
      ...(opts.auth !== undefined && { auth: opts.auth }),
      ...(opts.servername !== undefined && { servername: opts.servername }),
    };
  };

  return {
    async request<T>(path: string, req: RestRequest = {}): Promise<T> {
      const url = new URL(base.pathname.replace(/\/$/, "") + path, base);
      for (const [k, v] of Object.entries(req.query ?? {})) {
        if (v !== undefined) url.searchParams.set(k, v);
      }
      await throttle?.take();
      const opts = await options(req.method ?? "GET");
      const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
      const headers = requestHeaders(opts.headers, payload, req.contentType);
      const { status, body, responseHeaders } = await send(
        url,
        { ...opts, headers, timeout: req.timeoutMs ?? DEFAULT_TIMEOUT_MS },
        payload,
      );
      if (status < 200 || status >= 300) throw apiError(status, body, responseHeaders);
      return (body === "" ? undefined : JSON.parse(body)) as T;
    },
    close(): void {
      agent?.destroy();
    },
  };

  function send(
    url: URL,
    opts: RequestOptions,
    payload: string | undefined,
  ): Promise<{ status: number; body: string; responseHeaders: IncomingHttpHeaders }> {
    const doRequest = isHttps ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const r = doRequest(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            responseHeaders: res.headers,
          }),
        );
      });
      r.on("timeout", () =>
        r.destroy(new Error(`${opts.method ?? "GET"} ${url.pathname}: timed out`)),
      );
      r.on("error", reject);
      if (payload !== undefined) r.write(payload);
      r.end();
    });
  }
}

function requestHeaders(
  auth: RequestOptions["headers"],
  payload: string | undefined,
  contentType: string | undefined,
): OutgoingHttpHeaders {
  return {
    ...(auth as OutgoingHttpHeaders | undefined),
    accept: "application/json",
    ...(payload !== undefined && {
      "content-type": contentType ?? "application/json",
      "content-length": Buffer.byteLength(payload),
    }),
  };
}

/** Extracts the Status message; never includes request bodies (which may hold secret data). */
function apiError(status: number, body: string, headers: IncomingHttpHeaders): KubeApiError {
  let message = `HTTP ${status}`;
  let reason = "";
  try {
    const parsed = JSON.parse(body) as { message?: unknown; reason?: unknown };
    if (typeof parsed.message === "string") message = parsed.message;
    if (typeof parsed.reason === "string") reason = parsed.reason;
  } catch {
    const type = String(headers["content-type"] ?? "");
    if (type.startsWith("text/plain") && body.length < 512) message = body.trim() || message;
  }
  return new KubeApiError(status, reason, message);
}
