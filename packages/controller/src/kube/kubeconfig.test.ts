import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import {
  inClusterConnection,
  kubeconfigConnection,
  loadConnection,
  TOKEN_REREAD_MS,
} from "./kubeconfig.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");

function kubeconfig(dir: string, cluster: object, user: object): string {
  const path = join(dir, "config");
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      "current-context": "ctx",
      contexts: [
        { name: "other", context: { cluster: "nope", user: "nobody" } },
        { name: "ctx", context: { cluster: "c", user: "u" } },
      ],
      clusters: [{ name: "c", cluster }],
      users: [{ name: "u", user }],
    }),
  );
  return path;
}

describe("kubeconfig connection", () => {
  it("reads the current context's cluster and token user; file references are relative to the kubeconfig", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kc-"));
    mkdirSync(join(dir, "pki"));
    writeFileSync(join(dir, "pki", "ca.crt"), "CA");
    writeFileSync(join(dir, "pki", "client.crt"), "CERT");
    writeFileSync(join(dir, "pki", "client.key"), "KEY");
    const path = kubeconfig(
      dir,
      { server: "https://10.0.0.1:6443/", "certificate-authority": "pki/ca.crt" },
      { token: "t0k", "client-certificate": "pki/client.crt", "client-key": "pki/client.key" },
    );
    const conn = await loadConnection(path, {});
    expect(conn.server).toBe("https://10.0.0.1:6443");
    expect(conn.tls).toEqual({
      ca: Buffer.from("CA"),
      cert: Buffer.from("CERT"),
      key: Buffer.from("KEY"),
    });
    expect(await conn.authenticate()).toEqual({ authorization: "Bearer t0k" });
  });

  it("reads inline data, insecure-skip-tls-verify, tls-server-name, basic auth and impersonation", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kc-"));
    const path = kubeconfig(
      dir,
      {
        server: "https://api.example:443",
        "certificate-authority-data": b64("CA"),
        "insecure-skip-tls-verify": true,
        "tls-server-name": "kubernetes",
      },
      { username: "admin", password: "pw", as: "someone" },
    );
    const conn = kubeconfigConnection(path);
    expect(conn?.tls).toEqual({
      ca: Buffer.from("CA"),
      cert: undefined,
      key: undefined,
      rejectUnauthorized: false,
      servername: "kubernetes",
    });
    expect(await conn?.authenticate()).toEqual({
      authorization: `Basic ${b64("admin:pw")}`,
      "impersonate-user": "someone",
    });
  });

  it("reads a token file once (trimmed)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kc-"));
    writeFileSync(join(dir, "token"), "from-file\n");
    const path = kubeconfig(dir, { server: "https://h" }, { tokenFile: "token" });
    expect(await kubeconfigConnection(path)?.authenticate()).toEqual({
      authorization: "Bearer from-file",
    });
  });

  it("refuses a kubeconfig whose current context names no cluster with a server", () => {
    const dir = mkdtempSync(join(tmpdir(), "kc-"));
    const path = kubeconfig(dir, { "certificate-authority-data": b64("CA") }, {});
    expect(() => kubeconfigConnection(path)).toThrow(/has no current cluster/);
  });

  it("hands a user with a credential plugin (exec) to client-node, which runs it for each request's token", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kc-"));
    const credential = JSON.stringify({
      apiVersion: "client.authentication.k8s.io/v1beta1",
      kind: "ExecCredential",
      status: { token: "from-plugin" },
    });
    const exec = {
      apiVersion: "client.authentication.k8s.io/v1beta1",
      command: process.execPath,
      args: ["-e", `process.stdout.write(${JSON.stringify(credential)})`],
    };
    const path = kubeconfig(dir, { server: "https://h:6443" }, { exec });
    expect(kubeconfigConnection(path)).toBeUndefined();
    const conn = await loadConnection("", { KUBECONFIG: `:${path}:/elsewhere` });
    expect(conn.server).toBe("https://h:6443");
    expect(await conn.authenticate()).toMatchObject({ authorization: "Bearer from-plugin" });
  });
});

describe("in-cluster connection", () => {
  function serviceAccount(token: string): string {
    const dir = mkdtempSync(join(tmpdir(), "sa-"));
    writeFileSync(join(dir, "ca.crt"), "CLUSTER CA");
    writeFileSync(join(dir, "token"), token);
    return dir;
  }

  it("talks HTTPS to KUBERNETES_SERVICE_HOST:PORT with the mounted CA (an IPv6 host in brackets)", () => {
    const dir = serviceAccount("t");
    const env = { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" };
    const conn = inClusterConnection(env, { serviceAccountDir: dir });
    expect(conn.server).toBe("https://10.96.0.1:443");
    expect(conn.tls).toEqual({ ca: Buffer.from("CLUSTER CA") });
    const v6 = { KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "443" };
    expect(inClusterConnection(v6, { serviceAccountDir: dir }).server).toBe(
      "https://[fd00::1]:443",
    );
  });

  it("re-reads a rotated token only once the one it read is a minute old", async () => {
    const dir = serviceAccount("first\n");
    let now = 1_000_000;
    const conn = inClusterConnection(
      { KUBERNETES_SERVICE_HOST: "h", KUBERNETES_SERVICE_PORT: "443" },
      { serviceAccountDir: dir, now: () => now },
    );
    expect(await conn.authenticate()).toEqual({ authorization: "Bearer first" });
    writeFileSync(join(dir, "token"), "second");
    now += TOKEN_REREAD_MS;
    expect(await conn.authenticate()).toEqual({ authorization: "Bearer first" });
    now += 1;
    expect(await conn.authenticate()).toEqual({ authorization: "Bearer second" });
  });

  it("is what loadConnection uses without a kubeconfig, and says so when not in a cluster", async () => {
    await expect(loadConnection("", {})).rejects.toThrow(/not running in a cluster/);
  });
});

describe("start-up footprint", () => {
  it("no controller module imports @kubernetes/client-node statically (only the plugin fallback, on demand)", () => {
    const src = join(import.meta.dirname, "..");
    const offenders = readdirSync(src, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .filter((f) =>
        /^import (?!type )[^;]*from "@kubernetes\/client-node"/m.test(
          readFileSync(join(src, f), "utf8"),
        ),
      );
    expect(offenders).toEqual([]);
  });
});
