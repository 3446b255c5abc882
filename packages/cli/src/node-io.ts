import { randomBytes } from "node:crypto";
import { readFileSync, readSync, statSync, writeSync } from "node:fs";
import type { Stats } from "node:fs";
import {
  chmod,
  chown,
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

import { goErrnoText } from "@signet/core";

import type { DirectoryEntry, Io, PathKind, WriteOptions } from "./io.js";

const STDIN = 0;
const STDOUT = 1;
const CHUNK = 64 * 1024;

/**
 * Whether `fd` is a terminal. node:tty is reached through getBuiltinModule: a plain import of it is
 * reported as unverified by the single-file CLI's snapshot builder, which loads this module.
 */
function isatty(fd: number): boolean {
  return process.getBuiltinModule("node:tty").isatty(fd);
}

function errorCode(err: unknown): string | undefined {
  return (err as { code?: string } | null)?.code;
}

/**
 * Standard input to its end. A file or a pipe is read with blocking reads: a CLI run does one thing
 * at a time, and this spares it the stream machinery and the thread pool (start-up is most of the
 * cost of one seal, BENCHMARKS.md). A terminal, or a descriptor that would block (EAGAIN), is read
 * through `process.stdin`, after what was already read.
 */
async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  if (!isatty(STDIN) && readBlocking(STDIN, chunks)) return Buffer.concat(chunks);
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads `fd` into `chunks`: true at its end, false when a read would block (EAGAIN). */
function readBlocking(fd: number, chunks: Buffer[]): boolean {
  for (;;) {
    const chunk = Buffer.allocUnsafe(CHUNK);
    let n: number;
    try {
      n = readSync(fd, chunk, 0, CHUNK, null);
    } catch (err) {
      if (errorCode(err) === "EAGAIN") return false;
      throw err;
    }
    if (n === 0) return true;
    chunks.push(chunk.subarray(0, n));
  }
}

/** `f()` as a promise: its value, or its exception as the rejection (as the async fs calls do). */
function settled<T>(f: () => T): Promise<T> {
  return new Promise((resolve) => resolve(f()));
}

/**
 * What the process wrote to its standard streams, which decides how it ends: one per process,
 * made by main and shared by its Io and {@link exitWith}.
 */
export interface ProcessOutput {
  /** Something went to `process.stdout` or `process.stderr`, whose writes may be queued. */
  streamed: boolean;
  /** Standard output's reader went away (EPIPE, as `signet ... | head` does): output is dropped. */
  brokenPipe: boolean;
  /**
   * A write to standard output failed otherwise (a full disk, an I/O error): the rest of the
   * output is dropped and the process ends with status 1, the failure reported on stderr.
   */
  failed?: string;
}

export function processOutput(): ProcessOutput {
  return { streamed: false, brokenPipe: false };
}

const isBrokenPipe = (err: unknown): boolean => (err as { code?: string }).code === "EPIPE";
const wouldBlock = (err: unknown): boolean => (err as { code?: string }).code === "EAGAIN";

/** Records a failed write to standard output, or a broken pipe; reports the first failure. */
function writeFailed(out: ProcessOutput, err: unknown): void {
  if (isBrokenPipe(err)) {
    out.brokenPipe = true;
    return;
  }
  if (out.failed !== undefined) return;
  out.failed = err instanceof Error ? err.message : String(err);
  // Reported here: a queued write can fail after run() has returned its status.
  out.streamed = true;
  process.stderr.write(`error: writing standard output: ${out.failed}\n`);
  process.exitCode = 1;
}

/**
 * Writes to standard output with blocking writes while the descriptor takes them whole; after the
 * first one that would block, everything (that text included) goes through `process.stdout`,
 * which queues and reports as Node.js does. Order is kept either way. Once the reader has gone
 * (EPIPE) the rest is dropped and the process ends quietly, as kubeseal (a Go program killed by
 * SIGPIPE) does: no stack trace for `signet ... | head`. Any other failure (`> /dev/full`) drops
 * the rest too and ends the process with `error: writing standard output: ...` and status 1
 * (kubeseal ignores it and exits 0 with its output lost).
 */
function stdoutWriter(out: ProcessOutput): (text: string) => void {
  let stream = false;
  const toStream = (bytes: Uint8Array | string): void => {
    if (!stream) {
      stream = true;
      out.streamed = true;
      process.stdout.on("error", (err) => writeFailed(out, err));
    }
    try {
      // A file or terminal behind process.stdout is written synchronously and throws here.
      process.stdout.write(bytes);
    } catch (err) {
      writeFailed(out, err);
    }
  };
  // The output goes out in pieces of at most 128 Ki UTF-16 units (run.ts), each at most 3 bytes
  // in UTF-8: encoded into this one buffer, not a new one per piece (a 5 MB output made 5 MB of
  // buffers waiting for the collector). Made on the first write that needs it.
  let scratch: Buffer | undefined;
  return (text) => {
    if (out.brokenPipe || out.failed !== undefined) return;
    if (stream) return toStream(text);
    let bytes: Uint8Array;
    if (typeof text !== "string") bytes = text;
    else if (text.length * 3 <= SCRATCH_BYTES) {
      scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
      bytes = scratch.subarray(0, scratch.write(text, "utf8"));
    } else bytes = Buffer.from(text, "utf8");
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(STDOUT, bytes, done);
    } catch (err) {
      // The stream may keep these bytes until it writes them: safe, as from now on every write
      // goes to the stream as text and the scratch buffer is never written again.
      if (wouldBlock(err)) toStream(bytes.subarray(done));
      else writeFailed(out, err);
    }
  };
}

const SCRATCH_BYTES = 3 * 128 * 1024;

/** Writes to standard error; a closed standard error loses the text, never the process. */
function stderrWriter(out: ProcessOutput): (text: string) => void {
  let listening = false;
  return (text) => {
    out.streamed = true;
    if (!listening) {
      listening = true;
      process.stderr.on("error", (err) => {
        if (!isBrokenPipe(err)) throw err;
      });
    }
    process.stderr.write(text);
  };
}

/** The exit status of a process that wrote to a pipe its reader had closed (128 + SIGPIPE). */
export const BROKEN_PIPE_EXIT = 141;

/**
 * Ends the process with `code` once run() has returned it: at once when all output was written
 * with blocking writes (nothing is left to do, and tearing down the runtime costs a seal more than
 * the seal itself), else when Node.js has flushed its streams. A broken standard output ends it
 * with the status a shell shows for a process killed by SIGPIPE, a failed one with status 1.
 */
export function exitWith(out: ProcessOutput, code: number): void {
  if (out.brokenPipe) process.exit(BROKEN_PIPE_EXIT);
  const status = out.failed === undefined ? code : 1;
  if (out.streamed) process.exitCode = status;
  else process.exit(status);
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
 * A write failure worded as Go's `*fs.PathError` for the path the user gave (`open out.yaml:
 * permission denied`, as kubeseal reports one), the reason after it kept; an error without a
 * known errno code is left as it is.
 */
function asPathError(err: unknown, path: string): unknown {
  const reason = goErrnoText(err);
  if (!(err instanceof Error) || reason === err.message) return err;
  const detail = / \((cannot create a temporary file in .*)\)$/.exec(err.message)?.[1];
  const message = `open ${path}: ${reason}${detail === undefined ? "" : ` (${detail})`}`;
  return Object.assign(new Error(message), { code: (err as { code?: string }).code });
}

/**
 * Atomic replace: write a hidden temp file next to the target (same filesystem, so rename is
 * atomic), then rename; a device, pipe or socket is written in place instead. Writes go through
 * symbolic links; an existing file keeps its mode, and one without its owner's write bit is
 * refused as `EACCES` even for root (kubeseal, run by a user, cannot open it either). Any
 * failure removes the temp file and leaves the target as it was, and is worded as Go's
 * `open PATH: REASON` for the path given.
 */
async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | readonly string[],
  options: WriteOptions = {},
): Promise<void> {
  const checked = textPath(path);
  await replaceFile(checked, data, options).catch((err: unknown) => {
    throw asPathError(err, path);
  });
}

async function replaceFile(
  path: string,
  data: string | Uint8Array | readonly string[],
  options: WriteOptions,
): Promise<void> {
  const target = await resolveWriteTarget(path);
  const existing = await writableTarget(target, path);
  // A device, pipe or socket (`-w /dev/stdout`, `/dev/null`) is written to, not replaced by a
  // regular file (kubeseal, run as root, turns /dev/null into one).
  if (existing && !existing.isFile()) return writeFile(target, data);
  // An explicit or kept mode is applied exactly; a new file's mode is narrowed by the umask, as
  // any program's new file is (0644 under the usual 022, 0600 under 077).
  const exact = options.mode ?? (existing ? existing.mode & 0o7777 : undefined);
  const mode = exact ?? options.createMode ?? 0o644;
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temp, data, { mode, flush: true });
    if (exact !== undefined) await chmod(temp, exact);
    // The replacement keeps the file's owner when this process may give it (root, as with sudo).
    if (existing) await chown(temp, existing.uid, existing.gid).catch(() => undefined);
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw namingTarget(err, temp, path);
  }
}

/**
 * What is at `target` (undefined: nothing yet), refusing a directory and a file its owner may
 * not write; errors name `path`, the name the user gave.
 */
async function writableTarget(target: string, path: string): Promise<Stats | undefined> {
  const existing = await stat(target).catch((err: { code?: string }) => {
    if (err.code === "ENOENT") return undefined;
    throw err;
  });
  const refuse = (code: string, what: string): never => {
    throw Object.assign(new Error(`${code}: ${what}, open '${path}'`), { code });
  };
  if (existing?.isDirectory()) refuse("EISDIR", "illegal operation on a directory");
  if (existing?.isFile() && (existing.mode & 0o200) === 0) refuse("EACCES", "permission denied");
  return existing;
}

/**
 * An error about the temporary file, reworded to name the file the user asked for; when the
 * temporary file could not be made at all (a directory the user may not write, a read-only file
 * system), it says so, since the file itself may well be writable.
 */
function namingTarget(err: unknown, temp: string, path: string): unknown {
  if (!(err instanceof Error) || !err.message.includes(temp)) return err;
  const code = (err as { code?: string }).code;
  const message =
    err.message.startsWith(`${code ?? ""}:`) && err.message.endsWith(`open '${temp}'`)
      ? `${err.message.slice(0, err.message.lastIndexOf(", open "))} (cannot create a temporary file in '${dirname(path) || "."}' to replace it atomically)`
      : err.message.split(temp).join(path);
  return Object.assign(new Error(message), { code });
}

function pathKind(path: string): Promise<PathKind> {
  return settled(() => {
    try {
      const s = statSync(rawPath(path, rawSources));
      return s.isFile() ? "file" : s.isDirectory() ? "directory" : "other";
    } catch (err) {
      if ((err as { code?: string }).code === "ENOENT") return "missing";
      throw err;
    }
  });
}

/** The process's arguments as bytes (NUL-separated in /proc/self/cmdline), or undefined. */
function commandLine(): readonly Uint8Array[] | undefined {
  return procStrings("/proc/self/cmdline");
}

/** The environment the process started with, as bytes (/proc/self/environ), or undefined. */
function environment(): readonly Uint8Array[] | undefined {
  return procStrings("/proc/self/environ");
}

function procStrings(path: string): readonly Uint8Array[] | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch {
    return undefined;
  }
  const args: Uint8Array[] = [];
  for (let start = 0; start < raw.length;) {
    const end = raw.indexOf(0, start);
    args.push(raw.subarray(start, end < 0 ? raw.length : end));
    start = end < 0 ? raw.length : end + 1;
  }
  return args;
}

/**
 * A path as the bytes it was given. Node.js reads the process's arguments and environment as
 * UTF-8 and replaces bytes that are not (U+FFFD), so a file name in another encoding
 * (`caf\xe9.yaml`, Latin-1) would name no file. Such a path is looked up among the raw arguments
 * and environment values (`sources()`, see {@link candidatesOf}) and used as those bytes when
 * exactly one byte sequence reads as it. Two that read the same (`p\xe9` and `p\xe8`) cannot be told apart by the text the
 * parser saw: that is refused rather than guessed. A path found nowhere stays text.
 */
export function rawPath(
  path: string,
  sources: () => readonly Uint8Array[] | undefined,
): string | Buffer {
  // Most paths are UTF-8: the raw arguments and environment are read only for the others.
  if (!path.includes("\ufffd")) return path;
  const found: Buffer[] = [];
  for (const source of sources() ?? []) {
    for (const candidate of candidatesOf(source)) {
      if (candidate.toString("utf8") !== path) continue;
      if (!found.some((other) => other.equals(candidate))) found.push(candidate);
    }
  }
  if (found.length > 1) {
    throw Object.assign(
      new Error(
        `the path is not valid UTF-8 (U+FFFD marks the bytes), and ${found.length} different arguments or environment values read as it: signet cannot tell which file is meant; rename the files`,
      ),
      { code: "EILSEQ" },
    );
  }
  return found[0] ?? path;
}

const MAX_CANDIDATES = 4096;

/**
 * The parts of a raw argument or environment entry a path can be: each run that starts at its
 * start or after a `=` or `,` and ends at its end or before a `,` (`--flag=PATH`,
 * `--from-file=KEY=PATH`, `NAME=VALUE`, `--recovery-private-key A,B`).
 */
function* candidatesOf(source: Uint8Array): Generator<Buffer> {
  const bytes = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  const starts = [0];
  const ends: number[] = [];
  bytes.forEach((byte, at) => {
    if (byte === 0x3d || byte === 0x2c) starts.push(at + 1);
    if (byte === 0x2c) ends.push(at);
  });
  ends.push(bytes.length);
  // Bounded: no list of paths has more parts, and an odd environment value must not cost seconds.
  if (starts.length * ends.length > MAX_CANDIDATES) return;
  for (const start of starts) {
    for (const end of ends) if (end >= start) yield bytes.subarray(start, end);
  }
}

/** The raw arguments and environment entries {@link rawPath} looks paths up in. */
function rawSources(): readonly Uint8Array[] {
  return [...(commandLine() ?? []), ...(environment() ?? [])];
}

/**
 * Paths the process may only read as bytes: writing one (through a temporary file next to it and
 * its symbolic links) is refused with a clear error rather than creating a file of another name.
 */
function textPath(path: string, what = "does not write to one"): string {
  if (typeof rawPath(path, rawSources) === "string") return path;
  throw Object.assign(
    new Error(
      `${path}: the path is not valid UTF-8 (U+FFFD marks the bytes); signet reads a file named so but ${what}: rename it`,
    ),
    { code: "EILSEQ" },
  );
}

async function readDirectory(path: string): Promise<DirectoryEntry[]> {
  const entries = await readdir(textPath(path, "does not list a directory named so"), {
    withFileTypes: true,
  });
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

/** The real Io of the `signet` process; `out` records its standard output for exitWith. */
export function nodeIo(version: string, out: ProcessOutput = processOutput()): Io {
  return {
    readStdin,
    stdinIsTTY: isatty(STDIN),
    stderrIsTTY: isatty(2),
    stdoutIsTTY: isatty(STDOUT),
    writeStdout: stdoutWriter(out),
    writeStderr: stderrWriter(out),
    // Blocking reads and stats (see readStdin): no thread pool for a run that waits on each anyway.
    readFile: (path) => settled(() => readFileSync(rawPath(path, rawSources))),
    fileSize: (path) => settled(() => statSync(rawPath(path, rawSources)).size),
    writeFileAtomic,
    pathKind,
    realPath: async (path) => (await realpath(rawPath(path, rawSources))).toString(),
    readDirectory,
    fetchUrl,
    env: process.env,
    commandLine,
    environment,
    homeDir: homedir(),
    cwd: () => process.cwd(),
    now: () => new Date(),
    random: randomBytes,
    program: "signet",
    version,
  };
}
