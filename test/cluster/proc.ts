/// <reference types="node" />
// Child-process and cleanup bookkeeping for the test control plane.
//
// Every long-running child is spawned in its own process group (detached) and, when
// util-linux `setpriv` is present, with PDEATHSIG=SIGKILL so it dies with the Node process even
// when that process is SIGKILLed. Cleanups run on normal teardown, on SIGINT/SIGTERM/SIGHUP and
// synchronously on process exit, so a failing or interrupted run leaves nothing behind.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, readFileSync, rmSync } from "node:fs";

type Cleanup = () => void;

const cleanups = new Map<number, Cleanup>();
let nextCleanupId = 0;
let handlersInstalled = false;

/** Registers a synchronous cleanup; returns a function that runs it (once) and unregisters it. */
export function onCleanup(fn: Cleanup): () => void {
  installHandlers();
  const id = nextCleanupId++;
  cleanups.set(id, fn);
  return () => {
    if (cleanups.delete(id)) fn();
  };
}

/** Runs all registered cleanups, newest first. Errors are reported, not thrown. */
export function runAllCleanups(): void {
  const entries = [...cleanups.entries()].reverse();
  cleanups.clear();
  for (const [, fn] of entries) {
    try {
      fn();
    } catch (err) {
      process.stderr.write(`[test/cluster] cleanup failed: ${String(err)}\n`);
    }
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", runAllCleanups);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
      runAllCleanups();
      // Re-raise with default behaviour unless someone else (e.g. vitest) handles the signal.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}

const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => existsSync(p));

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM the process group, SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** Sends `sig` to the process group (fault injection: SIGKILL, SIGSTOP, SIGCONT). */
  signal(sig: NodeJS.Signals): void;
  /** Last `lines` lines of the combined stdout/stderr log. */
  tail(lines?: number): string;
}

export interface SpawnOptions {
  /** stdout and stderr are appended here. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Spawns `command args` in a new process group with stdout+stderr appended to `logFile`.
 * The group is killed on stop() and by the global cleanup.
 */
export function spawnManaged(
  name: string,
  command: string,
  args: readonly string[],
  opts: SpawnOptions,
): ManagedProcess {
  const { logFile } = opts;
  const [cmd, argv] = SETPRIV
    ? [SETPRIV, ["--pdeathsig", "SIGKILL", "--", command, ...args]]
    : [command, [...args]];
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(cmd, argv, {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: opts.env ?? process.env,
    cwd: opts.cwd,
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  // Output read after the log has ended (a descendant writing late) is dropped, not thrown.
  log.on("error", () => undefined);
  // Settles once the log file holds everything the process wrote: "close" comes after the last
  // output was read from the pipes ("exit" may come first, with the final log lines unread), and
  // the file stream is then flushed. A descendant holding the pipes open gets 2 s.
  const exited = new Promise<number | string>((resolve) => {
    let settled = false;
    const done = (result: number | string): void => {
      if (settled) return;
      settled = true;
      log.end(() => resolve(result));
    };
    child.once("close", (code, signal) => done(code ?? signal ?? "unknown"));
    child.once("exit", (code, signal) => {
      setTimeout(() => done(code ?? signal ?? "unknown"), 2000).unref();
    });
    child.once("error", (err) => done(`spawn error: ${err.message}`));
  });
  const killGroup = (sig: NodeJS.Signals): void => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // group already gone
    }
  };
  const unregister = onCleanup(() => killGroup("SIGKILL"));
  const tail = (lines = 60): string => {
    try {
      return readFileSync(logFile, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  };
  return {
    name,
    child,
    logFile,
    exited,
    tail,
    signal: killGroup,
    async stop(graceMs = 5000) {
      // A frozen (SIGSTOPped) process would never see the SIGTERM.
      killGroup("SIGCONT");
      killGroup("SIGTERM");
      const timer = setTimeout(() => killGroup("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      killGroup("SIGKILL"); // stragglers in the group
      unregister();
    },
  };
}

/** Runs a short command synchronously; throws with its output on failure. */
export function run(command: string, args: readonly string[], input?: string): string {
  const res = spawnSync(command, args, { encoding: "utf8", input, timeout: 120_000 });
  if (res.error) throw new Error(`${command} ${args.join(" ")}: ${res.error.message}`);
  if (res.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited with ${res.status ?? res.signal}\n${res.stderr}${res.stdout}`,
    );
  }
  return res.stdout;
}

/** Removes a directory tree on cleanup. */
export function removeOnCleanup(dir: string): () => void {
  return onCleanup(() => rmSync(dir, { recursive: true, force: true }));
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
