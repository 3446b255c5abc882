import { describe, expect, it } from "vitest";

import { kubeconfigPaths, loadKubeconfig } from "./kubeconfig.js";

const enoent = (): Error => Object.assign(new Error("ENOENT"), { code: "ENOENT" });

/** A loader over in-memory files. */
function sources(files: Record<string, object | string>, kubeconfigEnv?: string, explicit = "") {
  return {
    explicitPath: explicit,
    kubeconfigEnv,
    defaultPath: "/home/me/.kube/config",
    readFile: (path: string) => {
      const file = files[path];
      if (file === undefined) return Promise.reject(enoent());
      return Promise.resolve(Buffer.from(typeof file === "string" ? file : JSON.stringify(file)));
    },
  };
}

describe("kubeconfigPaths (client-go's loading order)", () => {
  it.each([
    ["--kubeconfig alone", "x", "a:b", ["x"]],
    ["KUBECONFIG split on ':', empty entries dropped, each file once", "", ":a::b:a:", ["a", "b"]],
    ["the default without either", "", undefined, ["/home/me/.kube/config"]],
    ["the default for an empty KUBECONFIG", "", "", ["/home/me/.kube/config"]],
  ])("%s", (_, explicit, env, expected) => {
    expect(kubeconfigPaths(explicit, env, "/home/me/.kube/config")).toEqual(expected);
  });

  it("has no default for the controller (it falls back to its pod)", () => {
    expect(kubeconfigPaths("", undefined)).toEqual([]);
  });
});

describe("loadKubeconfig merges KUBECONFIG files as kubectl does", () => {
  const A = {
    "current-context": "a-ctx",
    clusters: [{ name: "shared", cluster: { server: "https://a" } }],
    users: [{ name: "shared", user: { token: "from-a" } }],
    contexts: [{ name: "shared", context: { cluster: "shared", namespace: "a-ns" } }],
  };
  const B = {
    "current-context": "b-ctx",
    clusters: [
      { name: "shared", cluster: { server: "https://b" } },
      { name: "only-b", cluster: { server: "https://only-b" } },
    ],
    users: [{ name: "shared", user: { token: "from-b" } }],
    contexts: [
      { name: "shared", context: { cluster: "only-b", namespace: "b-ns" } },
      { name: "a-ctx", context: { cluster: "only-b" } },
    ],
  };

  it.each([
    ["a cluster", (c: Merged) => c.clusters.get("shared")?.server, "https://a"],
    ["a user", (c: Merged) => c.users.get("shared")?.token, "from-a"],
    ["a context", (c: Merged) => c.contexts.get("shared")?.namespace, "a-ns"],
    ["the current context", (c: Merged) => c.currentContext, "a-ctx"],
  ])("the first file to define %s wins it", async (_, pick, expected) => {
    const config = (await loadKubeconfig(sources({ a: A, b: B }, "a:b")))!;
    expect(pick(config)).toBe(expected);
  });

  it("takes names only a later file defines from it", async () => {
    const config = (await loadKubeconfig(sources({ a: A, b: B }, "a:b")))!;
    expect(config.clusters.get("only-b")?.server).toBe("https://only-b");
    // a-ctx is defined only in b, though a names it current.
    expect(config.contexts.get("a-ctx")?.cluster).toBe("only-b");
  });

  it("takes current-context from the first file that sets it, skipping files that do not", async () => {
    const noCurrent = { clusters: [] };
    const config = (await loadKubeconfig(sources({ n: noCurrent, b: B, a: A }, "n:b:a")))!;
    expect(config.currentContext).toBe("b-ctx");
  });

  it("skips missing KUBECONFIG files and the missing default; nothing at all is undefined", async () => {
    expect((await loadKubeconfig(sources({ b: B }, "gone:b")))?.currentContext).toBe("b-ctx");
    expect(await loadKubeconfig(sources({}, "gone"))).toBeUndefined();
    expect(await loadKubeconfig(sources({}))).toBeUndefined();
  });

  it.each([
    ["a missing --kubeconfig", {}, "stat x: no such file or directory"],
    ["an unreadable file", "EACCES", 'error loading config file "x": read x: permission denied'],
    ["a file that does not decode", "kind: [", 'error loading config file "x": '],
  ])("refuses %s in client-go's words", async (_, file, message) => {
    const base = sources(typeof file === "string" && file !== "EACCES" ? { x: file } : {}, "", "x");
    const readFile =
      file === "EACCES"
        ? () => Promise.reject(Object.assign(new Error("EACCES"), { code: "EACCES" }))
        : base.readFile;
    await expect(loadKubeconfig({ ...base, readFile })).rejects.toThrow(message);
  });

  it("resolves relative file references against the directory of the file holding them", async () => {
    const file = {
      clusters: [
        { name: "c", cluster: { server: "https://x", "certificate-authority": "ca.crt" } },
      ],
      users: [
        {
          name: "u",
          user: { "client-certificate": "pki/c.crt", "client-key": "/abs/c.key", tokenFile: "t" },
        },
      ],
    };
    const config = (await loadKubeconfig(
      sources({ "/etc/kube/config": file }, "/etc/kube/config"),
    ))!;
    expect(config.clusters.get("c")?.["certificate-authority"]).toBe("/etc/kube/ca.crt");
    expect(config.users.get("u")).toMatchObject({
      "client-certificate": "/etc/kube/pki/c.crt",
      "client-key": "/abs/c.key",
      tokenFile: "/etc/kube/t",
    });
  });
});

type Merged = NonNullable<Awaited<ReturnType<typeof loadKubeconfig>>>;
