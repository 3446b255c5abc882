/**
 * The informer port: a self-restarting list-watch cache of one collection (implemented in
 * `src/kube/informer.ts`). Handlers, `get` and `list` see objects as the API server sent them,
 * after `transform`.
 */
export interface InformerHandlers<T> {
  /**
   * Applied to every listed or watched object before it is cached (client-go's informer
   * TransformFunc): drops what the controller never reads, so the cache holds less. Returns a
   * new object; the input is the freshly parsed response and is not shared.
   */
  transform?: (obj: T) => T;
  add?: (obj: T) => void;
  update?: (obj: T) => void;
  delete?: (obj: T) => void;
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

export type InformerFactory = <T>(
  spec: WatchSpec,
  handlers: InformerHandlers<T>,
) => CacheInformer<T>;
