import { readFileSync } from "node:fs";

/**
 * The Node.js flags the controller bundle runs with, as its first line names them
 * (`#!/usr/bin/env -S node <flags>`, written by packages/controller/scripts/bundle.mjs). Whoever
 * starts the bundle with an explicit `node` (the benchmark, these tests) passes them, as the
 * image's ENTRYPOINT does; a bundle without such a line (an older build) runs with none.
 */
export function nodeFlagsOfHashbang(firstLine: string): string[] {
  const m = /^#!\/usr\/bin\/env(?: -S)? node((?: -[^\s]+)*)\s*$/.exec(firstLine);
  return m ? m[1]!.split(" ").filter(Boolean) : [];
}

/** {@link nodeFlagsOfHashbang} of the bundle at `main`. */
export function controllerNodeFlags(main: string): string[] {
  const head = readFileSync(main, "latin1").slice(0, 512);
  return nodeFlagsOfHashbang(
    head.slice(0, head.indexOf("\n") === -1 ? head.length : head.indexOf("\n")),
  );
}
