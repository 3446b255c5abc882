import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { createRest, KubeApiError } from "./rest.js";
import type { WatchEvent } from "./rest.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((r) => s.close(r));
    }),
  );
});

async function serve(handler: Handler, beforeWrite?: (method: string, path: string) => void) {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  let token = 0;
  return createRest(
    {
      server: `http://127.0.0.1:${port}`,
      tls: {},
      authenticate: () => Promise.resolve({ authorization: `Bearer t${++token}` }),
    },
    undefined,
    beforeWrite,
  );
}

interface Done {
  /** Each event with its object parsed. */
  events: { type: WatchEvent["type"]; object: unknown }[];
  err: Error | undefined;
}

function collect(rest: Awaited<ReturnType<typeof serve>>, path: string) {
  const out: Done = { events: [], err: undefined };
  let resolve: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolve = r));
  const handle = rest.watch(
    path,
    { resourceVersion: "5" },
    (e) => out.events.push({ type: e.type, object: e.object.whole() }),
    (err) => {
      out.err = err;
      resolve();
    },
  );
  return { out, done, handle };
}

describe("REST client", () => {
  it("keeps a Status's cause fields and kinds but never their messages (they quote the object)", async () => {
    const rest = await serve((_req, res) => {
      res.writeHead(422, { "content-type": "application/json" }).end(
        JSON.stringify({
          kind: "Status",
          reason: "Invalid",
          message: 'Secret "db" is invalid: data[.x]: Invalid value: "quoted"',
          details: {
            causes: [
              { reason: "FieldValueInvalid", field: "data[.x]", message: "Invalid value: quoted" },
              { message: "no field" },
            ],
          },
        }),
      );
    });
    const err: unknown = await rest
      .request("/api/v1/namespaces/a/secrets", { method: "POST" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err).toMatchObject({
      status: 422,
      reason: "Invalid",
      causes: [
        { field: "data[.x]", reason: "FieldValueInvalid" },
        { field: "", reason: "" },
      ],
    });
    rest.close();
  });

  it("streams a list answer's items out one at a time and returns its envelope", async () => {
    const rest = await serve((req, res) => {
      expect(req.url).toBe("/apis/x?limit=2");
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"metadata":{"resourceVersion":"9","continue":"c"},"items":[{"n":');
      setTimeout(() => res.end('1},{"n":2}]}'), 20);
    });
    const items: unknown[] = [];
    const envelope = await rest.list("/apis/x", { query: { limit: "2" } }, (i) =>
      items.push(i.whole()),
    );
    expect(items).toEqual([{ n: 1 }, { n: 2 }]);
    expect(envelope).toEqual({ metadata: { resourceVersion: "9", continue: "c" }, items: [] });
  });

  it.each<[string, number, string, RegExp]>([
    ["an error status", 403, '{"message":"forbidden here","reason":"Forbidden"}', /forbidden here/],
    ["a malformed item", 200, '{"items":[{"n":1}x]}', /./],
    ["a truncated answer", 200, '{"items":[{"n":1}', /truncated list answer/],
  ])("fails a list answered with %s", async (_, status, body, message) => {
    const rest = await serve((_req, res) => res.writeHead(status).end(body));
    await expect(rest.list("/apis/x", {}, () => undefined)).rejects.toThrow(message);
  });

  it("sends each request with the connection's current authentication headers", async () => {
    const seen: (string | undefined)[] = [];
    const rest = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    expect(await rest.request("/api/v1/x")).toEqual({ ok: true });
    await rest.request("/api/v1/x");
    expect(seen).toEqual(["Bearer t1", "Bearer t2"]);
    rest.close();
  });

  it("asks the write gate right before sending every request but GETs, and sends nothing it refuses", async () => {
    const received: string[] = [];
    const asked: string[] = [];
    let open = true;
    const rest = await serve(
      (req, res) => {
        received.push(`${req.method} ${req.url}`);
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      },
      (method, path) => {
        asked.push(`${method} ${path}`);
        if (!open) throw new Error("fenced");
      },
    );
    await rest.request("/api/v1/a");
    await rest.request("/api/v1/b", { method: "PUT", body: {} });
    open = false;
    await expect(rest.request("/api/v1/c", { method: "POST", body: {} })).rejects.toThrow("fenced");
    await expect(rest.request("/api/v1/d", { method: "DELETE" })).rejects.toThrow("fenced");
    await rest.request("/api/v1/e");
    expect(asked).toEqual(["PUT /api/v1/b", "POST /api/v1/c", "DELETE /api/v1/d"]);
    expect(received).toEqual(["GET /api/v1/a", "PUT /api/v1/b", "GET /api/v1/e"]);
    rest.close();
  });

  it("delivers watch events as they stream in, across chunk boundaries, skipping lines that do not parse", async () => {
    let url = "";
    const rest = await serve((req, res) => {
      url = req.url ?? "";
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"type":"ADDED","object":{"n":1}}\n{"type":"MODI');
      setTimeout(() => {
        res.write('FIED","object":{"n":2}}\nnot json\n\n{"type":"NONSENSE","object":{}}\n');
        res.end('{"type":"DELETED","object":{"n":3}}\n');
      }, 20);
    });
    const { out, done } = collect(rest, "/api/v1/secrets");
    await done;
    expect(url).toBe("/api/v1/secrets?resourceVersion=5&watch=1");
    expect(out.events).toEqual([
      { type: "ADDED", object: { n: 1 } },
      { type: "MODIFIED", object: { n: 2 } },
      { type: "DELETED", object: { n: 3 } },
    ]);
    expect(out.err).toBeUndefined();
    rest.close();
  });

  it("ends a watch answered with an error status with a KubeApiError carrying the status and message", async () => {
    const rest = await serve((_req, res) => {
      res
        .writeHead(410, { "content-type": "application/json" })
        .end('{"kind":"Status","reason":"Expired","message":"too old resource version"}');
    });
    const { out, done } = collect(rest, "/api/v1/secrets");
    await done;
    expect(out.err).toBeInstanceOf(KubeApiError);
    expect(out.err).toMatchObject({
      status: 410,
      reason: "Expired",
      message: "too old resource version",
    });
    rest.close();
  });

  it("ends a watch whose connection breaks (the list-watch then resumes or restarts it)", async () => {
    const rest = await serve((req, res) => {
      res.writeHead(200).write('{"type":"ADDED","object":{"n":1}}\n');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const { out, done } = collect(rest, "/api/v1/secrets");
    await done;
    expect(out.events).toHaveLength(1);
    rest.close();
  });

  it("aborts a watch quietly: no further events and no done callback", async () => {
    let send: (s: string) => void = () => undefined;
    const rest = await serve((_req, res) => {
      res.writeHead(200);
      send = (s) => res.write(s);
      send('{"type":"ADDED","object":{"n":1}}\n');
    });
    const { out, handle } = collect(rest, "/api/v1/secrets");
    while (out.events.length === 0) await new Promise((r) => setTimeout(r, 5));
    handle.abort();
    send('{"type":"ADDED","object":{"n":2}}\n');
    await new Promise((r) => setTimeout(r, 50));
    expect(out.events).toHaveLength(1);
    expect(out.err).toBeUndefined();
    rest.close();
  });
});
