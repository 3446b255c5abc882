import { randomBytes } from "node:crypto";
import { chmod, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import type { DirectoryEntry, Io, PathKind } from "./io.js";

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Atomic replace: write a hidden temp file next to the target (same filesystem, so rename is
 * atomic), keep the old file's mode, then rename. Any failure removes the temp file and leaves
 * the target as it was.
 */
async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const mode =
    options.mode ??
    (await stat(path).then(
      (s) => s.mode & 0o777,
      () => 0o644,
    ));
  try {
    await writeFile(temp, data, { mode, flush: true });
    // The umask may have narrowed or (for an explicit mode) must not widen the requested mode.
    if (options.mode !== undefined) await chmod(temp, options.mode);
    await rename(temp, path);
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
    .map((e): DirectoryEntry => {
      const kind = e.isFile() ? "file" : e.isDirectory() ? "directory" : "other";
      return { name: e.name, kind };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
    writeFileAtomic,
    pathKind,
    readDirectory,
    fetchUrl,
    env: process.env,
    homeDir: homedir(),
    now: () => new Date(),
    random: randomBytes,
    program: "signet",
    version,
  };
}
