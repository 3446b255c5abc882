import { randomBytes } from "node:crypto";
import { posix } from "node:path";

import type { DirectoryEntry, Io, PathKind } from "../io.js";

export interface MemoryIo extends Io {
  files: Map<string, Buffer>;
  /** Modes given explicitly to writeFileAtomic (or seeded), by path. */
  modes: Map<string, number>;
  /** Symbolic links: link path → target (relative to the link's directory, like symlink(2)). */
  links: Map<string, string>;
  stdout(): string;
  stderr(): string;
  /** Makes the next atomic writes to `path` fail after writing half the data. */
  failWritesTo: Set<string>;
}

const fsError = (code: string, text: string, path: string): Error =>
  Object.assign(new Error(`${code}: ${text}, open '${path}'`), { code });
const enoent = (path: string): Error => fsError("ENOENT", "no such file or directory", path);

/** Symbolic links followed before giving up, as Linux does. */
const MAX_LINK_HOPS = 40;

/** An in-memory Io: files, stdin and captured stdout/stderr, for in-process `run()` tests. */
export function memoryIo(options: {
  stdin?: string | Buffer;
  files?: Record<string, string | Buffer>;
  /** Symbolic links: link path → target, relative to the link's directory. */
  links?: Record<string, string>;
  /** File modes (e.g. 0o444 for a read-only file). */
  modes?: Record<string, number>;
  env?: Record<string, string>;
  /** The arguments' bytes, as /proc/self/cmdline gives them. */
  commandLine?: Uint8Array[];
  /** The environment's bytes, as /proc/self/environ gives them. */
  environment?: Uint8Array[];
  now?: Date;
  urls?: Record<string, { status: number; body: string }>;
  tty?: { stdout?: boolean; stderr?: boolean };
}): MemoryIo {
  const out: (string | Uint8Array)[] = [];
  const err: string[] = [];
  const files = new Map(Object.entries(options.files ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
  const links = new Map(Object.entries(options.links ?? {}));
  const failWritesTo = new Set<string>();
  const modes = new Map(Object.entries(options.modes ?? {}));
  const fs = memoryFs(files, links);
  return {
    files,
    modes,
    links,
    failWritesTo,
    stdout: () => out.map((c) => Buffer.from(c).toString("utf8")).join(""),
    stderr: () => err.join(""),
    readStdin: () => Promise.resolve(Buffer.from(options.stdin ?? "")),
    stdinIsTTY: false,
    stderrIsTTY: options.tty?.stderr ?? false,
    stdoutIsTTY: options.tty?.stdout ?? false,
    writeStdout: (text) => void out.push(text),
    writeStderr: (text) => void err.push(text),
    readFile: (path) =>
      attempt(() => {
        const file = files.get(fs.resolve(path));
        if (!file) throw enoent(path);
        return file;
      }),
    fileSize: (path) =>
      attempt(() => {
        const file = files.get(fs.resolve(path));
        if (!file) throw enoent(path);
        return file.length;
      }),
    writeFileAtomic: (path, data, opts) =>
      attempt(() => {
        const target = fs.resolve(path);
        if (failWritesTo.has(path)) throw new Error(`write ${path}: disk full`);
        const existing = modes.get(target) ?? (files.has(target) ? 0o644 : undefined);
        if (existing !== undefined && (existing & 0o200) === 0) {
          throw fsError("EACCES", "permission denied", path);
        }
        const mode = opts?.mode ?? existing ?? opts?.createMode;
        files.set(target, bytesOf(data));
        if (mode !== undefined) modes.set(target, mode);
      }),
    pathKind: (path) => attempt(() => fs.kind(path)),
    realPath: (path) =>
      attempt(() => {
        if (fs.kind(path) === "missing") throw enoent(path);
        return fs.resolve(path);
      }),
    readDirectory: (dir) => attempt(() => fs.list(dir)),
    fetchUrl: (url) => {
      const hit = options.urls?.[url];
      if (!hit) return Promise.reject(new Error(`dial tcp: connection refused`));
      return Promise.resolve({
        status: hit.status,
        statusText: hit.status === 200 ? "OK" : "Not Found",
        body: Buffer.from(hit.body),
      });
    },
    env: options.env ?? {},
    commandLine: () => options.commandLine,
    environment: () => options.environment,
    homeDir: "/home/test",
    cwd: () => MEMORY_CWD,
    now: () => options.now ?? new Date("2026-06-01T00:00:00Z"),
    random: randomBytes,
    program: "signet",
    version: "0.0.0-test",
  };
}

function attempt<T>(body: () => T): Promise<T> {
  try {
    return Promise.resolve(body());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** The memory Io's current directory: an absolute path under it names the relative file. */
export const MEMORY_CWD = "/repo";

/** Paths are relative and `/`-separated; a directory exists when something lies under it. */
function memoryFs(files: Map<string, Buffer>, links: Map<string, string>) {
  const under = (dir: string): string[] =>
    [...files.keys(), ...links.keys()].filter((p) => dir === "." || p.startsWith(`${dir}/`));

  /** `path` with every symbolic link along it followed (ELOOP after too many hops). */
  function resolve(path: string, hops = { n: 0 }): string {
    let current = "";
    const normal = posix.normalize(path);
    const relative = normal.startsWith(`${MEMORY_CWD}/`)
      ? normal.slice(MEMORY_CWD.length + 1)
      : normal;
    for (const part of relative.split("/")) {
      current = current === "" ? part : posix.join(current, part);
      const target = links.get(current);
      if (target === undefined) continue;
      if (++hops.n > MAX_LINK_HOPS) {
        throw fsError("ELOOP", "too many symbolic links encountered", path);
      }
      current = resolve(posix.join(posix.dirname(current), target), hops);
    }
    return current;
  }

  function kind(path: string): PathKind {
    const real = resolve(path);
    if (files.has(real)) return "file";
    return under(real).length > 0 ? "directory" : "missing";
  }

  function list(dir: string): DirectoryEntry[] {
    const real = resolve(dir);
    const prefix = real === "." ? "" : `${real}/`;
    const entries = new Map<string, DirectoryEntry>();
    for (const p of under(real)) {
      const [name, ...rest] = p.slice(prefix.length).split("/");
      const link = rest.length === 0 && links.has(p);
      const entryKind = link ? "symlink" : rest.length > 0 ? "directory" : "file";
      entries.set(name!, { name: name!, kind: entryKind });
    }
    return [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  return { resolve, kind, list };
}

/** What writeFileAtomic writes: parts one after the other. */
function bytesOf(data: string | Uint8Array | readonly string[]): Buffer<ArrayBuffer> {
  if (typeof data === "string") return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data);
  return Buffer.from(data.join(""));
}
