/// <reference types="node" />
// Harness behaviour: teardown leaves nothing behind, missing binaries fail loudly.
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { apiRequest, waitFor } from "./api.js";
import { freePort, startControlPlane } from "./controlPlane.js";
import { pidAlive, run } from "./proc.js";
import { cluster, serveInNetns, testNamespace } from "./testing.js";

const READY_TIMEOUT_MS = 240_000;

describe("test control plane harness", () => {
  it("stops every component and removes its run directory", async () => {
    const plane = await startControlPlane({
      binDir: cluster().binDir,
      controllerManager: false,
    });
    const version = await apiRequest(plane.admin, "/version", { token: plane.admin.token });
    expect(version.status).toBe(200);
    const pids = run("pgrep", ["-f", plane.info.runDir]).trim().split("\n").map(Number);
    expect(pids.length).toBe(2); // etcd + kube-apiserver
    await plane.stop();
    expect(pids.filter(pidAlive)).toEqual([]);
    expect(existsSync(plane.info.runDir)).toBe(false);
  });

  it("starts over with new ports when one was taken between picking and binding it", async () => {
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, "127.0.0.1", r));
    const taken = (squatter.address() as AddressInfo).port;
    let picks = 0;
    const started = performance.now();
    try {
      const plane = await startControlPlane({
        binDir: cluster().binDir,
        controllerManager: false,
        timeoutMs: READY_TIMEOUT_MS,
        pickPort: () => (picks++ === 0 ? Promise.resolve(taken) : freePort()),
      });
      try {
        const version = await apiRequest(plane.admin, "/version", { token: plane.admin.token });
        expect(version.status).toBe(200);
        expect(picks).toBe(6); // three ports, twice
      } finally {
        await plane.stop();
      }
    } finally {
      squatter.close();
    }
    // The dead etcd is noticed when it exits, not when the readiness timeout runs out.
    expect(performance.now() - started).toBeLessThan(READY_TIMEOUT_MS);
  });

  it("kills and restarts etcd and kube-apiserver on the same address with the same objects, and freezes and thaws them", async () => {
    const plane = await startControlPlane({
      binDir: cluster().binDir,
      controllerManager: false,
      timeoutMs: READY_TIMEOUT_MS,
    });
    const t = { token: plane.admin.token };
    const path = "/api/v1/namespaces/default/configmaps";
    try {
      const made = await apiRequest(plane.admin, path, {
        ...t,
        method: "POST",
        body: { metadata: { name: "survivor" } },
      });
      expect(made.status).toBe(201);
      const apiserver = plane.component("kube-apiserver");
      const firstPid = plane.pids()["kube-apiserver"];
      await apiserver.kill();
      expect(pidAlive(firstPid!)).toBe(false);
      await expect(
        apiRequest(plane.admin, "/version", { ...t, timeoutMs: 2_000 }),
      ).rejects.toThrow();
      await expect(apiserver.kill()).rejects.toThrow(/not running/);
      await apiserver.restart();
      expect(plane.pids()["kube-apiserver"]).not.toBe(firstPid);
      expect((await apiRequest(plane.admin, `${path}/survivor`, t)).status).toBe(200);

      const etcd = plane.component("etcd");
      await expect(etcd.restart()).rejects.toThrow(/still running/);
      await etcd.kill();
      await etcd.restart();
      const read = await waitFor(
        "the ConfigMap through the restarted etcd",
        async () => {
          const res = await apiRequest(plane.admin, `${path}/survivor`, t);
          return res.status === 200 ? res : undefined;
        },
        60_000,
      );
      expect(read.status).toBe(200);

      apiserver.freeze();
      await expect(apiRequest(plane.admin, "/version", { ...t, timeoutMs: 1_500 })).rejects.toThrow(
        /timeout/,
      );
      apiserver.thaw();
      expect((await apiRequest(plane.admin, "/version", t)).status).toBe(200);
      expect(() => plane.component("kube-controller-manager")).toThrow(/not part of/);
      apiserver.freeze(); // stop() must still end a frozen component
      const pids = Object.values(plane.pids());
      expect(pids).toHaveLength(2);
      await plane.stop();
      expect(pids.filter(pidAlive)).toEqual([]);
    } finally {
      await plane.stop();
    }
  });

  it("fails with the build command in the message when binaries are missing", async () => {
    await expect(startControlPlane({ binDir: "/nonexistent/signet-bin" })).rejects.toThrow(
      /bash test\/cluster\/build\.sh/,
    );
  });

  it("removes the network namespace and its process when a netns server stops", async () => {
    const ns = await testNamespace();
    const srv = await serveInNetns({
      namespace: ns,
      name: "sleeper",
      port: 8080,
      command: process.execPath,
      args: ["-e", "require('node:net').createServer().listen(8080)"],
    });
    const netnsName = run("ip", ["netns", "identify", String(srv.process.child.pid)]).trim();
    expect(netnsName).toMatch(/^signet-\d+-[0-9a-f]{6}$/);
    await srv.stop();
    expect(pidAlive(srv.process.child.pid!)).toBe(false);
    expect(run("ip", ["netns", "list"])).not.toContain(netnsName);
  });
});
