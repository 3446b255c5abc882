/// <reference types="node" />
// Every install manifest — `kubectl kustomize deploy/kustomize` and `helm template` of
// deploy/helm/signet for default, HA and other values — is accepted by a real kube-apiserver
// (server-side dry-run as shipped, in kube-system), then applied for real into a fresh
// namespace; its objects exist and the controller's ServiceAccount gets exactly the access
// it needs (kubectl auth can-i).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createNamespace, deleteNamespace, kubectl } from "../../cluster/testing.js";
import {
  asList,
  canI,
  CHART_DIR,
  describeObject,
  ensureHelm,
  find,
  isolate,
  KUSTOMIZE_DIR,
  PROXIER_COMPONENT,
  renderHelm,
  renderKustomize,
  REPO,
} from "./render.js";
import type { CanI, K8sObject } from "./render.js";

const SA = "sealed-secrets-controller";
const sa = (ns: string): string => `system:serviceaccount:${ns}:${SA}`;

/** Minimal monitoring.coreos.com CRDs so ServiceMonitor/PrometheusRule can be applied. */
const MONITORING_CRDS = ["ServiceMonitor", "PrometheusRule"].map((kind) => {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.monitoring.coreos.com` },
    spec: {
      group: "monitoring.coreos.com",
      scope: "Namespaced",
      names: { kind, plural, listKind: `${kind}List`, singular: kind.toLowerCase() },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
          },
        },
      ],
    },
  };
});

interface Ctx {
  /** The namespace the controller is installed into. */
  ns: string;
  /** A second namespace (workloads; or an additionalNamespaces entry). */
  other: string;
}

interface Variant {
  name: string;
  /** As shipped, for the server-side dry-run in kube-system. */
  shipped: () => K8sObject[];
  /** Rendered for the test namespace. */
  render: (ctx: Ctx) => K8sObject[];
  /** Namespaced objects that must exist after the real apply ([kind, name]). */
  expect: [string, string][];
  /** The controller's ServiceAccount may do these ([what, query]). */
  allowed: (ctx: Ctx) => [string, CanI][];
  /** ... and must not do these. */
  denied: (ctx: Ctx) => [string, CanI][];
  /** Users who reach the HTTP API through the service proxy ([user, groups, allowed]). */
  proxy?: [string, string[], boolean][];
}

const CORE_OBJECTS: [string, string][] = [
  ["ServiceAccount", SA],
  ["Deployment", SA],
  ["Service", SA],
  ["Service", `${SA}-metrics`],
  ["NetworkPolicy", SA],
  ["PodDisruptionBudget", SA],
];

/** What every cluster-wide install grants the controller. */
const clusterWideAllowed = ({ ns, other }: Ctx): [string, CanI][] => [
  [
    "list SealedSecrets everywhere",
    { verb: "list", resource: "sealedsecrets.bitnami.com", all: true },
  ],
  [
    "watch SealedSecrets everywhere",
    { verb: "watch", resource: "sealedsecrets.bitnami.com", all: true },
  ],
  [
    "update SealedSecret status",
    {
      verb: "update",
      resource: "sealedsecrets.bitnami.com",
      namespace: other,
      subresource: "status",
    },
  ],
  ["watch Secrets everywhere", { verb: "watch", resource: "secrets", all: true }],
  ["get a Secret", { verb: "get", resource: "secrets/app", namespace: other }],
  ["create a Secret", { verb: "create", resource: "secrets", namespace: other }],
  ["update a Secret", { verb: "update", resource: "secrets/app", namespace: other }],
  ["create events", { verb: "create", resource: "events", namespace: other }],
  ["list key Secrets", { verb: "list", resource: "secrets", namespace: ns }],
  ["create key Secrets", { verb: "create", resource: "secrets", namespace: ns }],
  [
    "get the legacy key Secret",
    { verb: "get", resource: "secrets/sealed-secrets-key", namespace: ns },
  ],
];

/** What no install grants the controller. */
const alwaysDenied = ({ ns, other }: Ctx): [string, CanI][] => [
  ["delete a Secret", { verb: "delete", resource: "secrets/app", namespace: other }],
  [
    "delete a key Secret",
    { verb: "delete", resource: "secrets/sealed-secrets-key", namespace: ns },
  ],
  ["delete Secrets in bulk", { verb: "deletecollection", resource: "secrets", all: true }],
  [
    "change a SealedSecret's spec",
    { verb: "update", resource: "sealedsecrets.bitnami.com/db", namespace: other },
  ],
  [
    "patch a SealedSecret",
    { verb: "patch", resource: "sealedsecrets.bitnami.com/db", namespace: other },
  ],
  [
    "create SealedSecrets",
    { verb: "create", resource: "sealedsecrets.bitnami.com", namespace: other },
  ],
  [
    "delete SealedSecrets",
    { verb: "delete", resource: "sealedsecrets.bitnami.com/db", namespace: other },
  ],
  ["list namespaces", { verb: "list", resource: "namespaces" }],
  ["create Pods", { verb: "create", resource: "pods", namespace: ns }],
  ["bind roles", { verb: "create", resource: "rolebindings", namespace: ns }],
  ["impersonate users", { verb: "impersonate", resource: "users" }],
  [
    "use the service proxy",
    { verb: "create", resource: `services/http:${SA}:http`, namespace: ns, subresource: "proxy" },
  ],
];

const noLeases = ({ ns }: Ctx): [string, CanI][] => [
  [
    "create Leases without HA",
    { verb: "create", resource: "leases.coordination.k8s.io", namespace: ns },
  ],
];

const USER = "e2e-deploy-user";
const AUTHENTICATED = ["system:authenticated"];
const notBoundByDefault: [string, string[], boolean][] = [[USER, AUTHENTICATED, false]];

const VARIANTS: Variant[] = [
  {
    name: "kustomize",
    shipped: () => renderKustomize(),
    render: ({ ns }) => renderKustomize({ namespace: ns }),
    expect: [...CORE_OBJECTS, ["Role", "sealed-secrets-key-admin"], ["RoleBinding", SA]],
    allowed: clusterWideAllowed,
    denied: (ctx) => [...alwaysDenied(ctx), ...noLeases(ctx)],
    proxy: notBoundByDefault,
  },
  {
    name: "kustomize with the service-proxier component",
    shipped: () => renderKustomize({ components: [PROXIER_COMPONENT] }),
    render: ({ ns }) => renderKustomize({ namespace: ns, components: [PROXIER_COMPONENT] }),
    expect: [...CORE_OBJECTS, ["Role", "sealed-secrets-service-proxier"]],
    allowed: clusterWideAllowed,
    denied: alwaysDenied,
    proxy: [
      [USER, [...AUTHENTICATED, "sealed-secrets-users"], true],
      [USER, AUTHENTICATED, false],
    ],
  },
  {
    name: "helm default values",
    shipped: () => renderHelm("kube-system"),
    render: ({ ns }) => renderHelm(ns),
    expect: [
      ...CORE_OBJECTS,
      ["Role", `${SA}-key-admin`],
      ["Role", `${SA}-service-proxier`],
      ["RoleBinding", `${SA}-key-admin`],
    ],
    allowed: clusterWideAllowed,
    denied: (ctx) => [...alwaysDenied(ctx), ...noLeases(ctx)],
    proxy: notBoundByDefault,
  },
  {
    name: "helm HA values (replicas 3, leader election)",
    shipped: () => renderHelm("kube-system", ["replicas=3"]),
    render: ({ ns }) => renderHelm(ns, ["replicas=3"]),
    expect: [
      ...CORE_OBJECTS,
      ["Role", `${SA}-leader-election`],
      ["RoleBinding", `${SA}-leader-election`],
    ],
    allowed: (ctx) => [
      ...clusterWideAllowed(ctx),
      [
        "create its Lease",
        { verb: "create", resource: "leases.coordination.k8s.io", namespace: ctx.ns },
      ],
      [
        "renew its Lease",
        { verb: "update", resource: `leases.coordination.k8s.io/${SA}`, namespace: ctx.ns },
      ],
      [
        "read its Lease",
        { verb: "get", resource: `leases.coordination.k8s.io/${SA}`, namespace: ctx.ns },
      ],
    ],
    denied: (ctx) => [
      ...alwaysDenied(ctx),
      [
        "take another Lease",
        {
          verb: "update",
          resource: "leases.coordination.k8s.io/kube-scheduler",
          namespace: ctx.ns,
        },
      ],
      [
        "create Leases elsewhere",
        { verb: "create", resource: "leases.coordination.k8s.io", namespace: ctx.other },
      ],
    ],
    proxy: notBoundByDefault,
  },
  {
    name: "helm namespaced mode (allNamespaces=false, additionalNamespaces, namespacedRoles)",
    shipped: () => renderHelm("kube-system", ["allNamespaces=false", "rbac.namespacedRoles=true"]),
    render: ({ ns, other }) =>
      renderHelm(ns, [
        "allNamespaces=false",
        "rbac.namespacedRoles=true",
        `additionalNamespaces={${other}}`,
      ]),
    expect: [...CORE_OBJECTS, ["Role", "secrets-unsealer"], ["RoleBinding", SA]],
    allowed: ({ ns, other }) => [
      [
        "list SealedSecrets in its namespace",
        { verb: "list", resource: "sealedsecrets.bitnami.com", namespace: ns },
      ],
      [
        "list SealedSecrets in the additional namespace",
        { verb: "list", resource: "sealedsecrets.bitnami.com", namespace: other },
      ],
      [
        "write Secrets in the additional namespace",
        { verb: "create", resource: "secrets", namespace: other },
      ],
      [
        "update status in the additional namespace",
        {
          verb: "update",
          resource: "sealedsecrets.bitnami.com",
          namespace: other,
          subresource: "status",
        },
      ],
      [
        "check that the additional namespace exists",
        { verb: "get", resource: `namespaces/${other}` },
      ],
    ],
    denied: (ctx) => [
      ...alwaysDenied(ctx),
      [
        "list SealedSecrets everywhere",
        { verb: "list", resource: "sealedsecrets.bitnami.com", all: true },
      ],
      [
        "read Secrets in kube-public",
        { verb: "get", resource: "secrets/x", namespace: "kube-public" },
      ],
      ["read other namespaces", { verb: "get", resource: "namespaces/kube-public" }],
    ],
  },
  {
    name: "helm with every option (ingress, egress policy, monitoring, dashboard, bound proxier)",
    shipped: () => renderHelm("kube-system", everything("10.0.0.1/32")),
    render: ({ ns }) => renderHelm(ns, everything("10.0.0.1/32")),
    expect: [
      ...CORE_OBJECTS,
      ["Ingress", SA],
      ["ServiceMonitor", SA],
      ["PrometheusRule", SA],
      ["ConfigMap", `${SA}-dashboard`],
      ["RoleBinding", `${SA}-service-proxier`],
    ],
    allowed: (ctx) => [
      ...clusterWideAllowed(ctx),
      [
        "delete Secrets with oldGcBehavior",
        { verb: "delete", resource: "secrets/app", namespace: ctx.other },
      ],
    ],
    denied: ({ ns }) => [
      ["list namespaces", { verb: "list", resource: "namespaces" }],
      ["create Pods", { verb: "create", resource: "pods", namespace: ns }],
    ],
    proxy: [
      [USER, [...AUTHENTICATED, "sealers"], true],
      [USER, AUTHENTICATED, false],
    ],
  },
];

function everything(cidr: string): string[] {
  return [
    "ingress.enabled=true",
    "networkPolicy.egress.enabled=true",
    `networkPolicy.egress.kubeapiCidr=${cidr}`,
    "metrics.serviceMonitor.enabled=true",
    "metrics.prometheusRule.enabled=true",
    "metrics.dashboards.create=true",
    "rbac.serviceProxier.bind=true",
    "rbac.serviceProxier.subjects[0].kind=Group",
    "rbac.serviceProxier.subjects[0].name=sealers",
    "rbac.serviceProxier.subjects[0].apiGroup=rbac.authorization.k8s.io",
    "oldGcBehavior=true",
  ];
}

const applied: K8sObject[] = [];

beforeAll(() => {
  ensureHelm();
  kubectl(["apply", "-f", "-"], { input: asList(MONITORING_CRDS) });
  kubectl([
    "wait",
    "--for=condition=Established",
    "--timeout=60s",
    "crd/servicemonitors.monitoring.coreos.com",
    "crd/prometheusrules.monitoring.coreos.com",
  ]);
});

afterAll(() => {
  // Cluster-scoped RBAC the tests created (namespaces are deleted with their contents).
  const cluster = applied.filter(
    (o) => o.kind === "ClusterRole" || o.kind === "ClusterRoleBinding",
  );
  if (cluster.length)
    kubectl(["delete", "--ignore-not-found", "-f", "-"], { input: asList(cluster) });
});

describe.each(VARIANTS)("$name", (v) => {
  let ctx: Ctx;
  let objects: K8sObject[];

  beforeAll(async () => {
    ctx = { ns: await createNamespace("deploy"), other: await createNamespace("deploy-other") };
  });
  afterAll(async () => {
    await deleteNamespace(ctx.ns);
    await deleteNamespace(ctx.other);
  });

  it("is accepted by the API server as shipped (server-side dry-run in kube-system)", () => {
    const shipped = v.shipped();
    expect(shipped.length).toBeGreaterThan(5);
    const out = kubectl(
      ["apply", "--server-side", "--dry-run=server", "--field-manager=signet-e2e", "-f", "-"],
      { input: asList(shipped) },
    );
    const escape = (x: string): string => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    for (const o of shipped) {
      const line = `${o.kind.toLowerCase()}(\\.[a-z0-9.-]+)?/${escape(o.metadata.name)} serverside-applied`;
      expect(out).toMatch(new RegExp(line));
    }
    expect(
      shipped
        .filter((o) => o.metadata.namespace)
        .every((o) => o.metadata.namespace === "kube-system"),
    ).toBe(true);
  });

  it("applies for real into a fresh namespace and every object exists", () => {
    objects = isolate(v.render(ctx), ctx.ns);
    applied.push(...objects);
    kubectl(["apply", "--server-side", "--field-manager=signet-e2e", "-f", "-"], {
      input: asList(objects),
    });
    const live = JSON.parse(
      kubectl(["get", "-f", "-", "-o", "json"], { input: asList(objects) }),
    ) as {
      items: K8sObject[];
    };
    expect(live.items.map(describeObject).sort()).toEqual(objects.map(describeObject).sort());
    for (const [kind, name] of v.expect) {
      const o = find(live.items, kind, name);
      expect(o.metadata.namespace).toBe(ctx.ns);
    }
  });

  it("names the Service and its first port so kubeseal's and signet's defaults find it", () => {
    const svc = find(objects, "Service", SA);
    const ports = (svc["spec"] as { ports: { name: string; port: number }[] }).ports;
    expect(ports[0]).toMatchObject({ name: "http", port: 8080 });
    const metrics = find(objects, "Service", `${SA}-metrics`);
    expect((metrics["spec"] as { ports: { name: string; port: number }[] }).ports[0]).toMatchObject(
      {
        name: "metrics",
        port: 8081,
      },
    );
  });

  it("runs the controller non-root on a read-only root filesystem with /healthz probes", () => {
    const deploy = find(objects, "Deployment", SA) as unknown as {
      spec: { template: { spec: PodSpec } };
    };
    const pod = deploy.spec.template.spec;
    const c = pod.containers[0];
    expect(pod.serviceAccountName).toBe(SA);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(c?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    for (const probe of [c?.livenessProbe, c?.readinessProbe, c?.startupProbe]) {
      expect(probe?.httpGet).toEqual({ path: "/healthz", port: "http" });
    }
  });

  it("gives the controller's ServiceAccount what it needs", (t) => {
    const rows = v.allowed(ctx);
    const missing = rows.filter(([, q]) => !canI(sa(ctx.ns), [], q)).map(([what]) => what);
    expect(missing, t.task.name).toEqual([]);
  });

  it("does not give the controller's ServiceAccount what it must not have", () => {
    const rows = v.denied(ctx);
    const granted = rows.filter(([, q]) => canI(sa(ctx.ns), [], q)).map(([what]) => what);
    expect(granted).toEqual([]);
  });

  // Without the opt-in binding nobody, not even every authenticated user, gets the proxy.
  const proxyRows: [string, string[], boolean][] = v.proxy ?? [
    ["any-user", ["system:authenticated"], false],
  ];
  it("lets only the bound users (nobody unless opted in) reach the HTTP API through the service proxy", () => {
    for (const [user, groups, allowed] of proxyRows) {
      const q = (resource: string): CanI => ({
        verb: "create",
        resource,
        namespace: ctx.ns,
        subresource: "proxy",
      });
      expect(canI(user, groups, q(`services/http:${SA}:http`)), `${user} ${groups.join(",")}`).toBe(
        allowed,
      );
      expect(canI(user, groups, { ...q(`services/http:${SA}:`), verb: "get" })).toBe(allowed);
      expect(
        canI(user, groups, { verb: "get", resource: `services/${SA}`, namespace: ctx.ns }),
      ).toBe(allowed);
      expect(canI(user, groups, q("services/http:kubernetes:https"))).toBe(false);
    }
  });
});

interface Probe {
  httpGet?: { path: string; port: string };
}
interface PodSpec {
  serviceAccountName: string;
  securityContext: Record<string, unknown>;
  containers: {
    securityContext: Record<string, unknown>;
    livenessProbe?: Probe;
    readinessProbe?: Probe;
    startupProbe?: Probe;
  }[];
}

describe("the CRD", () => {
  it.each([
    ["deploy/kustomize", join(KUSTOMIZE_DIR, "sealedsecret-crd.yaml")],
    ["the Helm chart", join(CHART_DIR, "crds/sealedsecret-crd.yaml")],
  ])("is shipped unchanged in %s", (_where, path) => {
    expect(readFileSync(path, "utf8")).toBe(
      readFileSync(join(REPO, "crds/sealedsecret-crd.yaml"), "utf8"),
    );
  });

  it("keeps Signet's status fields (Ready reason, status.signet.keyFingerprint) through the status subresource", async () => {
    const ns = await createNamespace("deploy-crd");
    try {
      kubectl(["apply", "-n", ns, "-f", "-"], {
        input: JSON.stringify({
          apiVersion: "bitnami.com/v1alpha1",
          kind: "SealedSecret",
          metadata: { name: "db" },
          spec: { encryptedData: { password: "AgBy3i4OJSWK" } },
        }),
      });
      const status = {
        observedGeneration: 1,
        conditions: [
          { type: "Synced", status: "True", lastUpdateTime: "2026-11-22T06:00:00Z" },
          {
            type: "Ready",
            status: "True",
            reason: "Unsealed",
            lastTransitionTime: "2026-11-22T06:00:00Z",
          },
        ],
        signet: { keyFingerprint: "4f2a0c" },
      };
      kubectl([
        "patch",
        "sealedsecret",
        "db",
        "-n",
        ns,
        "--subresource=status",
        "--type=merge",
        "-p",
        JSON.stringify({ status }),
      ]);
      const live = JSON.parse(kubectl(["get", "sealedsecret", "db", "-n", ns, "-o", "json"])) as {
        status: unknown;
      };
      expect(live.status).toEqual(status);
      const table = kubectl(["get", "sealedsecrets", "-n", ns]);
      expect(table).toMatch(/^NAME\s+STATUS\s+SYNCED\s+AGE\ndb\s+True\s+/);
    } finally {
      await deleteNamespace(ns);
    }
  });
});
