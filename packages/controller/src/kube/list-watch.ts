import type { RawObject, WatchSpec } from "../ports/informers.js";
import { KubeApiError } from "./rest.js";
import type { KubeWatch, WatchEvent } from "./rest.js";

/**
 * A list-then-watch cache of one collection, with client-node's `ListWatch` semantics (which it
 * replaces: that package's import alone costs the controller ~60 MiB, see kubeconfig.ts):
 * - `start` lists (when no resourceVersion is known), reconciles the cache with the list (adds
 *   new objects, updates changed ones, deletes vanished ones), then watches from the list's
 *   resourceVersion; a watch the server ends normally is resumed from the last one seen;
 * - an `ERROR` event or a 410 Gone answer forgets the resourceVersion, so the next round lists;
 * - any other failure is reported to the `error` callbacks and the cycle stops (the supervisor
 *   in informer.ts restarts it); `stop` ends the watch without reporting anything.
 * List items arrive already decoded (the list function pages and decodes them); watch objects
 * are passed through `decode` (which parses what the cache keeps) before they are cached and
 * handed to callbacks.
 */

export interface KubeObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

export interface KubeList<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}

export type ListFn<T> = () => Promise<KubeList<T>>;

/** The part of a list-watch the supervisor drives (a seam for tests). */
export interface ListWatchLike<T> {
  start(): Promise<void>;
  stop(): Promise<void>;
  on(verb: "add" | "update" | "delete", cb: (obj: T) => void): void;
  on(verb: "error" | "connect", cb: (err?: unknown) => void): void;
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): readonly T[];
}

type Verb = "add" | "update" | "delete" | "error" | "connect";

const isGone = (err: unknown): boolean => err instanceof KubeApiError && err.status === 410;

export class RestListWatch<T extends KubeObject> implements ListWatchLike<T> {
  readonly #spec: WatchSpec;
  readonly #list: ListFn<T>;
  readonly #watcher: KubeWatch;
  readonly #decode: (raw: RawObject) => T;
  /** namespace → name → object. */
  readonly #objects = new Map<string, Map<string, T>>();
  readonly #callbacks: Record<Verb, ((arg: never) => void)[]> = {
    add: [],
    update: [],
    delete: [],
    error: [],
    connect: [],
  };
  #resourceVersion = "";
  #stopped = false;
  #watch: { abort(): void } | undefined;

  constructor(spec: WatchSpec, list: ListFn<T>, watcher: KubeWatch, decode: (raw: RawObject) => T) {
    this.#spec = spec;
    this.#list = list;
    this.#watcher = watcher;
    this.#decode = decode;
  }

  on(verb: Verb, cb: (arg: never) => void): void {
    this.#callbacks[verb].push(cb);
  }

  /** Resolves once the list (if one was needed) is cached and the watch is requested. */
  start(): Promise<void> {
    this.#stopped = false;
    return this.#round();
  }

  stop(): Promise<void> {
    this.#stopped = true;
    this.#watch?.abort();
    this.#watch = undefined;
    return Promise.resolve();
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#objects.get(namespace ?? "")?.get(name);
  }

  list(namespace?: string): readonly T[] {
    if (namespace) return [...(this.#objects.get(namespace)?.values() ?? [])];
    return [...this.#objects.values()].flatMap((byName) => [...byName.values()]);
  }

  async #round(): Promise<void> {
    this.#watch?.abort();
    this.#watch = undefined;
    if (this.#stopped) return;
    this.#emit("connect", undefined);
    if (this.#resourceVersion === "") {
      let list: KubeList<T>;
      try {
        list = await this.#list();
      } catch (err) {
        this.#emit("error", err);
        return;
      }
      if (this.#stopped) return;
      this.#replace(list.items);
      this.#resourceVersion = list.metadata?.resourceVersion ?? "";
    }
    this.#watch = this.#watcher.watch(
      this.#spec.path,
      {
        resourceVersion: this.#resourceVersion,
        labelSelector: this.#spec.labelSelector || undefined,
        allowWatchBookmarks: "true",
      },
      (event) => this.#onEvent(event),
      (err) => this.#onDone(err),
    );
  }

  #onDone(err: Error | undefined): void {
    this.#watch = undefined;
    if (isGone(err)) this.#resourceVersion = "";
    else if (err) {
      this.#emit("error", err);
      return;
    }
    void this.#round();
  }

  #onEvent(event: WatchEvent): void {
    let version: string | undefined;
    switch (event.type) {
      case "ADDED":
      case "MODIFIED": {
        const obj = this.#decode(event.object);
        this.#upsert(obj);
        version = obj.metadata?.resourceVersion;
        break;
      }
      case "DELETED": {
        const obj = this.#decode(event.object);
        this.#delete(obj);
        version = obj.metadata?.resourceVersion;
        break;
      }
      case "ERROR":
        // A Status (410 Gone: the resourceVersion is too old); the server ends the stream next.
        this.#resourceVersion = "";
        return;
      case "BOOKMARK":
        version = event.object.fields<KubeObject>(["metadata"]).metadata?.resourceVersion;
        break;
    }
    this.#resourceVersion = version ?? "";
  }

  /** The cache becomes `items`: vanished objects are deleted, the rest added or updated. */
  #replace(items: readonly T[]): void {
    const listed = new Set(items.map((o) => keyOf(o)));
    for (const byName of [...this.#objects.values()]) {
      for (const obj of [...byName.values()]) {
        if (!listed.has(keyOf(obj))) this.#delete(obj);
      }
    }
    for (const obj of items) this.#upsert(obj);
  }

  #upsert(obj: T): void {
    const namespace = obj.metadata?.namespace ?? "";
    let byName = this.#objects.get(namespace);
    if (!byName) {
      byName = new Map();
      this.#objects.set(namespace, byName);
    }
    const name = obj.metadata?.name ?? "";
    const found = byName.get(name);
    if (found && sameVersion(found, obj)) return;
    byName.set(name, obj);
    this.#emit(found ? "update" : "add", obj);
  }

  #delete(obj: T): void {
    const namespace = obj.metadata?.namespace ?? "";
    const byName = this.#objects.get(namespace);
    if (!byName?.delete(obj.metadata?.name ?? "")) return;
    if (byName.size === 0) this.#objects.delete(namespace);
    this.#emit("delete", obj);
  }

  #emit(verb: Verb, arg: unknown): void {
    for (const cb of this.#callbacks[verb]) cb(arg as never);
  }
}

const keyOf = (o: KubeObject): string => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

const sameVersion = (a: KubeObject, b: KubeObject): boolean =>
  a.metadata?.resourceVersion !== undefined &&
  a.metadata.resourceVersion === b.metadata?.resourceVersion;
