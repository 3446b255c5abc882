import { describe, expect, it } from "vitest";

import type { SealedSecret } from "@signet/core";

import { countingRsaOperations } from "./app/metrics.js";
import type { Decider } from "./controller/decide-pool.js";
import type { Decision } from "./reconcile/decide.js";
import { ControllerMetrics } from "./metrics.js";

const metrics = (omitSecretLabels = false): ControllerMetrics =>
  new ControllerMetrics({ omitSecretLabels, version: "v1.2.3", collectDefaults: false });

const ss = (withStatus: boolean, instance?: string): SealedSecret => ({
  metadata: {
    name: "db",
    namespace: "prod",
    ...(instance && { labels: { "app.kubernetes.io/instance": instance } }),
  },
  spec: { encryptedData: {} },
  ...(withStatus && { status: { conditions: [{ type: "Synced", status: "True" as const }] } }),
});

const SERIES =
  'sealed_secrets_controller_condition_info{namespace="prod",name="db",condition="Synced",ss_app_kubernetes_io_instance="shop"} 1';

describe("metrics", () => {
  it("uses the reference's metric names", async () => {
    const m = metrics();
    m.unsealRequest();
    m.unsealError("unseal", "prod");
    m.httpRequest("/v1/verify", "POST", 409, 0.01);
    const text = await m.text();
    for (const name of [
      "sealed_secrets_controller_build_info",
      "sealed_secrets_controller_unseal_requests_total 1",
      'sealed_secrets_controller_unseal_errors_total{reason="unseal",namespace="prod"} 1',
      'sealed_secrets_controller_http_requests_total{path="/v1/verify",code="409",method="post"} 1',
      "sealed_secrets_controller_http_request_duration_seconds_bucket",
    ]) {
      expect(text).toContain(name);
    }
  });

  it("creates a condition_info series with value 1 for a True Synced condition and the instance label", async () => {
    const m = metrics();
    m.observeConditions(ss(true, "shop"));
    expect(await m.text()).toContain(SERIES);
  });

  it("removes the series on forget, also without an instance label", async () => {
    const m = metrics();
    m.observeConditions(ss(true, "shop"));
    m.forgetConditions(ss(true, "shop"));
    m.observeConditions(ss(true));
    m.forgetConditions(ss(true));
    expect(await m.text()).not.toContain("condition_info{");
  });

  it.each([
    ["the deleted copy carries no status (the last write had not reached the cache)", ss(false)],
    ["the deleted copy carries another instance label", ss(true, "other")],
  ])("removes every series set for an object on forget when %s", async (_, deleted) => {
    const m = metrics();
    m.observeConditions(ss(true, "shop"));
    m.forgetConditions(deleted);
    expect(await m.text()).not.toContain("condition_info{");
  });

  it("sets no series for a deleted object from a status write that finishes after the delete", async () => {
    const m = metrics();
    const uid = (s: SealedSecret, id: string): SealedSecret => ({
      ...s,
      metadata: { ...s.metadata, uid: id },
    });
    m.forgetConditions(uid(ss(false), "u-1"));
    m.observeConditions(uid(ss(true, "shop"), "u-1"));
    expect(await m.text()).not.toContain("condition_info{");
    // An object created again under the name is another object: its series are set.
    m.observeConditions(uid(ss(true, "shop"), "u-2"));
    expect(await m.text()).toContain(SERIES);
  });

  it("drops the series of an instance label the object no longer has", async () => {
    const m = metrics();
    m.observeConditions(ss(true, "shop"));
    m.observeConditions(ss(true, "shop-2"));
    const text = await m.text();
    expect(text).not.toContain(SERIES);
    expect(text).toContain('ss_app_kubernetes_io_instance="shop-2"} 1');
  });

  it("sets the expiry gauge in unix seconds, drops it with the annotation and on forget", async () => {
    const m = metrics();
    const line =
      'signet_sealedsecret_expiry_timestamp_seconds{namespace="prod",name="db"} 1806451200';
    m.observeExpiry(ss(false), new Date("2027-03-31T00:00:00.900Z"));
    expect(await m.text()).toContain(line);
    m.observeExpiry(ss(false), undefined);
    expect(await m.text()).not.toContain("expiry_timestamp_seconds{");
    m.observeExpiry(ss(false), new Date("2027-03-31T00:00:00Z"));
    m.forgetConditions(ss(false));
    expect(await m.text()).not.toContain("expiry_timestamp_seconds{");
  });

  it("has no expiry series when names are omitted from metrics", async () => {
    const m = metrics(true);
    m.observeExpiry(ss(false), new Date("2027-03-31T00:00:00Z"));
    expect(await m.text()).not.toContain("expiry_timestamp_seconds{");
  });

  it("treats a missing status as a no-op for both", async () => {
    const m = metrics();
    m.observeConditions(ss(false));
    m.forgetConditions(ss(false));
    expect(await m.text()).not.toContain("condition_info{");
  });

  it("never exposes SealedSecret names with --metrics-omit-secret-labels", async () => {
    const m = metrics(true);
    m.observeConditions(ss(true, "shop"));
    const text = await m.text();
    expect(text).not.toContain('name="db"');
    expect(text).not.toContain("prod");
  });

  it("counts Signet's own bounds: RSA operations by class, dropped events, refused connections", async () => {
    const m = metrics();
    m.rsaOperation("api");
    m.rsaOperation("reconcile");
    m.rsaOperation("reconcile");
    m.eventsDropped();
    m.eventsDropped(2);
    m.connectionRefused("peer");
    const text = await m.text();
    for (const line of [
      'signet_rsa_operations_total{class="api"} 1',
      'signet_rsa_operations_total{class="reconcile"} 2',
      "signet_events_dropped_total 3",
      'signet_http_connections_refused_total{reason="peer"} 1',
    ]) {
      expect(text).toContain(line);
    }
  });

  it("gives each instance its own registry", async () => {
    const a = metrics();
    a.unsealRequest();
    expect(await metrics().text()).toContain("sealed_secrets_controller_unseal_requests_total 0");
  });

  it.each<[string, Decision[], number]>([
    ["adds what each unsealed object spent", [none(3), none(5)], 8],
    ["adds nothing for a failed object", [{ action: "fail", failure: {} } as Decision], 0],
  ])("signet_unseal_rsa_operations_total %s", async (_, decisions, total) => {
    const m = metrics();
    const queue = [...decisions];
    const inner: Decider = {
      decide: () => Promise.resolve(queue.shift()!),
      close: () => Promise.resolve(),
    };
    const counting = countingRsaOperations(inner, m);
    for (const d of decisions) expect(await counting.decide(ss(false), undefined, [])).toBe(d);
    const line = (await m.text()).split("\n").find((l) => l.startsWith("signet_unseal_rsa_op"));
    expect(line).toBe(`signet_unseal_rsa_operations_total ${total}`);
  });

  it("exports refused key Secrets per reason, every reason from the start", async () => {
    const m = metrics();
    const lines = async () =>
      (await m.text()).split("\n").filter((l) => l.startsWith("signet_key_secrets_refused{"));
    expect(await lines()).toEqual([
      'signet_key_secrets_refused{reason="unreadable"} 0',
      'signet_key_secrets_refused{reason="weak"} 0',
      'signet_key_secrets_refused{reason="sealedsecret-output"} 0',
    ]);
    m.keySecretsRefused({ unreadable: 0, weak: 2, "sealedsecret-output": 1 });
    expect(await lines()).toContain('signet_key_secrets_refused{reason="weak"} 2');
    expect(await lines()).toContain('signet_key_secrets_refused{reason="sealedsecret-output"} 1');
  });
});

function none(rsaOperations: number): Decision {
  return { action: "none", opened: { keyFingerprint: "SHA256:x", rsaOperations } };
}
