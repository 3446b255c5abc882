import { describe, expect, it } from "vitest";

import { run } from "./run.js";
import { memoryIo } from "./test-support/memory-io.js";

/** A kubeconfig file: clusters by name → server, contexts by name → cluster. */
function kubeconfig(parts: {
  current?: string;
  clusters?: Record<string, string>;
  contexts?: Record<string, string>;
}): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    ...(parts.current !== undefined && { "current-context": parts.current }),
    clusters: Object.entries(parts.clusters ?? {}).map(([name, server]) => ({
      name,
      cluster: { server },
    })),
    contexts: Object.entries(parts.contexts ?? {}).map(([name, cluster]) => ({
      name,
      context: { cluster, user: "u" },
    })),
    users: [{ name: "u", user: {} }],
  });
}

// Nothing listens on port 1 of the loopback: the error names the server the CLI chose.
const server = (n: number): string => `https://127.0.0.${n}:1`;

describe("the CLI connects with kubectl's KUBECONFIG semantics (core's one loader)", () => {
  it.each([
    [
      "the first file that defines a cluster wins it",
      [
        kubeconfig({ current: "ctx", contexts: { ctx: "c" }, clusters: { c: server(2) } }),
        kubeconfig({ clusters: { c: server(3) } }),
      ],
      server(2),
    ],
    [
      "current-context comes from the first file that sets it, entries from any file",
      [
        kubeconfig({ clusters: { c: server(2) } }),
        kubeconfig({ current: "second", contexts: { second: "d" }, clusters: { d: server(4) } }),
        kubeconfig({ current: "third", contexts: { third: "c" } }),
      ],
      server(4),
    ],
    [
      "a context defined in a later file is used when the first does not define it",
      [
        kubeconfig({ current: "later" }),
        kubeconfig({ contexts: { later: "c" }, clusters: { c: server(5) } }),
      ],
      server(5),
    ],
  ])("%s", async (_, files, expected) => {
    const names = files.map((_, i) => `kc/${i}.json`);
    const io = memoryIo({
      files: Object.fromEntries(names.map((n, i) => [n, files[i]!])),
      env: { KUBECONFIG: [...names, "kc/missing.json"].join(":") },
    });
    const code = await run(["--fetch-cert", "--request-timeout", "5s"], io);
    expect(code).toBe(1);
    expect(io.stderr()).toContain(expected.replace("https://", ""));
  });
});
