import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { memoryIo } from "../test-support/memory-io.js";
import { uiCommand } from "./ui.js";
import { nodeUiServer } from "./ui-server.js";
import type { UiServerPort } from "./ui-server.js";

const KEYS = new URL("../../../../test/fixtures/keys/", import.meta.url);
const CERT = readFileSync(new URL("test-only-sealing-cert.pem", KEYS), "utf8");
const EXPIRED = readFileSync(new URL("test-only-expired-cert.pem", KEYS), "utf8");
const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n";

/** The real loopback server, stopped when the test says (instead of Ctrl-C). */
function testServer(): UiServerPort & { stop(): void; url(): Promise<string> } {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let port!: (url: string) => void;
  const url = new Promise<string>((resolve) => (port = resolve));
  return {
    listen: async (handler, wanted) => {
      const running = await nodeUiServer.listen(handler, wanted);
      port(`http://127.0.0.1:${running.port}`);
      return running;
    },
    untilStopped: () => stopped,
    stop,
    url: () => url,
  };
}

const blockers: Server[] = [];
afterEach(() => {
  for (const server of blockers.splice(0)) server.close();
});

describe("signet ui", () => {
  it("serves the page and the certificate on 127.0.0.1, prints the URL and stops when asked", async () => {
    const io = memoryIo({ files: { "cert.pem": CERT } });
    const server = testServer();
    const done = uiCommand(server)(["--cert", "cert.pem", "--port", "0"], io);
    const base = await server.url();
    const page = await fetch(`${base}/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("connect-src 'self'");
    expect(await (await fetch(`${base}/v1/cert.pem`)).text()).toBe(CERT);
    expect((await fetch(`${base}/ui/`, { method: "POST", body: "password=x" })).status).toBe(405);
    expect(io.stdout()).toBe(
      `Signet seal page: ${base}/ui/\n` +
        "Certificate: SHA256:1x6UP+/17J8quVMn9jDZBJjO9NGD4pjHyvYij2GUQJI from cert.pem, expires 2036-11-19T06:08:28.000Z\n" +
        "Values are sealed in the browser and never sent here. Stop with Ctrl-C.\n",
    );
    server.stop();
    expect(await done).toBe(0);
    await expect(fetch(`${base}/ui/`)).rejects.toThrow();
  });

  it("warns about an expired certificate and serves it (the page refuses to seal with it)", async () => {
    const io = memoryIo({ files: { "old.pem": EXPIRED } });
    const server = testServer();
    const done = uiCommand(server)(["--cert", "old.pem", "--port", "0"], io);
    await server.url();
    server.stop();
    expect(await done).toBe(0);
    expect(io.stderr()).toContain(
      "warning: the certificate from old.pem expired on 2021-01-01T00:00:00.000Z: the page will refuse to seal with it",
    );
  });

  it(
    "starts without a certificate when the cluster has none to give, and says so",
    { timeout: 30_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "signet-ui-"));
      writeFileSync(join(dir, "kubeconfig"), KUBECONFIG);
      try {
        const io = memoryIo({});
        const server = testServer();
        const args = ["--kubeconfig", join(dir, "kubeconfig"), "--port", "0"];
        const done = uiCommand(server)(args, io);
        const base = await server.url();
        expect((await fetch(`${base}/v1/cert.pem`)).status).toBe(404);
        expect((await fetch(`${base}/ui/`)).status).toBe(200);
        server.stop();
        expect(await done).toBe(0);
        expect(io.stderr()).toContain(
          "warning: no certificate from the cluster (kube-system/sealed-secrets-controller): ",
        );
        expect(io.stdout()).toContain("Certificate: none (paste one in the page)\n");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it.each([
    [
      "a --cert that cannot be read",
      ["--cert", "missing.pem"],
      1,
      "error: --cert missing.pem: open missing.pem: no such file or directory\n",
    ],
    [
      "a --cert that is no certificate",
      ["--cert", "cert.pem-not"],
      1,
      "error: --cert cert.pem-not: data does not contain any valid RSA or ECDSA certificates\n",
    ],
    [
      "a port that is not a number",
      ["--port", "http"],
      2,
      'error: --port: "http" is not a port number (0-65535)\n',
    ],
    [
      "a port out of range",
      ["--port", "70000"],
      2,
      'error: --port: "70000" is not a port number (0-65535)\n',
    ],
    ["an argument", ["now"], 2, 'error: signet ui takes no arguments, got "now"\n'],
  ])("fails on %s", async (_, args, code, message) => {
    const io = memoryIo({ files: { "cert.pem-not": "hello" } });
    const server = testServer();
    expect(await uiCommand(server)(args, io)).toBe(code);
    expect(io.stderr()).toBe(message);
  });

  it("fails with a clear message when the port is taken", async () => {
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as AddressInfo).port;
    const io = memoryIo({ files: { "cert.pem": CERT } });
    expect(await uiCommand(testServer())(["--cert", "cert.pem", "--port", String(port)], io)).toBe(
      1,
    );
    expect(io.stderr()).toBe(
      `error: port ${port} on 127.0.0.1 is in use: choose another with --port\n`,
    );
  });
});
