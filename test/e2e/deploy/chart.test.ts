/// <reference types="node" />
// The Helm chart's values really switch what they say (rendered with the real helm): the two
// switches the reference chart cannot turn off, HA, the optional monitoring objects, RBAC
// toggles, and the guards that refuse unsafe or broken values.
import { beforeAll, describe, expect, it } from "vitest";

import { cluster } from "../../cluster/testing.js";
import { CHART_DIR, ensureHelm, find, helmFails, renderHelm, renderKustomize } from "./render.js";
import type { K8sObject } from "./render.js";

const NAME = "sealed-secrets-controller";

interface Container {
  args: string[];
  env: { name: string; value?: string }[];
}
interface Deployment {
  spec: {
    replicas: number;
    strategy: { type: string };
    template: { spec: { containers: Container[] } };
  };
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const controller = (objects: K8sObject[]): Container => {
  const d = find(objects, "Deployment", NAME) as unknown as Deployment;
  const c = d.spec.template.spec.containers[0];
  if (!c) throw new Error("no container");
  return c;
};
const args = (set: string[] = []): string[] => controller(renderHelm("kube-system", set)).args;
const rules = (objects: K8sObject[], kind: string, name: string): Rule[] =>
  (find(objects, kind, name) as unknown as { rules: Rule[] }).rules;

beforeAll(() => {
  ensureHelm();
});

describe("helm chart values", () => {
  it("passes only the key prefix by default (every other flag keeps the controller default)", () => {
    expect(args()).toEqual(["--key-prefix=sealed-secrets-key"]);
  });

  it.each([
    ["updateStatus=false", "--update-status=false"],
    ["logInfoStdout=false", "--log-info-stdout=false"],
    ["skipRecreate=true", "--skip-recreate"],
    ["allNamespaces=false", "--all-namespaces=false"],
    ["oldGcBehavior=true", "--old-gc-behavior"],
    ["watchForSecrets=true", "--watch-for-secrets"],
    ["acceptDeprecatedV1Data=false", "--accept-deprecated-v1-data=false"],
    ["keyrenewperiod=0", "--key-renew-period=0"],
    ["keyttl=8760h", "--key-ttl=8760h"],
    ["rateLimit=5", "--rate-limit=5"],
    ["rateLimitBurst=7", "--rate-limit-burst=7"],
    ["maxRetries=20", "--max-unseal-retries=20"],
    ["kubeClientQPS=12.5", "--kubeclient-qps=12.5"],
    ["logLevel=DEBUG", "--log-level=DEBUG"],
    ["logFormat=json", "--log-format=json"],
    ["secretName=my-keys", "--key-prefix=my-keys"],
    ["additionalNamespaces={a,b,a}", "--additional-namespaces=a,b"],
    ["privateKeyLabels.team=sec", "--privatekey-labels=team=sec"],
    ["containerPorts.http=9090", "--listen-addr=:9090"],
    ["extraArgs={--workers=4}", "--workers=4"],
    ["replicas=2", "--leader-elect"],
    ["leaderElection.enabled=true", "--leader-elect"],
  ])("%s passes %s", (set, flag) => {
    expect(args([set])).toContain(flag);
  });

  it.each([
    ["updateStatus=true", "--update-status"],
    ["logInfoStdout=true", "--log-info-stdout"],
    ["replicas=1", "--leader-elect"],
  ])("%s passes no %s flag (the controller's default already is that)", (set, flag) => {
    expect(args([set]).filter((a) => a.startsWith(flag))).toEqual([]);
  });

  it("keeps a key cutoff time with commas and spaces as one argument", () => {
    const out = renderHelm("kube-system", ["keycutofftime=Mon\\, 02 Jan 2006 15:04:05 -0700"]);
    expect(controller(out).args).toContain("--key-cutoff-time=Mon, 02 Jan 2006 15:04:05 -0700");
  });

  it("replicas > 1 runs a rolling update with leader election on a Lease it may renew", () => {
    const out = renderHelm("kube-system", ["replicas=2"]);
    const d = find(out, "Deployment", NAME) as unknown as Deployment;
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.strategy.type).toBe("RollingUpdate");
    expect(controller(out).env).toContainEqual({
      name: "SEALED_SECRETS_LEADER_ELECT_LEASE_NAME",
      value: NAME,
    });
    expect(rules(out, "Role", `${NAME}-leader-election`)).toEqual([
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
      {
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        resourceNames: [NAME],
        verbs: ["get", "update", "patch"],
      },
    ]);
    expect(find(out, "PodDisruptionBudget", NAME)["spec"]).toMatchObject({ minAvailable: 1 });
  });

  it("one replica never overlaps two controllers and never blocks a drain", () => {
    const out = renderHelm("kube-system");
    const d = find(out, "Deployment", NAME) as unknown as Deployment;
    expect(d.spec.strategy.type).toBe("Recreate");
    expect(out.some((o) => o.kind === "Role" && o.metadata.name.endsWith("leader-election"))).toBe(
      false,
    );
    expect(find(out, "PodDisruptionBudget", NAME)["spec"]).toMatchObject({ maxUnavailable: 1 });
  });

  it("grants Secret delete only with oldGcBehavior", () => {
    const verbs = (set: string[]): string[] =>
      rules(renderHelm("kube-system", set), "ClusterRole", "secrets-unsealer").find((r) =>
        r.resources.includes("secrets"),
      )?.verbs ?? [];
    expect(verbs([])).not.toContain("delete");
    expect(verbs(["oldGcBehavior=true"])).toContain("delete");
  });

  it("creates ServiceMonitor, PrometheusRule and the Grafana dashboard only when asked", () => {
    const kinds = (set: string[]): string[] => renderHelm("kube-system", set).map((o) => o.kind);
    expect(kinds([])).not.toContain("ServiceMonitor");
    expect(kinds([])).not.toContain("PrometheusRule");
    expect(kinds([])).not.toContain("ConfigMap");
    const out = renderHelm("kube-system", [
      "metrics.serviceMonitor.enabled=true",
      "metrics.serviceMonitor.interval=30s",
      "metrics.prometheusRule.enabled=true",
      "metrics.dashboards.create=true",
    ]);
    expect(find(out, "ServiceMonitor", NAME)["spec"]).toMatchObject({
      endpoints: [{ port: "metrics", path: "/metrics", interval: "30s", honorLabels: true }],
    });
    const groups = (find(out, "PrometheusRule", NAME)["spec"] as { groups: { rules: unknown }[] })
      .groups;
    expect(JSON.stringify(groups)).toContain("sealed_secrets_controller_unseal_errors_total");
    expect(JSON.stringify(groups)).toContain("{{ $labels.namespace }}");
    // Value expiry: a warning before (the window from values) and one once expired.
    const rules = groups.flatMap((g) => g.rules as { alert: string; expr: string }[]);
    const alert = (name: string) => rules.find((r) => r.alert === name)?.expr;
    expect(alert("SealedSecretExpiringSoon")).toBe(
      "(signet_sealedsecret_expiry_timestamp_seconds - time()) > 0 and (signet_sealedsecret_expiry_timestamp_seconds - time()) < 1209600",
    );
    expect(alert("SealedSecretExpired")).toBe(
      "(signet_sealedsecret_expiry_timestamp_seconds - time()) <= 0",
    );
    const week = renderHelm("kube-system", [
      "metrics.prometheusRule.enabled=true",
      "metrics.prometheusRule.expiryWarningDays=7",
    ]);
    const weekRules = (
      find(week, "PrometheusRule", NAME)["spec"] as {
        groups: { rules: { alert: string; expr: string }[] }[];
      }
    ).groups.flatMap((g) => g.rules);
    expect(weekRules.find((r) => r.alert === "SealedSecretExpiringSoon")?.expr).toMatch(
      /< 604800$/,
    );
    // 0 is a whole number too: no warning before the expiry, as for the controller (mismatch case).
    const text = renderHelm("kube-system", [
      "metrics.prometheusRule.enabled=true",
      "metrics.prometheusRule.expiryWarningDays=0",
    ]);
    expect(JSON.stringify(find(text, "PrometheusRule", NAME))).toContain("< 0");
    const cm = find(out, "ConfigMap", `${NAME}-dashboard`) as unknown as {
      data: Record<string, string>;
      metadata: { labels: Record<string, string> };
    };
    expect(cm.metadata.labels["grafana_dashboard"]).toBe("1");
    const dashboard = JSON.parse(cm.data["signet.json"] ?? "") as { panels: unknown[] };
    expect(dashboard.panels.length).toBeGreaterThan(3);
    expect(cm.data["signet.json"]).toContain("sealed_secrets_controller_unseal_requests_total");
  });

  it.each<[string[], string]>([
    [["privateKeyLabels.team="], "privateKeyLabels.team must be a non-empty string"],
    [["rbac.serviceProxier.bind=true"], "rbac.serviceProxier.subjects is empty"],
    [["networkPolicy.egress.enabled=true"], "kubeapiCidr is required"],
    // int would make these 0, an alert that never fires before the expiry.
    ...["0.5", "abc", "-3", "1.5e1"].map((days): [string[], string] => [
      ["metrics.prometheusRule.enabled=true", `metrics.prometheusRule.expiryWarningDays=${days}`],
      `metrics.prometheusRule.expiryWarningDays must be a whole number of days (0 or more), got "${days}"`,
    ]),
  ])("refuses %j", (set, message) => {
    const args = ["template", "x", CHART_DIR, "--kube-version", cluster().version];
    expect(helmFails([...args, ...set.flatMap((s) => ["--set", s])])).toContain(message);
  });

  it("passes helm lint --strict", () => {
    expect(() =>
      helmFails(["lint", "--strict", CHART_DIR, "--kube-version", cluster().version]),
    ).toThrow(/unexpectedly succeeded/);
  });
});

describe("default installs", () => {
  it.each([
    ["kustomize", () => renderKustomize()],
    ["helm", () => renderHelm("kube-system")],
    ["helm HA", () => renderHelm("kube-system", ["replicas=3"])],
  ])("%s binds nothing to system:authenticated or system:unauthenticated", (_name, render) => {
    const subjects = render()
      .filter((o) => o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding")
      .flatMap((o) => (o["subjects"] as { name: string }[] | undefined) ?? []);
    expect(subjects.length).toBeGreaterThan(0);
    expect(subjects.map((s) => s.name)).not.toContain("system:authenticated");
    expect(subjects.map((s) => s.name)).not.toContain("system:unauthenticated");
  });

  it("kustomize and helm grant the controller the same cluster-wide rules", () => {
    const k = rules(renderKustomize(), "ClusterRole", "secrets-unsealer");
    const h = rules(renderHelm("kube-system"), "ClusterRole", "secrets-unsealer");
    expect(h).toEqual(k);
  });
});
