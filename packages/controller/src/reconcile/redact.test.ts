import { describe, expect, it } from "vitest";

import { sealed, sealedV1, sealingKey } from "../test-support/sealed.js";
import { apiWriteFailure, writeTarget } from "./failure.js";
import { apiErrorMessage, WITHHELD_API_DETAILS } from "./redact.js";
import type { ApiErrorDescription, WriteTarget } from "./redact.js";

const TARGET: WriteTarget = { namespace: "shop", name: "db", visibleKeys: [".dockerconfigjson"] };
const SECRET_BYTES = "Zebra-hunter2";

const invalid = (message: string, causes: ApiErrorDescription["causes"]): ApiErrorDescription => ({
  status: 422,
  reason: "Invalid",
  message,
  causes,
});

describe("API errors about a Secret write", () => {
  it.each<[string, ApiErrorDescription, string]>([
    [
      "a JSON error on a dockerconfigjson item keeps the field and the kind, not Go's complaint",
      invalid(
        `Secret "db" is invalid: data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character 'Z' looking for beginning of value`,
        [{ field: "data[.dockerconfigjson]", reason: "FieldValueInvalid" }],
      ),
      `Secret "db" is invalid: data[.dockerconfigjson]: Invalid value (${WITHHELD_API_DETAILS})`,
    ],
    [
      "a type complaint (it tells a string from a number) is withheld too",
      invalid(
        `Secret "db" is invalid: data[.dockercfg]: Invalid value: "<secret contents redacted>": json: cannot unmarshal string into Go value of type map[string]interface {}`,
        [{ field: "data[.dockercfg]", reason: "FieldValueInvalid" }],
      ),
      `Secret "db" is invalid: data[.dockercfg]: Invalid value (${WITHHELD_API_DETAILS})`,
    ],
    [
      "an item name that only a sealed v1 Secret holds is hidden",
      invalid(`Secret "db" is invalid: data[bad key!]: Invalid value: "bad key!": ...`, [
        { field: "data[bad key!]", reason: "FieldValueInvalid" },
        { field: "metadata.labels", reason: "FieldValueInvalid" },
      ]),
      `Secret "db" is invalid: data[…]: Invalid value, metadata.labels: Invalid value (${WITHHELD_API_DETAILS})`,
    ],
    [
      "a missing required item and the size limit",
      invalid(`...`, [
        { field: "data[tls.key]", reason: "FieldValueRequired" },
        { field: "data", reason: "FieldValueTooLong" },
      ]),
      `Secret "db" is invalid: data[tls.key]: Required value, data: Too long (${WITHHELD_API_DETAILS})`,
    ],
    [
      "an admission policy's message (which may quote the data) is withheld, its name kept",
      invalid(
        `secrets "db" is forbidden: ValidatingAdmissionPolicy 'no-weak' with binding 'b1' denied request: refused: ${SECRET_BYTES}`,
        [{ field: "", reason: "" }],
      ),
      `ValidatingAdmissionPolicy "no-weak" (binding "b1") denied the write of Secret "db" (the policy's message is withheld: it may quote the Secret's data)`,
    ],
    [
      "a webhook's denial",
      {
        status: 400,
        message: `admission webhook "check.example.com" denied the request: ${SECRET_BYTES}`,
      },
      `admission webhook "check.example.com" denied the write of Secret "db" (the webhook's message is withheld: it may quote the Secret's data)`,
    ],
    [
      "a webhook that cannot be called",
      {
        status: 500,
        reason: "InternalError",
        message: `Internal error occurred: failed calling webhook "check.example.com": failed to call webhook: Post "https://x": dial tcp: i/o timeout`,
      },
      `admission webhook "check.example.com" could not be called for Secret "db" (details withheld)`,
    ],
    [
      "an unknown refusal keeps only its status and reason",
      { status: 400, reason: "BadRequest", message: `something about ${SECRET_BYTES}` },
      `the API server refused the write of Secret "db": HTTP 400 BadRequest (${WITHHELD_API_DETAILS})`,
    ],
    [
      "an unknown refusal without a reason",
      { status: 502, message: SECRET_BYTES },
      `the API server refused the write of Secret "db": HTTP 502 (${WITHHELD_API_DETAILS})`,
    ],
    [
      "an RBAC refusal is kept (names only), without an authorizer's trailing reason",
      {
        status: 403,
        reason: "Forbidden",
        message: `secrets "db" is forbidden: User "system:serviceaccount:kube-system:sealed-secrets-controller" cannot update resource "secrets" in API group "" in the namespace "shop": RBAC: role not found`,
      },
      `secrets "db" is forbidden: User "system:serviceaccount:kube-system:sealed-secrets-controller" cannot update resource "secrets" in API group "" in the namespace "shop"`,
    ],
    [
      "an RBAC-looking refusal for another object is not trusted",
      {
        status: 403,
        reason: "Forbidden",
        message: `secrets "other" is forbidden: User "u" cannot update resource "secrets" in API group "" in the namespace "shop"`,
      },
      `the API server refused the write of Secret "db": HTTP 403 Forbidden (${WITHHELD_API_DETAILS})`,
    ],
    ...(
      [
        'secrets "db" already exists',
        'namespaces "shop" not found',
        'Operation cannot be fulfilled on secrets "db": the object has been modified; please apply your changes to the latest version and try again',
        "unable to create new content in namespace shop because it is being terminated",
        "Request entity too large: limit is 3145728",
      ] as const
    ).map((m): [string, ApiErrorDescription, string] => [
      `a message made of names only (${m.slice(0, 24)}…) is kept`,
      { status: 409, message: m },
      m,
    ]),
    [
      "a timeout of our own client is kept",
      { status: undefined, message: "PUT /api/v1/namespaces/shop/secrets/db: timed out" },
      "PUT /api/v1/namespaces/shop/secrets/db: timed out",
    ],
    [
      "a connection error is kept",
      { status: undefined, message: "connect ECONNREFUSED 127.0.0.1:6443" },
      "connect ECONNREFUSED 127.0.0.1:6443",
    ],
    [
      "any other error without an answer is withheld (a JSON parser may quote what it read)",
      { status: undefined, message: `Unexpected token 'Z', "${SECRET_BYTES}" is not valid JSON` },
      "the API server could not be reached (details withheld)",
    ],
  ])("%s", (_, err, expected) => {
    const text = apiErrorMessage(TARGET, err);
    expect(text).toBe(expected);
    expect(text).not.toContain(SECRET_BYTES);
  });
});

describe("failures of Secret writes", () => {
  it("shows only the item names the SealedSecret shows itself", async () => {
    const key = await sealingKey();
    const ss = sealed(key, { name: "db", namespace: "shop", data: { a: "1" } });
    ss.spec.template = { ...ss.spec.template, data: { b: "{{ .a }}" } };
    expect(writeTarget(ss)).toEqual({ namespace: "shop", name: "db", visibleKeys: ["a", "b"] });
    const v1 = sealedV1(key, { metadata: { name: "db", namespace: "shop" }, data: {} });
    expect(writeTarget(v1).visibleKeys).toEqual([]);
  });

  it("keeps the reference's explanation for an immutable Secret, retried only on change", async () => {
    const key = await sealingKey();
    const ss = sealed(key, { name: "db", namespace: "shop", data: { a: "1" } });
    const f = apiWriteFailure(ss, {
      status: 422,
      reason: "Invalid",
      message:
        'Secret "db" is invalid: data: Forbidden: field is immutable when `immutable` is set',
      causes: [{ field: "data", reason: "FieldValueForbidden" }],
    });
    expect(f).toMatchObject({ reason: "ImmutableConflict", retry: "on-change" });
    expect(f.statusMessage).toContain("the target Secret is immutable");
  });

  it.each<[number | undefined, "on-change" | "backoff"]>([
    [422, "on-change"],
    [403, "backoff"],
    [500, "backoff"],
    [undefined, "backoff"],
  ])("retries a write refused with HTTP %s: %s", async (status, retry) => {
    const key = await sealingKey();
    const ss = sealed(key, { name: "db", namespace: "shop", data: { a: "1" } });
    const f = apiWriteFailure(ss, { status, message: SECRET_BYTES });
    expect(f).toMatchObject({ event: "ErrUpdateFailed", reason: "UpdateFailed", retry });
    expect(f.statusMessage).toBe(f.eventMessage);
    expect(JSON.stringify(f)).not.toContain(SECRET_BYTES);
  });
});
