import { join } from "node:path";

import { SignetError } from "@signet/core";

import type { Io } from "../io.js";

/** Directories a walk never enters. */
const SKIPPED_DIRECTORIES = new Set([".git", "node_modules"]);
/** Files a walk reads; a file named on the command line is read whatever its name. */
const MANIFEST = /\.(ya?ml|json)$/i;

/**
 * The files named by `paths`, in command-line order, with directories walked depth-first in
 * name order (symbolic links inside them are not followed). A missing path is an error naming it.
 */
export async function collectFiles(paths: readonly string[], io: Io): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const kind = await io.pathKind(path);
    if (kind === "missing") {
      throw new SignetError("ERR_IO", `${path}: no such file or directory`);
    }
    if (kind === "directory") await walk(path, io, out);
    else out.push(path);
  }
  return [...new Set(out)];
}

async function walk(dir: string, io: Io, out: string[]): Promise<void> {
  for (const entry of await io.readDirectory(dir)) {
    const path = join(dir, entry.name);
    if (entry.kind === "directory" && !SKIPPED_DIRECTORIES.has(entry.name)) {
      await walk(path, io, out);
    } else if (entry.kind === "file" && MANIFEST.test(entry.name)) {
      out.push(path);
    }
  }
}
