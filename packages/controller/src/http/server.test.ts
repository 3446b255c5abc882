import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { createPublicKey, randomBytes } from "node:crypto";
import { BlockList, connect } from "node:net";
import type { Socket } from "node:net";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";

import type { SealedSecret } from "@signet/core";

import { sealed, sealingKey, withChanges } from "../test-support/sealed.js";
import type { TestSealingKey } from "../test-support/sealed.js";
import { startHttpServer } from "./listen.js";
import type { RunningServer } from "./listen.js";
import { createApiApp, MAX_ANSWERS_PER_CLIENT, MAX_READS_PER_CLIENT } from "./server.js";
import type { ApiOptions, ApiPorts, Readiness } from "./server.js";
import { rotateSealedSecret, verifySealedSecret } from "./verify-rotate.js";

let key: TestSealingKey;
let other: TestSealingKey;
let running: RunningServer | undefined;

beforeAll(async () => {
  [key, other] = await Promise.all([sealingKey(), sealingKey()]);
});

afterEach(async () => {
  await running?.close();
  running = undefined;
});

interface Harness {
  url: (path: string) => string;
  state: { pem: string | undefined; readiness: Readiness; now: number };
  observed: [string, string, number][];
  /** The `client` each verify/rotate call was made for. */
  clients: string[];
}

async function start(
  options: Partial<ApiOptions> = {},
  override: Partial<ApiPorts> = {},
): Promise<Harness> {
  const state = {
    pem: key.certificatePem as string | undefined,
    readiness: { ready: true, reasons: [] } as Readiness,
    now: 0,
  };
  const observed: [string, string, number][] = [];
  const clients: string[] = [];
  const units = { keys: [key.key], acceptDeprecatedV1Data: true };
  const ports: ApiPorts = {
    certificatePem: () => state.pem,
    verify: (ss, client) => {
      clients.push(client);
      return Promise.resolve(verifySealedSecret(ss, units));
    },
    rotate: (ss, client) => {
      clients.push(client);
      return Promise.resolve().then(() =>
        rotateSealedSecret(ss, {
          ...units,
          sealingKey: createPublicKey(key.privateKeyPem),
          random: randomBytes,
        }),
      );
    },
    readiness: () => state.readiness,
    ...override,
  };
  const app = createApiApp(ports, {
    maxBodyBytes: 64 * 1024,
    rateLimit: { perSecond: 100, burst: 100 },
    observe: (path, method, code) => observed.push([path, method, code]),
    now: () => state.now,
    ...options,
  });
  running = await startHttpServer(app, {
    host: "127.0.0.1",
    port: 0,
    readTimeoutMs: 5000,
    writeTimeoutMs: 5000,
  });
  const port = running.address.port;
  return { url: (path) => `http://127.0.0.1:${port}${path}`, state, observed, clients };
}

const post = (
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> =>
  fetch(url, {
    method: "POST",
    body: typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body),
    headers,
  });

const valid = (): SealedSecret => sealed(key, { data: { password: "s3cr3t-value" } });

describe("HTTP API: health and certificate", () => {
  it("answers /healthz with ok when ready and 503 with reasons when not", async () => {
    const h = await start();
    const ok = await fetch(h.url("/healthz"));
    expect([ok.status, await ok.text()]).toEqual([200, "ok\n"]);
    h.state.readiness = { ready: false, reasons: ["no sealing key", "caches not synced"] };
    const not = await fetch(h.url("/healthz"));
    expect([not.status, await not.text()]).toEqual([
      503,
      "not ready: no sealing key, caches not synced\n",
    ]);
  });

  it("serves exactly the current certificate and switches when the provider changes", async () => {
    const h = await start();
    const first = await fetch(h.url("/v1/cert.pem"));
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toContain("application/x-pem-file");
    expect(await first.text()).toBe(key.certificatePem);
    h.state.pem = other.certificatePem;
    expect(await (await fetch(h.url("/v1/cert.pem"))).text()).toBe(other.certificatePem);
  });

  it("answers 500 'cannot get certificate' without a key", async () => {
    const h = await start();
    h.state.pem = undefined;
    const res = await fetch(h.url("/v1/cert.pem"));
    expect([res.status, await res.text()]).toEqual([500, "cannot get certificate\n"]);
  });

  it.each<[string, string, string]>([
    ["/healthz", "POST", "GET, HEAD"],
    ["/v1/cert.pem", "DELETE", "GET, HEAD"],
    ["/v1/verify", "GET", "POST"],
    ["/v1/rotate", "PUT", "POST"],
  ])("refuses %s with %s: 405 and Allow", async (path, method, allow) => {
    const h = await start();
    const res = await fetch(h.url(path), { method });
    expect([res.status, res.headers.get("allow")]).toEqual([405, allow]);
  });

  it("answers 404 for other paths", async () => {
    const h = await start();
    expect((await fetch(h.url("/v1/other"))).status).toBe(404);
  });
});

describe("HTTP API: verify and rotate", () => {
  it("verify answers 200 for an object that opens and 409 for one that does not", async () => {
    const h = await start();
    expect((await post(h.url("/v1/verify"), valid())).status).toBe(200);
    const foreign = sealed(other, { data: { a: "1" } });
    expect((await post(h.url("/v1/verify"), foreign)).status).toBe(409);
  });

  it("verify accepts YAML", async () => {
    const h = await start();
    const yaml = `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: mysecret\n  namespace: myns\nspec:\n  encryptedData:\n    password: ${valid().spec.encryptedData["password"]}\n`;
    expect((await post(h.url("/v1/verify"), yaml)).status).toBe(200);
  });

  it("verify answers the same for a template that would succeed or fail (no oracle)", async () => {
    const h = await start();
    const probe = (guess: string) =>
      withChanges(valid(), {
        template: {
          data: {
            x: `{{ if eq (substr 0 1 .password) "${guess}" }}ok{{ else }}{{ fail "no" }}{{ end }}`,
          },
        },
      });
    const answers = await Promise.all(
      ["s", "t"].map(async (g) => {
        const res = await post(h.url("/v1/verify"), probe(g));
        return [res.status, await res.text()];
      }),
    );
    expect(answers[0]).toEqual(answers[1]);
  });

  it.each<[string, string]>([
    ["garbage", "{not json"],
    ["a multi-document body", "a: 1\n---\nb: 2\n"],
    ["another kind", JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: {}, data: {} })],
  ])("answers 400 for %s", async (_, body) => {
    const h = await start();
    expect((await post(h.url("/v1/verify"), body)).status).toBe(400);
    expect((await post(h.url("/v1/rotate"), body)).status).toBe(400);
  });

  it("answers 413 for a body over the cap", async () => {
    const h = await start({ maxBodyBytes: 1024 });
    const res = await post(h.url("/v1/verify"), "x".repeat(4096));
    expect(res.status).toBe(413);
  });

  it("reads gzip, deflate and br bodies, caps their inflated size, and refuses other encodings", async () => {
    const h = await start({ maxBodyBytes: 4096 });
    const body = JSON.stringify(valid());
    for (const [encoding, pack] of [
      ["gzip", gzipSync],
      ["deflate", deflateSync],
      ["br", brotliCompressSync],
    ] as const) {
      const res = await post(h.url("/v1/verify"), pack(body), { "Content-Encoding": encoding });
      expect([encoding, res.status]).toEqual([encoding, 200]);
    }
    const bomb = await post(h.url("/v1/verify"), gzipSync("x".repeat(64 * 1024)), {
      "Content-Encoding": "gzip",
    });
    expect([bomb.status, await bomb.text()]).toEqual([413, "request body too large\n"]);
    const broken = await post(h.url("/v1/verify"), "not gzip", { "Content-Encoding": "gzip" });
    expect([broken.status, await broken.text()]).toEqual([400, "invalid SealedSecret\n"]);
    const other = await post(h.url("/v1/verify"), body, { "Content-Encoding": "compress" });
    expect([other.status, await other.text()]).toEqual([415, "internal error\n"]);
  });

  it("answers paths case-insensitively and with a trailing slash, HEAD without a body", async () => {
    const h = await start();
    expect((await post(h.url("/V1/Verify/"), valid())).status).toBe(200);
    const head = await fetch(h.url("/healthz/?probe=1"), { method: "HEAD" });
    expect([head.status, head.headers.get("content-length"), await head.text()]).toEqual([
      200,
      "3",
      "",
    ]);
    expect((await fetch(h.url("/healthz//"))).status).toBe(404);
    const wrong = await fetch(h.url("/v1/cert.pem"), { method: "DELETE" });
    expect([wrong.status, wrong.headers.get("allow"), await wrong.text()]).toEqual([
      405,
      "GET, HEAD",
      "method not allowed\n",
    ]);
  });

  it("rotate answers 200 with a JSON SealedSecret and 409 when the object does not open", async () => {
    const h = await start();
    const res = await post(h.url("/v1/rotate"), valid());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const out = (await res.json()) as SealedSecret;
    expect(out).toMatchObject({
      apiVersion: "bitnami.com/v1alpha1",
      kind: "SealedSecret",
      metadata: { name: "mysecret" },
    });
    expect((await post(h.url("/v1/rotate"), sealed(other, { data: { a: "1" } }))).status).toBe(409);
  });

  it("never echoes the plaintext in any answer", async () => {
    const h = await start();
    const bodies = await Promise.all(
      ["/v1/verify", "/v1/rotate"].map(async (p) => (await post(h.url(p), valid())).text()),
    );
    for (const body of bodies) {
      for (const form of ["s3cr3t-value", Buffer.from("s3cr3t-value").toString("base64")]) {
        expect(body).not.toContain(form);
      }
    }
  });

  it("reports each answered API request to the metrics observer", async () => {
    const h = await start();
    await fetch(h.url("/v1/cert.pem"));
    await post(h.url("/v1/verify"), valid());
    await fetch(h.url("/healthz"));
    expect(h.observed).toEqual([
      ["/v1/cert.pem", "GET", 200],
      ["/v1/verify", "POST", 200],
    ]);
  });
});

describe("HTTP API: rate limits", () => {
  it.each(["/v1/verify", "/v1/rotate"])(
    "limits %s per peer to burst + 1, and X-Forwarded-For does not reset the quota",
    async (path) => {
      const h = await start({ rateLimit: { perSecond: 2, burst: 2 } });
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await post(h.url(path), valid(), { "X-Forwarded-For": `10.0.0.${i}` });
        codes.push(res.status);
        if (res.status === 429) {
          expect(res.headers.get("retry-after")).toBe("1");
          expect(await res.text()).toBe("limit exceeded\n");
        }
      }
      expect(codes).toEqual([200, 200, 200, 429, 429]);
    },
  );

  it("counts every spelling of a path (case, trailing slash) against one quota", async () => {
    const h = await start({ rateLimit: { perSecond: 1, burst: 0 } });
    expect((await post(h.url("/v1/verify"), valid())).status).toBe(200);
    for (const spelling of ["/V1/Verify", "/v1/verify/", "/v1/VERIFY/"]) {
      expect((await post(h.url(spelling), valid())).status).toBe(429);
    }
  });

  it("lets requests through again as the bucket refills", async () => {
    const h = await start({ rateLimit: { perSecond: 2, burst: 0 } });
    expect((await post(h.url("/v1/verify"), valid())).status).toBe(200);
    expect((await post(h.url("/v1/verify"), valid())).status).toBe(429);
    h.state.now += 500;
    const res = await post(h.url("/v1/verify"), valid());
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-limit")).toBe("1");
  });

  it("checks the limit before reading the body", async () => {
    const h = await start({ rateLimit: { perSecond: 1, burst: 0 }, maxBodyBytes: 10 });
    expect((await post(h.url("/v1/verify"), "x".repeat(100))).status).toBe(413);
    expect((await post(h.url("/v1/verify"), "x".repeat(100))).status).toBe(429);
  });
});

/** A YAML alias bomb: nine levels of nine aliases each, a few hundred bytes long. */
function aliasBomb(where: "template" | "annotations"): string {
  const levels = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++)
    levels.push(
      `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(",")}]`,
    );
  const nested = levels.map((l) => `      ${l}`).join("\n");
  return where === "template"
    ? `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: bomb, namespace: myns}\nspec:\n  encryptedData: {}\n  template:\n    metadata:\n      labels: {}\n    x:\n${nested}\n`
    : `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: bomb\n  namespace: myns\n  annotations:\n${nested.replace(/^ {6}/gm, "    ")}\nspec:\n  encryptedData: {}\n`;
}

describe("HTTP API: bounded work per request", () => {
  it.each([
    ["/v1/rotate", "template"],
    ["/v1/rotate", "annotations"],
    ["/v1/verify", "template"],
  ] as const)("answers %s with a YAML alias bomb in the %s 400, at once", async (path, where) => {
    const h = await start();
    const body = aliasBomb(where);
    expect(body.length).toBeLessThan(1000);
    const started = performance.now();
    const res = await post(h.url(path), body);
    expect([res.status, await res.text()]).toEqual([400, "invalid SealedSecret\n"]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("accepts YAML with a few ordinary aliases", async () => {
    const h = await start();
    const password = valid().spec.encryptedData["password"];
    const yaml = `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: mysecret\n  namespace: myns\n  labels: &l {app: x}\nspec:\n  template:\n    metadata:\n      labels: *l\n  encryptedData:\n    password: ${password}\n`;
    expect((await post(h.url("/v1/rotate"), yaml)).status).toBe(200);
  });

  it("never sends an answer larger than four times the body limit (422)", async () => {
    const huge = { ...valid(), spec: { encryptedData: { a: "x".repeat(5000) } } };
    const h = await start({ maxBodyBytes: 1024 }, { rotate: () => Promise.resolve(huge) });
    const res = await post(h.url("/v1/rotate"), valid());
    expect([res.status, await res.text()]).toEqual([422, "answer too large\n"]);
  });

  it("answers 503 with Retry-After while the in-flight limit is reached, then serves again", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const h = await start({ maxInFlight: 2 }, { verify: () => gate.then(() => true) });
    const held = [post(h.url("/v1/verify"), valid()), post(h.url("/v1/verify"), valid())];
    await new Promise((r) => setTimeout(r, 100));
    const busy = await post(h.url("/v1/verify"), valid());
    expect([busy.status, busy.headers.get("retry-after"), await busy.text()]).toEqual([
      503,
      "1",
      "busy\n",
    ]);
    expect((await fetch(h.url("/healthz"))).status).toBe(200);
    release();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect((await post(h.url("/v1/verify"), valid())).status).toBe(200);
  });
});

/** Opens a POST whose body never finishes (a byte of 100 sent); returns the socket. */
async function slowBody(url: string, headers: Record<string, string> = {}): Promise<Socket> {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise((r) => socket.once("connect", r));
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  socket.write(
    `POST ${pathname} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n${extra}\r\n{`,
  );
  socket.on("error", () => undefined);
  return socket;
}

describe("HTTP API: bodies sent slowly", () => {
  it("hold no in-flight slot while their body is read: others are served", async () => {
    const h = await start({ maxInFlight: 1 });
    const slow = await slowBody(h.url("/v1/verify"));
    try {
      await new Promise((r) => setTimeout(r, 100));
      expect((await post(h.url("/v1/verify"), valid())).status).toBe(200);
    } finally {
      slow.destroy();
    }
  });

  it("are read a few at a time per client: one client's slow bodies do not block another", async () => {
    const trusted = new BlockList();
    trusted.addAddress("127.0.0.1");
    const h = await start({ trustedProxies: trusted, rateLimit: { perSecond: 100, burst: 100 } });
    const as = { "X-Forwarded-For": "203.0.113.1" };
    const slow = await Promise.all(
      Array.from({ length: MAX_READS_PER_CLIENT }, () => slowBody(h.url("/v1/verify"), as)),
    );
    try {
      await new Promise((r) => setTimeout(r, 100));
      const same = await post(h.url("/v1/verify"), valid(), as);
      expect([same.status, await same.text()]).toEqual([503, "busy\n"]);
      const other = await post(h.url("/v1/verify"), valid(), { "X-Forwarded-For": "203.0.113.2" });
      expect(other.status).toBe(200);
    } finally {
      for (const s of slow) s.destroy();
    }
  });
});

describe("HTTP API: answers never read", () => {
  it("hold no in-flight slot once handed to the socket: others are served", async () => {
    // An answer far larger than the socket buffers, to a client that never reads it.
    const big = { ...valid(), spec: { encryptedData: { a: "x".repeat(24 * 1024 * 1024) } } };
    const h = await start(
      { maxInFlight: 1, maxBodyBytes: 8 * 1024 * 1024 },
      { rotate: () => Promise.resolve(big) },
    );
    const { hostname, port } = new URL(h.url("/v1/rotate"));
    const body = JSON.stringify(valid());
    const socket = connect(Number(port), hostname);
    await new Promise((r) => socket.once("connect", r));
    socket.on("error", () => undefined);
    socket.pause();
    socket.write(
      `POST /v1/rotate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect((await post(h.url("/v1/verify"), valid())).status).toBe(200);
    } finally {
      socket.destroy();
    }
  });
});

describe("HTTP API: answers never read, from one client", () => {
  it("are sent a few at a time per client: that client gets 503, another is served", async () => {
    const trusted = new BlockList();
    trusted.addAddress("127.0.0.1");
    const big = { ...valid(), spec: { encryptedData: { a: "x".repeat(12 * 1024 * 1024) } } };
    const h = await start(
      { trustedProxies: trusted, maxBodyBytes: 4 * 1024 * 1024 },
      { rotate: () => Promise.resolve(big) },
    );
    const { hostname, port } = new URL(h.url("/v1/rotate"));
    const body = JSON.stringify(valid());
    const unread = async (): Promise<Socket> => {
      const socket = connect(Number(port), hostname);
      await new Promise((r) => socket.once("connect", r));
      socket.on("error", () => undefined);
      socket.pause();
      socket.write(
        `POST /v1/rotate HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return socket;
    };
    const held: Socket[] = [];
    try {
      for (let i = 0; i < MAX_ANSWERS_PER_CLIENT; i++) held.push(await unread());
      await new Promise((r) => setTimeout(r, 500));
      const same = await post(h.url("/v1/verify"), valid(), { "X-Forwarded-For": "203.0.113.1" });
      expect([same.status, await same.text()]).toEqual([503, "busy\n"]);
      const other = await post(h.url("/v1/verify"), valid(), { "X-Forwarded-For": "203.0.113.2" });
      expect(other.status).toBe(200);
    } finally {
      for (const s of held) s.destroy();
    }
  });
});

describe("HTTP API: clients behind a trusted proxy", () => {
  it("rate-limits each client the proxy forwards for, and hands the client to the ports", async () => {
    const trusted = new BlockList();
    trusted.addAddress("127.0.0.1");
    const h = await start({ rateLimit: { perSecond: 1, burst: 0 }, trustedProxies: trusted });
    const as = (ip: string) => post(h.url("/v1/verify"), valid(), { "X-Forwarded-For": ip });
    expect((await as("203.0.113.1")).status).toBe(200);
    expect((await as("203.0.113.1")).status).toBe(429);
    // A client cannot pose as another by prepending addresses: the proxy's own entry is last.
    expect((await as("203.0.113.9, 203.0.113.1")).status).toBe(429);
    expect((await as("203.0.113.2")).status).toBe(200);
    expect(h.clients).toEqual(["203.0.113.1", "203.0.113.2"]);
  });
});
