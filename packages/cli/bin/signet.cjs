#!/usr/bin/env node
"use strict";
// Node.js >= 22.1 keeps the code V8 compiled from the bundle between runs (module.enableCompileCache):
// one offline seal then costs about an eighth less CPU (BENCHMARKS.md). The cache is the user's own,
// ${XDG_CACHE_HOME:-~/.cache}/signet/node-compile-cache, never Node.js's default in the shared
// temporary directory, where another user could plant entries. NODE_DISABLE_COMPILE_CACHE=1 turns it
// off (Node.js's own switch); a cache that cannot be written is skipped without a word.
const { enableCompileCache } = require("node:module");
if (typeof enableCompileCache === "function") {
  try {
    const { homedir } = require("node:os");
    const { isAbsolute, join } = require("node:path");
    const xdg = process.env.XDG_CACHE_HOME;
    const home = xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".cache");
    enableCompileCache(join(home, "signet", "node-compile-cache"));
  } catch {
    // No home directory: run without the cache.
  }
}
// Prefer the single-file CommonJS bundle (fastest start); fall back to the tsc output (ESM)
// during development, before `npm run bundle` has run.
try {
  require("../dist/signet.bundle.cjs");
} catch (err) {
  if (err?.code !== "MODULE_NOT_FOUND" || !String(err.message).includes("signet.bundle.cjs"))
    throw err;
  import("../dist/main.js");
}
