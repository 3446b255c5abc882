import { randomBytes } from "node:crypto";

import type { Io } from "../io.js";

export interface MemoryIo extends Io {
  files: Map<string, Buffer>;
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
}): MemoryIo {
  const out: (string | Uint8Array)[] = [];
  const err: string[] = [];
  const files = new Map(Object.entries(options.files ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
  const failWritesTo = new Set<string>();
  return {
    files,
    failWritesTo,
    stdout: () => out.map((c) => Buffer.from(c).toString("utf8")).join(""),
    stderr: () => err.join(""),
    readStdin: () => Promise.resolve(Buffer.from(options.stdin ?? "")),
    stdinIsTTY: false,
    stderrIsTTY: false,
    writeStdout: (text) => void out.push(text),
    writeStderr: (text) => void err.push(text),
    readFile: (path) => {
      const file = files.get(path);
      return file ? Promise.resolve(file) : Promise.reject(enoent(path));
    },
    writeFileAtomic: (path, data) => {
      if (failWritesTo.has(path)) return Promise.reject(new Error(`write ${path}: disk full`));
      files.set(path, Buffer.from(data));
      return Promise.resolve();
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
