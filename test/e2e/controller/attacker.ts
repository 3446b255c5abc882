// The hostile tenant of the attack tests: the unprivileged e2e user, granted in a namespace
// exactly the verbs an attack assumes (by default SealedSecret create/update/get, no Secret
// access at all), plus the checks every attack test shares: waiting for the controller's
// verdict and grepping everything the controller emits for a plaintext in all its encodings.
import type { SealedSecret, SealedSecretCondition } from "@signet/core";
import { expect } from "vitest";

import { waitFor } from "../../cluster/api.js";
import { api } from "../../cluster/testing.js";
import type { ApiResponse } from "../../cluster/api.js";
import { events } from "./support.js";

export type SealedSecretVerb = "create" | "update" | "get" | "delete";

/** The SealedSecret verbs an attack needs by default (no delete, no list, no Secret access). */
export const TENANT_VERBS: readonly SealedSecretVerb[] = ["create", "update", "get"];

const ssPath = (ns: string, name?: string): string =>
  `/apis/bitnami.com/v1alpha1/namespaces/${ns}/sealedsecrets${name ? `/${name}` : ""}`;

async function must(what: string, res: Promise<ApiResponse>, ok: number[]): Promise<ApiResponse> {
  const r = await res;
  if (!ok.includes(r.status)) throw new Error(`${what}: ${r.status} ${r.body}`);
  return r;
}

/**
 * Grants the e2e user `verbs` on SealedSecrets in `namespace` (a Role and its RoleBinding, as
 * admin), plus `extra` rules verbatim. Proves the grant is what the attack assumes: the user
 * still cannot read a Secret of the namespace.
 */
export async function grantTenant(
  namespace: string,
  verbs: readonly SealedSecretVerb[] = TENANT_VERBS,
  extra: readonly object[] = [],
): Promise<void> {
  const name = `tenant-${verbs.join("-")}`;
  await must(
    "Role",
    api(`/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, {
      method: "POST",
      body: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name },
        rules: [{ apiGroups: ["bitnami.com"], resources: ["sealedsecrets"], verbs }, ...extra],
      },
    }),
    [201],
  );
  await must(
    "RoleBinding",
    api(`/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
      method: "POST",
      body: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
        subjects: [{ kind: "User", name: "e2e-user", apiGroup: "rbac.authorization.k8s.io" }],
      },
    }),
    [201],
  );
  // RBAC is served from an informer cache: wait until the grant is effective.
  await waitFor(
    `the tenant's grant in ${namespace}`,
    async () =>
      (await api(ssPath(namespace, "probe"), { as: "user" })).status === 404 ? true : undefined,
    10_000,
    50,
  );
  const read = await api(`/api/v1/namespaces/${namespace}/secrets`, { as: "user" });
  expect(read.status, "the tenant must not be able to list Secrets").toBe(403);
}

/** The tenant creates `ss` in the namespace its metadata names. */
export async function tenantCreate(ss: SealedSecret): Promise<SealedSecret> {
  const r = await must(
    "tenant create SealedSecret",
    api(ssPath(ss.metadata.namespace ?? ""), { method: "POST", body: ss, as: "user" }),
    [201],
  );
  return r.json as SealedSecret;
}

/** The tenant replaces the spec of an existing SealedSecret (GET, then PUT: verbs get + update). */
export async function tenantUpdate(ss: SealedSecret): Promise<SealedSecret> {
  const { namespace = "", name = "" } = ss.metadata;
  const live = await tenantGet(namespace, name);
  const r = await must(
    "tenant update SealedSecret",
    api(ssPath(namespace, name), {
      method: "PUT",
      body: { ...live, spec: ss.spec },
      as: "user",
    }),
    [200],
  );
  return r.json as SealedSecret;
}

export async function tenantGet(namespace: string, name: string): Promise<SealedSecret> {
  const r = await must(
    "tenant get SealedSecret",
    api(ssPath(namespace, name), { as: "user" }),
    [200],
  );
  return r.json as SealedSecret;
}

export async function tenantDelete(namespace: string, name: string): Promise<void> {
  await must(
    "tenant delete SealedSecret",
    api(ssPath(namespace, name), { method: "DELETE", as: "user" }),
    [200, 202],
  );
}

/** The Synced condition of a status, if any. */
export const syncedOf = (ss: SealedSecret): SealedSecretCondition | undefined =>
  ss.status?.conditions?.find((c) => c.type === "Synced");

export const readyOf = (ss: SealedSecret): SealedSecretCondition | undefined =>
  ss.status?.conditions?.find((c) => c.type === "Ready");

/**
 * Waits until the controller has judged generation `generation` of the object (either way), as
 * the tenant sees it; returns the object with that status.
 */
export function verdict(namespace: string, name: string, generation = 1): Promise<SealedSecret> {
  return waitFor(
    `the controller's verdict on ${namespace}/${name} (generation ${generation})`,
    async () => {
      const ss = await tenantGet(namespace, name);
      return ss.status?.observedGeneration === generation && syncedOf(ss) ? ss : undefined;
    },
    30_000,
    100,
  );
}

/** Every encoding a value could be smuggled out in: text, base64 (padded or not, URL-safe), hex. */
export function encodings(value: string): string[] {
  const bytes = Buffer.from(value);
  return [
    value,
    bytes.toString("base64"),
    bytes.toString("base64").replace(/=+$/, ""),
    bytes.toString("base64url"),
    bytes.toString("hex"),
    bytes.toString("hex").toUpperCase(),
  ];
}

/** Asserts that none of `values`, in any encoding, occurs in any of `texts`. */
export function expectNoLeak(texts: Readonly<Record<string, string>>, values: readonly string[]) {
  for (const [where, text] of Object.entries(texts)) {
    for (const value of values) {
      for (const form of encodings(value)) {
        expect(text.includes(form), `${where} contains "${form}" (from a plaintext)`).toBe(false);
      }
    }
  }
}

/** What the controller emitted about `namespaces`: statuses, events (read as admin). */
export async function emitted(namespaces: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of namespaces) {
    const list = await api(ssPath(n));
    const items = (list.json as { items?: SealedSecret[] } | undefined)?.items ?? [];
    out[`statuses in ${n}`] = JSON.stringify(items.map((s) => s.status));
    out[`events in ${n}`] = JSON.stringify(await events(n));
  }
  return out;
}
