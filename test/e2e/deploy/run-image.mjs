// Runs the Signet image's controller with podman in the test network namespace that serveInNetns()
// started this script in. `ip netns exec` also gave this script a mount namespace with a fresh
// /sys and no cgroup file systems, which the OCI runtime needs; so podman runs in the test
// process's mount namespace (SIGNET_HOST_MOUNT_NS, through nsenter) and joins this network
// namespace by path (`--network ns:/proc/<this pid>/ns/net`).
//
//   node run-image.mjs NAME IMAGE TOKEN -- <podman global flags> -- <podman run flags> -- <controller args>
//
// serveInNetns() hands the process a kubeconfig (KUBECONFIG) whose CA file sits in the control
// plane's private run directory. The container's user (65532) cannot read that, so this writes a
// kubeconfig of its own, readable by everyone: the CA inline, and the ServiceAccount token handed
// out by a client-go exec credential plugin that runs the image's own Node.js, so the controller's
// bundled KubeConfig (kube-config.js) authenticates. The directory is mounted read-only.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const argv = process.argv.slice(2);
const [name, image, token] = argv;
/** The rest, split at each lone `--`. */
const parts = [[]];
for (const arg of argv.slice(3)) {
  if (arg === "--") parts.push([]);
  else parts.at(-1).push(arg);
}
const [, podmanGlobal = [], runFlags = [], controllerArgs = []] = parts;

const source = JSON.parse(readFileSync(process.env.KUBECONFIG, "utf8"));
const cluster = source.clusters[0].cluster;
const credential = JSON.stringify({
  apiVersion: "client.authentication.k8s.io/v1",
  kind: "ExecCredential",
  status: { token },
});
const kubeconfig = {
  apiVersion: "v1",
  kind: "Config",
  clusters: [
    {
      name: "e2e",
      cluster: {
        server: cluster.server,
        "tls-server-name": cluster["tls-server-name"],
        "certificate-authority-data": readFileSync(cluster["certificate-authority"]).toString(
          "base64",
        ),
      },
    },
  ],
  users: [
    {
      name: "controller",
      user: {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1",
          command: "/nodejs/bin/node",
          args: ["-e", `process.stdout.write(${JSON.stringify(credential)})`],
          interactiveMode: "Never",
        },
      },
    },
  ],
  contexts: [{ name: "e2e", context: { cluster: "e2e", user: "controller" } }],
  "current-context": "e2e",
};

const dir = mkdtempSync(join(tmpdir(), "signet-image-kube-"));
chmodSync(dir, 0o755);
writeFileSync(join(dir, "kubeconfig"), JSON.stringify(kubeconfig), { mode: 0o644 });
// podman's default sysctl (net.ipv4.ping_group_range) cannot be set in a network namespace the
// container joins rather than creates; a containers.conf without default sysctls.
const containersConf = join(dir, "containers.conf");
writeFileSync(containersConf, "[containers]\ndefault_sysctls = []\n");
const env = { ...process.env, CONTAINERS_CONF: containersConf };

const hostMounts = process.env.SIGNET_HOST_MOUNT_NS;
if (!hostMounts) throw new Error("run-image.mjs: SIGNET_HOST_MOUNT_NS is not set");
const inHost = (args) => ["--mount=" + hostMounts, "--", "podman", ...args];
const podman = spawn(
  "nsenter",
  inHost([
    ...podmanGlobal,
    "run",
    "--name",
    name,
    "--network",
    `ns:/proc/${process.pid}/ns/net`,
    "-v",
    `${dir}:/var/run/signet-e2e:ro`,
    "-e",
    "KUBECONFIG=/var/run/signet-e2e/kubeconfig",
    ...runFlags,
    image,
    ...controllerArgs,
  ]),
  { stdio: "inherit", env },
);
const stop = (signal) => podman.kill(signal);
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
podman.on("exit", (code, signal) => {
  spawnSync("nsenter", inHost([...podmanGlobal, "rm", "-f", "--ignore", name]), {
    stdio: "ignore",
    env,
  });
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = code ?? (signal ? 1 : 0);
});
