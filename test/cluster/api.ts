/// <reference types="node" />
// Minimal HTTPS client for the test kube-apiserver (bearer token + the harness's CA).
// Test code may use @kubernetes/client-node with the written kubeconfigs instead; the harness
// itself stays dependency-free.
import { request } from "node:https";

export interface ApiEndpoint {
  /** e.g. https://127.0.0.1:6443 */
  server: string;
  /** PEM of the serving certificate's issuer (self-signed). */
  caPem: string;
}

export interface ApiResponse {
  status: number;
  body: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
}

export interface ApiRequest {
  method?: string;
  token: string;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
}

export function apiRequest(ep: ApiEndpoint, path: string, req: ApiRequest): Promise<ApiResponse> {
  const url = new URL(path, ep.server);
  const payload =
    req.body === undefined
      ? undefined
      : typeof req.body === "string"
        ? req.body
        : JSON.stringify(req.body);
  return new Promise((resolve, reject) => {
    const r = request(
      url,
      {
        method: req.method ?? "GET",
        ca: ep.caPem,
        timeout: req.timeoutMs ?? 30_000,
        headers: {
          authorization: `Bearer ${req.token}`,
          accept: "application/json, */*",
          ...(payload === undefined
            ? {}
            : { "content-type": req.contentType ?? "application/json" }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body, json });
        });
        res.on("error", reject);
      },
    );
    r.on("timeout", () => r.destroy(new Error(`timeout: ${req.method ?? "GET"} ${path}`)));
    r.on("error", reject);
    if (payload !== undefined) r.write(payload);
    r.end();
  });
}

/** Like apiRequest but throws unless the status is 2xx (or one of `okStatuses`). */
export async function apiCall(
  ep: ApiEndpoint,
  path: string,
  req: ApiRequest & { okStatuses?: readonly number[] },
): Promise<ApiResponse> {
  const res = await apiRequest(ep, path, req);
  const ok = (res.status >= 200 && res.status < 300) || req.okStatuses?.includes(res.status);
  if (!ok) {
    throw new Error(`${req.method ?? "GET"} ${path} -> ${res.status}: ${res.body.slice(0, 500)}`);
  }
  return res;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` until it returns a non-undefined value or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      const detail =
        lastErr === undefined
          ? ""
          : ` (last error: ${lastErr instanceof Error ? lastErr.message : JSON.stringify(lastErr)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(intervalMs);
  }
}
