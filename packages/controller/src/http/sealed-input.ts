import {
  API_VERSION,
  decodeDocuments,
  exceedsYamlTokens,
  isSignetError,
  SEALED_SECRET_KIND,
  SignetError,
} from "@signet/core";
import type { SealedSecret } from "@signet/core";

/**
 * Decodes the body of `/v1/verify` and `/v1/rotate`: exactly one SealedSecret, JSON or YAML,
 * read by core's decoder (the project's one YAML reader), with apiVersion and kind. Like the
 * reference's lenient type, non-string `encryptedData` values are dropped rather than failing.
 * Alias bombs are refused by the decoder as go-yaml refuses them (its alias budget); what that
 * budget lets through may still not be larger, with YAML aliases expanded, than
 * `maxExpandedBytes` (a long value repeated through a few aliases): the walk that checks it
 * stops at the limit, so the check itself is cheap. Throws ERR_INVALID_INPUT with a short,
 * value-free message.
 */
export function decodeSealedSecret(body: string, maxExpandedBytes: number): SealedSecret {
  const obj = singleDocument(body, maxExpandedBytes) as Partial<SealedSecret> | null;
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

/**
 * Most YAML tokens (scalars, indicators, line breaks...) a body may hold. Decoding costs memory
 * and time per token, not per byte: a 1 MiB body of `[a,a,...]` is 750,000 tokens, ~300 MiB and
 * seconds of the event loop. A SealedSecret with a thousand values is under 10,000 tokens; a
 * block scalar is one token however many lines it has.
 */
export const MAX_BODY_TOKENS = 50_000;

/** The body's one document, decoded by core and within the token and expansion limits. */
function singleDocument(body: string, maxExpandedBytes: number): unknown {
  if (exceedsYamlTokens(body, MAX_BODY_TOKENS)) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `request body has more than ${MAX_BODY_TOKENS} YAML tokens (values, keys, indicators)`,
    );
  }
  let docs: unknown[];
  try {
    docs = decodeDocuments(body, "request body");
  } catch (err) {
    if (!isSignetError(err)) throw err;
    // go-yaml's alias budget refuses most bombs before any expansion; its words quote nothing.
    const aliasing = err.message.endsWith("document contains excessive aliasing");
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `request body is not valid JSON or YAML${aliasing ? " (yaml: document contains excessive aliasing)" : ""}`,
    );
  }
  if (!fitsIn(docs, maxExpandedBytes)) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `request body expands to more than ${maxExpandedBytes} bytes (YAML aliases)`,
    );
  }
  if (docs.length !== 1) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      "exactly one SealedSecret expected (multi-document input is not supported)",
    );
  }
  return docs[0];
}

/**
 * True when `value`, written out as JSON with every shared (aliased) node repeated, stays within
 * `limit` bytes (an estimate: strings and keys count their length plus quotes). Visits at most
 * about `limit` nodes, however deep the aliasing.
 */
export function fitsIn(value: unknown, limit: number): boolean {
  let budget = limit;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    const children = typeof v === "object" && v !== null ? Object.entries(v) : [];
    budget -= nodeBytes(v) + children.reduce((n, [k]) => n + k.length + 4, 0);
    if (budget < 0) return false;
    for (const [, child] of children) pending.push(child);
  }
  return true;
}

/** JSON bytes of a node without its children (keys are counted by the parent). */
function nodeBytes(v: unknown): number {
  if (typeof v === "string") return v.length + 3;
  return typeof v === "object" && v !== null ? 2 : 8;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
