import type * as ControllerApiModule from "./controller-api.js";
import type { ConnectIo, KubeClient } from "./kube-client.js";
import type { ClusterFlags } from "../options.js";

/** The controller API client's functions (`fetchCertificate`, `rotateSealedSecret`, ...). */
export type ControllerApi = typeof ControllerApiModule;

/** A connection to the cluster: the API server client and the controller API over it. */
export interface ClusterAccess {
  client: KubeClient;
  api: ControllerApi;
}

/**
 * The one way into the cluster: connects with kubeconfig and the kubectl-style flags. The
 * adapter modules, and with them @kubernetes/client-node, are loaded here on first use only, so
 * offline commands never pay for them (startup.test.ts).
 */
export async function connectCluster(flags: ClusterFlags, io: ConnectIo): Promise<ClusterAccess> {
  const [api, kube] = await Promise.all([controllerApi(), import("./kube-client.js")]);
  return { api, client: await kube.connect(flags, io) };
}

/** The controller API client's module alone (its error texts), loaded on first use. */
export function controllerApi(): Promise<ControllerApi> {
  return import("./controller-api.js");
}
