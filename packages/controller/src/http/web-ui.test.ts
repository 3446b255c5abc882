import { afterEach, describe, expect, it } from "vitest";

import { CONTENT_SECURITY_POLICY, pageFile } from "@signet/web";

import { loadConfig } from "../config.js";
import { startHttpServer } from "./listen.js";
import type { RunningServer } from "./listen.js";
import { createApiApp } from "./server.js";

// `--web-ui`: the seal page next to /v1/cert.pem on the controller's API listener, off unless
// asked for; its routes take no body.

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(webUi: boolean | undefined): Promise<string> {
  const app = createApiApp(
    {
      certificatePem: () => PEM,
      verify: () => Promise.resolve(true),
      rotate: (ss) => Promise.resolve(ss),
      readiness: () => ({ ready: true, reasons: [] }),
    },
    { maxBodyBytes: 1024, rateLimit: { perSecond: 100, burst: 100 }, webUi },
  );
  running = await startHttpServer(app, {
    host: "127.0.0.1",
    port: 0,
    readTimeoutMs: 10_000,
    writeTimeoutMs: 10_000,
  });
  return `http://127.0.0.1:${running.address.port}`;
}

describe("the controller's --web-ui", () => {
  it("is off by default", () => {
    const config = loadConfig({ argv: [], env: {}, cpus: 1 });
    expect(config.webUi).toBe(false);
    expect(loadConfig({ argv: ["--web-ui"], env: {}, cpus: 1 }).webUi).toBe(true);
    expect(loadConfig({ argv: [], env: { SEALED_SECRETS_WEB_UI: "true" }, cpus: 1 }).webUi).toBe(
      true,
    );
  });

  it.each([undefined, false])("serves no page when webUi is %s", async (webUi) => {
    const base = await start(webUi);
    for (const path of ["/ui", "/ui/", "/ui/app.js"]) {
      expect((await fetch(`${base}${path}`)).status).toBe(404);
    }
    expect((await fetch(`${base}/v1/cert.pem`)).status).toBe(200);
  });

  it("serves the page next to /v1/cert.pem, with the page's security headers", async () => {
    const base = await start(true);
    const page = await fetch(`${base}/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(await page.text()).toBe(pageFile("")!.body);
    const script = await fetch(`${base}/ui/app.js`);
    expect(await script.text()).toBe(pageFile("app.js")!.body);
    const redirect = await fetch(`${base}/ui`, { redirect: "manual" });
    expect(redirect.headers.get("location")).toBe("ui/");
    expect(await (await fetch(`${base}/v1/cert.pem`)).text()).toBe(PEM);
    expect((await fetch(`${base}/`)).status).toBe(404);
  });

  it.each(["POST", "PUT", "DELETE"])("answers %s on the page's routes with 405", async (method) => {
    const base = await start(true);
    for (const path of ["/ui", "/ui/", "/ui/app.js"]) {
      const res = await fetch(`${base}${path}`, { method, body: "token=s3cr3t" });
      expect(res.status).toBe(405);
      expect(await res.text()).not.toContain("s3cr3t");
    }
  });
});
