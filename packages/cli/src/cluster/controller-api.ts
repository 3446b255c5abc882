import { SignetError } from "@signet/core";

import type { ClusterFlags } from "../options.js";
import type { KubeClient, KubeResponse } from "./kube-client.js";

/**
 * The controller, or the API server's service proxy in front of it, did not answer as expected:
 * `status` is the HTTP status it answered (429: a rate limit, the controller's or the API
 * server's own). Callers branch on it; the message is kubeseal's text.
 */
export class ControllerApiError extends SignetError {
  readonly status: number;

  constructor(status: number, message: string) {
    super("ERR_CERT_FETCH", message);
    this.name = "ControllerApiError";
    this.status = status;
  }
}

/** True for a refusal by a rate limit (HTTP 429 Too Many Requests): worth waiting and retrying. */
export function isRateLimited(err: unknown): boolean {
  return err instanceof ControllerApiError && err.status === 429;
}

interface ServiceObject {
  metadata?: { name?: string; namespace?: string };
  spec?: { ports?: { name?: string; port?: number }[] };
}

/** The message of a Kubernetes Status body, else the HTTP status line. */
export function statusMessage(response: KubeResponse): string {
  try {
    const parsed = JSON.parse(response.body.toString("utf8")) as {
      kind?: string;
      message?: string;
    };
    if (parsed.kind === "Status" && parsed.message) return parsed.message;
  } catch {
    // Not JSON: fall through to the status line.
  }
  const text = response.body.toString("utf8").trim();
  return text !== "" && text.length < 300
    ? text
    : `the server responded with status ${response.status}`;
}

const CANDIDATE_SELECTORS = [
  "app.kubernetes.io/name in (sealed-secrets,signet)",
  "name=sealed-secrets-controller",
];

/**
 * Controller Services the user could have meant, found by the labels the reference's Helm chart,
 * its jsonnet manifests and Signet's manifests put on them. Empty when listing is not allowed.
 */
async function candidateServices(client: KubeClient): Promise<string[]> {
  const found = new Set<string>();
  for (const selector of CANDIDATE_SELECTORS) {
    const response = await client
      .request("GET", `/api/v1/services?labelSelector=${encodeURIComponent(selector)}`)
      .catch(() => undefined);
    if (response?.status !== 200) continue;
    const list = JSON.parse(response.body.toString("utf8")) as { items?: ServiceObject[] };
    for (const svc of list.items ?? []) {
      const port = svc.spec?.ports?.[0]?.name ?? "";
      found.add(`${svc.metadata?.namespace}/${svc.metadata?.name} (first port "${port}")`);
    }
  }
  return [...found].sort();
}

/**
 * The service-proxy base path of the controller (kubeseal's `openCertCluster`,
 * pkg/kubeseal/kubeseal.go): `.../services/http:NAME:PORT/proxy` where PORT is the name of the
 * Service's first port. A missing Service fails in kubeseal's words, plus the controller Services
 * that do exist (the most common failure in the reference's issues).
 */
export async function controllerProxyPath(
  client: KubeClient,
  flags: ClusterFlags,
): Promise<string> {
  const ns = flags.controllerNamespace;
  const name = flags.controllerName;
  const response = await client.request("GET", `/api/v1/namespaces/${ns}/services/${name}`);
  if (response.status !== 200) {
    const candidates = response.status === 404 ? await candidateServices(client) : [];
    const hint =
      candidates.length > 0
        ? `\nController Services found in the cluster: ${candidates.join(", ")}`
        : "";
    throw new ControllerApiError(
      response.status,
      `cannot get sealed secret service: ${statusMessage(response)}.\nPlease, use the flag --controller-name and --controller-namespace to set up the name and namespace of the sealed secrets controller${hint}`,
    );
  }
  const svc = JSON.parse(response.body.toString("utf8")) as ServiceObject;
  const port = svc.spec?.ports?.[0]?.name ?? "";
  return `/api/v1/namespaces/${ns}/services/http:${name}:${port}/proxy`;
}

/** GET `/v1/cert.pem` through the service proxy. */
export async function fetchCertificate(client: KubeClient, flags: ClusterFlags): Promise<Buffer> {
  const base = await controllerProxyPath(client, flags);
  const response = await client.request("GET", `${base}/v1/cert.pem`);
  if (response.status !== 200) {
    throw new ControllerApiError(
      response.status,
      `cannot fetch certificate: ${statusMessage(response)}`,
    );
  }
  return response.body;
}

/** POST one SealedSecret to `/v1/verify`; true when it decrypts (200), false on 409. */
export async function verifySealedSecret(
  client: KubeClient,
  base: string,
  json: string,
): Promise<boolean> {
  const response = await client.request("POST", `${base}/v1/verify`, json);
  if (response.status === 200) return true;
  if (response.status === 409) return false;
  throw new ControllerApiError(
    response.status,
    `cannot validate sealed secret: ${statusMessage(response)}`,
  );
}

/** POST one SealedSecret to `/v1/rotate`; returns the re-encrypted object, or undefined on 409. */
export async function rotateSealedSecret(
  client: KubeClient,
  base: string,
  json: string,
): Promise<unknown> {
  const response = await client.request("POST", `${base}/v1/rotate`, json);
  if (response.status === 409) return undefined;
  if (response.status !== 200) {
    throw new ControllerApiError(
      response.status,
      `cannot re-encrypt secret: ${statusMessage(response)}`,
    );
  }
  return JSON.parse(response.body.toString("utf8")) as unknown;
}
