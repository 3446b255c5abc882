/**
 * The informer port: a self-restarting list-watch cache of one collection (implemented in
 * `src/kube/informer.ts`). Handlers, `get` and `list` see objects as the API server sent them,
 * after `transform`.
 */
/** A listed or watched object as it arrived, parsed on demand (see `kube/json-stream.ts`). */
export interface RawObject {
  /** Bytes of its JSON. */
  readonly size: number;
  /** The whole object. */
  whole<T>(): T;
  /** Only the named top-level fields, the rest left unparsed. */
  fields<T>(names: readonly string[]): T;
}

export interface InformerHandlers<T, C = T> {
  /**
   * Turns an object as it arrived into what is cached, parsing only what it keeps; takes the
   * place of `transform` (default: `transform` of the whole object).
   */
  decode?: (raw: RawObject) => C;
  /**
   * Applied to every listed or watched object before it is cached (client-go's informer
   * TransformFunc): drops what the controller never reads, so the cache holds less (`C` may be
   * a summary type). Returns a new object; the input is the freshly parsed response and is not
   * shared. The handlers, `get` and `list` see the transformed objects.
   */
  transform?: (obj: T) => C;
  add?: (obj: C) => void;
  update?: (obj: C) => void;
  delete?: (obj: C) => void;
}

export interface WatchSpec {
  /** For logs. */
  name: string;
  /** Collection path, e.g. `/api/v1/namespaces/ns/secrets`. */
  path: string;
  labelSelector?: string;
}

export interface CacheInformer<T> {
  /** Resolves once the first list has filled the cache. */
  start(): Promise<void>;
  readonly synced: boolean;
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): readonly T[];
  stop(): Promise<void>;
}

export type InformerFactory = <T, C = T>(
  spec: WatchSpec,
  handlers: InformerHandlers<T, C>,
) => CacheInformer<C>;
