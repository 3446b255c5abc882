import { goErrnoText, SignetError } from "@signet/core";

import type { Io } from "./io.js";

/** Go's text of a file-system error (`syscall.Errno`): "no such file or directory", ... */
export const describeFsError = goErrnoText;

/** Go's `*fs.PathError` text, `OP PATH: REASON` (`open x.pem: no such file or directory`). */
export function pathError(op: string, path: string, cause: unknown): SignetError {
  return new SignetError("ERR_IO", `${op} ${path}: ${describeFsError(cause)}`, { cause });
}

/**
 * Reads a whole file as Go's `os.ReadFile` reports it: a failure is `open PATH: REASON`
 * (`op` names another operation, such as the flag that named the file).
 */
export async function readFileOrFail(
  io: Pick<Io, "readFile">,
  path: string,
  op = "open",
): Promise<Buffer> {
  try {
    return await io.readFile(path);
  } catch (cause) {
    throw pathError(op, path, cause);
  }
}
