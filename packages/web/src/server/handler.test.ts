import { readFileSync } from "node:fs";
import { createServer, request } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createUiServerHandler, servePage } from "./handler.js";
import { CONTENT_SECURITY_POLICY } from "./headers.js";
import { pageFiles } from "./page-files.js";

// The page's routes over real HTTP: the files built into dist/page, security headers on every
// answer, GET and HEAD only (no route takes a body), and signet ui's Host check.

const CERT = readFileSync(
  new URL("../../../../test/fixtures/keys/test-only-sealing-cert.pem", import.meta.url),
  "utf8",
);

let pageOnly: Server;
let ui: Server;
let pageBase: string;
let uiBase: string;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  pageOnly = createServer((req, res) => {
    if (!servePage(req, res)) res.writeHead(418).end("not the page");
  });
  pageBase = await listen(pageOnly);
  let port = 0;
  ui = createServer(
    createUiServerHandler({
      certificatePem: CERT,
      allowedHosts: () => [`127.0.0.1:${port}`, `localhost:${port}`],
    }),
  );
  uiBase = await listen(ui);
  port = (ui.address() as AddressInfo).port;
});
afterAll(async () => {
  await Promise.all([pageOnly, ui].map((s) => new Promise((r) => s.close(r))));
});

const EXPECTED_HEADERS = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cache-control": "no-store",
};

describe("serving the seal page", () => {
  it.each([
    ["/ui/", "index.html", "text/html; charset=utf-8"],
    ["/ui/?x=1", "index.html", "text/html; charset=utf-8"],
    ["/ui/app.js", "app.js", "text/javascript; charset=utf-8"],
    ["/ui/app.css", "app.css", "text/css; charset=utf-8"],
    ["/ui/icon.svg", "icon.svg", "image/svg+xml"],
  ])("answers GET %s with the built %s and the security headers", async (path, file, type) => {
    const res = await fetch(`${pageBase}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
    expect(Object.fromEntries(res.headers)).toMatchObject(EXPECTED_HEADERS);
    expect(res.headers.get("set-cookie")).toBeNull();
    const body = await res.text();
    expect(body).toBe(readFileSync(new URL(`../../dist/page/${file}`, import.meta.url), "utf8"));
  });

  it("redirects /ui to ui/ with a relative Location (right behind a path prefix)", async () => {
    const res = await fetch(`${pageBase}/ui`, { redirect: "manual" });
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("ui/");
  });

  it("answers HEAD with the headers only", async () => {
    const res = await fetch(`${pageBase}/ui/app.js`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get("content-length"))).toBe(
      Buffer.byteLength(pageFiles().find((f) => f.path === "app.js")!.body),
    );
    expect(await res.text()).toBe("");
  });

  it.each(["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])(
    "refuses %s on every page route: nothing accepts a body",
    async (method) => {
      for (const path of ["/ui", "/ui/", "/ui/app.js", "/ui/anything"]) {
        const res = await fetch(`${pageBase}${path}`, {
          method,
          body: method === "OPTIONS" ? undefined : "password=hunter2",
        });
        expect(res.status).toBe(405);
        expect(res.headers.get("allow")).toBe("GET, HEAD");
        expect(await res.text()).not.toContain("hunter2");
      }
    },
  );

  it("answers 404 under /ui/ for files the page does not have, and leaves other paths alone", async () => {
    expect((await fetch(`${pageBase}/ui/../etc/passwd`)).status).not.toBe(200);
    expect((await fetch(`${pageBase}/ui/secret.txt`)).status).toBe(404);
    expect((await fetch(`${pageBase}/v1/cert.pem`)).status).toBe(418);
    expect((await fetch(`${pageBase}/uix`)).status).toBe(418);
  });

  it("builds a page with no inline script or style and only relative URLs", () => {
    const html = pageFiles().find((f) => f.path === "index.html")!.body;
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    expect(html).not.toMatch(/(src|href)="(\/|https?:)/);
  });
});

describe("signet ui's server", () => {
  it("serves the page, redirects / to ui/ and serves the certificate", async () => {
    const root = await fetch(`${uiBase}/`, { redirect: "manual" });
    expect(root.status).toBe(302);
    expect(root.headers.get("location")).toBe("ui/");
    expect((await fetch(`${uiBase}/ui/`)).status).toBe(200);
    const cert = await fetch(`${uiBase}/v1/cert.pem`);
    expect(cert.status).toBe(200);
    expect(cert.headers.get("content-type")).toBe("application/x-pem-file");
    expect(await cert.text()).toBe(CERT);
  });

  it.each([
    ["POST /v1/cert.pem", "/v1/cert.pem", "POST", 405],
    ["POST /", "/", "POST", 405],
    ["GET /v1/verify", "/v1/verify", "GET", 404],
    ["POST /v1/verify", "/v1/verify", "POST", 404],
    ["POST /v1/rotate", "/v1/rotate", "POST", 404],
  ])("answers %s with %i", async (_, path, method, status) => {
    const res = await fetch(`${uiBase}${path}`, {
      method,
      body: method === "POST" ? "x" : undefined,
    });
    expect(res.status).toBe(status);
  });

  it("refuses requests for another Host (DNS rebinding) with 421", async () => {
    const port = Number(new URL(uiBase).port);
    // fetch may not set Host; node:http may.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port, path: "/ui/", headers: { Host: `evil.example:${port}` } },
        (res) => {
          let body = "";
          res.on("data", (chunk: Buffer) => (body += chunk.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(answer.status).toBe(421);
    expect(answer.body).not.toContain("<html");
  });

  it("answers 404 for the certificate when it has none", async () => {
    let host = "";
    const none = createServer(
      createUiServerHandler({ certificatePem: undefined, allowedHosts: () => [host] }),
    );
    const base = await listen(none);
    host = base.slice("http://".length);
    try {
      expect((await fetch(`${base}/v1/cert.pem`)).status).toBe(404);
      expect((await fetch(`${base}/ui/`)).status).toBe(200);
    } finally {
      none.close();
    }
  });
});
