import type { IncomingMessage, ServerResponse } from "node:http";

import { PAGE_HEADERS } from "./headers.js";
import { pageFile } from "./page-files.js";

/**
 * Serving the seal page over node:http (the controller's API serves the same function). The page lives under
 * `/ui/` and fetches `../v1/cert.pem`, so it works next to the controller's API and behind a
 * path prefix. Only GET and HEAD are answered: no route accepts a body, so there is nothing a
 * plaintext could be sent to.
 */

/** The page's base path. */
export const PAGE_BASE = "/ui/";

const ALLOWED_METHODS = "GET, HEAD";

/**
 * Answers a request for the page (`/ui`, `/ui/...`) and returns true; returns false for any
 * other path, which the caller handles (404, or the controller's own routes).
 */
export function servePage(req: IncomingMessage, res: ServerResponse): boolean {
  const path = pathOf(req);
  if (path === "/ui") {
    if (!methodAllowed(req, res)) return true;
    // Relative, so it stays right behind a path prefix (service proxy, kubectl proxy).
    res.writeHead(301, { ...PAGE_HEADERS, Location: "ui/" }).end();
    return true;
  }
  if (!path.startsWith(PAGE_BASE)) return false;
  if (!methodAllowed(req, res)) return true;
  const file = pageFile(path.slice(PAGE_BASE.length));
  if (!file) {
    sendText(req, res, 404, "404 page not found\n");
    return true;
  }
  res.writeHead(200, {
    ...PAGE_HEADERS,
    "Content-Type": file.contentType,
    "Content-Length": Buffer.byteLength(file.body),
  });
  res.end(req.method === "HEAD" ? undefined : file.body);
  return true;
}

/** What `signet ui` serves besides the page. */
export interface UiServerOptions {
  /** The certificate PEM served at `/v1/cert.pem`, or undefined when there is none. */
  certificatePem: string | undefined;
  /**
   * The `Host` values accepted (`127.0.0.1:PORT`, `localhost:PORT`): a page on another origin
   * that rebinds its DNS name to 127.0.0.1 gets 421 instead of the page.
   */
  allowedHosts: () => readonly string[];
}

/**
 * The whole of `signet ui`'s server: the page, `/v1/cert.pem` like the controller's, and `/`
 * redirecting to the page. Everything else is 404; every method but GET and HEAD is 405.
 */
export function createUiServerHandler(
  options: UiServerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const host = (req.headers.host ?? "").toLowerCase();
    if (!options.allowedHosts().includes(host)) {
      return sendText(req, res, 421, "misdirected request: use the URL signet ui printed\n");
    }
    if (servePage(req, res)) return;
    const path = pathOf(req);
    if (path !== "/" && path !== "/v1/cert.pem")
      return sendText(req, res, 404, "404 page not found\n");
    if (!methodAllowed(req, res)) return;
    if (path === "/") return void res.writeHead(302, { ...PAGE_HEADERS, Location: "ui/" }).end();
    const pem = options.certificatePem;
    if (pem === undefined)
      return sendText(req, res, 404, "no certificate: paste one in the page\n");
    res.writeHead(200, {
      "Content-Type": "application/x-pem-file",
      "Content-Length": Buffer.byteLength(pem),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
    res.end(req.method === "HEAD" ? undefined : pem);
  };
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

function methodAllowed(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === "GET" || req.method === "HEAD") return true;
  res.writeHead(405, { ...PAGE_HEADERS, Allow: ALLOWED_METHODS, "Content-Type": "text/plain" });
  res.end("method not allowed\n");
  return false;
}

function sendText(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...PAGE_HEADERS, "Content-Type": "text/plain; charset=utf-8" });
  res.end(req.method === "HEAD" ? undefined : text);
}
