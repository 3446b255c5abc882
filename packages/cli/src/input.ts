import { SignetError } from "@signet/core";

import { describeFsError } from "./cert-source.js";
import type { Io } from "./io.js";

/**
 * The input stream: `-f FILE` or stdin, as bytes (decoded by core's manifest decoder, which
 * refuses invalid UTF-8 as kubeseal does), with its name for error messages.
 */
export interface Input {
  bytes: Buffer;
  source: string;
}

/** Reads `-f` (kubeseal's message on failure) or stdin. */
export async function readInput(file: string, io: Io): Promise<Input> {
  if (file === "") return { bytes: await io.readStdin(), source: "stdin" };
  try {
    return { bytes: await io.readFile(file), source: file };
  } catch (cause) {
    throw new SignetError(
      "ERR_IO",
      `Could not read file specified with --secret-file: open ${file}: ${describeFsError(cause)}`,
      { cause },
    );
  }
}
