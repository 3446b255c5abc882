import { describe, expect, it } from "vitest";

import type { ClusterFlags } from "../options.js";
import {
  ControllerApiError,
  controllerProxyPath,
  fetchCertificate,
  isRateLimited,
  rotateSealedSecret,
  verifySealedSecret,
} from "./controller-api.js";
import type { KubeClient, KubeResponse } from "./kube-client.js";

// The controller API client's errors carry the HTTP status they answered, so callers branch on
// it; their messages are kubeseal's.

const FLAGS = {
  controllerName: "sealed-secrets-controller",
  controllerNamespace: "kube-system",
} as ClusterFlags;
const SERVICE = JSON.stringify({ spec: { ports: [{ name: "http", port: 8080 }] } });
const BASE = "/api/v1/namespaces/kube-system/services/http:sealed-secrets-controller:http/proxy";

/** A client answering by path; anything else is a 404 `Status`. */
function client(answers: Record<string, KubeResponse>): KubeClient {
  return {
    request: (_method, path) =>
      Promise.resolve(
        answers[path] ?? {
          status: 404,
          body: Buffer.from(JSON.stringify({ kind: "Status", message: "not found" })),
        },
      ),
  };
}

const text = (status: number, body: string): KubeResponse => ({ status, body: Buffer.from(body) });
const withService = (answers: Record<string, KubeResponse>): KubeClient =>
  client({
    "/api/v1/namespaces/kube-system/services/sealed-secrets-controller": text(200, SERVICE),
    ...answers,
  });

/** What `call` threw. */
async function thrown(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  throw new Error("did not throw");
}

describe("controller API errors", () => {
  it.each<[string, () => Promise<unknown>, number, string]>([
    [
      "the Service lookup",
      () => controllerProxyPath(client({}), FLAGS),
      404,
      "cannot get sealed secret service: not found.\nPlease, use the flag --controller-name and --controller-namespace to set up the name and namespace of the sealed secrets controller",
    ],
    [
      "the certificate",
      () =>
        fetchCertificate(withService({ [`${BASE}/v1/cert.pem`]: text(503, "unavailable") }), FLAGS),
      503,
      "cannot fetch certificate: unavailable",
    ],
    [
      "a verify refused by the rate limit",
      () =>
        verifySealedSecret(
          withService({ [`${BASE}/v1/verify`]: text(429, "limit exceeded\n") }),
          BASE,
          "{}",
        ),
      429,
      "cannot validate sealed secret: limit exceeded",
    ],
    [
      "a rotate refused by the rate limit",
      () =>
        rotateSealedSecret(
          withService({ [`${BASE}/v1/rotate`]: text(429, "limit exceeded\n") }),
          BASE,
          "{}",
        ),
      429,
      "cannot re-encrypt secret: limit exceeded",
    ],
    [
      "a rotate that failed",
      () =>
        rotateSealedSecret(withService({ [`${BASE}/v1/rotate`]: text(500, "boom") }), BASE, "{}"),
      500,
      "cannot re-encrypt secret: boom",
    ],
  ])("carry the HTTP status of %s, with kubeseal's message", async (_, call, status, message) => {
    const err = await thrown(call);
    expect(err).toBeInstanceOf(ControllerApiError);
    expect(err).toMatchObject({ status, message, code: "ERR_CERT_FETCH" });
    expect(isRateLimited(err)).toBe(status === 429);
  });

  it.each<[string, unknown]>([
    ["a 429 without a status it carries (only the words)", new Error("Too Many Requests")],
    ["a refusal whose text says limit exceeded", new ControllerApiError(503, "limit exceeded")],
    ["a thrown string", "429"],
  ])("does not take %s for a rate limit", (_, err) => {
    expect(isRateLimited(err)).toBe(false);
  });

  it("reads a 409 as 'does not decrypt', not as an error", async () => {
    const conflict = { [`${BASE}/v1/verify`]: text(409, ""), [`${BASE}/v1/rotate`]: text(409, "") };
    expect(await verifySealedSecret(withService(conflict), BASE, "{}")).toBe(false);
    expect(await rotateSealedSecret(withService(conflict), BASE, "{}")).toBeUndefined();
  });
});
