import { API_VERSION, SEALED_SECRET_KIND } from "@signet/core";
import type { SealedSecret, SealedSecretStatus, Secret } from "@signet/core";

import type { EventWriter, ObjectEvent } from "../ports/events.js";
import type { Logger } from "../ports/logger.js";
import type { ApiErrorInfo, SecretStore, StatusWriter, WriteFence } from "../ports/writes.js";
import { isConflict, isNotFound, KubeApiError } from "./rest.js";
import type { KubeRest } from "./rest.js";

/** Adapters of the controller's ports onto the Kubernetes REST API. */

const secretPath = (namespace: string, name?: string): string =>
  `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets${name === undefined ? "" : `/${encodeURIComponent(name)}`}`;

/** Error classification for API errors thrown by `KubeRest`. */
export const kubeApiErrors: ApiErrorInfo = {
  isConflict,
  isNotFound,
  describe(err) {
    if (err instanceof KubeApiError) {
      return { status: err.status, message: err.message, reason: err.reason, causes: err.causes };
    }
    return { status: undefined, message: err instanceof Error ? err.message : String(err) };
  },
};

/** Something that can answer "is this Secret in your cache", e.g. the Secret informer. */
export interface SecretCache {
  get(name: string, namespace?: string): Secret | undefined;
}

/**
 * Target Secrets. `get` answers from the Secret informer's cache when one covers every Secret
 * the controller may write (no `--label-selector`, no `--skip-recreate`), else from the API; a
 * stale cache only costs a 409 that the reconcile loop resolves with `getFresh`.
 */
export function kubeSecretStore(rest: KubeRest, cache: SecretCache | undefined): SecretStore {
  const getFresh = async (namespace: string, name: string): Promise<Secret | undefined> => {
    try {
      return await rest.request<Secret>(secretPath(namespace, name));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  return {
    get: (namespace, name) =>
      cache ? Promise.resolve(cache.get(name, namespace)) : getFresh(namespace, name),
    getFresh,
    create: (secret) =>
      rest.request<Secret>(secretPath(secret.metadata?.namespace ?? ""), {
        method: "POST",
        body: { apiVersion: "v1", kind: "Secret", ...secret },
      }),
    update: (secret) =>
      rest.request<Secret>(
        secretPath(secret.metadata?.namespace ?? "", secret.metadata?.name ?? ""),
        { method: "PUT", body: { apiVersion: "v1", kind: "Secret", ...secret } },
      ),
    async delete(namespace, name, preconditions) {
      try {
        await rest.request(secretPath(namespace, name), {
          method: "DELETE",
          ...(preconditions && {
            body: { apiVersion: "v1", kind: "DeleteOptions", preconditions },
          }),
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
}

/** Creates a key Secret (generateName) in the controller namespace; returns it as stored. */
export function kubeKeySecretCreator(rest: KubeRest): (secret: Secret) => Promise<Secret> {
  return (secret) =>
    rest.request<Secret>(secretPath(secret.metadata?.namespace ?? ""), {
      method: "POST",
      body: secret,
    });
}

const sealedSecretPath = (namespace: string, name: string): string =>
  `/apis/${API_VERSION}/namespaces/${encodeURIComponent(namespace)}/sealedsecrets/${encodeURIComponent(name)}`;

/**
 * Status subresource writes as a JSON merge patch of `{status}` (`conditions` is replaced as a
 * whole). With a resourceVersion the patch carries it in `metadata`, which the API server checks
 * like an update's (409 when the object changed since), so a status computed from a stale read
 * (a deposed leader's, a lagging cache's) never overwrites a newer one. A SealedSecret deleted
 * meanwhile is not an error (resolves undefined).
 */
export function kubeStatusWriter(rest: KubeRest): StatusWriter {
  return {
    async write(ss: SealedSecret, status: SealedSecretStatus, resourceVersion?: string) {
      const { namespace = "", name = "" } = ss.metadata;
      try {
        const written = await rest.request<SealedSecret | undefined>(
          `${sealedSecretPath(namespace, name)}/status`,
          {
            method: "PATCH",
            contentType: "application/merge-patch+json",
            body: { ...(resourceVersion && { metadata: { resourceVersion } }), status },
          },
        );
        return written?.metadata?.resourceVersion;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        return undefined;
      }
    },
  };
}

/**
 * Reads a SealedSecret from the API server, never a cache (a conflict retry must decide from
 * what the server has now); undefined when it does not exist.
 */
export function kubeSealedSecretReader(
  rest: KubeRest,
): (namespace: string, name: string) => Promise<SealedSecret | undefined> {
  return async (namespace, name) => {
    try {
      return await rest.request<SealedSecret>(sealedSecretPath(namespace, name));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
}

/** Source component of every event, as the reference's recorder (`NewController`). */
export const EVENT_SOURCE_COMPONENT = "sealed-secrets";

interface WrittenEvent {
  name: string;
  count: number;
  firstTimestamp: string;
}

export interface EventWriterOptions {
  host: string;
  /**
   * Leader-election fencing: each event waits until the fence is ready, and is dropped (not
   * written, logged at debug) once this replica will never write again.
   */
  fence?: Pick<WriteFence, "ready" | "isFenced">;
  /** Identical events within this window update one Event's count (client-go aggregation). */
  aggregateWindowMs?: number;
  maxTracked?: number;
}

/**
 * core/v1 Events against SealedSecrets, written one at a time by the `EventSender`. Like
 * client-go's recorder, a repeat of the same event (object, type, reason, message) bumps `count`
 * and `lastTimestamp` of the Event already written instead of creating a new one, so a failing
 * object retried forever does not flood the namespace. Timestamps are the event's own (when it
 * was recorded), not the time of the write. Failures are logged and swallowed: an event is never
 * worth a failed reconcile.
 */
export function kubeEventWriter(
  rest: KubeRest,
  log: Logger,
  options: EventWriterOptions,
): EventWriter {
  const window = options.aggregateWindowMs ?? 10 * 60_000;
  const maxTracked = options.maxTracked ?? 4096;
  const recent = new Map<string, WrittenEvent>();
  const remember = (key: string, ev: WrittenEvent): void => {
    recent.delete(key);
    recent.set(key, ev);
    if (recent.size > maxTracked) recent.delete(recent.keys().next().value ?? "");
  };

  const bump = async (namespace: string, prev: WrittenEvent, at: string): Promise<boolean> => {
    try {
      await rest.request(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/events/${encodeURIComponent(prev.name)}`,
        {
          method: "PATCH",
          contentType: "application/merge-patch+json",
          body: { count: prev.count + 1, lastTimestamp: at },
        },
      );
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  };

  return {
    async write(event: ObjectEvent) {
      const { object, type, reason, message } = event;
      const { namespace, uid = "" } = object;
      if (!(await fenceReady(options.fence))) {
        log.debug({ namespace, name: object.name, reason }, "event dropped: not the leader");
        return;
      }
      const key = JSON.stringify([uid, type, reason, message]);
      const at = event.at.toISOString();
      try {
        const prev = recent.get(key);
        if (prev && Date.parse(at) - Date.parse(prev.firstTimestamp) < window) {
          if (await bump(namespace, prev, at)) {
            remember(key, { ...prev, count: prev.count + 1 });
            return;
          }
        }
        const created = await rest.request<{ metadata: { name: string } }>(
          `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`,
          { method: "POST", body: eventBody(event, options.host) },
        );
        remember(key, { name: created.metadata.name, count: 1, firstTimestamp: at });
      } catch (err) {
        log.warn(
          { namespace, name: object.name, reason, err: kubeApiErrors.describe(err).message },
          "could not record event",
        );
      }
    },
  };
}

/** True once the fence lets writes through; false when it never will again. */
async function fenceReady(fence: EventWriterOptions["fence"]): Promise<boolean> {
  if (!fence) return true;
  try {
    await fence.ready();
    return true;
  } catch (err) {
    if (fence.isFenced(err)) return false;
    throw err;
  }
}

function eventBody(e: ObjectEvent, host: string): object {
  const { namespace, name, uid, resourceVersion } = e.object;
  const at = e.at.toISOString();
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { generateName: `${name}.`, namespace },
    involvedObject: {
      apiVersion: API_VERSION,
      kind: SEALED_SECRET_KIND,
      name,
      namespace,
      uid,
      resourceVersion,
    },
    type: e.type,
    reason: e.reason,
    message: e.message,
    source: { component: EVENT_SOURCE_COMPONENT, host },
    reportingComponent: EVENT_SOURCE_COMPONENT,
    reportingInstance: host,
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
  };
}
