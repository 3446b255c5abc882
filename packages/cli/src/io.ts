import type { RandomSource } from "@signet/core";

/** What a path is, for the subcommands that walk directories. */
export type PathKind = "file" | "directory" | "other" | "missing";

/** One directory entry; a symbolic link is reported as such, not followed. */
export interface DirectoryEntry {
  name: string;
  kind: "file" | "directory" | "symlink" | "other";
}

/** How `Io.writeFileAtomic` sets the mode of the file it writes. */
export interface WriteOptions {
  /** Mode applied whether or not the file existed (e.g. 0600 for an exported private key). */
  mode?: number;
  /** Mode of a file that did not exist yet, narrowed by the umask; an existing one keeps its own. */
  createMode?: number;
}

/**
 * Everything the CLI does to the outside world, as one narrow port: the bin builds the real one,
 * tests build an in-memory one and call `run(argv, io)` in-process.
 */
export interface Io {
  readStdin(): Promise<Buffer>;
  stdinIsTTY: boolean;
  stderrIsTTY: boolean;
  stdoutIsTTY: boolean;
  writeStdout(text: string | Uint8Array): void;
  writeStderr(text: string): void;
  readFile(path: string): Promise<Buffer>;
  /** Size in bytes of a file (following symbolic links), to refuse one before reading it. */
  fileSize(path: string): Promise<number>;
  /**
   * Writes through a temporary file renamed over `path`; on failure `path` is untouched. Symbolic
   * links are written through (the link stays a link). An existing file keeps its mode and is
   * refused (`EACCES`) when its owner may not write it; a new one gets `createMode` (0644) less
   * the umask. Parts (`readonly string[]`) are written one after the other, never joined.
   */
  writeFileAtomic(
    path: string,
    data: string | Uint8Array | readonly string[],
    options?: WriteOptions,
  ): Promise<void>;
  /**
   * What `path` is, following symbolic links: "missing" for a missing path or a dangling link;
   * a link loop rejects with an `ELOOP` error.
   */
  pathKind(path: string): Promise<PathKind>;
  /** The canonical path of an existing `path` (symbolic links resolved), to tell files apart. */
  realPath(path: string): Promise<string>;
  /** Entries of a directory, sorted by name (symbolic links reported as "symlink"). */
  readDirectory(path: string): Promise<DirectoryEntry[]>;
  /** GET a URL (http, https or file); resolves with the status and body. */
  fetchUrl(url: string): Promise<{ status: number; statusText: string; body: Buffer }>;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * The process's arguments as the bytes it was given (Linux: /proc/self/cmdline), for the
   * values that are not UTF-8, which `process.argv` has replaced; undefined when unknown.
   */
  commandLine?(): readonly Uint8Array[] | undefined;
  /** The environment as bytes, `NAME=VALUE` each (Linux: /proc/self/environ), as above. */
  environment?(): readonly Uint8Array[] | undefined;
  homeDir: string;
  /** The current directory (absolute), against which relative paths are read. */
  cwd(): string;
  now(): Date;
  random: RandomSource;
  /** Name the usage text uses (`signet`). */
  program: string;
  version: string;
}
