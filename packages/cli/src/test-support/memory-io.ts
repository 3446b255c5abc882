import { randomBytes } from "node:crypto";

import type { DirectoryEntry, Io, PathKind } from "../io.js";

export interface MemoryIo extends Io {
  files: Map<string, Buffer>;
  /** Modes given explicitly to writeFileAtomic, by path. */
  modes: Map<string, number>;
  stdout(): string;
  stderr(): string;
  /** Makes the next atomic writes to `path` fail after writing half the data. */
  failWritesTo: Set<string>;
}

const enoent = (path: string): Error =>
  Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: "ENOENT" });

/** An in-memory Io: files, stdin and captured stdout/stderr, for in-process `run()` tests. */
export function memoryIo(options: {
  stdin?: string | Buffer;
  files?: Record<string, string | Buffer>;
  env?: Record<string, string>;
  now?: Date;
  urls?: Record<string, { status: number; body: string }>;
  tty?: { stdout?: boolean; stderr?: boolean };
}): MemoryIo {
  const out: (string | Uint8Array)[] = [];
  const err: string[] = [];
  const files = new Map(Object.entries(options.files ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
  const failWritesTo = new Set<string>();
  const modes = new Map<string, number>();
  const under = (dir: string): string[] =>
    [...files.keys()].filter((p) => dir === "." || p.startsWith(`${dir}/`));
  const pathKind = (path: string): PathKind =>
    files.has(path) ? "file" : under(path).length > 0 ? "directory" : "missing";
  return {
    files,
    modes,
    failWritesTo,
    stdout: () => out.map((c) => Buffer.from(c).toString("utf8")).join(""),
    stderr: () => err.join(""),
    readStdin: () => Promise.resolve(Buffer.from(options.stdin ?? "")),
    stdinIsTTY: false,
    stderrIsTTY: options.tty?.stderr ?? false,
    stdoutIsTTY: options.tty?.stdout ?? false,
    writeStdout: (text) => void out.push(text),
    writeStderr: (text) => void err.push(text),
    readFile: (path) => {
      const file = files.get(path);
      return file ? Promise.resolve(file) : Promise.reject(enoent(path));
    },
    writeFileAtomic: (path, data, opts) => {
      if (failWritesTo.has(path)) return Promise.reject(new Error(`write ${path}: disk full`));
      const mode = opts?.mode ?? modes.get(path) ?? (files.has(path) ? 0o644 : opts?.createMode);
      files.set(path, Buffer.from(data));
      if (mode !== undefined) modes.set(path, mode);
      return Promise.resolve();
    },
    pathKind: (path) => Promise.resolve(pathKind(path)),
    readDirectory: (dir) => {
      const prefix = dir === "." ? "" : `${dir}/`;
      const entries = new Map<string, DirectoryEntry>();
      for (const p of under(dir)) {
        const [name, ...rest] = p.slice(prefix.length).split("/");
        entries.set(name!, { name: name!, kind: rest.length > 0 ? "directory" : "file" });
      }
      return Promise.resolve([...entries.values()].sort((a, b) => (a.name < b.name ? -1 : 1)));
    },
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
    homeDir: "/home/test",
    now: () => options.now ?? new Date("2026-06-01T00:00:00Z"),
    random: randomBytes,
    program: "signet",
    version: "0.0.0-test",
  };
}
