import {
  API_VERSION,
  decodeDocuments,
  isSignetError,
  SEALED_SECRET_KIND,
  SignetError,
} from "@signet/core";
import type { SealedSecret } from "@signet/core";

/**
 * Decodes the body of `/v1/verify` and `/v1/rotate`: exactly one SealedSecret, JSON or YAML,
 * with apiVersion and kind. Like the reference's lenient type, non-string `encryptedData` values
 * are dropped rather than failing. Throws ERR_INVALID_INPUT with a short, value-free message.
 */
export function decodeSealedSecret(body: string): SealedSecret {
  let docs: unknown[];
  try {
    docs = decodeDocuments(body, "request body");
  } catch (err) {
    if (isSignetError(err))
      throw new SignetError("ERR_INVALID_INPUT", "request body is not valid JSON or YAML");
    throw err;
  }
  if (docs.length !== 1) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      "exactly one SealedSecret expected (multi-document input is not supported)",
    );
  }
  const obj = docs[0] as Partial<SealedSecret> | null;
  if (!isObject(obj) || obj.apiVersion !== API_VERSION || obj.kind !== SEALED_SECRET_KIND) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `unexpected resource type: expected ${API_VERSION} ${SEALED_SECRET_KIND}`,
    );
  }
  if (!isObject(obj.metadata) || !isObject(obj.spec)) {
    throw new SignetError("ERR_INVALID_INPUT", "SealedSecret needs metadata and spec");
  }
  const encryptedData: Record<string, string> = {};
  for (const [k, v] of Object.entries(
    isObject(obj.spec.encryptedData) ? obj.spec.encryptedData : {},
  )) {
    if (typeof v === "string") encryptedData[k] = v;
  }
  return { ...obj, metadata: obj.metadata, spec: { ...obj.spec, encryptedData } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
