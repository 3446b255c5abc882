import type { RandomSource } from "@signet/core";

/**
 * Everything the CLI does to the outside world, as one narrow port: the bin builds the real one,
 * tests build an in-memory one and call `run(argv, io)` in-process.
 */
export interface Io {
  readStdin(): Promise<Buffer>;
  stdinIsTTY: boolean;
  stderrIsTTY: boolean;
  writeStdout(text: string | Uint8Array): void;
  writeStderr(text: string): void;
  readFile(path: string): Promise<Buffer>;
  /** Writes through a temporary file renamed over `path`; on failure `path` is untouched. */
  writeFileAtomic(path: string, data: string | Uint8Array): Promise<void>;
  /** GET a URL (http, https or file); resolves with the status and body. */
  fetchUrl(url: string): Promise<{ status: number; statusText: string; body: Buffer }>;
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  now(): Date;
  random: RandomSource;
  /** Name the usage text uses (`signet`). */
  program: string;
  version: string;
}
