import { describe, expect, it } from "vitest";

import {
  parseRolloutTargets,
  planRollout,
  restartPatch,
  rolloutCondition,
  ROLLOUT_ANNOTATION,
  writesNewData,
} from "./rollout.js";
import type { WriteFacts } from "./rollout.js";
import { nextStatus } from "./status.js";

const NOW = new Date("2026-05-01T10:20:30.456Z");

describe("parseRolloutTargets", () => {
  it.each([
    ["deployment/api", [["Deployment", "api"]]],
    [
      "deployment/api, statefulset/db",
      [
        ["Deployment", "api"],
        ["StatefulSet", "db"],
      ],
    ],
    [
      "Deployment/api  DaemonSet/agent",
      [
        ["Deployment", "api"],
        ["DaemonSet", "agent"],
      ],
    ],
    [
      "deploy/a,sts/b,ds/c",
      [
        ["Deployment", "a"],
        ["StatefulSet", "b"],
        ["DaemonSet", "c"],
      ],
    ],
    ["deployments.apps/web", [["Deployment", "web"]]],
    ["deployment/api,deployment/api, deploy/api", [["Deployment", "api"]]],
    ["deployment/a.b-c", [["Deployment", "a.b-c"]]],
  ])("reads %j", (value, expected) => {
    const parsed = parseRolloutTargets(value);
    expect(parsed).toEqual({
      ok: true,
      targets: expected.map(([kind, name]) => ({ kind, name })),
    });
  });

  it.each([undefined, "", "  ,  "])("has nothing to do for %j", (value) => {
    expect(parseRolloutTargets(value)).toBeUndefined();
  });

  it.each([
    ["api", "InvalidRolloutAnnotation"],
    ["other-ns/deployment/api", "InvalidRolloutAnnotation"],
    ["deployment/", "InvalidRolloutAnnotation"],
    ["deployment/API", "InvalidRolloutAnnotation"],
    ["deployment/-api", "InvalidRolloutAnnotation"],
    ["pod/api", "KindNotAllowed"],
    ["secret/api", "KindNotAllowed"],
    ["cronjob/api", "KindNotAllowed"],
    ["deployment/api, job/x", "KindNotAllowed"],
  ])("refuses %j as a whole (%s)", (value, reason) => {
    const parsed = parseRolloutTargets(value);
    expect(parsed).toMatchObject({ ok: false, reason });
    if (parsed?.ok !== false) return;
    expect(parsed.message).toContain(ROLLOUT_ANNOTATION);
  });

  it("quotes at most 80 characters of a bad entry", () => {
    const parsed = parseRolloutTargets(`x/${"a".repeat(300)}`);
    expect(parsed?.ok).toBe(false);
    if (parsed?.ok !== false) return;
    expect(parsed.message.length).toBeLessThan(200);
  });
});

describe("writesNewData", () => {
  const base: WriteFacts = {
    action: "update",
    before: { data: { k: "b2xk" } },
    after: { data: { k: "bmV3" } },
    generation: 2,
    observedGeneration: 1,
    settledGeneration: 1,
  };
  it.each<[string, Partial<WriteFacts>, boolean]>([
    ["a changed value of a changed SealedSecret", {}, true],
    ["an added key", { after: { data: { k: "b2xk", l: "eA==" } } }, true],
    ["a removed key", { after: { data: {} } }, true],
    [
      "a first status-less reconcile after the process started",
      { observedGeneration: undefined, settledGeneration: undefined },
      true,
    ],
    ["the first creation", { action: "create", before: undefined }, false],
    ["no write (resync, status-only change, restart)", { action: "none" }, false],
    ["a metadata-only write (same data)", { after: { data: { k: "b2xk" } } }, false],
    ["a re-sealed value opening to the same data", { after: { data: { k: "b2xk" } } }, false],
    ["a drift repair (generation already observed)", { observedGeneration: 2 }, false],
    [
      "a drift repair this process already reconciled",
      { observedGeneration: 1, settledGeneration: 2 },
      false,
    ],
    ["an object without a generation", { generation: undefined }, false],
  ])("%s: %s", (_, facts, expected) => {
    expect(writesNewData({ ...base, ...facts })).toBe(expected);
  });
});

describe("planRollout", () => {
  const ss = (annotation?: string) => ({
    metadata: {
      namespace: "ns",
      name: "s",
      ...(annotation !== undefined && { annotations: { [ROLLOUT_ANNOTATION]: annotation } }),
    },
  });

  it("restarts every target on new data, at whole seconds", () => {
    expect(
      planRollout({ ss: ss("deploy/a, sts/b"), enabled: true, newData: true, now: NOW }),
    ).toEqual({
      kind: "restart",
      targets: [
        { kind: "Deployment", name: "a" },
        { kind: "StatefulSet", name: "b" },
      ],
      restartedAt: "2026-05-01T10:20:30Z",
    });
  });

  it.each<[string, string | undefined, boolean, boolean, unknown]>([
    ["no annotation: the condition is removed", undefined, true, true, { type: "remove" }],
    ["valid, no new data: condition left as it is", "deploy/a", true, false, undefined],
    [
      "feature off: refused even with new data",
      "deploy/a",
      false,
      true,
      expect.objectContaining({ status: "False", reason: "RolloutDisabled" }),
    ],
    [
      "feature off, no new data: still reported",
      "deploy/a",
      false,
      false,
      expect.objectContaining({ status: "False", reason: "RolloutDisabled" }),
    ],
    [
      "bad annotation: reported on every reconcile",
      "pod/a",
      true,
      false,
      expect.objectContaining({ status: "False", reason: "KindNotAllowed" }),
    ],
  ])("%s", (...row) => {
    const [, annotation, enabled, newData, condition] = row;
    expect(planRollout({ ss: ss(annotation), enabled, newData, now: NOW })).toEqual({
      kind: "none",
      condition,
    });
  });
});

describe("restartPatch and rolloutCondition", () => {
  it("patches only the pod template's restartedAt annotation, as kubectl does", () => {
    expect(restartPatch("2026-05-01T10:20:30Z")).toEqual({
      spec: {
        template: {
          metadata: {
            annotations: { "kubectl.kubernetes.io/restartedAt": "2026-05-01T10:20:30Z" },
          },
        },
      },
    });
  });

  const api = { kind: "Deployment", name: "api" } as const;
  const db = { kind: "StatefulSet", name: "db" } as const;
  it.each<[string, ("restarted" | "not-found" | "forbidden" | "failed")[], string, string]>([
    ["all restarted", ["restarted", "restarted"], "True", "Restarted"],
    ["a missing target", ["restarted", "not-found"], "False", "TargetNotFound"],
    ["no RBAC", ["forbidden", "not-found"], "False", "Forbidden"],
    ["another API error", ["failed", "restarted"], "False", "RolloutFailed"],
  ])("%s", (_, results, status, reason) => {
    const c = rolloutCondition(
      [
        { target: api, result: results[0] ?? "failed" },
        { target: db, result: results[1] ?? "failed" },
      ],
      "T",
    );
    expect(c).toMatchObject({ type: "set", status, reason });
    if (c.type !== "set") return;
    expect(c.message).toMatch(/^restartedAt T: deployment\/api: .*; statefulset\/db: /);
  });
});

describe("the Rollout condition in the status", () => {
  const ss = {
    metadata: { name: "s", namespace: "ns", generation: 1 },
    status: {
      observedGeneration: 1,
      conditions: [
        { type: "Synced", status: "True" as const },
        { type: "Ready", status: "True" as const, reason: "Unsealed" },
      ],
    },
  };
  const set = {
    type: "set",
    status: "False",
    reason: "TargetNotFound",
    message: "restartedAt T: deployment/api: not found",
  } as const;

  it("is added after the reference's and kstatus conditions", () => {
    const plan = nextStatus(ss, { ok: true, keyFingerprint: undefined, rollout: set }, NOW);
    expect(plan.write).toBe(true);
    expect(plan.status.conditions?.map((c) => c.type)).toEqual(["Synced", "Ready", "Rollout"]);
    expect(plan.status.conditions?.[2]).toMatchObject({
      status: "False",
      reason: "TargetNotFound",
      message: set.message,
    });
  });

  it("is left alone when the outcome does not mention it, removed on request", () => {
    const withRollout = nextStatus(ss, { ok: true, keyFingerprint: undefined, rollout: set }, NOW);
    const next = { ...ss, status: withRollout.status };
    expect(nextStatus(next, { ok: true, keyFingerprint: undefined }, NOW).write).toBe(false);
    expect(nextStatus(next, { ok: true, keyFingerprint: undefined, rollout: set }, NOW).write).toBe(
      false,
    );
    const removed = nextStatus(
      next,
      { ok: true, keyFingerprint: undefined, rollout: { type: "remove" } },
      NOW,
    );
    expect(removed.write).toBe(true);
    expect(removed.status.conditions?.map((c) => c.type)).toEqual(["Synced", "Ready"]);
    expect(
      nextStatus(ss, { ok: true, keyFingerprint: undefined, rollout: { type: "remove" } }, NOW)
        .write,
    ).toBe(false);
  });
});
