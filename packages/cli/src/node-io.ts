import { randomBytes } from "node:crypto";
import {
  chmod,
  lstat,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  stat,
  unlink,
  writeFile,
} from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import type { DirectoryEntry, Io, PathKind, WriteOptions } from "./io.js";

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Symbolic links followed before giving up, as Linux does (ELOOP after 40). */
const MAX_LINK_HOPS = 40;

/**
 * The file a write to `path` lands on: symbolic links are followed (a dangling link names the file
 * to create), so the link stays a link and its target is what gets replaced.
 */
async function resolveWriteTarget(path: string): Promise<string> {
  let current = path;
  for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
    let link: string;
    try {
      if (!(await lstat(current)).isSymbolicLink()) return current;
      link = await readlink(current);
    } catch (err) {
      if ((err as { code?: string }).code === "ENOENT") return current;
      throw err;
    }
    current = resolve(dirname(current), link);
  }
  throw Object.assign(new Error(`ELOOP: too many symbolic links encountered, open '${path}'`), {
    code: "ELOOP",
  });
}

/**
 * Atomic replace: write a hidden temp file next to the target (same filesystem, so rename is
 * atomic), then rename. Writes go through symbolic links; an existing file keeps its mode, and one
 * without its owner's write bit is refused as `EACCES` even for root (kubeseal, run by a user,
 * cannot open it either). Any failure removes the temp file and leaves the target as it was.
 */
async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteOptions = {},
): Promise<void> {
  const target = await resolveWriteTarget(path);
  const existing = await stat(target).catch((err: { code?: string }) => {
    if (err.code === "ENOENT") return undefined;
    throw err;
  });
  if (existing && (existing.mode & 0o200) === 0) {
    throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), {
      code: "EACCES",
    });
  }
  const mode = options.mode ?? (existing ? existing.mode & 0o7777 : (options.createMode ?? 0o644));
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temp, data, { mode, flush: true });
    // The umask may have narrowed the mode; an explicit or kept mode is applied exactly.
    await chmod(temp, mode);
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

async function pathKind(path: string): Promise<PathKind> {
  try {
    const s = await stat(path);
    return s.isFile() ? "file" : s.isDirectory() ? "directory" : "other";
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return "missing";
    throw err;
  }
}

async function readDirectory(path: string): Promise<DirectoryEntry[]> {
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .map((e): DirectoryEntry => ({ name: e.name, kind: entryKind(e) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function entryKind(e: {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}): DirectoryEntry["kind"] {
  if (e.isSymbolicLink()) return "symlink";
  return e.isFile() ? "file" : e.isDirectory() ? "directory" : "other";
}

async function fetchUrl(
  url: string,
): Promise<{ status: number; statusText: string; body: Buffer }> {
  if (url.startsWith("file://")) {
    return { status: 200, statusText: "OK", body: await readFile(fileURLToPath(url)) };
  }
  const response = await fetch(url);
  return {
    status: response.status,
    statusText: response.statusText,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

/** The real Io of the `signet` process. */
export function nodeIo(version: string): Io {
  return {
    readStdin,
    stdinIsTTY: process.stdin.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
    writeStdout: (text) => void process.stdout.write(text),
    writeStderr: (text) => void process.stderr.write(text),
    readFile: (path) => readFile(path),
    fileSize: async (path) => (await stat(path)).size,
    writeFileAtomic,
    pathKind,
    realPath: (path) => realpath(path),
    readDirectory,
    fetchUrl,
    env: process.env,
    homeDir: homedir(),
    cwd: () => process.cwd(),
    now: () => new Date(),
    random: randomBytes,
    program: "signet",
    version,
  };
}
