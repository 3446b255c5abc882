import { describe, expect, it } from "vitest";

import { RestListWatch } from "./list-watch.js";
import type { RawObject } from "../ports/informers.js";
import type { KubeList, KubeObject } from "./list-watch.js";
import { RawJson } from "./json-stream.js";
import { KubeApiError } from "./rest.js";
import type { KubeWatch, WatchEvent } from "./rest.js";

/** A watch event as the server sends it: the object travels as JSON bytes. */
interface SentEvent {
  type: WatchEvent["type"];
  object: unknown;
}

const raw = (value: unknown): RawJson => new RawJson(Buffer.from(JSON.stringify(value)));

interface Obj extends KubeObject {
  metadata: { name: string; namespace?: string; resourceVersion: string };
  extra?: string;
}

const obj = (name: string, rv: string, namespace = "ns"): Obj => ({
  metadata: { name, namespace, resourceVersion: rv },
});

/** A KubeWatch whose streams the test drives by hand. */
function fakeWatcher() {
  const streams: {
    query: Readonly<Record<string, string | undefined>>;
    send: (e: SentEvent) => void;
    end: (err?: Error) => void;
    aborted: boolean;
  }[] = [];
  const watcher: KubeWatch = {
    watch(
      _path: string,
      query: Readonly<Record<string, string | undefined>>,
      onEvent: (e: WatchEvent) => void,
      onDone: (err?: Error) => void,
    ) {
      const stream = {
        query,
        send: (e: SentEvent) => onEvent({ type: e.type, object: raw(e.object) }),
        end: (err?: Error) => onDone(err),
        aborted: false,
      };
      streams.push(stream);
      return { abort: () => void (stream.aborted = true) };
    },
  };
  return { watcher, streams, last: () => streams[streams.length - 1]! };
}

function setup(lists: KubeList<Obj>[], transform: (o: Obj) => Obj = (o) => o) {
  const decode = (r: RawObject): Obj => transform(r.whole<Obj>());
  const w = fakeWatcher();
  let listCalls = 0;
  const lw = new RestListWatch<Obj>(
    { name: "things", path: "/api/v1/things", labelSelector: "a=b" },
    () => {
      listCalls++;
      const next = lists.shift();
      return next ? Promise.resolve(next) : Promise.reject(new Error("no more lists"));
    },
    w.watcher,
    decode,
  );
  const seen: string[] = [];
  for (const verb of ["add", "update", "delete"] as const) {
    lw.on(verb, (o: Obj) => seen.push(`${verb} ${o.metadata.name}@${o.metadata.resourceVersion}`));
  }
  const errors: unknown[] = [];
  lw.on("error", (e) => errors.push(e));
  return { lw, ...w, seen, errors, listCalls: () => listCalls };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("RestListWatch", () => {
  it("lists, then watches from the list's resourceVersion with the label selector and bookmarks", async () => {
    const t = setup([{ metadata: { resourceVersion: "10" }, items: [obj("a", "5")] }]);
    await t.lw.start();
    expect(t.seen).toEqual(["add a@5"]);
    expect(t.last().query).toEqual({
      resourceVersion: "10",
      labelSelector: "a=b",
      allowWatchBookmarks: "true",
    });
  });

  it("caches watched objects through the transform and hands handlers the transformed object", async () => {
    const t = setup([{ metadata: { resourceVersion: "1" }, items: [] }], (o) => ({
      metadata: o.metadata,
    }));
    await t.lw.start();
    t.last().send({ type: "ADDED", object: { ...obj("a", "2"), extra: "big" } });
    t.last().send({ type: "MODIFIED", object: { ...obj("a", "3"), extra: "big" } });
    t.last().send({ type: "MODIFIED", object: obj("a", "3") });
    expect(t.lw.get("a", "ns")).toEqual(obj("a", "3"));
    expect(t.seen).toEqual(["add a@2", "update a@3"]);
    t.last().send({ type: "DELETED", object: obj("a", "4") });
    expect(t.lw.list()).toEqual([]);
    expect(t.seen).toEqual(["add a@2", "update a@3", "delete a@4"]);
  });

  it("resumes a watch the server ended from the last resourceVersion seen, bookmarks included, without listing", async () => {
    const t = setup([{ metadata: { resourceVersion: "1" }, items: [] }]);
    await t.lw.start();
    t.last().send({ type: "ADDED", object: obj("a", "2") });
    t.last().send({ type: "BOOKMARK", object: { metadata: { resourceVersion: "7" } } });
    t.last().end();
    await flush();
    expect(t.streams).toHaveLength(2);
    expect(t.last().query.resourceVersion).toBe("7");
    expect(t.listCalls()).toBe(1);
  });

  it("relists after a watch ERROR or a 410 answer: vanished objects are deleted, changed ones updated, unchanged ones quiet", async () => {
    const t = setup([
      { metadata: { resourceVersion: "1" }, items: [obj("a", "1"), obj("b", "1"), obj("c", "1")] },
      { metadata: { resourceVersion: "5" }, items: [obj("a", "1"), obj("b", "4")] },
      { metadata: { resourceVersion: "6" }, items: [obj("a", "1"), obj("b", "4")] },
    ]);
    await t.lw.start();
    t.seen.length = 0;
    t.last().send({ type: "ERROR", object: { code: 410 } });
    t.last().end();
    await flush();
    expect(t.seen).toEqual(["delete c@1", "update b@4"]);
    expect(t.last().query.resourceVersion).toBe("5");
    t.last().end(new KubeApiError(410, "Expired", "too old resource version"));
    await flush();
    expect(t.listCalls()).toBe(3);
    expect(t.last().query.resourceVersion).toBe("6");
    expect(t.errors).toEqual([]);
  });

  it("reports any other watch failure to the error handlers and stops (the supervisor restarts it)", async () => {
    const t = setup([{ metadata: { resourceVersion: "1" }, items: [] }]);
    await t.lw.start();
    const err = new KubeApiError(403, "Forbidden", "forbidden");
    t.last().end(err);
    await flush();
    expect(t.errors).toEqual([err]);
    expect(t.streams).toHaveLength(1);
  });

  it("reports a failed list to the error handlers without watching", async () => {
    const t = setup([]);
    await t.lw.start();
    expect(t.errors).toEqual([new Error("no more lists")]);
    expect(t.streams).toHaveLength(0);
  });

  it("aborts the watch on stop, and a restart after stop resumes from the last resourceVersion", async () => {
    const t = setup([{ metadata: { resourceVersion: "3" }, items: [obj("a", "3")] }]);
    await t.lw.start();
    await t.lw.stop();
    expect(t.last().aborted).toBe(true);
    await t.lw.start();
    expect(t.streams).toHaveLength(2);
    expect(t.last().query.resourceVersion).toBe("3");
    expect(t.listCalls()).toBe(1);
  });

  it("keeps objects of different namespaces apart", async () => {
    const t = setup([
      { metadata: { resourceVersion: "1" }, items: [obj("a", "1", "x"), obj("a", "2", "y")] },
    ]);
    await t.lw.start();
    expect(t.lw.get("a", "x")?.metadata.resourceVersion).toBe("1");
    expect(t.lw.get("a", "y")?.metadata.resourceVersion).toBe("2");
    expect(t.lw.list("y")).toHaveLength(1);
    expect(t.lw.list()).toHaveLength(2);
  });
});
