/// <reference types="node" />
// Rendering the install manifests (kustomize, Helm) into Kubernetes objects for the deploy
// tests, plus the real `helm` binary (built from the Go module proxy and cached outside the repo)
// and `kubectl auth can-i` checks.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

import { cluster } from "../../cluster/testing.js";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const KUSTOMIZE_DIR = join(REPO, "deploy/kustomize");
export const CHART_DIR = join(REPO, "deploy/helm/signet");
export const PROXIER_COMPONENT = join(KUSTOMIZE_DIR, "components/service-proxier");

/** Helm release pinned in test/cluster/versions.env, built by test/cluster/build-helm.sh. */
export const HELM_VERSION = pinnedHelmVersion();

function pinnedHelmVersion(): string {
  const env = readFileSync(join(REPO, "test/cluster/versions.env"), "utf8");
  const m = /^HELM_VERSION=(\S+)$/m.exec(env);
  if (!m?.[1]) throw new Error("test/cluster/versions.env has no HELM_VERSION");
  return m[1];
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [field: string]: unknown;
}

function cacheRoot(): string {
  return (
    process.env["SIGNET_CACHE"] ??
    join(process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache"), "signet")
  );
}

/** Where the helm binary is cached: ${SIGNET_CACHE:-~/.cache/signet}/helm/<version>/helm. */
export function helmPath(): string {
  return process.env["SIGNET_HELM"] ?? join(cacheRoot(), "helm", HELM_VERSION, "helm");
}

/**
 * Returns the cached helm. The test set-up (scripts/test.sh) builds it before vitest starts; a
 * direct vitest run on a cold cache builds it here with the same script.
 */
export function ensureHelm(): string {
  const helm = helmPath();
  if (existsSync(helm)) return helm;
  const res = spawnSync("bash", [join(REPO, "test/cluster/build-helm.sh")], { encoding: "utf8" });
  if (res.status !== 0 || !existsSync(helm)) {
    throw new Error(`building helm failed (bash test/cluster/build-helm.sh):\n${res.stderr}`);
  }
  return helm;
}

function exec(cmd: string, args: readonly string[], cwd = REPO): string {
  const res = spawnSync(cmd, args, { encoding: "utf8", cwd, timeout: 120_000 });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")}:\n${res.stderr}`);
  return res.stdout;
}

/** Every non-empty document of a YAML stream. */
export function parseObjects(yamlText: string): K8sObject[] {
  return parseAllDocuments(yamlText)
    .map((d) => d.toJSON() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === "object");
}

/**
 * `kubectl kustomize` of deploy/kustomize, as shipped (namespace kube-system) or through an
 * overlay that moves it to `namespace` and adds `components`.
 */
export function renderKustomize(
  opts: { namespace?: string; components?: readonly string[] } = {},
): K8sObject[] {
  const { kubectl } = cluster();
  if (!opts.namespace && !opts.components?.length) {
    return parseObjects(exec(kubectl, ["kustomize", KUSTOMIZE_DIR]));
  }
  const dir = mkdtempSync(join(tmpdir(), "signet-overlay-"));
  try {
    const lines = [
      "apiVersion: kustomize.config.k8s.io/v1beta1",
      "kind: Kustomization",
      ...(opts.namespace ? [`namespace: ${opts.namespace}`] : []),
      "resources:",
      `  - ${relative(dir, KUSTOMIZE_DIR)}`,
      ...(opts.components?.length
        ? ["components:", ...opts.components.map((c) => `  - ${relative(dir, c)}`)]
        : []),
    ];
    writeFileSync(join(dir, "kustomization.yaml"), `${lines.join("\n")}\n`);
    return parseObjects(exec(kubectl, ["kustomize", dir]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `helm template` of the chart with `--set` values (strings: `--set-string` when quoted). */
export function helmTemplateRaw(namespace: string, set: readonly string[] = []): string {
  const args = ["template", "sealed-secrets", CHART_DIR, "-n", namespace];
  args.push("--kube-version", cluster().version);
  for (const s of set) args.push("--set", s);
  return exec(ensureHelm(), args);
}

export function renderHelm(namespace: string, set: readonly string[] = []): K8sObject[] {
  return parseObjects(helmTemplateRaw(namespace, set));
}

/** Runs helm and returns its failure text (throws when it succeeds). */
export function helmFails(args: readonly string[]): string {
  const res = spawnSync(ensureHelm(), args, { encoding: "utf8", cwd: REPO });
  if (res.status === 0) throw new Error(`helm ${args.join(" ")} unexpectedly succeeded`);
  return res.stderr;
}

const CLUSTER_RBAC = new Set(["ClusterRole", "ClusterRoleBinding"]);

/**
 * Gives cluster-scoped RBAC objects a per-test suffix (the binding's roleRef follows), so
 * installs into different test namespaces do not overwrite each other's grants. The CRD stays.
 */
export function isolate(objects: readonly K8sObject[], suffix: string): K8sObject[] {
  return objects.map((o) => {
    if (!CLUSTER_RBAC.has(o.kind)) return o;
    const copy = structuredClone(o);
    copy.metadata.name = `${o.metadata.name}-${suffix}`;
    const roleRef = copy["roleRef"] as { kind: string; name: string } | undefined;
    if (roleRef?.kind === "ClusterRole") roleRef.name = `${roleRef.name}-${suffix}`;
    return copy;
  });
}

export function asList(objects: readonly K8sObject[]): string {
  return JSON.stringify({ apiVersion: "v1", kind: "List", items: objects });
}

export function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in ${objects.map(describeObject).join(", ")}`);
  return o;
}

export function describeObject(o: K8sObject): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;
}

export interface CanI {
  verb: string;
  /** TYPE or TYPE/NAME, as `kubectl auth can-i` takes it. */
  resource: string;
  namespace?: string;
  /** All namespaces (-A). */
  all?: boolean;
  subresource?: string;
}

/** `kubectl auth can-i --as user [--as-group g]…` as admin (impersonation): yes → true. */
export function canI(user: string, groups: readonly string[], q: CanI): boolean {
  const c = cluster();
  const args = [`--kubeconfig=${c.adminKubeconfig}`, "auth", "can-i", q.verb, q.resource];
  if (q.namespace) args.push("-n", q.namespace);
  if (q.all) args.push("-A");
  if (q.subresource) args.push(`--subresource=${q.subresource}`);
  args.push(`--as=${user}`, ...groups.map((g) => `--as-group=${g}`));
  const res = spawnSync(c.kubectl, args, { encoding: "utf8", timeout: 60_000 });
  if (res.status === 0) return true;
  if (res.status === 1 && res.stdout.trim().startsWith("no")) return false;
  throw new Error(`kubectl ${args.join(" ")}: ${res.status}\n${res.stderr}${res.stdout}`);
}
