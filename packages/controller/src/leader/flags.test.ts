import { describe, expect, it } from "vitest";

import { loadConfig } from "../config.js";
import { leaderIdentity } from "./identity.js";

const load = (argv: string[], env: Record<string, string> = {}) =>
  loadConfig({ argv, env, cpus: 2 });

describe("leader election flags", () => {
  it("default off, Lease sealed-secrets-controller, client-go's 15s/10s/2s", () => {
    expect(load([])).toMatchObject({
      leaderElect: false,
      leaderElectLeaseName: "sealed-secrets-controller",
      leaderElectLeaseDurationMs: 15_000,
      leaderElectRenewDeadlineMs: 10_000,
      leaderElectRetryPeriodMs: 2_000,
    });
  });

  it("reads the chart's SEALED_SECRETS_* variables and the flags", () => {
    const config = load(["--leader-elect-lease-duration=3s", "--leader-elect-renew-deadline=2s"], {
      SEALED_SECRETS_LEADER_ELECT: "true",
      SEALED_SECRETS_LEADER_ELECT_LEASE_NAME: "signet",
      SEALED_SECRETS_LEADER_ELECT_RETRY_PERIOD: "500ms",
    });
    expect(config).toMatchObject({
      leaderElect: true,
      leaderElectLeaseName: "signet",
      leaderElectLeaseDurationMs: 3_000,
      leaderElectRenewDeadlineMs: 2_000,
      leaderElectRetryPeriodMs: 500,
    });
  });

  it("refuses timings client-go refuses, only when leader election is on", () => {
    expect(() => load(["--leader-elect", "--leader-elect-renew-deadline=20s"])).toThrow(
      /lease-duration must be greater/,
    );
    expect(() => load(["--leader-elect", "--leader-elect-lease-name="])).toThrow(/empty/);
    expect(load(["--leader-elect-renew-deadline=20s"]).leaderElect).toBe(false);
  });
});

describe("leaderIdentity", () => {
  it("is POD_NAME, else hostname_random", () => {
    expect(leaderIdentity({ POD_NAME: "ctl-7d9f-abcde" }, "host", () => "x")).toBe(
      "ctl-7d9f-abcde",
    );
    expect(leaderIdentity({ POD_NAME: " " }, "host", () => "0a1b2c3d")).toBe("host_0a1b2c3d");
  });
});
