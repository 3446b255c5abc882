import { request as httpRequest, Agent as HttpAgent } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest, Agent as HttpsAgent } from "node:https";
import type { RequestOptions } from "node:https";

import type { RawObject } from "../ports/informers.js";
import { LineSplitter, ListSplitter, RawJson, topLevelFields } from "./json-stream.js";
import type { ApiConnection } from "./kubeconfig.js";
import type { Throttle } from "./throttle.js";

/**
 * A minimal JSON REST client for the Kubernetes API. Objects travel as the API server's raw JSON
 * (timestamps stay strings, unknown fields are kept), which is what `@signet/core`'s model types
 * describe; client-node's generated clients would turn some fields into `Date`s and drop
 * unknown ones. Authentication headers come from the `ApiConnection` on every request, so
 * rotated service-account tokens are picked up; connections are kept alive on one agent (TLS
 * settings read once) instead of a new agent per request.
 */
export interface RestRequest {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  /** Defaults to application/json; patches must name their strategy. */
  contentType?: string;
  query?: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
}

/** One `details.causes` entry of a Status: the field and the kind of error, never its message. */
export interface StatusCause {
  field: string;
  reason: string;
}

/**
 * An API call answered with a non-2xx status; `message` is the Status object's message only.
 * `causes` keeps the field paths and error kinds of `details.causes` (their messages may quote
 * the refused object, so they are not kept).
 */
export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly causes: readonly StatusCause[];

  constructor(
    status: number,
    reason: string,
    message: string,
    causes: readonly StatusCause[] = [],
  ) {
    super(message);
    this.name = "KubeApiError";
    this.status = status;
    this.reason = reason;
    this.causes = causes;
  }
}

export const isNotFound = (err: unknown): boolean =>
  err instanceof KubeApiError && err.status === 404;
export const isConflict = (err: unknown): boolean =>
  err instanceof KubeApiError && err.status === 409;

/** GETs `path`; undefined when the object does not exist (404). */
export async function getIfExists<T>(rest: KubeRest, path: string): Promise<T | undefined> {
  try {
    return await rest.request<T>(path);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The Kubernetes API as a narrow port: one JSON request. */
export interface KubeRest {
  request<T>(path: string, req?: RestRequest): Promise<T>;
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** One watch event as the API server streams it (`object` is a Status for `ERROR`). */
export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  /** The object, parsed on demand. */
  object: RawObject;
}

/**
 * A watch stream (`?watch=1`): `onEvent` gets each event (its type parsed, its object left as
 * bytes for the consumer to parse what it needs), `onDone` is called once when the stream ends
 * (undefined: the server closed it normally) or fails (a non-200 answer is a `KubeApiError`).
 * `abort` ends it quietly: no `onDone` afterwards.
 */
export interface KubeWatch {
  watch(
    path: string,
    query: Readonly<Record<string, string | undefined>>,
    onEvent: (event: WatchEvent) => void,
    onDone: (err?: Error) => void,
  ): { abort(): void };
}

/**
 * Called synchronously immediately before a request other than GET is sent (after the throttle
 * and authentication, which may wait): throwing refuses the request, with that error. This is
 * where leader-election fencing is enforced, as late as a client can check.
 */
export type BeforeWrite = (method: string, path: string) => void;

/**
 * A list request read as it streams in: each item goes to `onItem` parsed as soon as it has
 * arrived, and the answer resolves with the list's envelope (metadata: resourceVersion,
 * continue). The whole answer (500 objects of up to 1.5 MB each) is never held at once.
 */
export interface KubeLister {
  list(
    path: string,
    req: Pick<RestRequest, "query" | "timeoutMs">,
    onItem: (item: RawObject) => void,
  ): Promise<{ metadata?: { resourceVersion?: string; continue?: string } }>;
}

/**
 * Builds a REST client for `conn`; every request first takes a token from `throttle`
 * (`--kubeclient-qps/--kubeclient-burst`). Watches are long-lived and not throttled.
 */
export function createRest(
  conn: ApiConnection,
  throttle?: Throttle,
  beforeWrite?: BeforeWrite,
): KubeRest & KubeWatch & KubeLister {
  const base = new URL(conn.server);
  const isHttps = base.protocol === "https:";
  const agent = isHttps
    ? new HttpsAgent({ keepAlive: true, maxSockets: 32, ...conn.tls })
    : new HttpAgent({ keepAlive: true, maxSockets: 32 });
  const doRequest = isHttps ? httpsRequest : httpRequest;
  const urlOf = (path: string, query: RestRequest["query"]): URL => {
    const url = new URL(base.pathname.replace(/\/$/, "") + path, base);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, v);
    }
    return url;
  };

  return {
    async request<T>(path: string, req: RestRequest = {}): Promise<T> {
      const url = urlOf(path, req.query);
      await throttle?.take();
      const auth = await conn.authenticate();
      const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
      const headers = requestHeaders(auth, payload, req.contentType);
      const method = req.method ?? "GET";
      // Nothing may be awaited between this check and `send`, which starts the request.
      if (method !== "GET") beforeWrite?.(method, path);
      const { status, body, responseHeaders } = await send(
        url,
        {
          method,
          headers,
          agent,
          timeout: req.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        },
        payload,
      );
      if (status < 200 || status >= 300) throw apiError(status, body, responseHeaders);
      return (body === "" ? undefined : JSON.parse(body)) as T;
    },
    async list(path, req, onItem) {
      const url = urlOf(path, req.query);
      await throttle?.take();
      const auth = await conn.authenticate();
      const splitter = new ListSplitter((item) => onItem(new RawJson(item)));
      const { status, body, responseHeaders } = await send(
        url,
        {
          method: "GET",
          headers: requestHeaders(auth, undefined, undefined),
          agent,
          timeout: req.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        },
        undefined,
        (chunk) => splitter.push(chunk),
      );
      if (status < 200 || status >= 300) throw apiError(status, body, responseHeaders);
      return splitter.end();
    },
    watch(
      path: string,
      query: Readonly<Record<string, string | undefined>>,
      onEvent: (event: WatchEvent) => void,
      onDone: (err?: Error) => void,
    ): { abort(): void } {
      const url = urlOf(path, { ...query, watch: "1" });
      return streamLines(
        (opts, cb) => doRequest(url, { ...opts, agent }, cb),
        () => conn.authenticate(),
        onEvent,
        onDone,
      );
    },
    close(): void {
      agent.destroy();
    },
  };

  /**
   * One request; the answer's body is collected, or with `stream`, a 2xx answer's chunks go to
   * `stream` as they arrive (a failure in it fails the request) and `body` is empty.
   */
  function send(
    url: URL,
    opts: RequestOptions,
    payload: string | undefined,
    stream?: (chunk: Buffer) => void,
  ): Promise<{ status: number; body: string; responseHeaders: IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
      const r = doRequest(url, opts, (res) => {
        const chunks: Buffer[] = [];
        const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
        res.on("data", (c: Buffer) => {
          if (!stream || !ok) return void chunks.push(c);
          try {
            stream(c);
          } catch (err) {
            // Destroying the response (not the request) fails the request with this error.
            res.destroy(err instanceof Error ? err : new Error(String(err)));
          }
        });
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

type Requester = (
  opts: RequestOptions,
  cb: (res: IncomingMessage) => void,
) => ReturnType<typeof httpRequest>;

/**
 * GETs a newline-delimited stream of watch events: each complete line goes to `onEvent` as it
 * arrives (a line that is not an event is skipped, as client-node's watch does); `onDone` once
 * at the end. A line spanning many chunks is joined once, not re-scanned per chunk, and only
 * its `type` is parsed here.
 */
function streamLines(
  start: Requester,
  authenticate: ApiConnection["authenticate"],
  onEvent: (event: WatchEvent) => void,
  onDone: (err?: Error) => void,
): { abort(): void } {
  let finished = false;
  let req: ReturnType<typeof httpRequest> | undefined;
  const finish = (err?: Error): void => {
    if (finished) return;
    finished = true;
    req?.destroy();
    onDone(err);
  };
  const onResponse = (res: IncomingMessage): void => {
    if (res.statusCode !== 200) {
      readAll(res).then(
        (body) => finish(apiError(res.statusCode ?? 0, body, res.headers)),
        (err: Error) => finish(err),
      );
      return;
    }
    const lines = new LineSplitter((line) => {
      const event = parseEvent(line);
      if (event !== undefined) onEvent(event);
    });
    res.on("data", (chunk: Buffer) => lines.push(chunk));
    res.on("end", () => finish());
    res.on("error", finish);
    res.on("close", () => finish());
  };
  authenticate().then(
    (auth) => {
      if (finished) return;
      req = start(
        { method: "GET", headers: requestHeaders(auth, undefined, undefined) },
        onResponse,
      );
      req.on("error", finish);
      req.end();
    },
    (err: Error) => finish(err),
  );
  return {
    abort(): void {
      finished = true;
      req?.destroy();
    },
  };
}

const EVENT_FIELDS = new Set(["type", "object"]);
const EVENT_TYPES = new Set(["ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"]);

/** A watch event line: its type parsed, its object kept as bytes; undefined if it is not one. */
function parseEvent(line: Buffer): WatchEvent | undefined {
  try {
    const fields = topLevelFields(line, EVENT_FIELDS);
    const type = JSON.parse(fields.get("type")?.toString("utf8") ?? "null") as unknown;
    const object = fields.get("object");
    if (typeof type !== "string" || !EVENT_TYPES.has(type) || !object) return undefined;
    return { type: type as WatchEvent["type"], object: new RawJson(object) };
  } catch {
    return undefined;
  }
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
  });
}

function requestHeaders(
  auth: Readonly<Record<string, string>>,
  payload: string | undefined,
  contentType: string | undefined,
): OutgoingHttpHeaders {
  return {
    ...auth,
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
  let causes: StatusCause[] = [];
  try {
    const parsed = JSON.parse(body) as { message?: unknown; reason?: unknown; details?: unknown };
    if (typeof parsed.message === "string") message = parsed.message;
    if (typeof parsed.reason === "string") reason = parsed.reason;
    causes = statusCauses(parsed.details);
  } catch {
    const type = String(headers["content-type"] ?? "");
    if (type.startsWith("text/plain") && body.length < 512) message = body.trim() || message;
  }
  return new KubeApiError(status, reason, message, causes);
}

function statusCauses(details: unknown): StatusCause[] {
  const causes = (details as { causes?: unknown } | null | undefined)?.causes;
  if (!Array.isArray(causes)) return [];
  return causes.map((c: { field?: unknown; reason?: unknown } | null) => ({
    field: typeof c?.field === "string" ? c.field : "",
    reason: typeof c?.reason === "string" ? c.reason : "",
  }));
}
