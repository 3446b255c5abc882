import {
  API_VERSION,
  decodeSealedSecrets,
  encodeJson,
  encodeObject,
  orderSealedSecret,
  SEALED_SECRET_KIND,
  SignetError,
} from "@signet/core";
import type { OutputFormat, SealedSecret } from "@signet/core";

import type * as controllerApi from "../cluster/controller-api.js";
import type { KubeClient } from "../cluster/kube-client.js";
import type { Input } from "../input.js";
import type { CliOptions } from "../options.js";

/** Loads the cluster adapter on demand: only these paths import @kubernetes/client-node. */
async function controller(
  options: CliOptions,
): Promise<{ api: ControllerApi; client: KubeClient }> {
  const [api, kube] = await Promise.all([
    import("../cluster/controller-api.js"),
    import("../cluster/kube-client.js"),
  ]);
  return { api, client: await kube.connect(options.cluster) };
}

type ControllerApi = typeof controllerApi;

/** The certificate of the controller's latest key, through the API server's service proxy. */
export async function fetchClusterCertificate(options: CliOptions): Promise<Buffer> {
  const { api, client } = await controller(options);
  return api.fetchCertificate(client, options.cluster);
}

/** The SealedSecrets of the input as kubeseal's `readSealedSecrets` decodes them. */
function sealedSecretDocs(input: Input): SealedSecret[] {
  return decodeSealedSecrets(input.bytes, input.source);
}

/**
 * `--validate` (kubeseal's `ValidateSealedSecret`, pkg/kubeseal/kubeseal.go): every SealedSecret of
 * the input must decrypt in the cluster.
 */
export async function runValidate(options: CliOptions, input: Input): Promise<void> {
  let docs: SealedSecret[];
  try {
    docs = sealedSecretDocs(input);
  } catch (cause) {
    // kubeseal reports a stream it cannot decode as a decryption failure.
    throw new SignetError("ERR_INVALID_INPUT", "unable to decrypt sealed secret", { cause });
  }
  const { api, client } = await controller(options);
  const base = await api.controllerProxyPath(client, options.cluster);
  for (const doc of docs) {
    if (!(await api.verifySealedSecret(client, base, encodeJson(doc)))) {
      const name = doc.metadata.name ?? "";
      throw new SignetError("ERR_DECRYPT", `unable to decrypt sealed secret: ${name}`);
    }
  }
}

/**
 * `--re-encrypt` (kubeseal's `ReEncryptSealedSecret`, pkg/kubeseal/kubeseal.go): the controller
 * re-seals each SealedSecret with its latest key; the plaintext never leaves the cluster.
 * Server-side fields are cleared and apiVersion/kind restored.
 */
export async function runReEncrypt(
  options: CliOptions,
  input: Input,
  format: OutputFormat,
): Promise<string> {
  const docs = sealedSecretDocs(input);
  const { api, client } = await controller(options);
  const base = await api.controllerProxyPath(client, options.cluster);
  const out: string[] = [];
  for (const doc of docs) {
    const rotated = (await api.rotateSealedSecret(client, base, encodeJson(doc))) as
      SealedSecret | undefined;
    if (!rotated) throw new SignetError("ERR_DECRYPT", "unable to rotate secret");
    const metadata = { ...rotated.metadata };
    delete metadata.creationTimestamp;
    delete metadata.deletionTimestamp;
    delete metadata.generation;
    const restored = { ...rotated, kind: SEALED_SECRET_KIND, apiVersion: API_VERSION, metadata };
    delete restored.status;
    out.push(encodeObject(orderSealedSecret(restored), format));
  }
  return out.join("");
}
