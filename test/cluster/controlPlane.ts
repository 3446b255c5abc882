/// <reference types="node" />
// A real Kubernetes control plane for tests: etcd + kube-apiserver (+ kube-controller-manager
// with only the garbage-collector, namespace and deployment controllers), all on 127.0.0.1
// with free ports.
// Binaries come from test/cluster/build.sh (a version-keyed cache outside the repo).
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { apiCall, apiRequest, waitFor, type ApiEndpoint } from "./api.js";
import { pidAlive, removeOnCleanup, run, spawnManaged, type ManagedProcess } from "./proc.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const BINARIES = ["etcd", "kube-apiserver", "kube-controller-manager", "kubectl"] as const;
const RUN_DIR_PREFIX = "signet-cp-";

/** Kubernetes version pinned in test/cluster/versions.env (overridable by SIGNET_K8S_VERSION). */
export function k8sVersion(): string {
  if (process.env.SIGNET_K8S_VERSION) return process.env.SIGNET_K8S_VERSION;
  const env = readFileSync(join(HERE, "versions.env"), "utf8");
  const m = /^K8S_VERSION=(\S+)$/m.exec(env);
  if (!m?.[1]) throw new Error("test/cluster/versions.env has no K8S_VERSION");
  return m[1];
}

/** Where build.sh puts the binaries; SIGNET_CONTROL_PLANE_BIN overrides. */
export function defaultBinDir(): string {
  if (process.env.SIGNET_CONTROL_PLANE_BIN) return process.env.SIGNET_CONTROL_PLANE_BIN;
  const root =
    process.env.SIGNET_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "signet");
  return join(root, "control-plane", `v${k8sVersion()}`, "bin");
}

/** Throws a loud, actionable error when a control-plane binary is missing. */
export function assertBinaries(binDir: string): void {
  const missing = BINARIES.filter((b) => !existsSync(join(binDir, b)));
  if (missing.length > 0) {
    throw new Error(
      `control-plane binaries missing in ${binDir}: ${missing.join(", ")}.\n` +
        `Build them first (cold build takes a while, then it is cached):\n` +
        `    bash test/cluster/build.sh\n` +
        `or point SIGNET_CONTROL_PLANE_BIN at a directory containing ${BINARIES.join(", ")}.`,
    );
  }
}

export interface ClusterInfo {
  version: string;
  /** https://127.0.0.1:PORT */
  server: string;
  caFile: string;
  caPem: string;
  adminToken: string;
  /** Authenticated user `e2e-user` with no RBAC grants (only the system:authenticated defaults). */
  userToken: string;
  userName: string;
  /**
   * Token of `system:serviceaccount:kube-system:sealed-secrets-controller` (groups
   * system:serviceaccounts, system:serviceaccounts:kube-system) with no grants until a test
   * applies the controller's RBAC manifests — so controller tests exercise exactly that RBAC.
   */
  controllerToken: string;
  controllerUser: string;
  adminKubeconfig: string;
  userKubeconfig: string;
  binDir: string;
  kubectl: string;
  runDir: string;
  /** Whether kube-controller-manager (GC, namespace and deployment controllers) runs. */
  controllerManager: boolean;
}

export interface ControlPlane {
  readonly info: ClusterInfo;
  readonly admin: ApiEndpoint & { token: string };
  /** Runs kubectl as admin (or with another kubeconfig); returns stdout, throws on failure. */
  kubectl(args: readonly string[], opts?: { input?: string; kubeconfig?: string }): string;
  /** Process ids of the running components by name (etcd, kube-apiserver, ...), for accounting. */
  pids(): Record<string, number>;
  /** Fault injection on one running component (see {@link ComponentControl}). */
  component(name: ComponentName): ComponentControl;
  /** Stops all components (KCM, apiserver, etcd) and removes the run directory. */
  stop(): Promise<void>;
}

export type ComponentName = "etcd" | "kube-apiserver" | "kube-controller-manager";

/**
 * Faults for one component of a running control plane. A restart runs the same command line
 * (same ports, same etcd data directory, same certificates and tokens), so clients reconnect
 * to the same address and find the same objects.
 */
export interface ComponentControl {
  /** SIGKILL (no graceful shutdown); resolves once the process has exited. */
  kill(): Promise<void>;
  /** Starts a killed component again; resolves when it is ready (as at first start). */
  restart(): Promise<void>;
  /** SIGSTOP: its sockets stay open and accept connections, but nothing is answered. */
  freeze(): void;
  /** SIGCONT: it carries on where it stopped. */
  thaw(): void;
}

/**
 * Returns once every thread of `pid` is stopped (state T in /proc), at most 2 s: SIGSTOP is
 * delivered asynchronously, and on a loaded machine a thread of a Go server could still answer a
 * request sent right after kill() returned.
 */
function waitStopped(pid: number | undefined): void {
  if (pid === undefined) return;
  const deadline = Date.now() + 2000;
  const allStopped = (): boolean => {
    try {
      return readdirSync(`/proc/${pid}/task`).every((tid) => {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        return /^[TtXZ]/.test(stat.slice(stat.lastIndexOf(")") + 2));
      });
    } catch {
      return true; // gone
    }
  };
  while (!allStopped() && Date.now() < deadline) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
  }
}

export interface StartOptions {
  binDir?: string;
  /** Directories or files applied with `kubectl apply -f` before KCM starts (e.g. crds/). */
  manifests?: readonly string[];
  /** Start kube-controller-manager (garbage collector + namespace controller). Default true. */
  controllerManager?: boolean;
  /** Readiness timeout per component. Default 90 s. */
  timeoutMs?: number;
  /** Picks each listening port (default {@link freePort}; a seam for the port-race test). */
  pickPort?: () => Promise<number>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Removes run directories left behind by processes that no longer exist (e.g. SIGKILLed). */
function reapStaleRunDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const m = new RegExp(`^${RUN_DIR_PREFIX}(\\d+)-`).exec(name);
    if (m?.[1] && !pidAlive(Number(m[1]))) {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}

function writePki(dir: string): { certFile: string; keyFile: string; saKeyFile: string } {
  const certFile = join(dir, "serving.crt");
  const keyFile = join(dir, "serving.key");
  run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=signet-e2e-apiserver",
    "-addext",
    "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc",
    "-keyout",
    keyFile,
    "-out",
    certFile,
  ]);
  const saKeyFile = join(dir, "sa.key");
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(saKeyFile, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  return { certFile, keyFile, saKeyFile };
}

/** A token kubeconfig (JSON, which is YAML) for the test cluster. */
export function kubeconfig(o: {
  server: string;
  caFile: string;
  user: string;
  token: string;
  tlsServerName?: string;
}): string {
  const { server, caFile, user, token, tlsServerName } = o;
  const cluster = {
    server,
    "certificate-authority": caFile,
    ...(tlsServerName ? { "tls-server-name": tlsServerName } : {}),
  };
  return JSON.stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "signet-e2e", cluster }],
      users: [{ name: user, user: { token } }],
      contexts: [{ name: user, context: { cluster: "signet-e2e", user } }],
      "current-context": user,
    },
    null,
    2,
  );
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpGet(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
  });
}

async function waitReady(
  proc: ManagedProcess,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  let exited: number | string | undefined;
  let stopWaiting = false;
  // A component that exited (e.g. its port was taken meanwhile) fails at once, not at the timeout.
  const died = proc.exited.then((c) => {
    exited = c;
    throw new Error(`${proc.name} exited (${c})`);
  });
  try {
    await Promise.race([
      died,
      waitFor(
        what,
        async () => {
          // Ends the poll: the race is already lost to `died` (or settled).
          if (exited !== undefined || stopWaiting) return true;
          return (await check()) ? true : undefined;
        },
        timeoutMs,
      ),
    ]);
  } catch (err) {
    stopWaiting = true;
    throw new Error(`${String(err)}\n--- last lines of ${proc.logFile} ---\n${proc.tail()}`, {
      cause: err,
    });
  } finally {
    died.catch(() => undefined);
  }
}

/** Ports come from {@link freePort} and are free only until another process binds them. */
const PORT_TAKEN = /address already in use/;
const BOOT_ATTEMPTS = 3;

/** Starts etcd, kube-apiserver and (optionally) kube-controller-manager. */
export async function startControlPlane(opts: StartOptions = {}): Promise<ControlPlane> {
  const binDir = opts.binDir ?? defaultBinDir();
  assertBinaries(binDir);
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const withKcm = opts.controllerManager ?? true;
  reapStaleRunDirs();
  const runDir = mkdtempSync(join(tmpdir(), `${RUN_DIR_PREFIX}${process.pid}-`));
  const removeRunDir = removeOnCleanup(runDir);
  const procs: ManagedProcess[] = [];
  const stopProcs = async (): Promise<void> => {
    for (const p of procs.reverse()) await p.stop();
    procs.length = 0;
  };
  const stopAll = async (): Promise<void> => {
    await stopProcs();
    removeRunDir();
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return await boot();
    } catch (err) {
      await stopProcs();
      if (attempt >= BOOT_ATTEMPTS || !PORT_TAKEN.test(String(err))) {
        removeRunDir();
        throw err;
      }
      // Another process took a port between freePort() and the bind: new ports, fresh etcd.
      rmSync(join(runDir, "etcd"), { recursive: true, force: true });
    }
  }

  async function boot(): Promise<ControlPlane> {
    const bin = (b: (typeof BINARIES)[number]): string => join(binDir, b);
    const pki = writePki(runDir);
    const caPem = readFileSync(pki.certFile, "utf8");
    const adminToken = randomBytes(24).toString("hex");
    const userToken = randomBytes(24).toString("hex");
    const userName = "e2e-user";
    const controllerToken = randomBytes(24).toString("hex");
    const controllerUser = "system:serviceaccount:kube-system:sealed-secrets-controller";
    const tokensFile = join(runDir, "tokens.csv");
    writeFileSync(
      tokensFile,
      [
        `${adminToken},e2e-admin,uid-e2e-admin,"system:masters"`,
        `${userToken},${userName},uid-e2e-user`,
        `${controllerToken},${controllerUser},uid-e2e-controller,"system:serviceaccounts,system:serviceaccounts:kube-system"`,
        "",
      ].join("\n"),
      { mode: 0o600 },
    );

    // etcd
    const pick = opts.pickPort ?? freePort;
    const [etcdPort, peerPort, apiPort] = [await pick(), await pick(), await pick()];
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcdArgs = [
      "--name=signet-e2e",
      `--data-dir=${join(runDir, "etcd")}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=signet-e2e=${peerUrl}`,
      "--unsafe-no-fsync=true",
      "--logger=zap",
      "--log-level=warn",
    ];
    const components = new Map<ComponentName, Component>();
    const launch = async (name: ComponentName): Promise<void> => {
      const c = components.get(name)!;
      const proc = spawnManaged(name, bin(name), c.args, { logFile: join(runDir, `${name}.log`) });
      c.proc = proc;
      procs.push(proc);
      await waitReady(proc, c.what, c.ready, timeoutMs);
    };
    components.set("etcd", {
      args: etcdArgs,
      what: "etcd /health",
      ready: () => httpOk(`${etcdUrl}/health`),
    });
    await launch("etcd");

    // kube-apiserver
    const server = `https://127.0.0.1:${apiPort}`;
    const apiserverArgs = [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      "--advertise-address=127.0.0.1",
      "--endpoint-reconciler-type=none",
      `--cert-dir=${join(runDir, "pki")}`,
      `--tls-cert-file=${pki.certFile}`,
      `--tls-private-key-file=${pki.keyFile}`,
      "--service-cluster-ip-range=10.0.0.0/24",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${pki.saKeyFile}`,
      `--service-account-signing-key-file=${pki.saKeyFile}`,
      `--token-auth-file=${tokensFile}`,
      "--authorization-mode=RBAC",
      "--disable-admission-plugins=ServiceAccount",
      "--allow-privileged=true",
      "--enable-priority-and-fairness=false",
    ];
    const admin = { server, caPem, token: adminToken };
    components.set("kube-apiserver", {
      args: apiserverArgs,
      what: "kube-apiserver /readyz",
      ready: async () => (await apiRequest(admin, "/readyz", { token: adminToken })).status === 200,
    });
    await launch("kube-apiserver");

    const adminKubeconfig = join(runDir, "admin.kubeconfig");
    const userKubeconfig = join(runDir, "user.kubeconfig");
    writeFileSync(
      adminKubeconfig,
      kubeconfig({ server, caFile: pki.certFile, user: "e2e-admin", token: adminToken }),
    );
    writeFileSync(
      userKubeconfig,
      kubeconfig({ server, caFile: pki.certFile, user: userName, token: userToken }),
    );
    const kubectl: ControlPlane["kubectl"] = (args, o = {}) =>
      run(bin("kubectl"), [`--kubeconfig=${o.kubeconfig ?? adminKubeconfig}`, ...args], o.input);

    for (const m of opts.manifests ?? []) kubectl(["apply", "-f", m]);
    if ((opts.manifests ?? []).length > 0) {
      kubectl(["wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"]);
    }

    if (withKcm) {
      components.set("kube-controller-manager", {
        args: [
          `--kubeconfig=${adminKubeconfig}`,
          "--controllers=garbage-collector-controller,namespace-controller,deployment-controller,statefulset-controller,daemonset-controller",
          "--leader-elect=false",
          "--secure-port=0",
          "--use-service-account-credentials=false",
        ],
        what: "garbage collector",
        ready: () => gcProbe(admin),
      });
      await launch("kube-controller-manager");
    }

    const info: ClusterInfo = {
      version: k8sVersion(),
      server,
      caFile: pki.certFile,
      caPem,
      adminToken,
      userToken,
      userName,
      controllerToken,
      controllerUser,
      adminKubeconfig,
      userKubeconfig,
      binDir,
      kubectl: bin("kubectl"),
      runDir,
      controllerManager: withKcm,
    };
    const pids = (): Record<string, number> =>
      Object.fromEntries(
        procs.flatMap((p) => (p.child.pid === undefined ? [] : [[p.name, p.child.pid]])),
      );
    const component = (name: ComponentName): ComponentControl => {
      const c = components.get(name);
      if (!c) throw new Error(`${name} is not part of this control plane`);
      const running = (): ManagedProcess => {
        if (!c.proc || c.proc.child.exitCode !== null || c.proc.child.signalCode !== null) {
          throw new Error(`${name} is not running`);
        }
        return c.proc;
      };
      return {
        async kill() {
          const proc = running();
          proc.signal("SIGKILL");
          await proc.exited;
          procs.splice(procs.indexOf(proc), 1);
        },
        async restart() {
          if (c.proc && c.proc.child.exitCode === null && c.proc.child.signalCode === null) {
            throw new Error(`${name} is still running: kill it first`);
          }
          await launch(name);
        },
        freeze: () => {
          const proc = running();
          proc.signal("SIGSTOP");
          waitStopped(proc.child.pid);
        },
        thaw: () => running().signal("SIGCONT"),
      };
    };
    return { info, admin, kubectl, pids, component, stop: stopAll };
  }
}

/** How to (re)start one component: its arguments and readiness check. */
interface Component {
  args: string[];
  what: string;
  ready: () => Promise<boolean>;
  proc?: ManagedProcess;
}

/**
 * One round of the GC readiness probe: creates an owner ConfigMap and a dependent, deletes the
 * owner, and reports whether the dependent is collected within a few seconds.
 */
async function gcProbe(admin: ApiEndpoint & { token: string }): Promise<boolean> {
  const t = { token: admin.token };
  const base = "/api/v1/namespaces/default/configmaps";
  const suffix = randomBytes(4).toString("hex");
  const owner = await apiCall(admin, base, {
    ...t,
    method: "POST",
    body: { metadata: { name: `gc-probe-owner-${suffix}` } },
  });
  const ownerMeta = (owner.json as { metadata: { name: string; uid: string } }).metadata;
  const dependent = `gc-probe-dependent-${suffix}`;
  await apiCall(admin, base, {
    ...t,
    method: "POST",
    body: {
      metadata: {
        name: dependent,
        ownerReferences: [
          { apiVersion: "v1", kind: "ConfigMap", name: ownerMeta.name, uid: ownerMeta.uid },
        ],
      },
    },
  });
  await apiCall(admin, `${base}/${ownerMeta.name}`, { ...t, method: "DELETE" });
  try {
    await waitFor(
      "gc probe dependent deletion",
      async () =>
        (await apiRequest(admin, `${base}/${dependent}`, t)).status === 404 ? true : undefined,
      5000,
    );
    return true;
  } catch {
    await apiRequest(admin, `${base}/${dependent}`, { ...t, method: "DELETE" });
    return false;
  }
}
